"""The charts' numbers (`GET /api/v1/overview/stats`) on both stores, for calls the test
makes through the gateway: counted per API, client and error code, 4xx and 5xx apart,
with percentiles from the rollup's histogram; and bad ranges refused with a 4xx."""

import sqlite3
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from sluice.config import Settings
from sluice.models.access_record import LATENCY_BOUNDS_MS
from tests.admin.test_access_logs import flush
from tests.factories import make_api, make_module, make_source, publish

STATS = "/api/v1/overview/stats"


def bucket_of(ms: float) -> tuple[float, float]:
    """The histogram bucket (low, high] holding a duration."""
    low = 0.0
    for high in LATENCY_BOUNDS_MS:
        if ms <= high:
            return low, high
        low = high
    return low, float("inf")


def true_percentile(durations: list[float], q: float) -> float:
    ordered = sorted(durations)
    return ordered[max(0, int(-(-q * len(ordered) // 1)) - 1)]


@pytest.fixture
def traffic(
    client: TestClient, admin_headers: dict[str, str], settings: Settings
) -> dict[str, Any]:
    """Two published APIs (one private), a client, and calls: 5 good ones by the client
    to `items`, 2 that miss a required parameter (400), 1 that fails in the database
    (502), 3 public calls to `ping` without a token, 1 to an unknown path (404)."""
    folder = settings.sqlite_datasource_dir
    folder.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(folder / "stats.db") as db:
        db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)")
        db.execute("INSERT INTO t VALUES (1), (2)")
    db.close()
    source = make_source(
        client, admin_headers, {"name": "s", "type": "sqlite", "options": {"path": "stats.db"}}
    )
    module = make_module(client, admin_headers, "stats")
    items = make_api(
        client,
        admin_headers,
        name="Items",
        module_id=module["id"],
        datasource_id=source["id"],
        path="items",
        content="SELECT id FROM t WHERE id >= {{ min }}",
        params=[{"name": "min", "location": "query", "type": "integer", "required": True}],
        access="private",
    )
    broken = make_api(
        client,
        admin_headers,
        name="Broken",
        module_id=module["id"],
        datasource_id=source["id"],
        path="broken",
        content="SELECT nope FROM missing_table",
        access="public",
    )
    ping = make_api(
        client,
        admin_headers,
        name="Ping",
        module_id=module["id"],
        datasource_id=source["id"],
        path="ping",
        content="SELECT 1 AS one",
        access="public",
    )
    for api in (items, broken, ping):
        publish(client, admin_headers, api["id"])
    app = client.post(
        "/api/v1/clients",
        json={"name": "Stats app", "api_ids": [items["id"]]},
        headers=admin_headers,
    ).json()
    token = client.post(
        "/token/generate",
        json={"client_id": app["client_id"], "client_secret": app["client_secret"]},
    ).json()["access_token"]
    bearer = {"Authorization": f"Bearer {token}"}
    statuses = [client.get("/stats/items?min=1", headers=bearer).status_code for _ in range(5)]
    statuses += [client.get("/stats/items", headers=bearer).status_code for _ in range(2)]
    statuses += [client.get("/stats/broken").status_code]
    statuses += [client.get("/stats/ping").status_code for _ in range(3)]
    statuses += [client.get("/stats/nowhere").status_code]
    assert statuses == [200] * 5 + [400] * 2 + [502] + [200] * 3 + [404]
    flush(client)
    return {"items": items, "broken": broken, "ping": ping, "app": app}


def test_the_calls_made_are_counted(
    client: TestClient, admin_headers: dict[str, str], traffic: dict[str, Any]
) -> None:
    stats = client.get(STATS, headers=admin_headers).json()
    assert stats["bucket_seconds"] == 3600
    assert len(stats["series"]) in (24, 25)  # the first hour is a partial one
    assert stats["totals"] | {"p50_ms": None, "p95_ms": None} == {
        "calls": 12,
        "errors_4xx": 3,
        "errors_5xx": 1,
        "p50_ms": None,
        "p95_ms": None,
    }
    assert sum(p["calls"] for p in stats["series"]) == 12
    assert stats["series"][-1]["calls"] == 12 or stats["series"][-2]["calls"] > 0
    items, broken, ping = traffic["items"], traffic["broken"], traffic["ping"]
    assert stats["top_apis"] == [
        {
            "api_id": items["id"],
            "name": "Items",
            "method": "GET",
            "path": "/stats/items",
            "calls": 7,
            "errors": 2,
        },
        {
            "api_id": ping["id"],
            "name": "Ping",
            "method": "GET",
            "path": "/stats/ping",
            "calls": 3,
            "errors": 0,
        },
        {"api_id": None, "name": None, "method": None, "path": None, "calls": 1, "errors": 1},
        {
            "api_id": broken["id"],
            "name": "Broken",
            "method": "GET",
            "path": "/stats/broken",
            "calls": 1,
            "errors": 1,
        },
    ]
    app = traffic["app"]
    assert stats["top_clients"] == [
        {"client_id": app["client_id"], "name": "Stats app", "calls": 7, "errors": 2},
        {"client_id": None, "name": None, "calls": 5, "errors": 2},
    ]
    records = client.get("/api/v1/access-logs", headers=admin_headers).json()["data"]
    failed = sorted((r["status"], r["error"]) for r in records if r["status"] >= 400)
    assert [(e["status"], e["error"]) for e in stats["top_errors"]] == [
        (400, "bad_request"),
        *sorted({f for f in failed if f[0] != 400}, key=lambda f: f[1]),
    ]
    assert [e["calls"] for e in stats["top_errors"]] == [2, 1, 1]

    # The percentiles fall in the histogram bucket of the true ones, from the records.
    durations = [r["duration_ms"] for r in records]
    assert len(durations) == 12
    for q, field in ((0.5, "p50_ms"), (0.95, "p95_ms")):
        low, high = bucket_of(true_percentile(durations, q))
        assert low <= stats["totals"][field] <= high


def test_one_api_and_a_range(
    client: TestClient, admin_headers: dict[str, str], traffic: dict[str, Any]
) -> None:
    items = traffic["items"]
    now = datetime.now(UTC)
    params = {
        "api_id": items["id"],
        "since": (now - timedelta(days=7)).isoformat(),
        "until": (now + timedelta(hours=1)).isoformat(),
        "bucket": 86400,
    }
    stats = client.get(STATS, params=params, headers=admin_headers).json()
    assert stats["bucket_seconds"] == 86400
    assert len(stats["series"]) in (8, 9)
    assert stats["totals"]["calls"] == 7 and stats["totals"]["errors_4xx"] == 2
    assert [a["name"] for a in stats["top_apis"]] == ["Items"]
    assert [(e["error"], e["calls"]) for e in stats["top_errors"]] == [("bad_request", 2)]

    earlier = {
        "since": (now - timedelta(days=3)).isoformat(),
        "until": (now - timedelta(days=2)).isoformat(),
    }
    empty = client.get(STATS, params=earlier, headers=admin_headers).json()
    assert empty["totals"] == {
        "calls": 0,
        "errors_4xx": 0,
        "errors_5xx": 0,
        "p50_ms": None,
        "p95_ms": None,
    }
    assert empty["top_apis"] == [] and all(p["calls"] == 0 for p in empty["series"])


def test_the_overview_tells_the_onboarding_what_is_done(
    client: TestClient, admin_headers: dict[str, str], settings: Settings
) -> None:
    overview = client.get("/api/v1/overview", headers=admin_headers).json()
    assert overview["setup"] == {"has_calls": False}
    assert overview["counts"]["datasources"] == 0


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"since": "2026-01-02T00:00:00Z", "until": "2026-01-01T00:00:00Z"}, "before"),
        ({"since": "2020-01-01T00:00:00Z", "until": "2026-01-01T00:00:00Z"}, "at most 400 days"),
        ({"bucket": 5400}, "whole number of hours"),
        (
            {"since": "2025-01-01T00:00:00Z", "until": "2026-01-01T00:00:00Z", "bucket": 3600},
            "buckets",
        ),
        ({"bucket": 60}, ""),
        ({"since": "yesterday"}, ""),
        ({"api_id": 0}, ""),
    ],
)
def test_bad_input_is_refused(
    client: TestClient, admin_headers: dict[str, str], params: dict[str, Any], message: str
) -> None:
    response = client.get(STATS, params=params, headers=admin_headers)
    assert response.status_code == 422, response.text
    assert message in response.text
