"""Real data sources for tests: a scratch table on PostgreSQL and on MariaDB."""

import uuid
from collections.abc import Iterator
from typing import Any

import psycopg
import pymysql
import pytest

from tests.conftest import IN_CI, PG_SERVER, require_postgres

MARIADB_HOST, MARIADB_PORT = "127.0.0.1", 3306


def mariadb(**extra: Any) -> "pymysql.connections.Connection[Any]":
    return pymysql.connect(
        host=MARIADB_HOST, port=MARIADB_PORT, user="root", database="test", **extra
    )


ROWS = [(1, "ada", 36, True), (2, "bob", 17, False), (3, "cy", 52, True), (4, "d'arcy", 29, True)]


def require_mariadb() -> None:
    try:
        mariadb(connect_timeout=3).close()
    except pymysql.MySQLError as exc:
        if IN_CI:
            pytest.fail(f"MariaDB is required in CI and unreachable: {exc}")
        pytest.skip(f"MariaDB unreachable: {exc}")


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
