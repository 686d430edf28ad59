"""The app-store engine and sessions, and the migration runner.

The store is SQLite by default (a file in DATA_DIR) and PostgreSQL in production; the
same Alembic migrations serve both.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, event, inspect, text
from sqlmodel import Session, create_engine

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
STORE_LOCK = 5_318_612
"""The PostgreSQL advisory lock key that start-up work (migrations, the first superuser)
holds, so instances started together on one store take turns."""
UPGRADE_ONLY = "sluice.upgrade_only"
"""Set on the Alembic config by `migrate`: the environment then imports no model (the
models are for autogenerate, 0.3 s of `sluice serve`'s start before its workers)."""
IMPORT_LOCK = 5_318_613
"""Held by a definitions import, so two imports run one after the other."""


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


def hold_store_lock(connection: Connection, key: int = STORE_LOCK) -> None:
    """One process at a time from here until this transaction ends, on every host sharing
    the store (`key` names what is guarded: the store's set-up by default): a
    transaction-level advisory lock on PostgreSQL, so replicas started at
    once on a new store do not both create its tables or its first superuser. Nothing on
    SQLite: its file has one host, and `sluice serve` migrates before its workers start."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def alembic_config(url: str) -> "Config":
    """An Alembic config pointing at the packaged migrations and the given store.

    Alembic is imported here, not with this module: a worker of `sluice serve` uses the
    store but never migrates it (the serve process did), and the import was 0.1 s of its
    start."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def migrate(url: str, revision: str = "head") -> None:
    """Bring the store to `revision` (head by default)."""
    from alembic import command  # see alembic_config

    if url.startswith("sqlite"):
        _ensure_sqlite_dir(url)
    config = alembic_config(url)
    config.attributes[UPGRADE_ONLY] = True
    command.upgrade(config, revision)


def is_new_store(engine: Engine) -> bool:
    """True when no migration has run yet on this store."""
    return not inspect(engine).has_table("alembic_version")
