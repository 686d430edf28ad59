"""A saved data source's tables, as the table tools reach them: found by exact name (the
database's own catalogue says what exists and how it is spelled, so a name from a URL is
never pasted into SQL unchecked), and exported whole as a file.

Each use opens a short-lived connector of its own, as table listing does, so an export
or an import never holds a connection of the gateway's pools.
"""

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from sluice.connectors import connect
from sluice.connectors.base import (
    ConnectionConfig,
    Connector,
    RowStream,
    TableInfo,
    qualified_name,
)
from sluice.errors import NotFound
from sluice.models.datasource import PreviewColumn, TablePreview
from sluice.services.exports import Export, Format


def short_lived(config: ConnectionConfig) -> Connector:
    """A connector for one admin action: no retries, closed by the caller."""
    return connect(config, retry_delays_ms=())


async def find_table(connector: Connector, name: str, schema: str | None) -> TableInfo:
    """The table's description (its columns and their types); 404 naming it when there
    is none."""
    table = await connector.describe_table(name, schema)
    if table is None:
        where = f" in schema {schema!r}" if schema else ""
        raise NotFound(f"No table or view named {name!r}{where} in this data source")
    return table


def quoted(connector: Connector, table: TableInfo) -> str:
    """The table's name as SQL: quoted, with its schema."""
    return qualified_name(table, connector.identifier_quote)


async def preview_table(
    config: ConnectionConfig, name: str, schema: str | None, limit: int
) -> TablePreview:
    """The table's description and its first `limit` rows. The name reaches SQL only as the
    catalogue spells it, quoted; `limit` is a checked integer."""
    connector = short_lived(config)
    try:
        table = await find_table(connector, name, schema)
        result = await connector.read(f"SELECT * FROM {quoted(connector, table)} LIMIT {limit:d}")
    finally:
        await connector.close()
    keys = set(table.primary_key)
    columns = [
        PreviewColumn(
            name=c.name,
            type=c.type,
            nullable=c.nullable,
            primary_key=c.name in keys,
            default=c.default,
        )
        for c in table.columns
    ]
    return TablePreview(
        schema=table.schema,
        name=table.name,
        is_view=table.is_view,
        primary_key=table.primary_key,
        columns=columns,
        rows=result.rows or [],
        limit=limit,
    )


async def export_table(
    config: ConnectionConfig, name: str, schema: str | None, fmt: Format
) -> tuple[Export, TableInfo]:
    """Every row of the table, streamed (in no particular order: the table's own)."""
    connector = short_lived(config)
    try:
        table = await find_table(connector, name, schema)
        opened = connector.stream(f"SELECT * FROM {quoted(connector, table)}")
        export = await Export.start(_closing(connector, opened), fmt)
    except BaseException:
        await connector.close()
        raise
    return export, table


@asynccontextmanager
async def _closing(
    connector: Connector, opened: AbstractAsyncContextManager[RowStream]
) -> AsyncIterator[RowStream]:
    """The stream, and the connector closed once it ends."""
    try:
        async with opened as rows:
            yield rows
    finally:
        await connector.close()
