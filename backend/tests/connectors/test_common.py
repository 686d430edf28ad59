"""What every connector must do, run against each kind in turn."""

import time
from typing import Any

import pytest

from sluice.connectors import connect
from sluice.connectors.base import Connector, ConnectorError, DatasourceUnavailable, QueryTimeout
from sluice.errors import SluiceError
from tests.connectors.conftest import FAST_RETRIES, mysql_config, pg_config, placeholder
from tests.servers import require_mariadb, require_postgres

pytestmark = pytest.mark.anyio

SLOW_SQL = {
    "postgres": "SELECT pg_sleep(5)",
    "mysql": "SELECT SLEEP(5)",
    "trino": "SELECT sleep_ms(5000)",
    "sqlite": (
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000000)"
        " SELECT count(*) FROM n"
    ),
}


def slow_sql(connector: Connector) -> str:
    name = type(connector).__name__
    key = {"PostgresConnector": "postgres", "MySQLConnector": "mysql"}.get(name)
    key = key or {"TrinoConnector": "trino", "SQLiteConnector": "sqlite"}[name]
    return SLOW_SQL[key]


def chain(error: BaseException) -> list[BaseException]:
    """Every exception reachable from `error` through __cause__ and __context__."""
    seen: list[BaseException] = []
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop()
        if current is None or current in seen:
            continue
        seen.append(current)
        pending += [current.__cause__, current.__context__]
    return seen


def assert_ours(error: BaseException) -> None:
    """No driver exception is reachable from what a connector raised."""
    for link in chain(error):
        assert isinstance(link, SluiceError), f"foreign exception reachable: {type(link)}"


async def test_select_with_params_keeps_column_order(
    any_connector: Connector, scratch: str
) -> None:
    mark = placeholder(any_connector)
    result = await any_connector.execute(
        f"SELECT amount, name, id FROM {scratch} WHERE amount >= {mark} ORDER BY id",
        [20],
    )
    assert result.columns == ["amount", "name", "id"]
    assert result.rows == [
        {"amount": 20, "name": "bob", "id": 2},
        {"amount": 30, "name": "cid", "id": 3},
    ]
    assert list(result.rows[0]) == ["amount", "name", "id"]


async def test_write_reports_rowcount(any_connector: Connector, scratch: str) -> None:
    mark = placeholder(any_connector)
    result = await any_connector.execute(
        f"UPDATE {scratch} SET amount = amount + 1 WHERE amount < {mark}", [25]
    )
    assert result.rows is None
    assert result.rowcount == 2


async def test_transaction_commits_on_clean_exit(any_connector: Connector, scratch: str) -> None:
    async with any_connector.transaction() as tx:
        await tx.execute(f"INSERT INTO {scratch} VALUES (4, 'dan', 40)")
        await tx.execute(f"UPDATE {scratch} SET amount = 41 WHERE id = 4")
    result = await any_connector.execute(f"SELECT amount FROM {scratch} WHERE id = 4")
    assert result.rows == [{"amount": 41}]


async def test_transaction_rolls_back_on_error(any_connector: Connector, scratch: str) -> None:
    with pytest.raises(ConnectorError) as caught:
        async with any_connector.transaction() as tx:
            await tx.execute(f"INSERT INTO {scratch} VALUES (5, 'eve', 50)")
            await tx.execute(f"INSERT INTO {scratch} VALUES (5, 'dup', 50)")
    assert_ours(caught.value)
    result = await any_connector.execute(f"SELECT count(*) AS n FROM {scratch} WHERE id = 5")
    assert result.rows == [{"n": 0}]


async def test_transaction_rolls_back_on_caller_error(
    any_connector: Connector, scratch: str
) -> None:
    with pytest.raises(LookupError):
        async with any_connector.transaction() as tx:
            await tx.execute(f"DELETE FROM {scratch}")
            raise LookupError("the caller changed its mind")
    result = await any_connector.execute(f"SELECT count(*) AS n FROM {scratch}")
    assert result.rows == [{"n": 3}]


async def test_statement_timeout_fires(any_connector: Connector) -> None:
    started = time.monotonic()
    with pytest.raises(QueryTimeout) as caught:
        await any_connector.execute(slow_sql(any_connector), timeout_ms=300)
    assert time.monotonic() - started < 1.5
    assert caught.value.status == 504
    assert_ours(caught.value)
    assert (await any_connector.execute("SELECT 1 AS one")).rows == [{"one": 1}]


async def test_errors_are_ours_and_say_little(any_connector: Connector) -> None:
    with pytest.raises(ConnectorError) as caught:
        await any_connector.execute("SELECT * FROM no_such_table_here WHERE secret = 1")
    error = caught.value
    assert_ours(error)
    assert "no_such_table_here" not in error.message
    assert "secret" not in error.message
    assert error.detail and "no_such_table_here" in error.detail


async def test_tables_lists_columns(any_connector: Connector, scratch: str) -> None:
    tables = {table.name: table for table in await any_connector.tables()}
    assert scratch in tables
    assert [column.name for column in tables[scratch].columns] == ["id", "name", "amount"]


async def test_ping_and_repr(any_connector: Connector) -> None:
    await any_connector.ping()
    assert "password" not in repr(any_connector).lower()


async def test_mapping_params(any_connector: Connector, scratch: str) -> None:
    """Named parameters work where the driver has them; Trino's client refuses them clearly."""
    sql: dict[str, Any] = {
        "format": f"SELECT name FROM {scratch} WHERE id = %(id)s",
        "qmark": f"SELECT name FROM {scratch} WHERE id = :id",
    }
    if type(any_connector).__name__ == "TrinoConnector":
        with pytest.raises(ConnectorError):
            await any_connector.execute(sql["qmark"], {"id": 2})
        return
    result = await any_connector.execute(sql[any_connector.paramstyle], {"id": 2})
    assert result.rows == [{"name": "bob"}]


@pytest.mark.parametrize("kind", ["postgres", "mysql"])
async def test_no_free_connection_gives_up_after_all_retries(kind: str) -> None:
    """The pooled kinds: a call that finds every connection busy for the connect timeout
    fails as unavailable, after the retries, and the pool works again once one is free."""
    require_postgres() if kind == "postgres" else require_mariadb()
    make = pg_config if kind == "postgres" else mysql_config
    narrow = connect(make(pool_size=1, connect_timeout_s=0.2), retry_delays_ms=FAST_RETRIES)
    try:
        async with narrow.transaction() as tx:  # holds the only connection
            await tx.execute("SELECT 1")
            started = time.monotonic()
            with pytest.raises(DatasourceUnavailable) as caught:
                await narrow.execute("SELECT 1")
            waited = time.monotonic() - started
        assert caught.value.message == "Data source unavailable: no free connection"
        assert caught.value.retries == len(FAST_RETRIES)
        assert 0.8 <= waited < 3
        assert_ours(caught.value)
        assert (await narrow.execute("SELECT 2 AS n")).rows == [{"n": 2}]  # free again
    finally:
        await narrow.close()
