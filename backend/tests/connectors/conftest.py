"""Connector fixtures: real PostgreSQL and MariaDB, a fake Trino, a temporary SQLite file.

Each server-backed fixture skips when its server is down, except with CI=true where that
fails the run. Tests create their own scratch tables under unique names and drop them.
Async tests run on anyio's pytest plugin (asyncio backend), so no extra plugin is needed.
"""

import os
import sqlite3
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import asyncmy
import psycopg
import pytest

from sluice.connectors import connect
from sluice.connectors.base import ConnectionConfig, Connector
from tests.connectors.fake_trino import FakeTrino
from tests.servers import PG_SERVER, require_mariadb, require_postgres

MYSQL_SERVER = os.environ.get("TEST_MYSQL_URL", "mysql://root@127.0.0.1:3306/test")
FAST_RETRIES = (10, 20, 40)
"""Small backoff delays for tests (production default: 200, 400, 800, 1600 ms)."""


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def unique(prefix: str = "t") -> str:
    return f"sluice_{prefix}_{uuid.uuid4().hex[:10]}"


def pg_config(**changes: object) -> ConnectionConfig:
    url = urlsplit(PG_SERVER)
    base: dict[str, object] = {
        "type": "postgres",
        "host": url.hostname,
        "port": url.port or 5432,
        "database": url.path.lstrip("/"),
        "username": url.username,
        "password": url.password,
        "options": {"application_name": unique("app")},
        "pool_size": 3,
        "statement_timeout_ms": 10_000,
        "connect_timeout_s": 2.0,
    }
    return ConnectionConfig(**{**base, **changes})  # type: ignore[arg-type]


def mysql_config(**changes: object) -> ConnectionConfig:
    url = urlsplit(MYSQL_SERVER)
    base: dict[str, object] = {
        "type": "mysql",
        "host": url.hostname,
        "port": url.port or 3306,
        "database": url.path.lstrip("/"),
        "username": url.username,
        "password": url.password,
        "pool_size": 3,
        "statement_timeout_ms": 10_000,
        "connect_timeout_s": 2.0,
    }
    return ConnectionConfig(**{**base, **changes})  # type: ignore[arg-type]


async def mysql_admin(sql: str) -> list[tuple[object, ...]]:
    """One statement on a side connection (our test's stand-in for an operator)."""
    config = mysql_config()
    connection = await asyncmy.connect(
        host=config.host,
        port=config.port,
        user=config.username,
        password=config.password or "",
        database=config.database,
        autocommit=True,
    )
    try:
        async with connection.cursor() as cursor:
            await cursor.execute(sql)
            return list(await cursor.fetchall() or [])
    finally:
        await connection.ensure_closed()


def pg_admin(sql: str) -> list[tuple[object, ...]]:
    with psycopg.connect(PG_SERVER, autocommit=True, connect_timeout=3) as connection:
        cursor = connection.execute(sql)
        return cursor.fetchall() if cursor.description else []


@pytest.fixture(scope="session")
def fake_trino() -> Iterator[tuple[FakeTrino, int]]:
    # Lives as long as a whole run may: under xdist a worker reaches this file late.
    fake = FakeTrino(page_size=2, lifetime_s=3600)
    port = fake.start()
    yield fake, port
    fake.stop()


def trino_config(port: int, **changes: object) -> ConnectionConfig:
    base: dict[str, object] = {
        "type": "trino",
        "host": "127.0.0.1",
        "port": port,
        "username": "tester",
        "options": {"catalog": "memory", "schema": "default"},
        "pool_size": 2,
        "statement_timeout_ms": 10_000,
        "connect_timeout_s": 2.0,
    }
    return ConnectionConfig(**{**base, **changes})  # type: ignore[arg-type]


def sqlite_config(path: Path, **changes: object) -> ConnectionConfig:
    base: dict[str, object] = {
        "type": "sqlite",
        "options": {"path": str(path)},
        "pool_size": 2,
        "statement_timeout_ms": 10_000,
        "connect_timeout_s": 1.0,
    }
    return ConnectionConfig(**{**base, **changes})  # type: ignore[arg-type]


KINDS = ["postgres", "mysql", "sqlite", "trino"]


@pytest.fixture(params=KINDS)
async def any_connector(
    request: pytest.FixtureRequest, tmp_path: Path, fake_trino: tuple[FakeTrino, int]
) -> AsyncIterator[Connector]:
    """Each connector kind in turn, on its real (or fake) server."""
    config = config_for(request.param, tmp_path, fake_trino[1])
    connector = connect(config, retry_delays_ms=FAST_RETRIES)
    yield connector
    await connector.close()


def config_for(kind: str, tmp_path: Path, trino_port: int) -> ConnectionConfig:
    if kind == "postgres":
        require_postgres()
        return pg_config()
    if kind == "mysql":
        require_mariadb()
        return mysql_config()
    if kind == "sqlite":
        path = tmp_path / "source.db"
        sqlite3.connect(path).close()
        return sqlite_config(path)
    return trino_config(trino_port)


@pytest.fixture
async def scratch(any_connector: Connector) -> AsyncIterator[str]:
    """A scratch table (id, name, amount) with three rows, dropped afterwards."""
    name = unique()
    await any_connector.execute(
        f"CREATE TABLE {name} (id INTEGER PRIMARY KEY, name VARCHAR(40), amount INTEGER)"
    )
    for row_id, label, amount in [(1, "ann", 10), (2, "bob", 20), (3, "cid", 30)]:
        await any_connector.execute(f"INSERT INTO {name} VALUES ({row_id}, '{label}', {amount})")
    yield name
    await any_connector.execute(f"DROP TABLE {name}")


def placeholder(connector: Connector) -> str:
    return "%s" if connector.paramstyle == "format" else "?"
