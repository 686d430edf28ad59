"""The app-store engine and sessions, and the migration runner.

The store is SQLite by default (a file in DATA_DIR) and PostgreSQL in production; the
same Alembic migrations serve both.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, NullPool, event, inspect, text
from sqlmodel import Session, create_engine

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def make_engine(url: str) -> Engine:
    """An engine for the store; SQLite gets foreign keys, WAL (synced at checkpoints, not
    at every commit: the WAL default that keeps the file consistent) and a busy timeout."""
    if url.startswith("sqlite"):
        _ensure_sqlite_dir(url)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)


def _ensure_sqlite_dir(url: str) -> None:
    path = url.split(":///", 1)[-1]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session for work outside a request (CLI, start-up)."""
    with Session(engine) as session:
        yield session


def alembic_config(url: str) -> Config:
    """An Alembic config pointing at the packaged migrations and the given store."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def migrate(url: str, revision: str = "head") -> None:
    """Bring the store to `revision` (head by default)."""
    if url.startswith("sqlite"):
        _ensure_sqlite_dir(url)
    command.upgrade(alembic_config(url), revision)


STARTUP_LOCK = 0x5_1A1CE
"""The PostgreSQL advisory-lock key that start-up work on the store holds."""


@contextmanager
def startup_lock(url: str) -> Iterator[None]:
    """Hold an advisory lock on a PostgreSQL store for start-up work (migrations, the
    first superuser), so replicas started together take turns instead of colliding on an
    empty store. SQLite needs none: its store belongs to one host's DATA_DIR."""
    if not url.startswith("postgresql"):
        yield
        return
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": STARTUP_LOCK})
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": STARTUP_LOCK})
    finally:
        engine.dispose()


def is_new_store(engine: Engine) -> bool:
    """True when no migration has run yet on this store."""
    return not inspect(engine).has_table("alembic_version")
