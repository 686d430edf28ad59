"""Bodies the admin API must refuse with a 422, never store: JSON nested or sized without
bound, NUL characters, ids past 2^31-1; and pages that must render whatever the store holds."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import JSON, bindparam, text
from sqlmodel import Session

from sluice.models.fields import MAX_JSON_BYTES, MAX_JSON_DEPTH, TOO_DEEP
from tests.factories import make_api, make_module

API = "/api/v1"


def nested(levels: int) -> dict[str, Any]:
    value: dict[str, Any] = {}
    for _ in range(levels - 1):
        value = {"a": value}
    return value


def sqlite_source(name: str = "files", **options: Any) -> dict[str, Any]:
    return {"name": name, "type": "sqlite", "options": {"path": "shop.db"} | options}


def first_error(response: Any) -> dict[str, Any]:
    assert response.status_code == 422, response.text
    error: dict[str, Any] = response.json()["detail"][0]
    return error


def test_json_fields_are_bounded_in_depth_and_size(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    deep, big = nested(MAX_JSON_DEPTH + 1), {"blob": "x" * MAX_JSON_BYTES}
    module = make_module(client, admin_headers)
    api = make_api(client, admin_headers, module_id=module["id"], path="items")
    bodies = [
        ("POST", "/clients", {"name": "deep", "attributes": deep}, ["body", "attributes"]),
        ("POST", "/clients", {"name": "big", "attributes": big}, ["body", "attributes"]),
        ("POST", "/datasources", sqlite_source(nest=deep), ["body", "options"]),
        ("POST", f"/apis/{api['id']}/debug", {"params": deep}, ["body", "params"]),
    ]
    for kind, value in (("object", deep), ("array", [deep])):
        param = {"name": "p", "location": "body", "type": kind, "default": value}
        bodies.append(("PATCH", f"/apis/{api['id']}", {"params": [param]}, ["body", "params"]))
    enum = {"name": "p", "location": "query", "type": "string", "enum": ["a", "b" * MAX_JSON_BYTES]}
    bodies.append(("PATCH", f"/apis/{api['id']}", {"params": [enum]}, ["body", "params"]))
    for method, path, body, loc in bodies:
        response = client.request(method, f"{API}{path}", json=body, headers=admin_headers)
        error = first_error(response)
        assert error["loc"][:2] == loc, (path, error)
        assert "deeper than 32 levels" in error["msg"] or "larger than" in error["msg"]

    fits = client.post(
        f"{API}/clients", json={"name": "fits", "attributes": nested(32)}, headers=admin_headers
    )
    assert fits.status_code == 201
    assert client.get(f"{API}/clients/{fits.json()['id']}", headers=admin_headers).json()[
        "attributes"
    ] == nested(32)
    assert client.get(f"{API}/clients", headers=admin_headers).json()["count"] == 1


def store_json(session: Session, sql: str, value: Any) -> None:
    session.execute(text(sql).bindparams(bindparam("value", type_=JSON)), {"value": value})
    session.commit()


def test_pages_render_deeply_nested_values_already_in_the_store(
    client: TestClient, admin_headers: dict[str, str], session: Session
) -> None:
    """A client saved before the bounds existed, 300 levels deep, and its audit entry."""
    created = client.post(f"{API}/clients", json={"name": "old"}, headers=admin_headers).json()
    module = make_module(client, admin_headers)
    api = make_api(client, admin_headers, module_id=module["id"], path="items")
    param = {"name": "p", "location": "body", "type": "object", "default": nested(300)}
    store_json(session, "UPDATE client SET attributes = :value", nested(300))
    store_json(session, "UPDATE api SET params = :value", [param])
    store_json(session, "UPDATE audit_log SET after = :value", {"attributes": nested(300)})
    store_json(session, "UPDATE audit_log SET before = :value", nested(300))

    pages = ("/clients", f"/clients/{created['id']}", "/overview", "/audit-logs", "/apis")
    for path in (*pages, f"/apis/{api['id']}"):
        response = client.get(f"{API}{path}", headers=admin_headers)
        assert response.status_code == 200, (path, response.text)
        assert TOO_DEEP in response.text, path
    clipped = client.get(f"{API}/clients/{created['id']}", headers=admin_headers).json()
    depth, value = 0, clipped["attributes"]
    while isinstance(value, dict):
        depth, value = depth + 1, value["a"]
    assert (depth, value) == (MAX_JSON_DEPTH, TOO_DEEP)

    fixed = client.patch(
        f"{API}/clients/{created['id']}", json={"attributes": {"ok": 1}}, headers=admin_headers
    )
    assert fixed.status_code == 200
    assert fixed.json()["attributes"] == {"ok": 1}


NUL = "a\x00b"


def create_bodies(client: TestClient, headers: dict[str, str]) -> list[tuple[str, dict[str, Any]]]:
    """Every admin create endpoint with a NUL in one text field."""
    module = make_module(client, headers)
    return [
        ("/roles", {"name": NUL}),
        ("/roles", {"name": "r", "description": NUL}),
        ("/users", {"email": "n@example.com", "password": "password-1", "full_name": NUL}),
        ("/datasources", sqlite_source(name=NUL)),
        ("/datasources", sqlite_source(description=NUL)),
        ("/datasources/test", sqlite_source(path=NUL)),
        ("/modules", {"name": "m", "description": NUL}),
        ("/macros", {"name": "m", "content": NUL}),
        ("/apis", {"module_id": module["id"], "name": NUL, "path": "p"}),
        ("/apis", {"module_id": module["id"], "name": "n", "path": "p", "content": NUL}),
        ("/groups", {"name": NUL}),
        ("/clients", {"name": "c", "description": NUL}),
        ("/clients", {"name": "c", "attributes": {"key": [1, {"deep": NUL}]}}),
        ("/clients", {"name": "c", "attributes": {NUL: 1}}),
    ]


def test_a_nul_character_anywhere_in_a_body_is_422(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    for path, body in create_bodies(client, admin_headers):
        error = first_error(client.post(f"{API}{path}", json=body, headers=admin_headers))
        assert error["loc"][0] == "body", (path, error)
        assert "NUL" in error["msg"], (path, error)
    nested_loc = client.post(
        f"{API}/clients",
        json={"name": "c", "attributes": {"key": [1, {"deep": NUL}]}},
        headers=admin_headers,
    )
    assert first_error(nested_loc)["loc"] == ["body", "attributes", "key", 1, "deep"]
    for path in ("/roles", "/datasources", "/macros", "/apis", "/groups", "/clients"):
        listed = client.get(f"{API}{path}", headers=admin_headers).json()
        assert all("\x00" not in str(item) for item in listed["data"]), path


def test_a_nul_character_in_a_query_form_or_path_is_422(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    for path in ("/access-logs?client_id=%00", "/audit-logs?actor=a%00b", "/users?x%00=1"):
        error = first_error(client.get(f"{API}{path}", headers=admin_headers))
        assert error["loc"][0] == "query" and "NUL" in error["msg"], (path, error)
    login = client.post(
        f"{API}/login/access-token", data={"username": "admin@example.com\x00", "password": "x"}
    )
    assert first_error(login)["loc"] == ["body", "username"]


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/users", {"email": "i@example.com", "password": "password-1", "role_ids": [2**31]}),
        ("/groups", {"name": "g", "api_ids": [2**31]}),
        ("/clients", {"name": "c", "group_ids": [2**31]}),
        ("/clients", {"name": "c", "api_ids": [0]}),
        ("/apis", {"module_id": 2**31, "name": "n", "path": "p"}),
        ("/apis", {"module_id": 1, "name": "n", "path": "p", "datasource_id": 2**40}),
        ("/macros", {"name": "m", "module_id": 2**31}),
    ],
)
def test_ids_in_a_body_are_bounded(
    client: TestClient, admin_headers: dict[str, str], path: str, body: dict[str, Any]
) -> None:
    error = first_error(client.post(f"{API}{path}", json=body, headers=admin_headers))
    assert error["loc"][0] == "body"
    assert "2147483647" in error["msg"] or "greater than or equal to 1" in error["msg"]
