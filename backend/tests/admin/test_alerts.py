"""Alert rules through the admin API, and the rule maths: access records are written to
the store, an evaluation round runs (the app's own loop is off, so the test says when),
and what a webhook receiver on 127.0.0.1 gets and what `/alerts/firings` shows are
checked. Both stores."""

import asyncio
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from redis.asyncio import Redis as AsyncRedis
from sqlmodel import Session

from sluice.models.access_record import AccessRecord
from sluice.services.alert_runner import AlertRunner, RedisLease, make_runner
from tests.conftest import AppFactory
from tests.factories import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    login,
    make_api,
    make_module,
    make_source,
    make_user,
)
from tests.servers import require_redis
from tests.webhooks import Receiver, receiver

SECRET = "a-webhook-secret-of-some-length"
DOWN_SOURCE = {"name": "down", "type": "mysql", "host": "127.0.0.1", "port": 1, "database": "x"}


class Bench:
    """An app whose alert loop is off, a runner the test turns, a receiver."""

    def __init__(self, client: TestClient, hook: Receiver) -> None:
        self.client, self.hook = client, hook
        self.app: FastAPI = client.app  # type: ignore[assignment]
        self.headers = login(client, ADMIN_EMAIL, ADMIN_PASSWORD)
        state = self.app.state
        self.runner: AlertRunner = make_runner(state.engine, state.settings, state.keyring, None)

    def rule(self, **fields: Any) -> dict[str, Any]:
        body = {"name": "shop errors", "kind": "error_rate", "threshold": 50, "min_calls": 4}
        body |= {"window_seconds": 60, "webhook_url": self.hook.url, "secret": SECRET}
        answer = self.client.post("/api/v1/alerts", json=body | fields, headers=self.headers)
        assert answer.status_code == 201, answer.text
        created: dict[str, Any] = answer.json()
        return created

    def calls(self, *statuses: int, module: str = "shop", **fields: Any) -> None:
        """Access records of calls that just happened."""
        with Session(self.app.state.engine) as session:
            for status in statuses:
                record: dict[str, Any] = {"module": module, "path": f"/{module}/x"}
                record |= {"method": "GET", "status": status, "duration_ms": 5.0} | fields
                session.add(AccessRecord(**record))
            session.commit()

    def evaluate(self) -> None:
        self.client.portal.call(self.runner.round)  # type: ignore[union-attr]

    def get(self, path: str, **params: Any) -> Any:
        answer = self.client.get(f"/api/v1/alerts{path}", params=params, headers=self.headers)
        assert answer.status_code == 200, answer.text
        return answer.json()

    def patch(self, rule_id: int, **fields: Any) -> dict[str, Any]:
        answer = self.client.patch(f"/api/v1/alerts/{rule_id}", json=fields, headers=self.headers)
        assert answer.status_code == 200, answer.text
        changed: dict[str, Any] = answer.json()
        return changed


@pytest.fixture
def bench(app_factory: AppFactory) -> Iterator[Bench]:
    app = app_factory(ALERTS_ENABLED=False, ALERTS_WEBHOOK_RETRY_DELAYS_MS=[20, 20])
    with receiver() as hook, TestClient(app) as client:
        bench = Bench(client, hook)
        yield bench
        client.portal.call(bench.runner.aclose)  # type: ignore[union-attr]


def test_an_error_rate_fires_once_signed_and_resolves_once(bench: Bench) -> None:
    rule = bench.rule(repeat_seconds=0)
    bench.calls(500, 500, 502, 200)  # 75% of 4 calls
    bench.evaluate()
    bench.evaluate()
    assert bench.hook.events() == ["firing"]
    delivery = bench.hook.deliveries[0]
    assert delivery.signed_with(SECRET) and not delivery.signed_with(SECRET + "x")
    assert delivery.headers["x-sluice-event"] == "firing"
    body = delivery.json
    assert body["alert"] == {"id": rule["id"], "name": "shop errors", "kind": "error_rate"}
    assert body["firing"]["value"] == 75.0 and body["threshold"] == 50
    assert "75.0% of 4 calls to all APIs answered 5xx" in body["firing"]["message"]
    shown = bench.get(f"/{rule['id']}")
    assert shown["state"] == "firing" and shown["firing_since"] is not None
    assert "secret" not in shown and "secret_encrypted" not in shown

    bench.calls(*[200] * 4)  # 3 of 8: 37.5%
    bench.evaluate()
    bench.evaluate()
    assert bench.hook.events() == ["firing", "resolved"]
    assert bench.hook.deliveries[1].signed_with(SECRET)
    assert bench.get(f"/{rule['id']}")["state"] == "ok"
    [firing] = bench.get("/firings")["data"]
    assert firing["rule_id"] == rule["id"] and firing["resolved_at"] is not None
    assert firing["notifications"] == 1 and firing["resolved_notified"] is True
    assert firing["value"] == 75.0


def test_min_calls_the_status_class_and_the_scope_decide(bench: Bench) -> None:
    module = make_module(bench.client, bench.headers, "shop")
    bench.rule(name="few", min_calls=5, module_id=module["id"])
    bench.rule(name="client errors", status_class="4xx", threshold=20)
    bench.rule(name="other module", module_id=make_module(bench.client, bench.headers, "b")["id"])
    bench.calls(500, 500, 500, 500)  # 4 calls, all 5xx, all to `shop`
    bench.evaluate()
    assert bench.hook.events() == []
    bench.calls(404, module="b")  # the fifth call, to module b: `few` still sees 4
    bench.evaluate()
    assert bench.hook.events() == []
    bench.calls(503)
    bench.evaluate()
    assert [d.json["alert"]["name"] for d in bench.hook.deliveries] == ["few"]
    assert bench.get("/firings")["count"] == 1


def test_an_api_rule_reads_only_its_api(bench: Bench) -> None:
    module = make_module(bench.client, bench.headers, "shop")
    mine = make_api(bench.client, bench.headers, module_id=module["id"], path="mine")
    other = make_api(bench.client, bench.headers, module_id=module["id"], path="other")
    bench.rule(api_id=mine["id"], min_calls=2)
    bench.calls(500, 500, 500, api_id=other["id"])
    bench.calls(200, 200, 500, api_id=mine["id"])  # 33%
    bench.evaluate()
    assert bench.hook.events() == []
    bench.calls(500, 500, api_id=mine["id"])  # 60%
    bench.evaluate()
    assert bench.hook.events() == ["firing"]
    assert "calls to API 'mine'" in bench.hook.deliveries[0].json["firing"]["message"]


def test_the_p95_is_the_nearest_rank(bench: Bench) -> None:
    rule = bench.rule(name="slow", kind="latency_p95", threshold=18.5, min_calls=20)
    for ms in range(1, 21):
        bench.calls(200, duration_ms=float(ms))
    bench.evaluate()
    assert bench.hook.events() == ["firing"]
    assert bench.hook.deliveries[0].json["firing"]["value"] == 19.0  # ceil(0.95 * 20) = 19th
    bench.patch(rule["id"], threshold=19)  # 19 is not above 19
    bench.evaluate()
    assert bench.hook.events() == ["firing", "resolved"]


def test_a_silence_holds_every_notice_until_it_ends(bench: Bench) -> None:
    later = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    rule = bench.rule(silenced_until=later)
    bench.calls(500, 500, 500, 500)
    bench.evaluate()
    assert bench.hook.events() == []
    [firing] = bench.get("/firings")["data"]
    assert firing["notifications"] == 0 and firing["resolved_at"] is None
    assert bench.get(f"/{rule['id']}")["state"] == "firing"
    bench.patch(rule["id"], silenced_until=None)
    bench.evaluate()
    assert bench.hook.events() == ["firing"]


def test_a_repeat_comes_after_the_repeat_interval(bench: Bench) -> None:
    rule = bench.rule(repeat_seconds=3600)
    bench.calls(500, 500, 500, 500)
    bench.evaluate()
    bench.evaluate()
    assert bench.hook.events() == ["firing"]
    bench.patch(rule["id"], repeat_seconds=0)
    bench.evaluate()
    assert bench.hook.events() == ["firing"]


def test_a_failing_webhook_is_retried_and_then_tried_next_round(bench: Bench) -> None:
    bench.rule(webhook_format="slack")
    bench.hook.answers = [503, 502, 500]  # the three tries of a round fail
    bench.calls(500, 500, 500, 500)
    bench.evaluate()
    [firing] = bench.get("/firings")["data"]
    assert firing["notifications"] == 0 and firing["last_error"] == (
        "the webhook answered HTTP 500"
    )
    bench.evaluate()
    assert len(bench.hook.deliveries) == 4
    text = bench.hook.deliveries[-1].json["text"]
    assert text.startswith("[FIRING] shop errors: 100.0% of 4 calls")
    assert bench.hook.deliveries[-1].signed_with(SECRET)
    [firing] = bench.get("/firings")["data"]
    assert firing["notifications"] == 1 and firing["last_error"] is None


def test_a_failing_data_source_fires_a_health_rule(bench: Bench) -> None:
    source = make_source(bench.client, bench.headers, DOWN_SOURCE)
    bench.rule(name="sources", kind="datasource_health", datasource_id=source["id"])
    bench.evaluate()
    assert bench.hook.events() == ["firing"]
    assert (
        "1 data source(s) fail their health check: down ("
        in (bench.hook.deliveries[0].json["firing"]["message"])
    )


def test_dropped_access_records_fire_a_rule(app_factory: AppFactory) -> None:
    app = app_factory(ALERTS_ENABLED=False, GATEWAY_ACCESS_LOG_QUEUE_SIZE=2)
    with receiver() as hook, TestClient(app) as client:
        bench = Bench(client, hook)
        bench.rule(name="drops", kind="records_dropped", threshold=2)
        for n in range(5):
            client.get(f"/shop/missing-{n}")  # 2 queued, 3 dropped
        client.portal.call(app.state.access_log.report_drops)  # type: ignore[union-attr]
        bench.evaluate()
        client.portal.call(bench.runner.aclose)  # type: ignore[union-attr]
    assert hook.events() == ["firing"]
    assert hook.deliveries[0].json["firing"]["value"] == 3.0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"module_id": 1, "api_id": 1}, "not both"),
        ({"threshold": 101}, "percentage"),
        ({"kind": "records_dropped", "module_id": 1}, "does not watch an API or a module"),
        ({"datasource_id": 1}, "only a datasource_health rule"),
        ({"webhook_url": "ftp://example.com/x"}, "should match pattern"),
        ({"secret": "short"}, "at least 16"),
        ({"kind": "cpu"}, "Input should be"),
        ({"window_seconds": 86_401}, "less than or equal to 86400"),
        ({"webhook_url": "https://:80/x"}, "empty host"),
        ({"silenced_until": "0001-01-01T00:00:00+14:00"}, "out of range"),
        ({"silenced_until": "1969-12-31T23:00:00Z"}, "between 1970 and 9998"),
    ],
)
def test_a_bad_rule_is_refused_with_a_message(
    client: TestClient, admin_headers: dict[str, str], change: dict[str, Any], message: str
) -> None:
    body = {"name": "r", "kind": "error_rate", "threshold": 5, "secret": SECRET}
    body |= {"webhook_url": "https://hooks.example.com/x"} | change
    answer = client.post("/api/v1/alerts", json=body, headers=admin_headers)
    assert answer.status_code == 422, answer.text
    assert message in answer.text


def test_rules_are_listed_changed_deleted_and_audited_without_secrets(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    body = {"name": "r", "kind": "error_rate", "threshold": 5, "secret": SECRET}
    body |= {"webhook_url": "https://hooks.example.com/x", "api_id": 4242}
    missing = client.post("/api/v1/alerts", json=body, headers=admin_headers)
    assert missing.status_code == 404 and "Api 4242 not found" in missing.text
    del body["api_id"]
    created = client.post("/api/v1/alerts", json=body, headers=admin_headers).json()
    again = client.post("/api/v1/alerts", json=body, headers=admin_headers)
    assert again.status_code == 409
    clash = client.patch(
        f"/api/v1/alerts/{created['id']}", json={"threshold": 150}, headers=admin_headers
    )
    assert clash.status_code == 422 and "percentage" in clash.text
    changed = client.patch(
        f"/api/v1/alerts/{created['id']}",
        json={"name": "renamed", "secret": SECRET + "2"},
        headers=admin_headers,
    )
    assert changed.status_code == 200 and changed.json()["name"] == "renamed"
    listed = client.get("/api/v1/alerts", headers=admin_headers).json()
    assert [r["name"] for r in listed["data"]] == ["renamed"] and listed["count"] == 1
    gone = client.delete(f"/api/v1/alerts/{created['id']}", headers=admin_headers)
    assert gone.status_code == 204
    assert client.get(f"/api/v1/alerts/{created['id']}", headers=admin_headers).status_code == 404
    audit = client.get(
        "/api/v1/audit-logs", params={"resource": "alert"}, headers=admin_headers
    ).json()
    assert [e["action"] for e in audit["data"] if e["resource"] == "alert"] == [
        "delete",
        "update",
        "create",
    ]
    assert SECRET not in str(audit)


def test_two_evaluators_on_one_store_fire_once(bench: Bench) -> None:
    """A second process's runner (its own holder) is refused the store lease while the
    first holds it, so a breach is told once though both run their rounds at once."""
    state = bench.app.state
    other = make_runner(state.engine, state.settings, state.keyring, None)
    bench.rule()
    bench.calls(500, 500, 500, 500)

    async def both() -> None:
        await asyncio.gather(bench.runner.round(), other.round())

    for _ in range(3):
        bench.client.portal.call(both)  # type: ignore[union-attr]
    assert bench.hook.events() == ["firing"]
    holds = [bench.client.portal.call(r._lease.hold) for r in (bench.runner, other)]  # type: ignore[union-attr]
    assert sorted(holds) == [False, True]  # whichever took it first keeps it
    bench.client.portal.call(other.aclose)  # type: ignore[union-attr]


def test_the_redis_lease_has_one_holder(bench: Bench) -> None:
    redis_url = require_redis()
    key = f"alerts-test-{uuid.uuid4().hex}:alerts:lease"

    async def holds() -> list[bool]:
        client = AsyncRedis.from_url(redis_url)
        try:
            first, second = (RedisLease(client, key, name, 5) for name in ("one", "two"))
            answers = [await first.hold(), await second.hold(), await first.hold()]
            await client.delete(key)
            return [*answers, await second.hold()]
        finally:
            await client.delete(key)
            await client.aclose()

    assert bench.client.portal.call(holds) == [True, False, True, True]  # type: ignore[union-attr]


def test_the_overview_shows_recent_firings_to_those_who_may_read_alerts(bench: Bench) -> None:
    bench.rule()
    bench.calls(500, 500, 500, 500)
    bench.evaluate()
    with Session(bench.app.state.engine) as session:
        make_user(session, "nobody@example.com")
        make_user(session, "viewer@example.com", roles=("viewer",))

    def firings(headers: dict[str, str]) -> list[str]:
        overview = bench.client.get("/api/v1/overview", headers=headers).json()
        return [f["rule_name"] for f in overview["recent_firings"]]

    assert firings(bench.headers) == ["shop errors"]
    assert firings(login(bench.client, "viewer@example.com")) == ["shop errors"]
    assert firings(login(bench.client, "nobody@example.com")) == []
