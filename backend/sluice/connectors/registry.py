"""The factory: a ConnectionConfig in, the connector for its kind out (not yet connected)."""

from collections.abc import Callable, Sequence

from sluice.connectors.base import ConnectionConfig, Connector, InvalidConfig
from sluice.connectors.common import DEFAULT_RETRY_DELAYS_MS
from sluice.connectors.mysql import MySQLConnector
from sluice.connectors.postgres import PostgresConnector
from sluice.connectors.sqlite import SQLiteConnector
from sluice.connectors.trino import TrinoConnector

ConnectorClass = Callable[..., Connector]

KINDS: dict[str, ConnectorClass] = {
    "postgres": PostgresConnector,
    "mysql": MySQLConnector,
    "trino": TrinoConnector,
    "sqlite": SQLiteConnector,
}


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
    return kind(config, retry_delays_ms=retry_delays_ms)
