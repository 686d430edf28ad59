"""Access records on both stores: written in bulk (COPY on PostgreSQL, one executemany on
SQLite), read back through the admin API with their times intact, and dropped (and
counted) rather than queued without bound."""

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.factories import ADMIN_EMAIL, ADMIN_PASSWORD, login


def flush(client: TestClient) -> None:
    app: FastAPI = client.app  # type: ignore[assignment]
    client.portal.call(app.state.access_log.flush)  # type: ignore[union-attr]


def test_records_are_written_and_read_back(client: TestClient) -> None:
    headers = login(client, ADMIN_EMAIL, ADMIN_PASSWORD)
    started = datetime.now(UTC) - timedelta(seconds=1)
    for n in range(3):
        client.get(f"/shop/missing-{n}", headers={"X-Request-ID": f"req-{n}"})
    client.post("/shop/missing-9", content=b"{}", headers={"Content-Type": "application/json"})
    flush(client)
    found = client.get(
        "/api/v1/access-logs", params={"since": started.isoformat()}, headers=headers
    ).json()
    assert found["count"] == 4
    rows: list[dict[str, Any]] = found["data"]
    assert {r["path"] for r in rows} == {f"/shop/missing-{n}" for n in (0, 1, 2, 9)}
    assert {r["status"] for r in rows} == {404}
    assert {r["error"] for r in rows} == {"not_found"}
    assert sorted(r["request_id"] for r in rows if r["method"] == "GET") == [
        "req-0",
        "req-1",
        "req-2",
    ]
    at = datetime.fromisoformat(rows[0]["at"].replace("Z", "+00:00"))
    assert started <= at <= datetime.now(UTC)
    assert all(r["module"] == "shop" for r in rows)


def test_a_full_queue_drops_and_counts(app_factory: Any) -> None:
    with TestClient(app_factory(GATEWAY_ACCESS_LOG_QUEUE_SIZE=2)) as client:
        for n in range(5):
            client.get(f"/shop/missing-{n}")
        metrics = client.get("/metrics").text
        assert "sluice_access_records_dropped_total 3.0" in metrics
        flush(client)
        headers = login(client, ADMIN_EMAIL, ADMIN_PASSWORD)
        assert client.get("/api/v1/access-logs", headers=headers).json()["count"] == 2
