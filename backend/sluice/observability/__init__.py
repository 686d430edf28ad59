"""Logging, request ids and metrics: the process's view of itself."""
