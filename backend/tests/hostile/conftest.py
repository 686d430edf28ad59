"""A small world for hostile requests: one app per test module, with a row of every kind
(so hostile calls reach body validation and the services, not only a 404) and published
APIs of every param type on a SQLite data source and on the real PostgreSQL."""

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.conftest import app_with_superuser, fresh_store, settings_for
from tests.factories import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    login,
    make_api,
    make_module,
    make_source,
    make_user,
    publish,
)
from tests.servers import require_postgres

Headers = dict[str, str]


@dataclass
class World:
    app: FastAPI
    client: TestClient
    admin: Headers
    gateway: Headers
    ids: dict[str, int] = field(default_factory=dict)


def q(name: str, kind: str, location: str = "query", **extra: Any) -> dict[str, Any]:
    return {"name": name, "location": location, "type": kind} | extra


GATEWAY_APIS: list[dict[str, Any]] = [
    {
        "path": "items/{id}",
        "content": "SELECT id, name FROM items WHERE id = {{ id }}",
        "params": [q("id", "integer", "path")],
    },
    {
        "path": "items",
        "access": "private",
        "content": "SELECT id, name FROM items WHERE name <> {{ q }} AND price >= {{ low }}"
        " AND {{ active }} IS NOT NULL AND {{ since }} <= '9999'"
        " AND id NOT IN {{ skip | in_list('int') }} LIMIT {{ limit }}",
        "params": [
            q("q", "string", default=""),
            q("low", "number", default=0),
            q("active", "boolean", default=True),
            q("since", "date", default="2000-01-01"),
            q("skip", "array", default=[0]),
            q("limit", "integer", min=1, max=50, default=10),
        ],
    },
    {
        "path": "items",
        "method": "POST",
        "access": "private",
        "content": "SELECT {{ name }} AS name, {{ price }} AS price, {{ at }} AS at,"
        " {{ meta | json }} AS meta, {{ x_tenant }} AS tenant",
        "params": [
            q("name", "string", "body", required=True, max=50),
            q("price", "number", "body", min=0, max=1e6, default=0),
            q("at", "datetime", "body", default="2000-01-01T00:00:00"),
            q("meta", "object", "body", default={}),
            q("x_tenant", "string", "header", default="t"),
        ],
    },
]
PG_API: dict[str, Any] = {
    "path": "numbers/{n}",
    "content": "SELECT {{ n }}::int AS n, {{ label }}::text AS label",
    "params": [q("n", "integer", "path"), q("label", "string", default="x")],
}


def sqlite_source(folder: Any) -> dict[str, Any]:
    folder.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(folder / "hostile.db") as db:
        db.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, price REAL)")
        db.executemany("INSERT INTO items VALUES (?, ?, ?)", [(1, "ada", 1.5), (2, "bob", 3.0)])
    db.close()
    return {"name": "lite", "type": "sqlite", "options": {"path": "hostile.db"}}


def created(response: Any) -> int:
    assert response.status_code == 201, response.text
    value: int = response.json()["id"]
    return value


def populate(world: World, settings: Any) -> None:
    """One row of each kind, published APIs and a client granted the private ones."""
    c, h, ids = world.client, world.admin, world.ids
    ids["datasource"] = make_source(c, h, sqlite_source(settings.sqlite_datasource_dir))["id"]
    require_postgres()
    pg = {"name": "pg", "type": "postgres", "host": "127.0.0.1", "port": 5432}
    ids["pg_datasource"] = make_source(c, h, pg | {"database": "test", "username": "postgres"})[
        "id"
    ]
    ids["module"] = make_module(c, h)["id"]
    api_ids = []
    for body in GATEWAY_APIS:
        api = make_api(c, h, module_id=ids["module"], datasource_id=ids["datasource"], **body)
        api_ids.append(api["id"])
        ids["version"] = publish(c, h, api["id"])["id"]
    pg_api = make_api(c, h, module_id=ids["module"], datasource_id=ids["pg_datasource"], **PG_API)
    publish(c, h, pg_api["id"])
    ids["api"] = api_ids[0]
    ids["macro"] = created(c.post("/api/v1/macros", json={"name": "m1", "content": "1"}, headers=h))
    ids["group"] = created(c.post("/api/v1/groups", json={"name": "g1"}, headers=h))
    ids["role"] = created(c.post("/api/v1/roles", json={"name": "narrow"}, headers=h))
    app = c.post("/api/v1/clients", json={"name": "app", "api_ids": api_ids}, headers=h)
    ids["client"] = created(app)
    secret = {"client_id": app.json()["client_id"], "client_secret": app.json()["client_secret"]}
    token = c.post("/token/generate", json=secret)
    assert token.status_code == 200, token.text
    world.gateway["Authorization"] = f"Bearer {token.json()['access_token']}"
    with Session(world.app.state.engine) as session:
        ids["user"] = make_user(session, "viewer@example.com", roles=("viewer",)).id or 0


@pytest.fixture(scope="module")
def world(store_template: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """An app on its own store, shared by the tests of one module: hostile calls must
    change nothing, and building the world once keeps the suite fast."""
    folder = tmp_path_factory.mktemp("hostile")
    with fresh_store(store_template, folder) as url:
        settings = settings_for(url, folder)
        app = app_with_superuser(settings)
        with TestClient(app) as client:
            world = World(app, client, login(client, ADMIN_EMAIL, ADMIN_PASSWORD), {})
            populate(world, settings)
            yield world
        app.state.engine.dispose()
