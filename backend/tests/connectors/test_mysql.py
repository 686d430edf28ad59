"""MariaDB specifics, on the real server: RETURNING, read-only, timeouts, killed
connections, pool size, unreachable host, wrong password, values, options."""

import asyncio
import time
from collections.abc import AsyncIterator

import pytest

from sluice.connectors import connect
from sluice.connectors.base import (
    ConnectorError,
    DatasourceUnavailable,
    InvalidConfig,
    QueryTimeout,
)
from sluice.connectors.mysql import MySQLConnector
from tests.connectors.conftest import (
    FAST_RETRIES,
    mysql_admin,
    mysql_config,
    unique,
)
from tests.connectors.test_common import assert_ours
from tests.servers import require_mariadb

pytestmark = pytest.mark.anyio


@pytest.fixture
async def my() -> AsyncIterator[MySQLConnector]:
    require_mariadb()
    connector = MySQLConnector(mysql_config(), retry_delays_ms=FAST_RETRIES)
    yield connector
    await connector.close()


@pytest.fixture
async def table(my: MySQLConnector) -> AsyncIterator[str]:
    name = unique()
    await my.execute(
        f"CREATE TABLE {name} (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(20), doc JSON)"
    )
    yield name
    await my.execute(f"DROP TABLE {name}")


async def test_insert_returning(my: MySQLConnector, table: str) -> None:
    result = await my.execute(
        f"INSERT INTO {table} (name, doc) VALUES (%s, %s), (%s, NULL) RETURNING id, name, doc",
        ["a", '{"x": [1, 2]}', "b"],
    )
    assert result.rows == [
        {"id": 1, "name": "a", "doc": {"x": [1, 2]}},
        {"id": 2, "name": "b", "doc": None},
    ]


async def test_json_column_parsed_text_column_not(my: MySQLConnector, table: str) -> None:
    await my.execute(f"INSERT INTO {table} (name, doc) VALUES ('{{}}', '[1, {{\"a\": null}}]')")
    result = await my.execute(f"SELECT name, doc FROM {table}")
    assert result.rows == [{"name": "{}", "doc": [1, {"a": None}]}]


async def test_read_only_transaction_refuses_writes(my: MySQLConnector, table: str) -> None:
    with pytest.raises(ConnectorError) as caught:
        async with my.transaction(read_only=True) as tx:
            await tx.execute(f"SELECT count(*) FROM {table}")
            await tx.execute(f"INSERT INTO {table} (name) VALUES ('x')")
    assert caught.value.message == "Query failed: not allowed in this transaction"
    assert_ours(caught.value)
    assert (await my.execute(f"SELECT count(*) AS n FROM {table}")).rows == [{"n": 0}]


async def test_default_timeout_is_set_per_connection(my: MySQLConnector) -> None:
    shown = await my.execute("SELECT @@max_statement_time AS t")
    assert shown.rows == [{"t": 10.0}]
    custom = await my.execute("SELECT @@max_statement_time AS t", timeout_ms=1500)
    assert custom.rows == [{"t": 1.5}]


async def test_transaction_timeout(my: MySQLConnector) -> None:
    started = time.monotonic()
    with pytest.raises(QueryTimeout):
        async with my.transaction(timeout_ms=300) as tx:
            await tx.execute("SELECT SLEEP(5)")
    assert time.monotonic() - started < 1.5


async def test_survives_killed_connections(my: MySQLConnector) -> None:
    """Stand-in for a server restart (restarting the shared server would disrupt other
    tests): every connection of the pool is killed from another connection."""
    first = await my.execute("SELECT CONNECTION_ID() AS id")
    assert first.rows
    await mysql_admin(f"KILL {first.rows[0]['id']}")
    second = await my.execute("SELECT CONNECTION_ID() AS id")
    assert second.rows and second.rows[0]["id"] != first.rows[0]["id"]
    await asyncio.sleep(0.05)
    third = await my.execute("SELECT 1 AS ok")
    assert third.rows == [{"ok": 1}]


async def test_pool_reuses_at_most_pool_size_connections(my: MySQLConnector) -> None:
    async def one() -> object:
        result = await my.execute("SELECT CONNECTION_ID() AS id, SLEEP(0.01) AS s")
        return result.rows[0]["id"] if result.rows else None

    ids = await asyncio.gather(*(one() for _ in range(30)))
    assert 1 <= len(set(ids)) <= 3


async def test_unreachable_host_gives_up_after_all_retries() -> None:
    connector = connect(mysql_config(port=1), retry_delays_ms=FAST_RETRIES)
    started = time.monotonic()
    try:
        with pytest.raises(DatasourceUnavailable) as caught:
            await connector.execute("SELECT 1")
    finally:
        await connector.close()
    assert time.monotonic() - started < 3
    assert caught.value.retries == len(FAST_RETRIES)
    assert_ours(caught.value)


async def test_wrong_password_is_never_shown() -> None:
    require_mariadb()
    secret = "Wr0ng-Pa55-for-root"
    connector = connect(mysql_config(password=secret), retry_delays_ms=FAST_RETRIES)
    try:
        with pytest.raises(ConnectorError) as caught:
            await connector.execute("SELECT 1")
    finally:
        await connector.close()
    error = caught.value
    assert error.message == "Connection failed: authentication rejected"
    assert error.retries == 0
    for text in (str(error), error.message, error.detail or "", repr(error), repr(connector)):
        assert secret not in text
    assert_ours(error)


def test_unsafe_options_are_refused() -> None:
    for options in ({"init_command": "DROP TABLE x"}, {"local_infile": True}, {"charset": "x;y"}):
        with pytest.raises(InvalidConfig):
            connect(mysql_config(options=options))


async def test_value_types(my: MySQLConnector) -> None:
    result = await my.execute(
        """
        SELECT CAST(12.30 AS DECIMAL(6, 2)) AS `dec`, 1.5e0 AS f,
               18446744073709551615 AS big, TRUE AS yes,
               DATE '2024-02-29' AS d, TIMESTAMP '2024-02-29 13:14:15.5' AS ts,
               CAST('26:00:00.5' AS TIME(1)) AS t, x'00ff' AS b,
               JSON_OBJECT('a', 1) AS computed_json, NULL AS empty, 'héllo' AS s
        """
    )
    assert result.rows == [
        {
            "dec": "12.30",
            "f": 1.5,
            "big": 18446744073709551615,
            "yes": 1,
            "d": "2024-02-29",
            "ts": "2024-02-29T13:14:15.500000",
            "t": 93600.5,
            "b": "AP8=",
            "computed_json": '{"a": 1}',
            "empty": None,
            "s": "héllo",
        }
    ]


async def test_result_shapes_share_a_connection() -> None:
    """One pooled connection, results of different shapes in turn: each is converted by
    its own plan, also when the same description comes back from another origin."""
    require_mariadb()
    my = MySQLConnector(mysql_config(pool_size=1), retry_delays_ms=FAST_RETRIES)
    docs, texts, blobs = unique("docs"), unique("texts"), unique("blobs")
    try:
        await my.execute(f"CREATE TABLE {docs} (v JSON)")
        await my.execute(f"CREATE TABLE {texts} (v LONGTEXT)")
        await my.execute(f"CREATE TABLE {blobs} (v VARBINARY(8), w VARCHAR(8) CHARSET latin1)")
        await my.execute(f"INSERT INTO {docs} VALUES ('{{\"a\": [1, 2.5]}}')")
        await my.execute(f"INSERT INTO {texts} VALUES ('{{\"a\": [1, 2.5]}}')")
        await my.execute(f"INSERT INTO {blobs} VALUES (x'00ff', 'ab')")
        for _ in range(2):  # the second round runs on cached plans
            assert (await my.execute("SELECT %s AS a", [1])).rows == [{"a": 1}]
            assert (await my.execute("SELECT %s AS a", ["x"])).rows == [{"a": "x"}]
            assert (await my.execute("SELECT 1 AS a, 'x' AS b")).rows == [{"a": 1, "b": "x"}]
            parsed = await my.execute(f"SELECT v FROM {docs}")
            assert parsed.rows == [{"v": {"a": [1, 2.5]}}]
            assert (await my.execute(f"SELECT v FROM {texts}")).rows == [{"v": '{"a": [1, 2.5]}'}]
            assert (await my.execute(f"SELECT v FROM {blobs}")).rows == [{"v": "AP8="}]
            assert (await my.execute(f"SELECT w AS v FROM {blobs}")).rows == [{"v": "ab"}]
            money = await my.execute("SELECT CAST(%s AS DECIMAL(8, 2)) AS m", ["12.3"])
            assert money.rows == [{"m": "12.30"}]
            same_name = await my.execute("SELECT 1 AS a, x'00ff' AS a, 2 AS b")
            assert same_name.rows == [{"a": "AP8=", "b": 2}]
            assert same_name.columns == ["a", "a", "b"]
        many = await my.execute("SELECT seq AS n, CONCAT('r', seq) AS s FROM seq_1_to_3")
        assert many.rows == [{"n": i, "s": f"r{i}"} for i in (1, 2, 3)]
        many.columns.append("changed by a caller")
        again = await my.execute("SELECT seq AS n, CONCAT('r', seq) AS s FROM seq_1_to_3")
        assert again.columns == ["n", "s"]
    finally:
        for table in (docs, texts, blobs):
            await my.execute(f"DROP TABLE IF EXISTS {table}")
        await my.close()
