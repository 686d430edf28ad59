"""The rules that act on models: used by the admin API, the gateway, the CLI and tests."""
