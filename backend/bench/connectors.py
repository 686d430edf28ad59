"""Connector overhead: point queries through each connector vs. its raw driver.

Run from backend/: `python -m bench.connectors [-n 2000] [--concurrency 16]`. For each
of PostgreSQL, MariaDB and SQLite it runs N queries of two kinds (`SELECT <param>` and a
primary-key lookup in a small table) through the connector and through the bare driver
with its own pool, one at a time and with `--concurrency` tasks, and prints the rates
and the connector/raw ratio. The target is a ratio of at least 0.85 on PostgreSQL and
MariaDB. Servers come from TEST_POSTGRES_URL / TEST_MYSQL_URL (local defaults).

With aiomysql installed, a last line compares it with asyncmy (the driver choice).
"""

import argparse
import asyncio
import importlib
import os
import sqlite3
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import asyncmy
import psycopg
from psycopg_pool import AsyncConnectionPool

from sluice.connectors import connect
from sluice.connectors.base import ConnectionConfig, Connector

PG_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
MYSQL_URL = os.environ.get("TEST_MYSQL_URL", "mysql://root@127.0.0.1:3306/test")
POOL = 8
TABLE = "sluice_bench_items"
Query = Callable[[str, tuple[Any, ...]], Awaitable[object]]


async def rate(query: Query, sql: str, count: int, concurrency: int) -> float:
    """Queries per second for `count` queries spread over `concurrency` tasks."""
    per_task = max(1, count // concurrency)

    async def worker() -> None:
        for i in range(per_task):
            await query(sql, (i % 100 + 1,))

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return per_task * concurrency / (time.perf_counter() - started)


def report(name: str, kind: str, concurrency: int, ours: float, raw: float) -> None:
    print(  # noqa: T201 (a command-line report)
        f"{name:<9} {kind:<7} c={concurrency:<3} connector {ours:8.0f} q/s"
        f"   raw {raw:8.0f} q/s   ratio {ours / raw:5.2f}"
    )


async def compare(name: str, ours: Query, raw: Query, sql: dict[str, str], args: Any) -> None:
    """Best of `--rounds` alternating runs for each side: the machine is shared with the
    database servers, so single runs swing by more than the difference measured."""
    for kind, statement in sql.items():
        for concurrency in (1, args.concurrency):
            await rate(ours, statement, 200, concurrency)  # warm up (and prepare)
            await rate(raw, statement, 200, concurrency)
            raw_rates, our_rates = [], []
            for _ in range(args.rounds):
                raw_rates.append(await rate(raw, statement, args.n, concurrency))
                our_rates.append(await rate(ours, statement, args.n, concurrency))
            report(name, kind, concurrency, max(our_rates), max(raw_rates))


def via(connector: Connector) -> Query:
    async def query(sql: str, params: tuple[Any, ...]) -> object:
        return (await connector.execute(sql, params)).rows

    return query


async def bench_postgres(args: Any) -> None:
    url = urlsplit(PG_URL)
    config = ConnectionConfig(
        type="postgres",
        host=url.hostname,
        port=url.port,
        database=url.path.lstrip("/"),
        username=url.username,
        password=url.password,
        pool_size=POOL,
    )
    raw_pool: AsyncConnectionPool[psycopg.AsyncConnection[Any]] = AsyncConnectionPool(
        PG_URL, min_size=POOL, max_size=POOL, kwargs={"autocommit": True}, open=False
    )
    await raw_pool.open(wait=True)

    async def raw(sql: str, params: tuple[Any, ...]) -> object:
        async with raw_pool.connection() as connection:
            cursor = await connection.execute(sql, params)
            return await cursor.fetchall()

    connector = connect(config)
    await connector.execute(f"DROP TABLE IF EXISTS {TABLE}")
    await connector.execute(
        f"CREATE TABLE {TABLE} AS SELECT g AS id, 'item ' || g AS name FROM generate_series(1, 100) g"
    )
    await connector.execute(f"ALTER TABLE {TABLE} ADD PRIMARY KEY (id)")
    sql = {"param": "SELECT %s::int AS v", "lookup": f"SELECT id, name FROM {TABLE} WHERE id = %s"}
    try:
        await compare("postgres", via(connector), raw, sql, args)
    finally:
        await connector.execute(f"DROP TABLE {TABLE}")
        await connector.close()
        await raw_pool.close()


async def bench_mysql(args: Any) -> None:
    url = urlsplit(MYSQL_URL)
    config = ConnectionConfig(
        type="mysql",
        host=url.hostname,
        port=url.port,
        database=url.path.lstrip("/"),
        username=url.username,
        password=url.password,
        pool_size=POOL,
    )
    server: dict[str, Any] = {
        "host": url.hostname,
        "port": url.port or 3306,
        "user": url.username,
        "password": url.password or "",
        "autocommit": True,
    }
    raw_pool = await asyncmy.create_pool(
        minsize=POOL, maxsize=POOL, database=url.path.lstrip("/"), **server
    )

    async def raw(sql: str, params: tuple[Any, ...]) -> object:
        async with raw_pool.acquire() as connection, connection.cursor() as cursor:
            await cursor.execute(sql, params)
            return await cursor.fetchall()

    connector = connect(config)
    await connector.execute(f"DROP TABLE IF EXISTS {TABLE}")
    await connector.execute(
        f"CREATE TABLE {TABLE} (id INT PRIMARY KEY, name VARCHAR(20))"
        " SELECT seq AS id, CONCAT('item ', seq) AS name FROM seq_1_to_100"
    )
    sql = {"param": "SELECT %s AS v", "lookup": f"SELECT id, name FROM {TABLE} WHERE id = %s"}
    try:
        await compare("mariadb", via(connector), raw, sql, args)
        await driver_choice(raw, server, url.path.lstrip("/"), sql["lookup"], args)
    finally:
        await connector.execute(f"DROP TABLE {TABLE}")
        await connector.close()
        raw_pool.close()
        await raw_pool.wait_closed()


async def driver_choice(
    asyncmy_query: Query, server: dict[str, Any], database: str, sql: str, args: Any
) -> None:
    """asyncmy vs aiomysql, raw, same pool size (only when aiomysql is installed)."""
    try:
        aiomysql: Any = importlib.import_module("aiomysql")
    except ImportError:
        return
    pool = await aiomysql.create_pool(minsize=POOL, maxsize=POOL, db=database, **server)

    async def query(statement: str, params: tuple[Any, ...]) -> object:
        async with pool.acquire() as connection, connection.cursor() as cursor:
            await cursor.execute(statement, params)
            return await cursor.fetchall()

    for concurrency in (1, args.concurrency):
        fast = await rate(asyncmy_query, sql, args.n, concurrency)
        slow = await rate(query, sql, args.n, concurrency)
        print(  # noqa: T201
            f"driver    lookup  c={concurrency:<3} asyncmy   {fast:8.0f} q/s"
            f"   aiomysql {slow:6.0f} q/s   ratio {fast / slow:5.2f}"
        )
    pool.close()
    await pool.wait_closed()


async def bench_sqlite(args: Any) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        with sqlite3.connect(path) as setup:
            setup.execute(f"CREATE TABLE {TABLE} (id INTEGER PRIMARY KEY, name TEXT)")
            setup.executemany(
                f"INSERT INTO {TABLE} VALUES (?, ?)", [(i, f"item {i}") for i in range(1, 101)]
            )
        connector = connect(
            ConnectionConfig(type="sqlite", options={"path": str(path)}, pool_size=POOL)
        )
        raw_connection = sqlite3.connect(path, check_same_thread=False)

        def blocking(sql: str, params: tuple[Any, ...]) -> object:
            return raw_connection.execute(sql, params).fetchall()

        async def raw(sql: str, params: tuple[Any, ...]) -> object:
            return await asyncio.to_thread(blocking, sql, params)

        sql = {"param": "SELECT ? AS v", "lookup": f"SELECT id, name FROM {TABLE} WHERE id = ?"}
        try:
            await compare("sqlite", via(connector), raw, sql, args)
        finally:
            await connector.close()
            raw_connection.close()


async def main(args: Any) -> None:
    for bench in (bench_postgres, bench_mysql, bench_sqlite):
        await bench(args)


def parse() -> Any:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("-n", type=int, default=2000, help="queries per measurement")
    parser.add_argument("--concurrency", type=int, default=16, help="concurrent tasks")
    parser.add_argument("--rounds", type=int, default=3, help="alternating runs, best kept")
    return parser.parse_args()


if __name__ == "__main__":
    asyncio.run(main(parse()))
