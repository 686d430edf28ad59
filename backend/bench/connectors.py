"""Connector overhead: point queries through each connector vs. its raw driver.

Run from backend/: `python -m bench.connectors [-n 1000] [--concurrency 16] [--rounds 15]
[--only postgres,mariadb]`. For each of PostgreSQL, MariaDB and SQLite it runs N queries
of two kinds (`SELECT <param>` and a primary-key lookup in a small table) through the
connector and through the bare driver, one at a time and with `--concurrency` tasks.

Both sides do the same work: the same statement and parameters, autocommit, a pool of
the same size (8) for each, and rows as dicts. The connector also converts every value
to JSON-ready form, guards each call with a timeout and maps errors; the raw side
fetches with the driver's dict rows (psycopg `dict_row`, asyncmy `DictCursor`, sqlite3
`Row` turned into dicts) and nothing else.

The machine is shared with the database servers, so a single run swings by more than
the difference measured: after a warm-up, the sides alternate for `--rounds` runs
(which goes first alternates too), and each line shows the median rate of each side,
the median of the per-round ratios with their spread (lowest-highest), and the median
CPU time this process spent per query on each side, with the difference: the
connector's own cost, which other load on the machine disturbs far less than the rates.
The target is a ratio of at least 0.85 on PostgreSQL and MariaDB. Servers come from
TEST_POSTGRES_URL / TEST_MYSQL_URL (local defaults).

With aiomysql installed, a last line compares it with asyncmy (the driver choice).
"""

import argparse
import asyncio
import importlib
import os
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import asyncmy
import psycopg
from asyncmy.cursors import DictCursor
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool

from sluice.connectors import connect
from sluice.connectors.base import ConnectionConfig, Connector

PG_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
MYSQL_URL = os.environ.get("TEST_MYSQL_URL", "mysql://root@127.0.0.1:3306/test")
POOL = 8
TABLE = "sluice_bench_items"
Query = Callable[[str, tuple[Any, ...]], Awaitable[object]]


@dataclass(frozen=True)
class Run:
    rate: float
    """Queries per second (wall clock)."""
    cpu_us: float
    """This process's CPU time per query: the client's own work, which other load on the
    machine disturbs far less than the wall clock."""


async def run(query: Query, sql: str, count: int, concurrency: int) -> Run:
    """`count` queries spread over `concurrency` tasks."""
    per_task = max(1, count // concurrency)

    async def worker() -> None:
        for i in range(per_task):
            await query(sql, (i % 100 + 1,))

    started, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    done = per_task * concurrency
    return Run(done / (time.perf_counter() - started), (time.process_time() - cpu) / done * 1e6)


def say(line: str) -> None:
    print(line, flush=True)


def report(name: str, kind: str, concurrency: int, ours: list[Run], raw: list[Run]) -> None:
    ratios = [mine.rate / theirs.rate for mine, theirs in zip(ours, raw, strict=True)]
    my_cpu = statistics.median(mine.cpu_us for mine in ours)
    raw_cpu = statistics.median(theirs.cpu_us for theirs in raw)
    say(
        f"{name:<8} {kind:<6} c={concurrency:<3}"
        f" connector {statistics.median(mine.rate for mine in ours):6.0f} q/s"
        f"  raw {statistics.median(theirs.rate for theirs in raw):6.0f} q/s"
        f"  ratio {statistics.median(ratios):4.2f} ({min(ratios):4.2f}-{max(ratios):4.2f})"
        f"  cpu {my_cpu:5.1f} vs {raw_cpu:5.1f} us/q ({my_cpu - raw_cpu:+4.1f})"
    )


async def compare(name: str, ours: Query, raw: Query, sql: dict[str, str], args: Any) -> None:
    """Medians of `--rounds` interleaved runs of each side, after a warm-up of each."""
    for kind, statement in sql.items():
        for concurrency in (1, args.concurrency):
            for _ in range(2):  # warm up: pools filled, statements prepared, caches hot
                await run(ours, statement, max(200, args.n // 4), concurrency)
                await run(raw, statement, max(200, args.n // 4), concurrency)
            raw_runs, our_runs = [], []
            for round_ in range(args.rounds):
                if round_ % 2:
                    raw_runs.append(await run(raw, statement, args.n, concurrency))
                    our_runs.append(await run(ours, statement, args.n, concurrency))
                else:
                    our_runs.append(await run(ours, statement, args.n, concurrency))
                    raw_runs.append(await run(raw, statement, args.n, concurrency))
            report(name, kind, concurrency, our_runs, raw_runs)


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
        PG_URL,
        min_size=POOL,
        max_size=POOL,
        kwargs={"autocommit": True, "row_factory": dict_row},
        open=False,
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
        async with raw_pool.acquire() as connection, connection.cursor(DictCursor) as cursor:
            await cursor.execute(sql, params)
            return await cursor.fetchall()

    connector = connect(config)
    await connector.execute(  # MariaDB's own form: no "Unknown table" warning when absent
        f"CREATE OR REPLACE TABLE {TABLE} (id INT PRIMARY KEY, name VARCHAR(20))"
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
    """asyncmy vs aiomysql, raw with dict rows, same pool size (when aiomysql is installed)."""
    try:
        aiomysql: Any = importlib.import_module("aiomysql")
    except ImportError:
        return
    pool = await aiomysql.create_pool(minsize=POOL, maxsize=POOL, db=database, **server)

    async def query(statement: str, params: tuple[Any, ...]) -> object:
        async with pool.acquire() as connection, connection.cursor(aiomysql.DictCursor) as cursor:
            await cursor.execute(statement, params)
            return await cursor.fetchall()

    for concurrency in (1, args.concurrency):
        fast = (await run(asyncmy_query, sql, args.n, concurrency)).rate
        slow = (await run(query, sql, args.n, concurrency)).rate
        say(
            f"driver   lookup c={concurrency:<3} asyncmy   {fast:6.0f} q/s"
            f"  aiomysql {slow:6.0f} q/s  ratio {fast / slow:4.2f}"
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
        raw_connection.row_factory = sqlite3.Row

        def blocking(sql: str, params: tuple[Any, ...]) -> object:
            return [dict(row) for row in raw_connection.execute(sql, params).fetchall()]

        async def raw(sql: str, params: tuple[Any, ...]) -> object:
            return await asyncio.to_thread(blocking, sql, params)

        sql = {"param": "SELECT ? AS v", "lookup": f"SELECT id, name FROM {TABLE} WHERE id = ?"}
        try:
            await compare("sqlite", via(connector), raw, sql, args)
        finally:
            await connector.close()
            raw_connection.close()


BENCHES = {"postgres": bench_postgres, "mariadb": bench_mysql, "sqlite": bench_sqlite}


async def main(args: Any) -> None:
    say(
        f"{args.n} queries per run, {args.rounds} interleaved runs per side, pools of {POOL};"
        " connector: dict rows of JSON-ready values; raw: the driver's dict rows"
    )
    for name in args.only.split(","):
        await BENCHES[name.strip()](args)


def parse() -> Any:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("-n", type=int, default=1000, help="queries per run")
    parser.add_argument("--concurrency", type=int, default=16, help="concurrent tasks")
    parser.add_argument("--rounds", type=int, default=15, help="interleaved runs per side")
    parser.add_argument(
        "--only", default=",".join(BENCHES), help="comma-separated: postgres,mariadb,sqlite"
    )
    return parser.parse_args()


if __name__ == "__main__":
    asyncio.run(main(parse()))
