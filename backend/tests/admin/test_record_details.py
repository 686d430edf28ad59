"""What the access log and the audit log tell a person, on both stores (issue 14, defects
7 and 8): an error's message and the query string (secrets masked) on each call's record;
names, not ids, for the API, the client and the audited object, a deleted one's last
known name; and a publish, a restore, an unpublish and a debug run as one entry each,
named as such."""

from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.factories import publish
from tests.gateway.test_flow import world

Headers = dict[str, str]


def flush(client: TestClient) -> None:
    app: FastAPI = client.app  # type: ignore[assignment]
    client.portal.call(app.state.access_log.flush)  # type: ignore[union-attr]


def make_client(client: TestClient, headers: Headers, api_id: int, name: str) -> dict[str, Any]:
    body = {"name": name, "api_ids": [api_id]}
    response = client.post("/api/v1/clients", json=body, headers=headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def token(client: TestClient, created: dict[str, Any]) -> Headers:
    credentials = {"client_id": created["client_id"], "client_secret": created["client_secret"]}
    answer = client.post("/token/generate", json=credentials).json()
    return {"Authorization": f"Bearer {answer['access_token']}"}


def records(client: TestClient, headers: Headers, **params: Any) -> list[dict[str, Any]]:
    flush(client)
    found: list[dict[str, Any]] = client.get(
        "/api/v1/access-logs", params=params, headers=headers
    ).json()["data"]
    return found


def audit(client: TestClient, headers: Headers, **params: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = client.get(
        "/api/v1/audit-logs", params={"limit": 100} | params, headers=headers
    ).json()["data"]
    return found


PARAMS = [{"name": "min_total", "location": "query", "type": "number", "required": True}]


def test_a_refused_call_keeps_its_message_and_query_string_with_secrets_masked(
    client: TestClient, settings: Any
) -> None:
    headers, api = world(
        client, settings, content="SELECT id FROM t WHERE id > {{ min_total }}", params=PARAMS
    )
    query = "min_total=lots&region=EU&client_secret=hunter2&access_token=abc.def&password=pw"
    refused = client.get(f"/shop/items?{query}")
    assert refused.status_code == 400
    assert refused.json()["message"] == "parameter 'min_total': must be a number"

    (record,) = records(client, headers, status=400)
    assert record["error"] == "bad_request"
    assert record["message"] == "parameter 'min_total': must be a number"
    assert record["query_string"] == (
        "min_total=lots&region=EU&client_secret=***&access_token=***&password=***"
    )
    assert "hunter2" not in str(record) and "abc.def" not in str(record)
    one = client.get(f"/api/v1/access-logs/{record['id']}", headers=headers).json()
    assert one["message"] == record["message"] and one["query_string"] == record["query_string"]

    client.get("/shop/items?min_total=1")
    ok = records(client, headers, status=200)[0]
    assert ok["message"] is None and ok["query_string"] == "min_total=1"
    client.get("/shop/items")
    assert records(client, headers)[0]["query_string"] is None


def test_a_long_query_string_is_cut_to_its_column(client: TestClient, settings: Any) -> None:
    headers, _ = world(client, settings)
    client.get("/shop/items", params={"q": "x" * 5000})
    (record,) = records(client, headers)
    assert record["query_string"].startswith("q=xxx") and len(record["query_string"]) == 2048


def test_calls_name_their_api_and_client_even_once_deleted(
    client: TestClient, settings: Any
) -> None:
    headers, api = world(client, settings, name="Orders over a total", access="private")
    created = make_client(client, headers, api["id"], "Billing service")
    assert client.get("/shop/items", headers=token(client, created)).status_code == 200
    (call,) = records(client, headers)
    assert call["api_id"] == api["id"] and call["api_name"] == "Orders over a total"
    assert call["client_id"] == created["client_id"] and call["client_name"] == "Billing service"
    one = client.get(f"/api/v1/access-logs/{call['id']}", headers=headers).json()
    assert (one["api_name"], one["client_name"]) == ("Orders over a total", "Billing service")

    client.delete(f"/api/v1/clients/{created['id']}", headers=headers)
    client.delete(f"/api/v1/apis/{api['id']}", headers=headers)
    (gone,) = records(client, headers)
    assert (gone["api_name"], gone["client_name"]) == ("Orders over a total", "Billing service")
    overview = client.get("/api/v1/overview", headers=headers).json()
    assert overview["recent_calls"][0]["api_name"] == "Orders over a total"
    assert overview["recent_changes"][0]["resource_name"] == "Orders over a total"


def test_publish_restore_unpublish_and_debug_are_one_named_entry_each(
    client: TestClient, settings: Any
) -> None:
    headers, api = world(client, settings, name="Orders")
    path = f"/api/v1/apis/{api['id']}"
    client.patch(path, json={"content": "SELECT id, tenant FROM t"}, headers=headers)
    publish(client, headers, api["id"], "with tenant")
    versions = client.get(f"{path}/versions", headers=headers).json()["data"]
    restored = client.post(f"{path}/versions/{versions[-1]['id']}/restore", headers=headers)
    assert restored.status_code == 201, restored.text
    for _ in range(2):
        client.post(f"{path}/debug", json={"params": {}}, headers=headers)
    client.post(f"{path}/unpublish", headers=headers)

    entries = audit(client, headers, resource="api")
    assert [e["action"] for e in entries] == [
        "unpublish",
        "debug",
        "debug",
        "restore",
        "publish",
        "update",
        "publish",
        "create",
    ]
    assert {e["resource_name"] for e in entries} == {"Orders"}
    unpublished, _, _, restore, second, _, first, _ = entries
    assert first["after"]["version"] == 1 and first["after"]["message"] == "ship it"
    assert second["after"]["version"] == 2 and second["after"]["message"] == "with tenant"
    assert restore["after"]["restored_version"] == 1 and restore["after"]["version"] == 3
    # the restore brought the old content back: the same one entry says so
    assert restore["after"]["content"] == "SELECT id FROM t ORDER BY id"
    assert restore["before"]["content"] == "SELECT id, tenant FROM t"
    assert unpublished["after"] == {"is_published": False}


def test_a_deleted_object_keeps_its_last_name_in_the_audit_log(
    client: TestClient, settings: Any
) -> None:
    headers, api = world(client, settings, name="Old name")
    client.patch(f"/api/v1/apis/{api['id']}", json={"name": "Last name"}, headers=headers)
    client.delete(f"/api/v1/apis/{api['id']}", headers=headers)
    entries = audit(client, headers, resource="api")
    assert [e["action"] for e in entries] == ["delete", "update", "publish", "create"]
    assert {e["resource_name"] for e in entries} == {"Last name"}
    modules = audit(client, headers, resource="module")
    assert modules[0]["resource_name"] == "shop"
