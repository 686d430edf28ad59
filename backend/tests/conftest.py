"""Fixtures: every store-backed test runs once on SQLite and once on the real PostgreSQL.

Each store is migrated once per session into a template; each test gets a fresh copy
(a copied file, or `CREATE DATABASE ... TEMPLATE`), so tests never see each other's rows.
With CI=true an unreachable PostgreSQL fails the run instead of skipping.
"""

import itertools
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from sluice.app import create_app
from sluice.config import Settings
from sluice.db import migrate
from sluice.services.users import get_user_by_email
from tests.databases import any_database, database
from tests.factories import ADMIN_EMAIL, ADMIN_PASSWORD, login, make_user
from tests.servers import (
    IN_CI,
    PG_SERVER,
    REDIS_URL,
    pg_database_url,
    pg_execute,
    require_mariadb,
    require_postgres,
    require_redis,
    sqlalchemy_url,
)

_names = itertools.count()


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def store_template(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A migrated store to copy: a file path for SQLite, a database name for PostgreSQL."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("store") / "template.db"
        migrate(f"sqlite:///{path}")
        yield str(path)
        return
    with pg_template(f"sluice_tmpl_{os.getpid()}") as name:
        yield name


@contextmanager
def pg_template(name: str) -> Iterator[str]:
    """A migrated PostgreSQL database to copy, dropped on exit."""
    require_postgres()
    pg_execute(f"DROP DATABASE IF EXISTS {name}")
    pg_execute(f"CREATE DATABASE {name}")
    try:
        migrate(sqlalchemy_url(pg_database_url(name)))
        yield name
    finally:
        pg_execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@contextmanager
def fresh_store(template: str, folder: Path) -> Iterator[str]:
    """A fresh, migrated store copied from `template` (a file copied into `folder`, or a
    PostgreSQL database made from the template), dropped on exit."""
    if template.endswith(".db"):
        shutil.copy(template, folder / "store.db")
        yield f"sqlite:///{folder / 'store.db'}"
        return
    name = f"sluice_t_{os.getpid()}_{next(_names)}"
    pg_execute(f"CREATE DATABASE {name} TEMPLATE {template}")
    try:
        yield sqlalchemy_url(pg_database_url(name))
    finally:
        pg_execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def store_url(store_template: str, tmp_path: Path) -> Iterator[str]:
    """A fresh, migrated store for one test."""
    with fresh_store(store_template, tmp_path) as url:
        yield url


def settings_for(store_url: str, folder: Path) -> Settings:
    """Settings of an app on `store_url` keeping its files under `folder`."""
    return Settings(
        _env_file=None,
        DATABASE_URL=store_url,
        SECRET_KEY="test-secret-key-of-a-decent-length-0123456789",
        DATA_DIR=folder / "data",
        UI_DIST_DIR=folder / "dist",
        REDIS_URL=None,
    )


@pytest.fixture
def settings(store_url: str, tmp_path: Path) -> Settings:
    return settings_for(store_url, tmp_path)


AppFactory = Callable[..., FastAPI]


def app_with_superuser(settings: Settings) -> FastAPI:
    """An app on `settings`' store, where the superuser of `tests.factories` exists."""
    app = create_app(settings)
    with Session(app.state.engine) as session:
        if get_user_by_email(session, ADMIN_EMAIL) is None:
            make_user(session, ADMIN_EMAIL, ADMIN_PASSWORD, superuser=True)
    return app


@pytest.fixture
def app_factory(settings: Settings) -> Iterator[AppFactory]:
    """Build an app on this test's store with some settings changed; the superuser exists.

    Every app's store connections are closed at the end of the test, before its database
    is dropped.
    """
    built: list[FastAPI] = []

    def build(**overrides: object) -> FastAPI:
        app = app_with_superuser(settings.model_copy(update=overrides))
        built.append(app)
        return app

    yield build
    for app in built:
        app.state.engine.dispose()


@pytest.fixture
def app(app_factory: AppFactory) -> FastAPI:
    return app_factory()


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as client:
        yield client


@pytest.fixture
def session(app: FastAPI) -> Iterator[Session]:
    with Session(app.state.engine) as session:
        yield session


@pytest.fixture
def admin_headers(client: TestClient) -> dict[str, str]:
    """Headers of the superuser, logged in through the login route."""
    return login(client, ADMIN_EMAIL, ADMIN_PASSWORD)


__all__ = [
    "IN_CI",
    "any_database",
    "PG_SERVER",
    "REDIS_URL",
    "database",
    "pg_database_url",
    "pg_execute",
    "require_mariadb",
    "require_postgres",
    "require_redis",
    "sqlalchemy_url",
]
