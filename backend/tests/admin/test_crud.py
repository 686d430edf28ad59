"""`POST /api/v1/datasources/{id}/tables/{table}/generate`: preview, saving into a new or an
existing module, route conflicts, unknown tables and columns, permissions. The generated
APIs' calls through the gateway are in tests/gateway/test_crud_round_trip.py."""

import sqlite3
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from sluice.config import Settings
from tests.factories import login, make_module, make_source, make_user

TABLES = [
    'CREATE TABLE "Order Lines" ("OrderId" INTEGER NOT NULL, "line no" INTEGER NOT NULL,'
    ' "order" TEXT, "Qty" INTEGER NOT NULL DEFAULT 1, meta JSON, PRIMARY KEY ("OrderId",'
    ' "line no"))',
    'CREATE TABLE "we""ird \'name" (id INTEGER PRIMARY KEY, "a""b" TEXT)',
    'CREATE TABLE "{{ x }}" (id INTEGER PRIMARY KEY)',
    "CREATE TABLE log (at TEXT, message TEXT)",
    "INSERT INTO \"Order Lines\" VALUES (1, 1, 'first', 2, '{\"k\": 1}')",
]


@pytest.fixture
def source(client: TestClient, admin_headers: dict[str, str], settings: Settings) -> int:
    folder = settings.sqlite_datasource_dir
    folder.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(folder / "shop.db") as db:
        for statement in TABLES:
            db.execute(statement)
    db.close()
    body = {"name": "shop", "type": "sqlite", "options": {"path": "shop.db"}}
    made: int = make_source(client, admin_headers, body)["id"]
    return made


def url(source: int, table: str, preview: bool = False) -> str:
    return f"/api/v1/datasources/{source}/tables/{table}/generate" + (
        "?preview=true" if preview else ""
    )


def generate(
    client: TestClient, headers: dict[str, str], source: int, table: str, **body: Any
) -> Any:
    preview = body.pop("preview", False)
    return client.post(url(source, table, preview), json=body, headers=headers)


def apis(client: TestClient, headers: dict[str, str]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = client.get("/api/v1/apis", headers=headers).json()["data"]
    return found


def test_a_preview_answers_the_apis_and_saves_nothing(
    client: TestClient, admin_headers: dict[str, str], source: int
) -> None:
    answer = generate(
        client,
        admin_headers,
        source,
        "Order Lines",
        module_name="orders",
        filter_columns=["order", "Qty"],
        preview=True,
    )
    assert answer.status_code == 200, answer.text
    result = answer.json()
    assert result["preview"] is True and result["module_id"] is None
    assert (result["table"], result["schema"], result["primary_key"]) == (
        "Order Lines",
        "main",
        ["OrderId", "line no"],
    )
    shown = {(a["operation"], a["method"], a["path"]) for a in result["apis"]}
    assert shown == {
        ("list", "GET", "order-lines"),
        ("get", "GET", "order-lines/{OrderId}/{line_no}"),
        ("create", "POST", "order-lines"),
        ("update", "PATCH", "order-lines/{OrderId}/{line_no}"),
        ("delete", "DELETE", "order-lines/{OrderId}/{line_no}"),
    }
    listing = result["apis"][0]
    assert listing["url"] == "/orders/order-lines" and listing["id"] is None
    assert 'AND "order" IN {{ order_in|in_list }}' in listing["sql"]
    names = {p["name"] for p in listing["params"]}
    assert {"order", "order_in", "Qty_min", "Qty_max", "q", "sort", "limit", "offset"} <= names
    assert apis(client, admin_headers) == []
    modules = client.get("/api/v1/modules", headers=admin_headers).json()
    assert modules["count"] == 0


def test_generating_saves_drafts_into_a_new_module(
    client: TestClient, admin_headers: dict[str, str], source: int
) -> None:
    answer = generate(client, admin_headers, source, "Order Lines", module_name="orders")
    assert answer.status_code == 201, answer.text
    result = answer.json()
    saved = {api["id"]: api for api in apis(client, admin_headers)}
    assert len(saved) == 5 and result["module_id"] is not None
    for api in result["apis"]:
        draft = saved[api["id"]]
        assert draft["content"] == api["sql"] and draft["params"] == api["params"]
        assert draft["module_id"] == result["module_id"] and not draft["is_published"]
        assert draft["access"] == "private" and draft["datasource_id"] == source
    create = next(a for a in result["apis"] if a["operation"] == "create")
    debugged = client.post(
        f"/api/v1/apis/{create['id']}/debug",
        json={"params": {"OrderId": 2, "line_no": 1, "meta": {"a": [1]}}},
        headers=admin_headers,
    ).json()
    assert debugged["ok"], debugged
    assert debugged["data"] == [
        {"OrderId": 2, "line no": 1, "order": None, "Qty": 1, "meta": '{"a":[1]}'}
    ]


def test_a_taken_route_is_a_conflict_and_nothing_is_saved(
    client: TestClient, admin_headers: dict[str, str], source: int
) -> None:
    module = make_module(client, admin_headers, "shop")
    first = generate(client, admin_headers, source, "log", module_id=module["id"])
    assert first.status_code == 201 and len(first.json()["apis"]) == 1  # no key: list only
    before = len(apis(client, admin_headers))
    for preview in (True, False):
        again = generate(
            client,
            admin_headers,
            source,
            "Order Lines",
            module_id=module["id"],
            path_prefix="log",
            preview=preview,
        )
        assert again.status_code == 409, again.text
        assert "GET log" in again.json()["detail"]
    assert len(apis(client, admin_headers)) == before
    elsewhere = generate(
        client, admin_headers, source, "Order Lines", module_id=module["id"], path_prefix="lines"
    )
    assert elsewhere.status_code == 201


def test_a_module_name_that_exists_is_a_conflict(
    client: TestClient, admin_headers: dict[str, str], source: int
) -> None:
    make_module(client, admin_headers, "shop")
    answer = generate(client, admin_headers, source, "log", module_name="shop")
    assert answer.status_code == 409 and "module_id" in answer.json()["detail"]


@pytest.mark.parametrize(
    ("table", "body", "status", "words"),
    [
        ("nope", {}, 404, "Table 'nope' not found"),
        ("it's\"; --", {}, 404, "not found"),
        ("log", {"schema": "other"}, 404, "in schema 'other'"),
        ("log", {"filter_columns": ["missing"]}, 422, "no column 'missing'"),
        ("Order Lines", {"filter_columns": ["meta"]}, 422, "'meta' (JSON) is not a plain type"),
        ("Order Lines", {"key_columns": ["order", "order"]}, 422, "named twice"),
        ("log", {"module_id": 1}, 422, "either module_id"),
        ("log", {"path_prefix": "a/{id}"}, 422, "placeholders"),
        ("log", {"path_prefix": "../x"}, 422, "dot segment"),
        ("log", {"operations": ["drop"]}, 422, ""),
        ("{{ x }}", {}, 422, "template syntax"),
    ],
)
def test_what_cannot_be_generated_is_refused_with_a_reason(
    client: TestClient,
    admin_headers: dict[str, str],
    source: int,
    table: str,
    body: dict[str, Any],
    status: int,
    words: str,
) -> None:
    answer = generate(client, admin_headers, source, table, **({"module_name": "m"} | body))
    assert answer.status_code == status, answer.text
    assert words in str(answer.json()["detail"])


def test_quoted_names_are_quoted_in_the_sql(
    client: TestClient, admin_headers: dict[str, str], source: int
) -> None:
    answer = generate(client, admin_headers, source, "we\"ird 'name", module_name="odd")
    assert answer.status_code == 201, answer.text
    result = answer.json()
    assert result["apis"][0]["path"] == "we-ird-name"
    listing = result["apis"][0]
    assert 'FROM "we""ird \'name"' in listing["sql"] and '"a""b"' in listing["sql"]
    create = result["apis"][2]
    assert {p["name"] for p in create["params"]} == {"id", "a_b"}
    for api, params in ((create, {"a_b": "x'y"}), (listing, {})):
        debugged = client.post(
            f"/api/v1/apis/{api['id']}/debug", json={"params": params}, headers=admin_headers
        ).json()
        assert debugged["ok"], debugged
    assert debugged["data"] == [{"id": 1, 'a"b': "x'y"}]


def test_only_the_operations_asked_for_and_the_key_named(
    client: TestClient, admin_headers: dict[str, str], source: int
) -> None:
    answer = generate(
        client,
        admin_headers,
        source,
        "log",
        module_name="logs",
        operations=["get", "delete"],
        key_columns=["at"],
        path_prefix="audit/log",
    )
    assert answer.status_code == 201, answer.text
    assert [(a["method"], a["path"]) for a in answer.json()["apis"]] == [
        ("GET", "audit/log/{at}"),
        ("DELETE", "audit/log/{at}"),
    ]
    assert answer.json()["messages"] == []


def test_permissions(
    client: TestClient, admin_headers: dict[str, str], session: Session, source: int
) -> None:
    make_user(session, "viewer@example.com", roles=("viewer",))
    viewer = login(client, "viewer@example.com")
    refused = generate(client, viewer, source, "log", module_name="x", preview=True)
    assert refused.status_code == 403 and "api:write" in refused.json()["detail"]

    permissions = [
        {"resource": "api", "action": "write"},
        {"resource": "datasource", "action": "read"},
        {"resource": "module", "action": "read"},
    ]
    role = client.post(
        "/api/v1/roles", json={"name": "author", "permissions": permissions}, headers=admin_headers
    )
    assert role.status_code == 201, role.text
    make_user(session, "author@example.com")
    author_id = client.get("/api/v1/users", headers=admin_headers).json()["data"][-1]["id"]
    client.patch(
        f"/api/v1/users/{author_id}", json={"role_ids": [role.json()["id"]]}, headers=admin_headers
    )
    author = login(client, "author@example.com")
    assert generate(client, author, source, "log", module_name="x", preview=True).status_code == 200
    new_module = generate(client, author, source, "log", module_name="x")
    assert new_module.status_code == 403 and "module:write" in new_module.json()["detail"]
    module = make_module(client, admin_headers, "shared")
    assert generate(client, author, source, "log", module_id=module["id"]).status_code == 201
