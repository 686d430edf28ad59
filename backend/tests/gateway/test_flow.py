"""Flow control, the response cache, access records and the audit log, on SQLite sources
and the real Redis."""

import asyncio
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

import pytest
import redis
from fastapi import FastAPI
from fastapi.testclient import TestClient

from sluice.gateway.limits import Budget, ConcurrencyLimited, Limiter
from sluice.redis_link import RedisLink
from tests.conftest import require_redis
from tests.factories import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    login,
    make_api,
    make_module,
    make_source,
    publish,
)


def world(client: TestClient, settings: Any, **api: Any) -> tuple[dict[str, str], dict[str, Any]]:
    """A SQLite source with a table, a module and one published public API over it."""
    folder = settings.sqlite_datasource_dir
    folder.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(folder / "flow.db") as db:
        db.execute("CREATE TABLE IF NOT EXISTS t (id INTEGER, tenant TEXT)")
        db.execute("DELETE FROM t")
        db.executemany("INSERT INTO t VALUES (?, ?)", [(1, "a"), (2, "b"), (3, "a")])
    db.close()
    headers = login(client, ADMIN_EMAIL, ADMIN_PASSWORD)
    source = make_source(
        client, headers, {"name": "flow", "type": "sqlite", "options": {"path": "flow.db"}}
    )
    module = make_module(client, headers)
    fields = {"path": "items", "content": "SELECT id FROM t ORDER BY id", "access": "public"} | api
    created = make_api(
        client, headers, module_id=module["id"], datasource_id=source["id"], **fields
    )
    publish(client, headers, created["id"])
    return headers, created


def prefixed(**extra: Any) -> dict[str, Any]:
    """Settings for an app whose Redis keys no other test shares."""
    return {"REDIS_URL": require_redis(), "REDIS_PREFIX": f"t{uuid.uuid4().hex[:10]}"} | extra


def test_rate_limit_refuses_exactly_the_call_past_the_limit(
    app_factory: Any, settings: Any
) -> None:
    with TestClient(app_factory(**prefixed())) as client:
        world(client, settings, rate_limit_per_minute=3)
        answers = [client.get("/shop/items") for _ in range(4)]
        assert [a.status_code for a in answers] == [200, 200, 200, 429]
        assert [a.headers["x-ratelimit-remaining"] for a in answers[:3]] == ["2", "1", "0"]
        assert all(a.headers["x-ratelimit-limit"] == "3" for a in answers)
        refused = answers[3]
        assert refused.json()["error"] == "rate_limited"
        assert int(refused.headers["retry-after"]) >= 1


def test_two_workers_share_one_budget_through_redis(app_factory: Any, settings: Any) -> None:
    shared = prefixed()
    with TestClient(app_factory(**shared)) as first, TestClient(app_factory(**shared)) as second:
        world(first, settings, rate_limit_per_minute=4)
        second.app.state.registry.rebuild()  # type: ignore[attr-defined]
        statuses = [(first if n % 2 else second).get("/shop/items").status_code for n in range(6)]
        assert statuses == [200, 200, 200, 200, 429, 429]


def until(check: Callable[[], bool], within: float) -> float:
    """Seconds until `check` holds; fails past `within`."""
    started = time.monotonic()
    while not check():
        assert time.monotonic() - started < within, "did not happen in time"
        time.sleep(0.02)
    return time.monotonic() - started


def test_a_change_reaches_every_process_through_redis_at_once(
    app_factory: Any, settings: Any
) -> None:
    """Polling is set to ten minutes here, so only the announcement can explain it."""
    shared = prefixed(REGISTRY_POLL_SECONDS=600)
    channel = f"{shared['REDIS_PREFIX']}:registry"
    listeners = redis.Redis.from_url(shared["REDIS_URL"])
    with TestClient(app_factory(**shared)) as first, TestClient(app_factory(**shared)) as second:
        until(lambda: listeners.pubsub_numsub(channel)[0][1] == 2, within=5)
        headers, api = world(first, settings)
        assert until(lambda: second.get("/shop/items").status_code == 200, within=1) < 1
        module_id = api["module_id"]
        changed = first.patch(
            f"/api/v1/modules/{module_id}", json={"is_active": False}, headers=headers
        )
        assert changed.status_code == 200
        assert until(lambda: second.get("/shop/items").status_code == 404, within=1) < 1
    listeners.close()


def test_without_redis_limits_hold_per_process(app_factory: Any, settings: Any) -> None:
    app: FastAPI = app_factory(REDIS_URL="redis://127.0.0.1:1/0")
    with TestClient(app) as client:
        world(client, settings, rate_limit_per_minute=2)
        assert [client.get("/shop/items").status_code for _ in range(3)] == [200, 200, 429]
        assert "sluice_limiter_redis_up 0.0" in client.get("/metrics").text


def test_a_slot_is_taken_while_a_call_runs_and_given_back(app_factory: Any, settings: Any) -> None:
    app = app_factory(**prefixed(FLOW_CONTROL_MAX_CONCURRENT_PER_CLIENT=1))
    with TestClient(app) as client:
        world(
            client,
            settings,
            content="WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000000) SELECT count(*) AS c FROM n",
        )
        slow: list[int] = []
        worker = threading.Thread(target=lambda: slow.append(client.get("/shop/items").status_code))
        worker.start()
        time.sleep(0.15)
        second = client.get("/shop/items")
        worker.join()
        assert slow == [200]
        assert second.status_code == 429 and second.json()["error"] == "concurrency_limited"
        assert client.get("/shop/items").status_code == 200


def test_a_crashed_process_slot_expires() -> None:
    async def scenario() -> None:
        redis = RedisLink(require_redis())
        budget = Budget(f"client:{uuid.uuid4().hex}", 1, 0, 1)
        crashed = Limiter(redis, lease_seconds=0.3, prefix="lease-test")
        await crashed.take(budget)  # never given back: the process "died"
        survivor = Limiter(redis, lease_seconds=0.3, prefix="lease-test")
        with pytest.raises(ConcurrencyLimited):
            await survivor.take(budget)
        await asyncio.sleep(0.4)
        grant = await survivor.take(budget)
        await survivor.give_back(budget, grant)
        await redis.close()

    asyncio.run(scenario())


def test_a_slot_given_back_is_free_again_here_and_in_other_processes() -> None:
    async def scenario() -> None:
        redis = RedisLink(require_redis())
        budget = Budget(f"client:{uuid.uuid4().hex}", 1, 0, 1)
        here = Limiter(redis, lease_seconds=60, prefix="release-test")
        elsewhere = Limiter(redis, lease_seconds=60, prefix="release-test")
        for _ in range(3):  # one slot, taken and given back in turn
            await here.give_back(budget, await here.take(budget))
        await asyncio.sleep(0.05)  # the last release went out on its own
        await elsewhere.give_back(budget, await elsewhere.take(budget))
        with pytest.raises(ConcurrencyLimited):  # and one slot it still is
            await elsewhere.take(budget) and await here.take(budget)
        await redis.close()

    asyncio.run(scenario())


def test_cache_hit_miss_and_a_publish_that_invalidates(app_factory: Any, settings: Any) -> None:
    with TestClient(app_factory(**prefixed())) as client:
        headers, api = world(client, settings, cache_ttl_seconds=60)
        first, second = client.get("/shop/items"), client.get("/shop/items")
        assert (first.headers["x-cache"], second.headers["x-cache"]) == ("MISS", "HIT")
        assert first.json() == second.json()
        with sqlite3.connect(settings.sqlite_datasource_dir / "flow.db") as db:
            db.execute("DELETE FROM t WHERE id = 3")
        db.close()
        assert len(client.get("/shop/items").json()["data"]) == 3
        changed = {"description": "Items, second version"}  # a publish needs a change
        client.patch(f"/api/v1/apis/{api['id']}", json=changed, headers=headers)
        publish(client, headers, api["id"])
        fresh = client.get("/shop/items")
        assert fresh.headers["x-cache"] == "MISS" and len(fresh.json()["data"]) == 2


def test_a_cached_api_still_counts_every_call_and_checks_its_parameters(
    app_factory: Any, settings: Any
) -> None:
    """A hit is read in the same Redis round trip as the flow-control take, and still only
    answered once the take allowed it; a parameter that does not parse is refused after
    the take, so a caller over its limit hears 429 first, cached or not."""
    with TestClient(app_factory(**prefixed())) as client:
        world(
            client,
            settings,
            content="SELECT id FROM t WHERE id = {{ id }}",
            params=[{"name": "id", "location": "query", "type": "integer"}],
            cache_ttl_seconds=60,
            rate_limit_per_minute=3,
        )
        miss, hit, bad = (client.get(f"/shop/items?id={v}") for v in ("3", "3", "x"))
        assert (miss.headers["x-cache"], hit.headers["x-cache"]) == ("MISS", "HIT")
        assert miss.json() == hit.json() and hit.json()["data"] == [{"id": 3}]
        assert hit.headers["x-ratelimit-remaining"] == "1"
        assert bad.status_code == 400 and bad.json()["error"] == "bad_request"
        over = [client.get(f"/shop/items?id={v}") for v in ("3", "x")]
        assert [a.status_code for a in over] == [429, 429]
        assert "x-cache" not in over[0].headers


def test_each_client_sees_its_own_rows(client: TestClient, settings: Any) -> None:
    headers, api = world(
        client,
        settings,
        content="SELECT id FROM t WHERE tenant = {{ client.attributes.tenant }} ORDER BY id",
        access="private",
    )
    apps = [
        client.post(
            "/api/v1/clients",
            json={"name": f"tenant-{t}", "api_ids": [api["id"]], "attributes": {"tenant": t}},
            headers=headers,
        ).json()
        for t in ("a", "b")
    ]
    seen = []
    for app in apps:
        token = client.post(
            "/token/generate",
            json={"client_id": app["client_id"], "client_secret": app["client_secret"]},
        ).json()["access_token"]
        seen.append(
            client.get("/shop/items", headers={"Authorization": f"Bearer {token}"}).json()["data"]
        )
    assert seen == [[{"id": 1}, {"id": 3}], [{"id": 2}]]


def test_access_records_cover_every_outcome(
    client: TestClient, settings: Any, app: FastAPI
) -> None:
    headers, api = world(client, settings)
    client.get("/shop/items")
    client.get("/shop/nothing-here")
    client.delete("/shop/items")
    client.portal.call(app.state.access_log.flush)  # type: ignore[union-attr]
    records = client.get("/api/v1/access-logs", headers=headers).json()
    assert sorted(r["status"] for r in records["data"]) == [200, 404, 405]
    ok = client.get("/api/v1/access-logs", params={"status": 200}, headers=headers).json()["data"][
        0
    ]
    assert ok["api_id"] == api["id"] and ok["method"] == "GET" and ok["path"] == "/shop/items"
    assert ok["request_id"] and ok["duration_ms"] > 0
    one = client.get(f"/api/v1/access-logs/{ok['id']}", headers=headers)
    assert one.json()["status"] == 200
    assert (
        client.get(
            "/api/v1/access-logs", params={"api_id": api["id"], "status": 404}, headers=headers
        ).json()["count"]
        == 0
    )


def test_the_audit_log_records_changes_with_secrets_masked(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    body = {"name": "pg", "type": "postgres", "host": "db", "password": "hunter2-secret"}
    source = make_source(client, admin_headers, body)
    client.patch(
        f"/api/v1/datasources/{source['id']}",
        json={"host": "db2", "password": "other-secret"},
        headers=admin_headers,
    )
    client.delete(f"/api/v1/datasources/{source['id']}", headers=admin_headers)
    entries = client.get(
        "/api/v1/audit-logs", params={"resource": "datasource"}, headers=admin_headers
    ).json()
    actions = [e["action"] for e in entries["data"]]
    assert actions == ["delete", "update", "create"]
    update = entries["data"][1]
    assert update["actor"] == ADMIN_EMAIL
    assert update["before"]["host"] == "db" and update["after"]["host"] == "db2"
    assert update["after"]["password_encrypted"] == "***"
    text = str(entries)
    assert "hunter2" not in text and "other-secret" not in text
    assert (
        client.get(
            "/api/v1/audit-logs", params={"actor": "nobody@example.com"}, headers=admin_headers
        ).json()["count"]
        == 0
    )


def test_overview_counts(client: TestClient, settings: Any, app: FastAPI) -> None:
    headers, _ = world(client, settings)
    client.get("/shop/items")
    client.portal.call(app.state.access_log.flush)  # type: ignore[union-attr]
    overview = client.get("/api/v1/overview", headers=headers).json()
    assert overview["counts"]["published_apis"] == 1
    assert overview["last_24h"]["calls"] == 1
    assert overview["recent_calls"][0]["path"] == "/shop/items"


def test_times_come_back_in_utc_and_filter_with_any_offset(
    client: TestClient, settings: Any, app: FastAPI
) -> None:
    headers, _ = world(client, settings)
    client.get("/shop/items")
    client.portal.call(app.state.access_log.flush)  # type: ignore[union-attr]
    record = client.get("/api/v1/access-logs", headers=headers).json()["data"][0]
    assert record["at"].endswith(("Z", "+00:00"))
    from datetime import UTC, datetime, timedelta, timezone

    at = datetime.fromisoformat(record["at"].replace("Z", "+00:00"))
    plus_two = timezone(timedelta(hours=2))
    before = (at - timedelta(seconds=5)).astimezone(plus_two).isoformat()
    after = (at + timedelta(seconds=5)).astimezone(plus_two).isoformat()
    found = client.get(
        "/api/v1/access-logs", params={"since": before, "until": after}, headers=headers
    ).json()
    assert found["count"] == 1
    later = (at + timedelta(seconds=5)).astimezone(UTC).isoformat()
    assert (
        client.get("/api/v1/access-logs", params={"since": later}, headers=headers).json()["count"]
        == 0
    )


def test_long_results_are_cut_and_say_so(app_factory: Any, settings: Any) -> None:
    with TestClient(app_factory(GATEWAY_MAX_RESPONSE_ROWS=2)) as client:
        world(client, settings)
        response = client.get("/shop/items")
        assert response.json()["data"] == [{"id": 1}, {"id": 2}]
        assert (
            response.json()["truncated"] is True
            and response.headers["x-result-truncated"] == "true"
        )


def test_request_bodies_are_recorded_with_secrets_masked(app_factory: Any, settings: Any) -> None:
    app = app_factory(GATEWAY_ACCESS_LOG_BODY=True)
    with TestClient(app) as client:
        params = [{"name": "q", "location": "body", "type": "string"}]
        headers, _ = world(
            client,
            settings,
            method="POST",
            content="SELECT id FROM t WHERE tenant = {{ q }}",
            params=params,
        )
        client.post(
            "/shop/items", json={"q": "a", "api_key": "k-123", "nested": {"password": "p-456"}}
        )
        client.portal.call(app.state.access_log.flush)  # type: ignore[union-attr]
        body = client.get("/api/v1/access-logs", headers=headers).json()["data"][0]["body"]
        assert '"q":"a"' in body and "k-123" not in body and "p-456" not in body and "***" in body
