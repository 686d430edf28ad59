"""Numbered tables on each real database, for the table tools' tests (streamed exports and
CSV imports): `n` rows of an id (the primary key), a name (not null), an even flag, an
exact amount, a day and a NULL note, made by the database itself so a large count costs
one statement."""

import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg

from tests.servers import PG_SERVER, mariadb, require_mariadb, require_postgres

KINDS = ["postgres", "mariadb", "sqlite"]

PG_SOURCE = {
    "type": "postgres",
    "host": "127.0.0.1",
    "port": 5432,
    "database": "test",
    "username": "postgres",
}
MARIADB_SOURCE = {
    "type": "mysql",
    "host": "127.0.0.1",
    "port": 3306,
    "database": "test",
    "username": "root",
}


def expected_row(kind: str, i: int) -> dict[str, Any]:
    """Row `i` of a numbered table, as a JSON answer gives it: exact decimals as text
    (SQLite has none: a number, an integer when it is whole), booleans as such (MariaDB
    and SQLite store 0 and 1)."""
    exact = kind != "sqlite"
    amount = i * 1.25
    return {
        "id": i,
        "name": f"name {i}",
        "even": i % 2 == 0 if kind == "postgres" else int(i % 2 == 0),
        "amount": f"{amount:.2f}" if exact else int(amount) if amount.is_integer() else amount,
        "day": f"2024-01-{1 + i % 28:02d}",
        "note": None,
    }


def table_name() -> str:
    return f"numbers_{uuid.uuid4().hex[:10]}"


@contextmanager
def numbered_table(kind: str, n: int, sqlite_dir: Path) -> Iterator[tuple[dict[str, Any], str]]:
    """(data-source body, table name) of a fresh table of `n` rows, dropped afterwards."""
    table = table_name()
    if kind == "postgres":
        with _pg_table(table, n) as source:
            yield source, table
    elif kind == "mariadb":
        with _maria_table(table, n) as source:
            yield source, table
    else:
        yield _sqlite_table(table, n, sqlite_dir), table


@contextmanager
def _pg_table(table: str, n: int) -> Iterator[dict[str, Any]]:
    require_postgres()
    pg_run(
        f"CREATE TABLE {table} (id int PRIMARY KEY, name varchar(40) NOT NULL, even boolean,"
        " amount numeric(12, 2), day date, note text)"
    )
    pg_run(
        f"INSERT INTO {table} SELECT i, 'name ' || i, i % 2 = 0, i * 1.25,"
        f" date '2024-01-01' + (i % 28), NULL FROM generate_series(1, {int(n)}) i"
    )
    try:
        yield PG_SOURCE | {"name": f"pg-{table}"}
    finally:
        pg_run(f"DROP TABLE IF EXISTS {table}")


@contextmanager
def _maria_table(table: str, n: int) -> Iterator[dict[str, Any]]:
    require_mariadb()
    maria_run(
        f"CREATE TABLE {table} (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, even BOOLEAN,"
        " amount DECIMAL(12, 2), day DATE, note TEXT)"
    )
    if n:
        maria_run(
            f"INSERT INTO {table} SELECT seq, CONCAT('name ', seq), seq % 2 = 0,"
            f" seq * 1.25, DATE '2024-01-01' + INTERVAL (seq % 28) DAY, NULL"
            f" FROM seq_1_to_{int(n)}"
        )
    try:
        yield MARIADB_SOURCE | {"name": f"maria-{table}"}
    finally:
        maria_run(f"DROP TABLE IF EXISTS {table}")


def _sqlite_table(table: str, n: int, folder: Path) -> dict[str, Any]:
    folder.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(folder / f"{table}.db") as db:
        db.execute(
            f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, name TEXT NOT NULL, even BOOLEAN,"
            " amount DECIMAL(12, 2), day DATE, note TEXT)"
        )
        db.execute(
            f"INSERT INTO {table} WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1"
            f" FROM s WHERE i < {int(n)}) SELECT i, 'name ' || i, i % 2 = 0,"
            " printf('%.2f', i * 1.25), date('2024-01-01', '+' || (i % 28) || ' days'), NULL"
            f" FROM s WHERE {int(n)} > 0"
        )
    db.close()
    return {"name": f"lite-{table}", "type": "sqlite", "options": {"path": f"{table}.db"}}


def pg_run(sql: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(PG_SERVER, autocommit=True) as db:
        cursor = db.execute(sql)
        return cursor.fetchall() if cursor.description else []


def maria_run(sql: str) -> list[tuple[Any, ...]]:
    db = mariadb(autocommit=True)
    try:
        with db.cursor() as cursor:
            cursor.execute(sql)
            return list(cursor.fetchall())
    finally:
        db.close()


def rows_of(kind: str, table: str, folder: Path) -> list[tuple[Any, ...]]:
    """The table's rows as the database's own driver reads them, by id."""
    sql = f"SELECT * FROM {table} ORDER BY id"
    if kind == "postgres":
        return pg_run(sql)
    if kind == "mariadb":
        return maria_run(sql)
    with sqlite3.connect(folder / f"{table}.db") as db:
        found = db.execute(sql).fetchall()
    db.close()
    return found
