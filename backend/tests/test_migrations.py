"""`alembic upgrade head` then `alembic downgrade base` on both stores, run as a user would."""

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine, inspect, text

from tests.conftest import pg_database_url, pg_execute, require_postgres, sqlalchemy_url

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
        assert "require_passing_tests" in modules
        tests = {c["name"] for c in inspect(connection).get_columns("api_test")}
        assert {"api_id", "name", "params", "client_id", "expect"} <= tests
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
