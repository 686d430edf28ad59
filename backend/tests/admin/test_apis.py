"""Modules, APIs, macros and versions through the admin API."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from sluice.models.api import ApiVersion
from tests.factories import make_api, make_module, make_source, publish, user_with_role

SQLITE_SOURCE = {"name": "lite", "type": "mysql", "host": "127.0.0.1", "port": 1, "database": "x"}


@pytest.mark.parametrize(
    "name", ["api", "ui", "health", "mcp", "Bad", "-x", "a" * 64, "with space"]
)
def test_module_names_follow_the_pattern_and_skip_reserved_words(
    client: TestClient, admin_headers: dict[str, str], name: str
) -> None:
    response = client.post("/api/v1/modules", json={"name": name}, headers=admin_headers)
    assert response.status_code == 422


def test_module_crud(client: TestClient, admin_headers: dict[str, str]) -> None:
    module = make_module(client, admin_headers, "sales")
    assert (
        client.post("/api/v1/modules", json={"name": "sales"}, headers=admin_headers).status_code
        == 409
    )
    path = f"/api/v1/modules/{module['id']}"
    assert (
        client.patch(path, json={"description": "Sales data"}, headers=admin_headers).json()[
            "description"
        ]
        == "Sales data"
    )
    make_api(client, admin_headers, module_id=module["id"], path="orders", content="SELECT 1")
    refused = client.delete(path, headers=admin_headers)
    assert refused.status_code == 409 and "1 API" in refused.json()["detail"]
    listed = client.get("/api/v1/modules", headers=admin_headers).json()
    assert listed["data"][0]["api_count"] == 1


def test_route_conflicts_name_the_other_api(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    module = make_module(client, admin_headers)
    first = make_api(client, admin_headers, module_id=module["id"], name="by id", path="users/{id}")
    body = {"module_id": module["id"], "name": "by name", "path": "users/{name}"}
    response = client.post("/api/v1/apis", json=body, headers=admin_headers)
    assert response.status_code == 409
    assert "by id" in response.json()["detail"] and str(first["id"]) in response.json()["detail"]
    same = client.post("/api/v1/apis", json={**body, "path": "users/{id}"}, headers=admin_headers)
    assert same.status_code == 409
    assert (
        client.post(
            "/api/v1/apis", json={**body, "method": "POST"}, headers=admin_headers
        ).status_code
        == 201
    )
    assert (
        client.post(
            "/api/v1/apis", json={**body, "path": "users/me"}, headers=admin_headers
        ).status_code
        == 201
    )
    moved = client.patch(
        f"/api/v1/apis/{first['id']}", json={"path": "users/me"}, headers=admin_headers
    )
    assert moved.status_code == 409


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"path": "a//b"}, "empty segment"),
        ({"path": ".."}, "dot segment '..'"),
        ({"path": "../admin"}, "dot segment '..'"),
        ({"path": "a/../b"}, "dot segment '..'"),
        ({"path": "{id}/.."}, "dot segment '..'"),
        ({"path": "a/./b"}, "dot segment '.'"),
        ({"path": "/."}, "dot segment '.'"),
        ({"path": "users/{id}/{id}"}, "placeholder appears twice"),
        ({"method": "TRACE"}, "Input should be"),
        ({"params": [{"name": "x", "location": "query", "type": "uuid"}]}, "Input should be"),
        ({"params": [{"name": "x", "location": "query", "type": "string"}] * 2}, "share a name"),
        ({"result_transform": "def f(:\n  pass"}, "line 1"),
    ],
)
def test_invalid_apis_are_422(
    client: TestClient, admin_headers: dict[str, str], fields: dict[str, Any], message: str
) -> None:
    module = make_module(client, admin_headers)
    body = {"module_id": module["id"], "name": "x", "path": "x"} | fields
    response = client.post("/api/v1/apis", json=body, headers=admin_headers)
    assert response.status_code == 422
    assert message in str(response.json()["detail"])


def test_an_api_cannot_be_moved_to_a_dot_segment(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    module = make_module(client, admin_headers)
    api = make_api(client, admin_headers, module_id=module["id"], path="users/{id}")
    moved = client.patch(
        f"/api/v1/apis/{api['id']}", json={"path": "users/{id}/.."}, headers=admin_headers
    )
    assert moved.status_code == 422 and "dot segment '..'" in moved.json()["detail"]
    kept = client.get(f"/api/v1/apis/{api['id']}", headers=admin_headers).json()
    assert kept["path"] == "users/{id}"


def test_editor_hints(client: TestClient, admin_headers: dict[str, str]) -> None:
    module = make_module(client, admin_headers)
    api = make_api(
        client,
        admin_headers,
        module_id=module["id"],
        path="p",
        content="SELECT * FROM t WHERE a = {{ a }} AND b = {{ params.b }} ORDER BY {{ col | raw }}",
    )
    assert sorted(api["parameters_in_content"]) == ["a", "b", "col"]
    assert api["uses_raw"] is True


def test_permissions(client: TestClient, session: Session, admin_headers: dict[str, str]) -> None:
    module = make_module(client, admin_headers)
    api = make_api(client, admin_headers, module_id=module["id"], path="p", content="SELECT 1")
    viewer = user_with_role(client, session, "viewer")
    assert client.get("/api/v1/apis", headers=viewer).status_code == 200
    assert (
        client.patch(f"/api/v1/apis/{api['id']}", json={"name": "n"}, headers=viewer).status_code
        == 403
    )
    assert (
        client.post(f"/api/v1/apis/{api['id']}/debug", json={}, headers=viewer).status_code == 403
    )
    assert (
        client.post(f"/api/v1/apis/{api['id']}/publish", json={}, headers=viewer).status_code == 403
    )
    assert client.post("/api/v1/modules", json={"name": "m2"}, headers=viewer).status_code == 403
    assert client.post("/api/v1/macros", json={"name": "m"}, headers=viewer).status_code == 403


def test_publish_needs_a_data_source_and_a_template_that_compiles(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    module = make_module(client, admin_headers)
    api = make_api(
        client, admin_headers, module_id=module["id"], path="p", content="SELECT {{ broken"
    )
    response = client.post(f"/api/v1/apis/{api['id']}/publish", json={}, headers=admin_headers)
    assert response.status_code == 422 and "data source" in response.json()["detail"]
    source = make_source(client, admin_headers, SQLITE_SOURCE)
    client.patch(
        f"/api/v1/apis/{api['id']}", json={"datasource_id": source["id"]}, headers=admin_headers
    )
    response = client.post(f"/api/v1/apis/{api['id']}/publish", json={}, headers=admin_headers)
    assert response.status_code == 422 and "line 1" in response.json()["detail"]


def test_versions_list_show_diff_restore(client: TestClient, admin_headers: dict[str, str]) -> None:
    module = make_module(client, admin_headers)
    source = make_source(client, admin_headers, SQLITE_SOURCE)
    api = make_api(
        client,
        admin_headers,
        module_id=module["id"],
        datasource_id=source["id"],
        path="p",
        content="SELECT 1 AS v",
    )
    base = f"/api/v1/apis/{api['id']}"
    v1 = publish(client, admin_headers, api["id"], "first")
    assert (v1["version"], v1["message"], v1["created_by"], v1["is_live"]) == (
        1,
        "first",
        "admin@example.com",
        True,
    )
    client.patch(base, json={"content": "SELECT 2 AS v", "timeout_ms": 500}, headers=admin_headers)
    v2 = publish(client, admin_headers, api["id"], "second")
    versions = client.get(f"{base}/versions", headers=admin_headers).json()
    assert [(v["version"], v["is_live"]) for v in versions["data"]] == [(2, True), (1, False)]
    shown = client.get(f"{base}/versions/{v1['id']}", headers=admin_headers).json()
    assert shown["snapshot"]["content"] == "SELECT 1 AS v"
    diff = client.get(
        f"{base}/versions/{v2['id']}/diff", params={"against": v1["id"]}, headers=admin_headers
    ).json()
    assert diff["changed"] == {"timeout_ms": [None, 500]}
    assert "-SELECT 1 AS v" in diff["content_diff"] and "+SELECT 2 AS v" in diff["content_diff"]
    restored = client.post(f"{base}/versions/{v1['id']}/restore", headers=admin_headers)
    assert restored.status_code == 201 and restored.json()["version"] == 3
    assert client.get(base, headers=admin_headers).json()["content"] == "SELECT 1 AS v"
    assert client.get(f"{base}/versions/99999", headers=admin_headers).status_code == 404
    unpublished = client.post(f"{base}/unpublish", headers=admin_headers).json()
    assert unpublished["is_published"] is False


def test_macros_are_pinned_by_the_api_version(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    module = make_module(client, admin_headers)
    source = make_source(client, admin_headers, SQLITE_SOURCE)
    macro = client.post(
        "/api/v1/macros",
        json={"name": "shared", "content": "{% macro cols() %}id, name{% endmacro %}"},
        headers=admin_headers,
    ).json()
    api = make_api(
        client,
        admin_headers,
        module_id=module["id"],
        datasource_id=source["id"],
        path="p",
        content="{% import 'shared' as s %}SELECT {{ s.cols() }} FROM t",
    )
    unpublished = client.post(f"/api/v1/apis/{api['id']}/publish", json={}, headers=admin_headers)
    assert unpublished.status_code == 422 and "shared" in unpublished.json()["detail"]

    m1 = client.post(
        f"/api/v1/macros/{macro['id']}/publish", json={"message": "v1"}, headers=admin_headers
    ).json()
    assert m1["version"] == 1
    publish(client, admin_headers, api["id"])
    client.patch(
        f"/api/v1/macros/{macro['id']}",
        json={"content": "{% macro cols() %}id{% endmacro %}"},
        headers=admin_headers,
    )
    client.post(
        f"/api/v1/macros/{macro['id']}/publish", json={"message": "v2"}, headers=admin_headers
    )
    seen = client.get(f"/api/v1/macros/{macro['id']}", headers=admin_headers).json()
    assert seen["latest_version"] == 2
    assert seen["used_by"] == [
        {"api_id": api["id"], "api_name": api["name"], "pinned_version": 1, "is_latest": False}
    ]
    versions = client.get(f"/api/v1/macros/{macro['id']}/versions", headers=admin_headers).json()
    assert [v["version"] for v in versions["data"]] == [2, 1]
    assert client.delete(f"/api/v1/macros/{macro['id']}", headers=admin_headers).status_code == 409
    broken = client.post(
        "/api/v1/macros", json={"name": "bad", "content": "{% macro x( %}"}, headers=admin_headers
    ).json()
    assert (
        client.post(
            f"/api/v1/macros/{broken['id']}/publish", json={}, headers=admin_headers
        ).status_code
        == 422
    )


def test_a_data_source_in_use_cannot_be_deleted(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    module = make_module(client, admin_headers)
    source = make_source(client, admin_headers, SQLITE_SOURCE)
    make_api(
        client,
        admin_headers,
        module_id=module["id"],
        datasource_id=source["id"],
        path="p",
        name="orders",
    )
    response = client.delete(f"/api/v1/datasources/{source['id']}", headers=admin_headers)
    assert response.status_code == 409 and "orders" in response.json()["detail"]


def test_allowing_whole_table_writes_is_frozen_in_each_version(
    client: TestClient, session: Session, admin_headers: dict[str, str]
) -> None:
    module = make_module(client, admin_headers)
    source = make_source(client, admin_headers, SQLITE_SOURCE)
    api = make_api(
        client,
        admin_headers,
        module_id=module["id"],
        datasource_id=source["id"],
        path="purge",
        content="DELETE FROM t",
    )
    assert api["allow_whole_table_writes"] is False
    base = f"/api/v1/apis/{api['id']}"
    v1 = publish(client, admin_headers, api["id"])
    client.patch(base, json={"allow_whole_table_writes": True}, headers=admin_headers)
    v2 = publish(client, admin_headers, api["id"])
    snapshot = client.get(f"{base}/versions/{v2['id']}", headers=admin_headers).json()["snapshot"]
    assert snapshot["allow_whole_table_writes"] is True
    diff = client.get(
        f"{base}/versions/{v2['id']}/diff", params={"against": v1["id"]}, headers=admin_headers
    ).json()
    assert diff["changed"] == {"allow_whole_table_writes": [False, True]}

    # A version published before the setting existed has no such key: it meant "refuse".
    old = session.get(ApiVersion, v1["id"])
    assert old is not None
    old.snapshot = {k: v for k, v in old.snapshot.items() if k != "allow_whole_table_writes"}
    session.add(old)
    session.commit()
    diff = client.get(
        f"{base}/versions/{v2['id']}/diff", params={"against": v1["id"]}, headers=admin_headers
    ).json()
    assert diff["changed"] == {"allow_whole_table_writes": [False, True]}
    restored = client.post(f"{base}/versions/{v1['id']}/restore", headers=admin_headers)
    assert restored.status_code == 201
    assert client.get(base, headers=admin_headers).json()["allow_whole_table_writes"] is False
    live = client.get(f"{base}/versions/{restored.json()['id']}", headers=admin_headers).json()
    assert live["snapshot"]["allow_whole_table_writes"] is False


def test_a_script_suggests_the_params_it_reads(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    module = make_module(client, admin_headers)
    script = (
        'def execute(params):\n    day = params.get("day")\n'
        '    return {"who": params["who"], "day": day, "again": params["who"]}'
    )
    api = make_api(
        client, admin_headers, module_id=module["id"], path="s", engine="script", content=script
    )
    assert api["parameters_in_content"] == ["day", "who"]
    broken = client.patch(
        f"/api/v1/apis/{api['id']}", json={"content": "def execute(:"}, headers=admin_headers
    ).json()
    assert broken["parameters_in_content"] == []


def test_the_editor_reference_names_every_filter_and_the_script_context(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    response = client.get("/api/v1/apis/editor-reference", headers=admin_headers)
    assert response.status_code == 200
    reference = response.json()
    filters = {f["name"]: f["doc"] for f in reference["filters"]}
    assert "sql_like" in filters and "%value%" in filters["sql_like"]
    assert "in_list" in filters and filters["lower"].startswith("Convert a value to lowercase")
    assert all(doc for doc in filters.values())
    tags = {t["name"] for t in reference["tags"]}
    assert {"where", "setclause", "if", "for"} <= tags
    names = {n["name"]: n["doc"] for n in reference["script_names"]}
    assert {"params", "db", "tx", "http", "cache", "log"} <= set(names)
    assert names["db"].startswith("`db.query(sql, params)`")


def test_mcp_settings_are_frozen_in_a_version_and_a_module_can_hide_its_apis(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    module = make_module(client, admin_headers)
    assert module["mcp_hidden"] is False
    hidden = client.patch(
        f"/api/v1/modules/{module['id']}", json={"mcp_hidden": True}, headers=admin_headers
    )
    assert hidden.json()["mcp_hidden"] is True
    source = make_source(client, admin_headers, SQLITE_SOURCE)
    api = make_api(
        client,
        admin_headers,
        module_id=module["id"],
        datasource_id=source["id"],
        path="things",
        method="POST",
    )
    assert (api["mcp_hidden"], api["mcp_writes"]) == (False, False)
    base = f"/api/v1/apis/{api['id']}"
    v1 = publish(client, admin_headers, api["id"])
    client.patch(base, json={"mcp_writes": True, "mcp_hidden": True}, headers=admin_headers)
    v2 = publish(client, admin_headers, api["id"])
    diff = client.get(
        f"{base}/versions/{v2['id']}/diff", params={"against": v1["id"]}, headers=admin_headers
    ).json()
    assert diff["changed"] == {"mcp_hidden": [False, True], "mcp_writes": [False, True]}
