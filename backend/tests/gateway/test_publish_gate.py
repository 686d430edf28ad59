"""A module that holds publishes to passing tests: publish and restore refused with 409 and
the failures, forced only with a reason by someone who may, and audited."""

import sqlite3
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.factories import login, make_api, make_module, make_source, make_user, user_with_role

Headers = dict[str, str]


@pytest.fixture
def gated(client: TestClient, admin_headers: Headers, settings: Any) -> dict[str, Any]:
    """A gated module with an API reading a three-row table, on SQLite."""
    folder = settings.sqlite_datasource_dir
    folder.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(folder / "gate.db") as db:
        db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)")
        db.executemany("INSERT INTO t VALUES (?)", [(1,), (2,), (3,)])
    db.close()
    body = {"name": "lite", "type": "sqlite", "options": {"path": "gate.db"}}
    source = make_source(client, admin_headers, body)
    module = make_module(client, admin_headers)
    changed = client.patch(
        f"/api/v1/modules/{module['id']}",
        json={"require_passing_tests": True},
        headers=admin_headers,
    )
    assert changed.json()["require_passing_tests"] is True
    return make_api(
        client,
        admin_headers,
        module_id=module["id"],
        datasource_id=source["id"],
        path="ids",
        content="SELECT id FROM t",
    )


def publish(client: TestClient, headers: Headers, api_id: int, **body: Any) -> Any:
    return client.post(f"/api/v1/apis/{api_id}/publish", json=body, headers=headers)


def add_test(client: TestClient, headers: Headers, api_id: int, **body: Any) -> dict[str, Any]:
    response = client.post(f"/api/v1/apis/{api_id}/tests", json=body, headers=headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def versions(client: TestClient, headers: Headers, api_id: int) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = client.get(
        f"/api/v1/apis/{api_id}/versions", headers=headers
    ).json()["data"]
    return found


def forced_entries(client: TestClient, headers: Headers) -> list[dict[str, Any]]:
    entries = client.get("/api/v1/audit-logs?resource=api", headers=headers).json()["data"]
    return [e for e in entries if e["action"].startswith("force_")]


def test_the_gate_refuses_a_failing_api_and_passes_a_passing_one(
    client: TestClient, admin_headers: Headers, gated: dict[str, Any]
) -> None:
    api = gated["id"]
    first = publish(client, admin_headers, api, message="no tests yet")
    assert first.status_code == 201
    assert first.json()["tests"] == {
        "passed": 0,
        "failed": 0,
        "results": [],
        "forced": False,
        "note": "No test cases: nothing held this publish",
    }
    case = add_test(client, admin_headers, api, name="four ids", expect={"rows": 4})
    same = publish(client, admin_headers, api, message="again")  # refused before the tests run
    assert same.status_code == 409 and same.json()["code"] == "nothing_to_publish"
    client.patch(f"/api/v1/apis/{api}", json={"description": "v2"}, headers=admin_headers)
    refused = publish(client, admin_headers, api, message="v2")
    assert refused.status_code == 409
    body = refused.json()
    assert body["code"] == "tests_failed"
    assert body["detail"] == (
        "1 of 1 test case(s) failed ('four ids'); fix them, or force the publish with a reason"
    )
    (result,) = body["tests"]["results"]
    assert result["failures"][0]["message"] == "Expected 4 rows, got 3."
    assert len(versions(client, admin_headers, api)) == 1  # nothing was published

    client.patch(
        f"/api/v1/apis/{api}/tests/{case['id']}",
        json={"expect": {"rows": 3}},
        headers=admin_headers,
    )
    passed = publish(client, admin_headers, api, message="v2")
    assert passed.status_code == 201, passed.text
    assert passed.json()["tests"]["passed"] == 1 and passed.json()["tests"]["forced"] is False
    assert passed.json()["message"] == "v2" and passed.json()["version"] == 2


def test_forcing_needs_a_reason_and_module_write_and_is_audited(
    client: TestClient, admin_headers: Headers, gated: dict[str, Any], session: Session
) -> None:
    api = gated["id"]
    add_test(client, admin_headers, api, name="four ids", expect={"rows": 4})
    no_reason = publish(client, admin_headers, api, force=True)
    assert no_reason.status_code == 422 and "reason" in str(no_reason.json()["detail"])

    role = client.post(
        "/api/v1/roles",
        json={
            "name": "publisher",
            "permissions": [
                {"resource": "api", "action": "read"},
                {"resource": "api", "action": "publish"},
            ],
        },
        headers=admin_headers,
    ).json()
    make_user(session, "publisher@example.com")
    user = client.get("/api/v1/users", headers=admin_headers).json()["data"]
    publisher_id = next(u["id"] for u in user if u["email"] == "publisher@example.com")
    client.patch(
        f"/api/v1/users/{publisher_id}", json={"role_ids": [role["id"]]}, headers=admin_headers
    )
    publisher = login(client, "publisher@example.com")
    stepped_over = publish(client, publisher, api, force=True, reason="I say so")
    assert stepped_over.status_code == 403
    assert "module:write" in stepped_over.json()["detail"]
    assert publish(client, publisher, api).status_code == 409  # the gate holds for them
    assert forced_entries(client, admin_headers) == []

    developer = user_with_role(client, session, "developer")
    forced = publish(
        client, developer, api, message="hotfix", force=True, reason="the data changed, INC-7"
    )
    assert forced.status_code == 201, forced.text
    answer = forced.json()
    assert answer["message"] == "hotfix (forced past failing tests: the data changed, INC-7)"
    assert answer["tests"]["forced"] is True and answer["tests"]["failed"] == 1
    assert answer["tests"]["note"] == "Forced past 1 failing test case(s): the data changed, INC-7"
    (entry,) = forced_entries(client, admin_headers)
    assert entry["action"] == "force_publish" and entry["actor"] == "developer-role@example.com"
    assert entry["resource_id"] == str(api)
    assert entry["after"] == {
        "version": 1,
        "message": "hotfix (forced past failing tests: the data changed, INC-7)",
        "reason": "the data changed, INC-7",
        "failed_tests": ["four ids"],
        "is_published": True,
        "published_version_id": entry["after"]["published_version_id"],
    }
    publishes = [e for e in forced_entries(client, admin_headers) if "publish" in e["action"]]
    assert len(publishes) == 1  # the forced publish is its one entry, not an update besides
    assert client.get("/shop/ids").json()["data"] == [{"id": 1}, {"id": 2}, {"id": 3}]


def test_a_restore_runs_the_tests_against_the_restored_content(
    client: TestClient, admin_headers: Headers, gated: dict[str, Any]
) -> None:
    api = gated["id"]
    v1 = publish(client, admin_headers, api).json()
    client.patch(
        f"/api/v1/apis/{api}",
        json={"content": "SELECT id FROM t WHERE id < 2"},
        headers=admin_headers,
    )
    add_test(client, admin_headers, api, name="one id", expect={"rows": 1})
    assert publish(client, admin_headers, api).status_code == 201

    restore = f"/api/v1/apis/{api}/versions/{v1['id']}/restore"
    refused = client.post(restore, headers=admin_headers)
    assert refused.status_code == 409 and refused.json()["code"] == "tests_failed"
    failure = refused.json()["tests"]["results"][0]["failures"][0]
    assert failure["message"] == "Expected 1 row, got 3."
    assert client.get("/shop/ids").json()["data"] == [{"id": 1}]  # v2 stays live

    forced = client.post(
        restore, json={"force": True, "reason": "roll back the filter"}, headers=admin_headers
    )
    assert forced.status_code == 201, forced.text
    assert forced.json()["message"] == (
        "Restored version 1 (forced past failing tests: roll back the filter)"
    )
    assert client.get("/shop/ids").json()["data"] == [{"id": 1}, {"id": 2}, {"id": 3}]
    (entry,) = forced_entries(client, admin_headers)
    assert entry["action"] == "force_restore" and entry["after"]["version"] == 3
    assert entry["after"]["restored_version"] == 1


def test_without_the_gate_failing_tests_do_not_hold_a_publish(
    client: TestClient, admin_headers: Headers, gated: dict[str, Any]
) -> None:
    client.patch(
        f"/api/v1/modules/{gated['module_id']}",
        json={"require_passing_tests": False},
        headers=admin_headers,
    )
    add_test(client, admin_headers, gated["id"], name="four ids", expect={"rows": 4})
    published = publish(client, admin_headers, gated["id"], force=True, reason="ignored")
    assert published.status_code == 201
    assert published.json()["tests"] is None and published.json()["message"] is None
