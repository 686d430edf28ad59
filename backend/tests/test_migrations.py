"""`alembic upgrade head` then `alembic downgrade base` on both stores, run as a user would;
and instances migrating one new store at the same moment."""

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import create_engine, insert, inspect, text

from sluice.db import STORE_LOCK
from sluice.gateway.rollups import rollup_sqls
from sluice.models.access_record import AccessRecord
from tests.conftest import pg_database_url, pg_execute, require_postgres, sqlalchemy_url
from tests.live import private_database, wait_until
from tests.test_cli import SLUICE, clean_env

BACKEND = Path(__file__).resolve().parents[1]


def alembic(url: str, *args: str) -> None:
    env = os.environ | {"DATABASE_URL": url}
    done = subprocess.run(
        [sys.executable, "-m", "alembic", *args],
        cwd=BACKEND,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr


def round_trip(url: str) -> None:
    alembic(url, "upgrade", "head")
    engine = create_engine(url)
    with engine.connect() as connection:
        assert {"user", "role", "role_permission", "user_role"} <= set(
            inspect(connection).get_table_names()
        )
        names = connection.execute(text("SELECT name FROM role ORDER BY id")).scalars().all()
        assert names == ["admin", "developer", "viewer"]
        columns = {c["name"] for c in inspect(connection).get_columns("user")}
        assert "token_generation" in columns
        modules = {c["name"] for c in inspect(connection).get_columns("module")}
        assert {"require_passing_tests", "mcp_hidden"} <= modules
        tests = {c["name"] for c in inspect(connection).get_columns("api_test")}
        assert {"api_id", "name", "params", "client_id", "expect"} <= tests
        apis = {c["name"] for c in inspect(connection).get_columns("api")}
        assert {"allow_whole_table_writes", "mcp_hidden", "mcp_writes"} <= apis
        records = {c["name"] for c in inspect(connection).get_columns("access_record")}
        assert "via" in records
        assert {
            "alert_rule",
            "alert_firing",
            "alert_lease",
            "access_drop",
            "access_client_day",
        } <= set(inspect(connection).get_table_names())
        granted = connection.execute(
            text(
                "SELECT r.name, p.action FROM role_permission p JOIN role r ON r.id = p.role_id"
                " WHERE p.resource = 'alert' ORDER BY r.name, p.action"
            )
        ).all()
        assert [tuple(row) for row in granted] == [
            ("admin", "read"),
            ("admin", "write"),
            ("developer", "read"),
            ("developer", "write"),
            ("viewer", "read"),
        ]
    engine.dispose()
    alembic(url, "downgrade", "base")
    engine = create_engine(url)
    with engine.connect() as connection:
        assert set(inspect(connection).get_table_names()) <= {"alembic_version"}
    engine.dispose()


def test_upgrade_and_downgrade_on_sqlite(tmp_path: Path) -> None:
    round_trip(f"sqlite:///{tmp_path / 'store.db'}")


def test_upgrade_and_downgrade_on_postgres() -> None:
    require_postgres()
    name = f"sluice_mig_{os.getpid()}"
    pg_execute(f"DROP DATABASE IF EXISTS {name}")
    pg_execute(f"CREATE DATABASE {name}")
    try:
        round_trip(sqlalchemy_url(pg_database_url(name)))
    finally:
        pg_execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_a_new_role_after_seeding_gets_a_fresh_id_on_postgres() -> None:
    """The seed sets explicit ids; PostgreSQL's sequence must move past them."""
    require_postgres()
    name = f"sluice_seq_{os.getpid()}"
    pg_execute(f"DROP DATABASE IF EXISTS {name}")
    pg_execute(f"CREATE DATABASE {name}")
    try:
        url = sqlalchemy_url(pg_database_url(name))
        alembic(url, "upgrade", "head")
        engine = create_engine(url)
        with engine.begin() as connection:
            new_id = connection.execute(
                text("INSERT INTO role (name, is_builtin) VALUES ('x', false) RETURNING id")
            ).scalar_one()
        engine.dispose()
        assert new_id == 4
    finally:
        pg_execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_instances_migrating_one_new_store_together_take_turns(tmp_path: Path) -> None:
    """Replicas started at once on a new PostgreSQL store: each waits for the store lock
    (held here first, as by an instance in mid-migration), then one migrates and the
    other finds nothing left to do."""
    require_postgres()
    with private_database("sluice_turns") as name:
        url = sqlalchemy_url(pg_database_url(name))
        with psycopg.connect(pg_database_url(name)) as holder:
            holder.execute("SELECT pg_advisory_xact_lock(%s)", (STORE_LOCK,))
            migrations = [
                subprocess.Popen(
                    [*SLUICE, "migrate"],
                    cwd=tmp_path,
                    env=clean_env(tmp_path, DATABASE_URL=url),
                    stderr=subprocess.PIPE,
                    text=True,
                )
                for _ in range(2)
            ]
            waiting = wait_until(lambda: _waiting_for_a_lock(name) == 2, timeout=60)
            holder.commit()
            outcomes = [(m.wait(timeout=120), m.communicate()[1]) for m in migrations]
        assert waiting
        assert [code for code, _ in outcomes] == [0, 0], outcomes
        engine = create_engine(url)
        with engine.connect() as connection:
            versions = connection.execute(text("SELECT count(*) FROM alembic_version"))
            assert versions.scalar_one() == 1
        engine.dispose()


def _waiting_for_a_lock(database: str) -> int:
    with psycopg.connect(pg_database_url(database), autocommit=True) as db:
        found = db.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event = 'advisory'"
        ).fetchone()
    return int(found[0]) if found else 0


@contextmanager
def empty_store(kind: str, folder: Path) -> Iterator[str]:
    """The URL of an empty store of this kind, dropped on exit."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'store.db'}"
        return
    require_postgres()
    with private_database("sluice_mig_day") as name:
        yield sqlalchemy_url(pg_database_url(name))


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_the_daily_client_rollup_is_filled_from_the_hourly_one(kind: str, tmp_path: Path) -> None:
    """Migration 0017 sums the hourly client rollup already stored per day: the days it
    makes are those that summing the records afresh (`rollup_sqls`) makes."""
    with empty_store(kind, tmp_path) as url:
        alembic(url, "upgrade", "0016")
        engine = create_engine(url)
        start = datetime(2026, 11, 1, 22, 10, tzinfo=UTC)
        records = [
            {
                "at": start + timedelta(minutes=47 * n),
                "api_id": None if n % 9 == 0 else n % 3,
                "client_id": None if n % 4 == 0 else f"c{n % 5}",
                "status": 500 if n % 6 == 0 else 200,
                "path": "/m/x",
                "method": "GET",
                "duration_ms": 1.0,
            }
            for n in range(150)
        ]
        day_rows = "SELECT day, api_id, client_id, calls, errors FROM access_client_day"
        with engine.begin() as db:
            db.execute(insert(AccessRecord), records)
            for statement in rollup_sqls(engine.dialect.name)[:2]:  # the hourly ones
                db.exec_driver_sql(statement)
        alembic(url, "upgrade", "head")
        with engine.begin() as db:
            migrated = sorted(tuple(row) for row in db.execute(text(day_rows)))
            db.execute(text("DELETE FROM access_client_day"))
            db.exec_driver_sql(rollup_sqls(engine.dialect.name)[2])
            summed = sorted(tuple(row) for row in db.execute(text(day_rows)))
        engine.dispose()
    assert migrated == summed
    assert len({row[0] for row in migrated}) == 6  # 150 x 47 minutes from 22:10, UTC days
