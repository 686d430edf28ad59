"""The four kinds of data source as a test meets them through the admin API: the real
PostgreSQL and MariaDB, a SQLite file in the app's data-source folder, and the fake Trino
(tests/connectors/fake_trino.py). Each `Target` runs set-up SQL as the database's operator
would, quotes names in its dialect, and drops what the test created."""

import sqlite3
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import pytest

from tests.connectors.fake_trino import FakeTrino
from tests.servers import PG_SERVER, mariadb, require_mariadb, require_postgres

KINDS = ["postgres", "mariadb", "sqlite", "trino"]


@dataclass
class Target:
    kind: str
    source: dict[str, Any]
    """The data-source body for `POST /api/v1/datasources`."""
    run: Callable[[str], None]
    """Run one statement on the database, outside Sluice."""
    tables: list[str] = field(default_factory=list)

    def quote(self, name: str) -> str:
        if self.kind == "mariadb":
            return "`" + name.replace("`", "``") + "`"
        return '"' + name.replace('"', '""') + '"'

    def table(self, prefix: str) -> str:
        """A fresh table name, dropped at the end of the test."""
        name = f"{prefix}_{uuid.uuid4().hex[:8]}"
        self.tables.append(name)
        return name


def _pg() -> tuple[dict[str, Any], Callable[[str], None], Callable[[], None]]:
    require_postgres()
    connection = psycopg.connect(PG_SERVER, autocommit=True)

    def run(sql: str) -> None:
        connection.execute(sql.encode())

    source = {"type": "postgres", "host": "127.0.0.1", "port": 5432}
    return source | {"database": "test", "username": "postgres"}, run, connection.close


def _maria() -> tuple[dict[str, Any], Callable[[str], None], Callable[[], None]]:
    require_mariadb()
    connection = mariadb(autocommit=True)

    def run(sql: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql)

    source = {"type": "mysql", "host": "127.0.0.1", "port": 3306}
    return source | {"database": "test", "username": "root"}, run, connection.close


def _sqlite(folder: Path) -> tuple[dict[str, Any], Callable[[str], None], Callable[[], None]]:
    folder.mkdir(parents=True, exist_ok=True)
    file = f"{uuid.uuid4().hex[:8]}.db"
    connection = sqlite3.connect(folder / file, isolation_level=None)

    def run(sql: str) -> None:
        connection.execute(sql)

    return {"type": "sqlite", "options": {"path": file}}, run, connection.close


def _trino(fake: FakeTrino, port: int) -> tuple[dict[str, Any], Callable[[str], None]]:
    def run(sql: str) -> None:  # between calls: no query of the fake runs meanwhile
        fake.db.execute(sql)

    source = {"type": "trino", "host": "127.0.0.1", "port": port}
    return source | {"options": {"catalog": "memory", "schema": "default"}}, run


@pytest.fixture(scope="session")
def trino_server() -> Iterator[tuple[FakeTrino, int]]:
    """The fake Trino coordinator, for the session."""
    fake = FakeTrino(page_size=50, lifetime_s=3600)
    port = fake.start()
    yield fake, port
    fake.stop()


@contextmanager
def target(kind: str, sqlite_folder: Path, trino: tuple[FakeTrino, int]) -> Iterator[Target]:
    """A Target of `kind`; the tables the test made are dropped on exit."""
    close: Callable[[], None] = lambda: None  # noqa: E731
    if kind == "postgres":
        source, run, close = _pg()
    elif kind == "mariadb":
        source, run, close = _maria()
    elif kind == "sqlite":
        source, run, close = _sqlite(sqlite_folder)
    else:
        source, run = _trino(*trino)
    made = Target(kind, source | {"name": f"{kind}-source"}, run)
    try:
        yield made
    finally:
        for name in made.tables:
            made.run(f"DROP TABLE IF EXISTS {made.quote(name)}")
        close()
