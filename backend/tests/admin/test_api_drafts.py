"""The draft against the live version: `draft_differs`, nothing to publish, restore to draft."""

from typing import Any

from fastapi.testclient import TestClient

from tests.factories import make_api, make_module, make_source, publish

SOURCE = {"name": "lite", "type": "mysql", "host": "127.0.0.1", "port": 1, "database": "x"}


def _published_api(client: TestClient, headers: dict[str, str]) -> dict[str, Any]:
    module = make_module(client, headers)
    source = make_source(client, headers, SOURCE)
    api = make_api(
        client,
        headers,
        module_id=module["id"],
        datasource_id=source["id"],
        path="p",
        content="SELECT 1 AS v",
    )
    assert api["draft_differs"] is False  # never published: nothing to differ from
    unpublished = client.get(f"/api/v1/apis/{api['id']}/draft/diff", headers=headers)
    assert unpublished.status_code == 404
    publish(client, headers, api["id"], "first")
    return api


def test_draft_differs_follows_the_draft(client: TestClient, admin_headers: dict[str, str]) -> None:
    api = _published_api(client, admin_headers)
    base = f"/api/v1/apis/{api['id']}"
    assert client.get(base, headers=admin_headers).json()["draft_differs"] is False
    changed = client.patch(base, json={"content": "SELECT 2 AS v"}, headers=admin_headers)
    assert changed.json()["draft_differs"] is True
    listed = client.get("/api/v1/apis", headers=admin_headers).json()["data"]
    assert [a["draft_differs"] for a in listed] == [True]
    diff = client.get(f"{base}/draft/diff", headers=admin_headers).json()
    assert (diff["from_version"], diff["to_version"], diff["changed"]) == (1, 2, {})
    assert "-SELECT 1 AS v" in diff["content_diff"] and "+SELECT 2 AS v" in diff["content_diff"]
    back = client.patch(base, json={"content": "SELECT 1 AS v"}, headers=admin_headers)
    assert back.json()["draft_differs"] is False
    unpublished = client.post(f"{base}/unpublish", headers=admin_headers).json()
    assert unpublished["draft_differs"] is False


def test_publishing_the_live_content_again_is_refused(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    api = _published_api(client, admin_headers)
    base = f"/api/v1/apis/{api['id']}"
    again = client.post(f"{base}/publish", json={"message": "same"}, headers=admin_headers)
    assert again.status_code == 409
    assert again.json()["code"] == "nothing_to_publish"
    assert again.json()["detail"] == (
        "nothing to publish: the draft is the same as the live version"
    )
    versions = client.get(f"{base}/versions", headers=admin_headers).json()
    assert versions["count"] == 1
    live = versions["data"][0]
    restored = client.post(f"{base}/versions/{live['id']}/restore", headers=admin_headers)
    assert restored.status_code == 409 and restored.json()["code"] == "nothing_to_publish"
    # Unpublished, the same content goes live again as a new version.
    client.post(f"{base}/unpublish", headers=admin_headers)
    assert publish(client, admin_headers, api["id"], "back")["version"] == 2


def test_restore_to_draft_publishes_nothing(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    api = _published_api(client, admin_headers)
    base = f"/api/v1/apis/{api['id']}"
    client.patch(base, json={"content": "SELECT 2 AS v", "timeout_ms": 500}, headers=admin_headers)
    v2 = publish(client, admin_headers, api["id"], "second")
    v1 = client.get(f"{base}/versions", headers=admin_headers).json()["data"][1]
    restored = client.post(
        f"{base}/versions/{v1['id']}/restore", json={"to": "draft"}, headers=admin_headers
    )
    assert restored.status_code == 200, restored.text
    draft = restored.json()
    assert (draft["content"], draft["timeout_ms"], draft["draft_differs"]) == (
        "SELECT 1 AS v",
        None,
        True,
    )
    assert draft["published_version_id"] == v2["id"]
    versions = client.get(f"{base}/versions", headers=admin_headers).json()
    assert [(v["version"], v["is_live"]) for v in versions["data"]] == [(2, True), (1, False)]
    audit = client.get(
        "/api/v1/audit-logs", params={"resource": "api"}, headers=admin_headers
    ).json()["data"]
    assert audit[0]["resource_id"] == str(api["id"])
    assert audit[0]["after"]["content"] == "SELECT 1 AS v"
    # The default still publishes, as the contract says.
    published = client.post(f"{base}/versions/{v1['id']}/restore", headers=admin_headers)
    assert published.status_code == 201 and published.json()["version"] == 3


def test_restore_to_draft_checks_the_body(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    api = _published_api(client, admin_headers)
    base = f"/api/v1/apis/{api['id']}"
    v1 = client.get(f"{base}/versions", headers=admin_headers).json()["data"][0]
    bad = client.post(
        f"{base}/versions/{v1['id']}/restore", json={"to": "nowhere"}, headers=admin_headers
    )
    assert bad.status_code == 422
    missing = client.post(
        f"{base}/versions/99999/restore", json={"to": "draft"}, headers=admin_headers
    )
    assert missing.status_code == 404
