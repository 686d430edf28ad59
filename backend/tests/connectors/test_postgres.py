"""PostgreSQL specifics, on the real server: RETURNING, read-only, timeouts, a backend
restart, pool size, unreachable host, values, options."""

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
from sluice.connectors.postgres import PostgresConnector
from tests.conftest import require_postgres
from tests.connectors.conftest import FAST_RETRIES, pg_admin, pg_config, unique
from tests.connectors.test_common import assert_ours

pytestmark = pytest.mark.anyio


@pytest.fixture
async def pg() -> AsyncIterator[PostgresConnector]:
    require_postgres()
    connector = PostgresConnector(pg_config(), retry_delays_ms=FAST_RETRIES)
    yield connector
    await connector.close()


@pytest.fixture
async def table(pg: PostgresConnector) -> AsyncIterator[str]:
    name = unique()
    await pg.execute(f"CREATE TABLE {name} (id serial PRIMARY KEY, name text NOT NULL)")
    yield name
    await pg.execute(f"DROP TABLE {name}")


def app_name(pg: PostgresConnector) -> str:
    return str(pg._config.options["application_name"])


async def test_insert_returning(pg: PostgresConnector, table: str) -> None:
    result = await pg.execute(
        f"INSERT INTO {table} (name) VALUES (%s), (%s) RETURNING id, name", ["a", "b"]
    )
    assert result.rows == [{"id": 1, "name": "a"}, {"id": 2, "name": "b"}]
    assert result.rowcount == 2


async def test_read_only_transaction_refuses_writes(pg: PostgresConnector, table: str) -> None:
    with pytest.raises(ConnectorError) as caught:
        async with pg.transaction(read_only=True) as tx:
            assert (await tx.execute(f"SELECT count(*) AS n FROM {table}")).rows == [{"n": 0}]
            await tx.execute(f"INSERT INTO {table} (name) VALUES ('x')")
    assert caught.value.message == "Query failed: not allowed in this transaction"
    assert "25006" in (caught.value.detail or "")


async def test_reads_are_read_only_and_writes_still_work_after_them(
    pg: PostgresConnector, table: str
) -> None:
    """A read leaves its connection's session read-only; a write or a transaction on that
    same connection must still write."""
    single = PostgresConnector(pg_config(pool_size=1), retry_delays_ms=FAST_RETRIES)
    try:
        assert (await single.read(f"SELECT count(*) AS n FROM {table}")).rows == [{"n": 0}]
        with pytest.raises(ConnectorError) as caught:
            await single.read(f"INSERT INTO {table} (name) VALUES ('sneaky')")
        assert "25006" in (caught.value.detail or "")
        assert (await single.execute(f"INSERT INTO {table} (name) VALUES ('a')")).rowcount == 1
        await single.read("SELECT 1 AS one")
        async with single.transaction() as tx:
            await tx.execute(f"INSERT INTO {table} (name) VALUES ('b')")
        await single.read("SELECT 1 AS one", timeout_ms=700)
        rows = (await single.read(f"SELECT name FROM {table} ORDER BY id")).rows
        assert rows == [{"name": "a"}, {"name": "b"}]
    finally:
        await single.close()


async def test_per_call_timeout_does_not_stick(pg: PostgresConnector) -> None:
    """A call with its own timeout leaves the next default call on the default."""
    await pg.execute("SELECT 1", timeout_ms=1234)
    for _ in range(3):
        shown = await pg.execute("SHOW statement_timeout")
        assert shown.rows == [{"statement_timeout": "10s"}]
    custom = await pg.execute("SHOW statement_timeout", timeout_ms=4321)
    assert custom.rows == [{"statement_timeout": "4321ms"}]


async def test_transaction_timeout(pg: PostgresConnector) -> None:
    started = time.monotonic()
    with pytest.raises(QueryTimeout):
        async with pg.transaction(timeout_ms=300) as tx:
            await tx.execute("SELECT pg_sleep(5)")
    assert time.monotonic() - started < 1.5
    async with pg.transaction() as tx:
        shown = await tx.execute("SHOW statement_timeout")
    assert shown.rows == [{"statement_timeout": "10s"}]


async def test_survives_backends_terminated_between_queries(pg: PostgresConnector) -> None:
    """Stand-in for a server restart (restarting the shared server would disrupt other
    tests): every backend of the pool is terminated from another connection."""
    first = await pg.execute("SELECT pg_backend_pid() AS pid")
    killed = pg_admin(
        "SELECT pg_terminate_backend(pid, 2000) FROM pg_stat_activity"
        f" WHERE application_name = '{app_name(pg)}'"
    )
    assert killed and all(row[0] for row in killed)
    second = await pg.execute("SELECT pg_backend_pid() AS pid")
    assert first.rows and second.rows and second.rows[0]["pid"] != first.rows[0]["pid"]
    written = await pg.execute("SELECT 1 AS ok")
    assert written.rows == [{"ok": 1}]


async def test_write_cut_by_the_server_is_applied_once(pg: PostgresConnector, table: str) -> None:
    """A backend terminated mid-statement aborts that statement (57P01 comes instead of
    the result), so the connector may retry it: the row is written exactly once."""
    pid = (await pg.execute("SELECT pg_backend_pid() AS pid")).rows
    assert pid
    sql = f"INSERT INTO {table} (name) SELECT 'once' FROM pg_sleep(0.5)"
    write = asyncio.create_task(pg.execute(sql))
    await asyncio.sleep(0.2)
    pg_admin(f"SELECT pg_terminate_backend({pid[0]['pid']})")
    assert (await write).rowcount == 1
    rows = await pg.execute(f"SELECT count(*) AS n FROM {table}")
    assert rows.rows == [{"n": 1}]


async def test_pool_reuses_at_most_pool_size_connections(pg: PostgresConnector) -> None:
    async def one() -> object:
        result = await pg.execute("SELECT pg_backend_pid() AS pid, pg_sleep(0.01)")
        return result.rows[0]["pid"] if result.rows else None

    pids = await asyncio.gather(*(one() for _ in range(30)))
    assert 1 <= len(set(pids)) <= 3
    opened = pg_admin(
        f"SELECT count(*) FROM pg_stat_activity WHERE application_name = '{app_name(pg)}'"
    )
    count = opened[0][0]
    assert isinstance(count, int) and count <= 3


async def test_many_more_calls_than_connections_all_get_their_answer(
    pg: PostgresConnector,
) -> None:
    """Calls beyond the pool's size queue at the gate and each gets its own row."""
    answers = await asyncio.gather(*(pg.read("SELECT %s::int AS n", [n]) for n in range(200)))
    assert [a.rows for a in answers] == [[{"n": n}] for n in range(200)]


async def test_unreachable_host_gives_up_after_all_retries() -> None:
    connector = connect(pg_config(port=1, password="Wr0ng-S3cret!"), retry_delays_ms=FAST_RETRIES)
    started = time.monotonic()
    try:
        with pytest.raises(DatasourceUnavailable) as caught:
            await connector.execute("SELECT 1")
    finally:
        await connector.close()
    assert time.monotonic() - started < 3
    assert caught.value.retries == len(FAST_RETRIES)
    assert caught.value.status == 503
    assert_ours(caught.value)
    assert "Wr0ng-S3cret!" not in f"{caught.value.message} {caught.value.detail}"


async def test_password_never_shown() -> None:
    require_postgres()
    secret = "Pa55-w0rd-never-shown"
    config = pg_config(password=secret)
    assert secret not in repr(config)
    connector = connect(config, retry_delays_ms=FAST_RETRIES)
    try:
        assert secret not in repr(connector)
        with pytest.raises(ConnectorError) as caught:
            await connector.execute(f"SELECT '{secret}'::int")
    finally:
        await connector.close()
    error = caught.value
    assert secret not in f"{error} {error.message} {error.detail} {error!r}"
    assert_ours(error)


def test_unsafe_options_are_refused() -> None:
    for options in ({"options": "-c work_mem=1GB"}, {"passfile": "/x"}, {"service": "x"}):
        with pytest.raises(InvalidConfig):
            connect(pg_config(options=options))
    with pytest.raises(InvalidConfig):
        connect(pg_config(options={"sslmode": {"not": "a string"}}))
    connect(pg_config(options={"sslmode": "prefer", "application_name": "x"}))


async def test_value_types(pg: PostgresConnector) -> None:
    result = await pg.execute(
        """
        SELECT 12.30::numeric AS dec, 'NaN'::float8 AS nan, 'Infinity'::float8 AS inf,
               1.5::float8 AS f, 9223372036854775807::bigint AS big, true AS yes,
               '2024-02-29'::date AS d, '2024-02-29 13:14:15.5+02'::timestamptz AS tz,
               '2024-02-29 13:14:15'::timestamp AS ts, '13:14:15'::time AS t,
               '1 day 2 hours 0.5 seconds'::interval AS iv,
               'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid AS u, '\\x00ff'::bytea AS b,
               '{"a": [1, 2.5, null]}'::jsonb AS jb, '{"k": "v"}'::json AS j,
               ARRAY[1, 2, 3] AS arr, ARRAY['2024-01-01'::date] AS darr, NULL::text AS empty
        """
    )
    assert result.rows == [
        {
            "dec": "12.30",
            "nan": None,
            "inf": None,
            "f": 1.5,
            "big": 9223372036854775807,
            "yes": True,
            "d": "2024-02-29",
            "tz": "2024-02-29T11:14:15.500000+00:00",
            "ts": "2024-02-29T13:14:15",
            "t": "13:14:15",
            "iv": 93600.5,
            "u": "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
            "b": "AP8=",
            "jb": {"a": [1, 2.5, None]},
            "j": {"k": "v"},
            "arr": [1, 2, 3],
            "darr": ["2024-01-01"],
            "empty": None,
        }
    ]


async def test_numeric_values(pg: PostgresConnector) -> None:
    """numeric is the server's digits as text, exact and never in exponent form; NaN and
    the infinities are null, alone or in an array; NULL stays null."""
    result = await pg.execute(
        """
        SELECT 0.0000001::numeric AS tiny, 123456789012345678901234567890.0100::numeric AS big,
               -5::numeric(6, 3) AS neg, 'Infinity'::numeric AS inf, '-Infinity'::numeric AS ninf,
               ARRAY[1.5, 'NaN', NULL]::numeric[] AS arr, NULL::numeric AS none
        """
    )
    assert result.rows == [
        {
            "tiny": "0.0000001",
            "big": "123456789012345678901234567890.0100",
            "neg": "-5.000",
            "inf": None,
            "ninf": None,
            "arr": ["1.5", None, None],
            "none": None,
        }
    ]
    many = await pg.execute(
        "SELECT n, n * 2 AS twice FROM (SELECT g::numeric AS n FROM generate_series(1, 4) g"
        " UNION ALL SELECT 'NaN'::numeric UNION ALL SELECT NULL) AS t"
    )
    assert [row["n"] for row in many.rows or []] == ["1", "2", "3", "4", None, None]
    assert [row["twice"] for row in many.rows or []] == ["2", "4", "6", "8", None, None]


async def test_result_shapes_share_a_connection() -> None:
    """One pooled connection, results of different shapes in turn, each converted by its
    own plan; a changed client encoding is a different shape (text comes back as bytes,
    numeric still as its digits)."""
    require_postgres()
    pg = PostgresConnector(pg_config(pool_size=1), retry_delays_ms=FAST_RETRIES)
    try:
        for _ in range(2):  # the second round runs on cached plans
            assert (await pg.execute("SELECT %s::int AS a", [1])).rows == [{"a": 1}]
            assert (await pg.execute("SELECT %s::text AS a", ["x"])).rows == [{"a": "x"}]
            assert (await pg.execute("SELECT %s::numeric AS a", ["1.50"])).rows == [{"a": "1.50"}]
            floats = await pg.execute("SELECT 'NaN'::float8 AS a, '-Infinity'::float8 AS b")
            assert floats.rows == [{"a": None, "b": None}]
            assert (await pg.execute("SELECT 'NaN'::numeric AS a")).rows == [{"a": None}]
            doc = await pg.execute("""SELECT '{"x": [1, 2.5]}'::jsonb AS a, true AS b""")
            assert doc.rows == [{"a": {"x": [1, 2.5]}, "b": True}]
            same_name = await pg.execute("SELECT 1 AS a, '\\x00ff'::bytea AS a, 2 AS b")
            assert same_name.rows == [{"a": "AP8=", "b": 2}]
            assert same_name.columns == ["a", "a", "b"]
            empty = await pg.execute("SELECT 1 AS a WHERE false")
            assert empty.rows == [] and empty.columns == ["a"]
        many = await pg.execute("SELECT g AS n, 'r' || g AS s FROM generate_series(1, 3) g")
        assert many.rows == [{"n": i, "s": f"r{i}"} for i in (1, 2, 3)]
        many.columns.append("changed by a caller")
        again = await pg.execute("SELECT g AS n, 'r' || g AS s FROM generate_series(1, 3) g")
        assert again.columns == ["n", "s"]
        async with pg.transaction() as tx:
            assert (await tx.execute("SELECT 'abc'::text AS t")).rows == [{"t": "abc"}]
            await tx.execute("SET LOCAL client_encoding = 'SQL_ASCII'")
            assert (await tx.execute("SELECT 'abc'::text AS t")).rows == [{"t": "YWJj"}]
            numbers = await tx.execute(
                "SELECT 1.50::numeric AS n, 'NaN'::numeric AS nan,"
                " ARRAY[2.5, 'Infinity']::numeric[] AS arr"
            )
            assert numbers.rows == [{"n": "1.50", "nan": None, "arr": ["2.5", None]}]
        assert (await pg.execute("SELECT 'abc'::text AS t")).rows == [{"t": "abc"}]
    finally:
        await pg.close()
