"""Streamed reads, quoted names and batched writes, on each connector kind in turn."""

import time

import pytest

from sluice.connectors.base import (
    Connector,
    ConnectorError,
    InvalidConfig,
    QueryTimeout,
    qualified_name,
    quote_identifier,
)
from tests.connectors.conftest import placeholder
from tests.connectors.test_common import assert_ours, slow_sql

pytestmark = pytest.mark.anyio


def is_trino(connector: Connector) -> bool:
    return type(connector).__name__ == "TrinoConnector"


async def test_stream_reads_every_row_in_order_across_batches(
    any_connector: Connector, scratch: str
) -> None:
    mark = placeholder(any_connector)
    sql = f"SELECT id, name, amount FROM {scratch} WHERE amount >= {mark} ORDER BY id"
    batches = []
    async with any_connector.stream(sql, [0], batch_rows=2) as rows:
        assert rows.columns == ["id", "name", "amount"]
        while batch := await rows.fetch():
            batches.append(batch)
        assert await rows.fetch() == []
    assert [len(batch) for batch in batches] == [2, 1]
    assert [row for batch in batches for row in batch] == [
        {"id": 1, "name": "ann", "amount": 10},
        {"id": 2, "name": "bob", "amount": 20},
        {"id": 3, "name": "cid", "amount": 30},
    ]


async def test_stream_rows_are_those_a_plain_read_gives(
    any_connector: Connector, scratch: str
) -> None:
    """The same value rules: a stream's rows equal the read's, value for value."""
    sql = f"SELECT id, amount * 1.5 AS half, name FROM {scratch} ORDER BY id"
    expected = (await any_connector.read(sql)).rows
    async with any_connector.stream(sql) as rows:
        assert await rows.fetch() == expected


async def test_an_empty_stream_still_has_its_columns(
    any_connector: Connector, scratch: str
) -> None:
    async with any_connector.stream(f"SELECT name, id FROM {scratch} WHERE id < 0") as rows:
        first = await rows.fetch()
        assert rows.columns == ["name", "id"]
    assert first == []


async def test_leaving_a_stream_early_frees_its_connection(
    any_connector: Connector, scratch: str
) -> None:
    for _ in range(4):  # more times than any pool has connections
        async with any_connector.stream(f"SELECT id FROM {scratch}", batch_rows=1) as rows:
            assert len(await rows.fetch()) == 1
    assert (await any_connector.execute(f"SELECT count(*) AS n FROM {scratch}")).rows == [{"n": 3}]


async def test_a_failing_stream_raises_ours(any_connector: Connector) -> None:
    with pytest.raises(ConnectorError) as caught:
        async with any_connector.stream("SELECT * FROM no_such_table_here") as rows:
            await rows.fetch()
    assert_ours(caught.value)
    assert (await any_connector.execute("SELECT 1 AS one")).rows == [{"one": 1}]


async def test_each_fetch_is_bounded_by_the_timeout(any_connector: Connector) -> None:
    started = time.monotonic()
    with pytest.raises(QueryTimeout) as caught:
        async with any_connector.stream(slow_sql(any_connector), timeout_ms=300) as rows:
            await rows.fetch()
    assert time.monotonic() - started < 2.5
    assert_ours(caught.value)
    assert (await any_connector.execute("SELECT 1 AS one")).rows == [{"one": 1}]


async def test_a_described_table_is_read_by_its_quoted_name(
    any_connector: Connector, scratch: str
) -> None:
    table = await any_connector.describe_table(scratch)
    assert table is not None
    name = qualified_name(table, any_connector.identifier_quote)
    if is_trino(any_connector):  # the fake Trino runs SQLite, which has no such schema
        assert name == f'"default"."{scratch}"'
        return
    result = await any_connector.read(f"SELECT count(*) AS n FROM {name}")
    assert result.rows == [{"n": 3}]


def test_quoting_doubles_the_quote_and_refuses_nul() -> None:
    assert quote_identifier('we"ird', '"') == '"we""ird"'
    assert quote_identifier("we`ird", "`") == "`we``ird`"
    for bad in ("", "a\x00b"):
        with pytest.raises(InvalidConfig):
            quote_identifier(bad, '"')


async def test_execute_many_writes_a_batch(any_connector: Connector, scratch: str) -> None:
    mark = placeholder(any_connector)
    sql = f"INSERT INTO {scratch} (id, name, amount) VALUES ({mark}, {mark}, {mark})"
    rows = [(10 + i, f"n{i}", i) for i in range(50)]
    if is_trino(any_connector):
        with pytest.raises(InvalidConfig):
            async with any_connector.transaction() as tx:
                await tx.execute_many(sql, rows)
        return
    async with any_connector.transaction() as tx:
        await tx.execute_many(sql, rows)
    result = await any_connector.execute(f"SELECT count(*) AS n FROM {scratch}")
    assert result.rows == [{"n": 53}]


async def test_a_refused_batch_names_the_database_reason(
    any_connector: Connector, scratch: str
) -> None:
    mark = placeholder(any_connector)
    sql = f"INSERT INTO {scratch} (id, name, amount) VALUES ({mark}, {mark}, {mark})"
    with pytest.raises(ConnectorError) as caught:
        async with any_connector.transaction() as tx:
            await tx.execute_many(sql, [(20, "new", 1), (1, "again", 2)])
    assert_ours(caught.value)
    if is_trino(any_connector):
        assert isinstance(caught.value, InvalidConfig)
        return
    assert caught.value.message == "Query failed: constraint violation"
    assert caught.value.detail
    result = await any_connector.execute(f"SELECT count(*) AS n FROM {scratch}")
    assert result.rows == [{"n": 3}]
