"""The factory: a ConnectionConfig in, the connector for its kind out (not yet connected)."""

from collections.abc import Callable, Sequence

from sluice.connectors import mysql, postgres, trino
from sluice.connectors.base import ConnectionConfig, Connector, InvalidConfig
from sluice.connectors.common import DEFAULT_RETRY_DELAYS_MS
from sluice.connectors.mysql import MySQLConnector
from sluice.connectors.postgres import PostgresConnector
from sluice.connectors.sqlite import SQLiteConnector
from sluice.connectors.trino import TrinoConnector
from sluice.models.datasource import BAD_HOST, check_host

ConnectorClass = Callable[..., Connector]

KINDS: dict[str, ConnectorClass] = {
    "postgres": PostgresConnector,
    "mysql": MySQLConnector,
    "trino": TrinoConnector,
    "sqlite": SQLiteConnector,
}

SESSION_OPTIONS: dict[str, frozenset[str]] = {
    "postgres": postgres.SESSION_OPTIONS | postgres.OWN_OPTIONS,
    "mysql": mysql.SESSION_OPTIONS,
    "trino": trino.SESSION_OPTIONS,
}
"""Per kind, the options that do not decide where or how safely a password travels."""


def connect(
    config: ConnectionConfig, *, retry_delays_ms: Sequence[int] = DEFAULT_RETRY_DELAYS_MS
) -> Connector:
    """Build the connector for `config.type`. Nothing is opened until its first call, so a
    bad setting (InvalidConfig) shows here and an unreachable server on first use."""
    kind = KINDS.get(config.type)
    if kind is None:
        raise InvalidConfig(f"Unknown data source type: {config.type}")
    if any(delay < 0 for delay in retry_delays_ms):
        raise InvalidConfig("Retry delays must not be negative")
    if config.host is not None:
        _check_host(config.host)
    return kind(config, retry_delays_ms=retry_delays_ms)


def _check_host(host: str) -> None:
    """The data-source forms refuse a bad host, but a row saved before they did would make
    the driver's resolver raise an encoding error, or take a NUL-ended name as written."""
    try:
        check_host(host)
    except ValueError:
        raise InvalidConfig(f"Data source {BAD_HOST}") from None
