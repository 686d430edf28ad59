"""Real data sources for tests: a scratch table on PostgreSQL, on MariaDB and on SQLite."""

import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from tests.servers import PG_SERVER, mariadb, require_mariadb, require_postgres

ROWS = [(1, "ada", 36, True), (2, "bob", 17, False), (3, "cy", 52, True), (4, "d'arcy", 29, True)]


def _pg(table: str) -> Iterator[dict[str, Any]]:
    require_postgres()
    with psycopg.connect(PG_SERVER, autocommit=True) as db:
        db.execute(f"CREATE TABLE {table} (id int primary key, name text, age int, active boolean)")
        with db.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {table} VALUES (%s, %s, %s, %s)", ROWS)
    yield {
        "name": "pg",
        "type": "postgres",
        "host": "127.0.0.1",
        "port": 5432,
        "database": "test",
        "username": "postgres",
    }
    with psycopg.connect(PG_SERVER, autocommit=True) as db:
        db.execute(f"DROP TABLE IF EXISTS {table}")


def _maria(table: str) -> Iterator[dict[str, Any]]:
    require_mariadb()
    db = mariadb(autocommit=True)
    with db.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE {table} (id int primary key, name varchar(50), age int, active boolean)"
        )
        cursor.executemany(f"INSERT INTO {table} VALUES (%s, %s, %s, %s)", ROWS)
    yield {
        "name": "maria",
        "type": "mysql",
        "host": "127.0.0.1",
        "port": 3306,
        "database": "test",
        "username": "root",
    }
    with db.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
    db.close()


@pytest.fixture(params=["postgres", "mariadb"])
def database(request: pytest.FixtureRequest) -> Iterator[tuple[dict[str, Any], str]]:
    """(data-source body, scratch table name) on each real database."""
    table = f"people_{uuid.uuid4().hex[:8]}"
    source = _pg(table) if request.param == "postgres" else _maria(table)
    yield next(source), table
    next(source, None)


def _sqlite(table: str, folder: Path) -> Iterator[dict[str, Any]]:
    folder.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(folder / "scratch.db") as db:
        db.execute(f"CREATE TABLE {table} (id int primary key, name text, age int, active boolean)")
        db.executemany(f"INSERT INTO {table} VALUES (?, ?, ?, ?)", ROWS)
    db.close()
    yield {"name": "lite", "type": "sqlite", "options": {"path": "scratch.db"}}


@pytest.fixture(params=["postgres", "mariadb", "sqlite"])
def any_database(
    request: pytest.FixtureRequest, settings: Any
) -> Iterator[tuple[dict[str, Any], str]]:
    """(data-source body, scratch table name) on each real database and on SQLite (in the
    app's SQLITE_DATASOURCE_DIR)."""
    table = f"people_{uuid.uuid4().hex[:8]}"
    if request.param == "sqlite":
        source = _sqlite(table, settings.sqlite_datasource_dir)
    else:
        source = _pg(table) if request.param == "postgres" else _maria(table)
    yield next(source), table
    next(source, None)


def count_rows(body: dict[str, Any], table: str, settings: Any) -> int:
    """How many rows the scratch table holds now, read straight from its database."""
    sql = f"SELECT count(*) FROM {table}"
    if body["type"] == "sqlite":
        with sqlite3.connect(settings.sqlite_datasource_dir / "scratch.db") as lite:
            found = lite.execute(sql).fetchone()[0]
        lite.close()
        return int(found)
    if body["type"] == "postgres":
        with psycopg.connect(PG_SERVER) as pg:
            row = pg.execute(sql).fetchone()
            assert row is not None
            return int(row[0])
    db = mariadb()
    with db.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    db.close()
    assert row is not None
    return int(row[0])
