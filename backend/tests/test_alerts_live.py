"""Alerts across a deployment: two `sluice serve` on one PostgreSQL store and one Redis
(each running the alert loop every half second), a data source reached through a TCP
proxy the test can cut, and a webhook receiver on 127.0.0.1. One worker each: on a
loaded 2-core host spawned workers can take longer to start than the supervisor waits,
and two processes competing for the lease are what the test needs.

An API driven into errors (its source refuses connections: 503) gives exactly one signed
firing notice, whichever process holds the lease; after recovery exactly one resolved
notice; under a silence, a new firing is recorded and nothing is sent.
"""

import contextlib
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx2 as httpx
import pytest

from tests.live import Sluice, TcpProxy, pg_address, private_database, store_url, wait_until
from tests.servers import require_postgres, require_redis
from tests.test_instances import forget_keys, start_both
from tests.webhooks import Receiver, receiver

SECRET = "live-webhook-secret-0123456789"
SETTLE = 3.0
"""Seconds (six evaluation rounds) during which nothing more may arrive."""


class Deployment:
    def __init__(
        self, a: Sluice, b: Sluice, proxy: TcpProxy, hook: Receiver, source_db: str
    ) -> None:
        self.a, self.b, self.proxy, self.hook = a, b, proxy, hook
        self.source_db = source_db
        self.http = httpx.Client(timeout=30)

    def calls(self, count: int) -> list[int]:
        """`count` calls to the API, alternating between A and B; their statuses."""
        urls = [s.url + "/alerting/ping" for s in (self.a, self.b)]
        with ThreadPoolExecutor(4) as pool:
            answers = pool.map(lambda n: self.http.get(urls[n % 2]), range(count))
            return [a.status_code for a in answers]

    def firings(self) -> list[dict[str, Any]]:
        answer = self.a.admin.get("/api/v1/alerts/firings")
        answer.raise_for_status()
        data: list[dict[str, Any]] = answer.json()["data"]
        return data

    def notices_settle_at(self, events: list[str]) -> None:
        """Exactly `events` arrive (at most 20 s), and nothing more for SETTLE seconds."""
        assert wait_until(lambda: len(self.hook.deliveries) >= len(events), timeout=20)
        assert not wait_until(lambda: len(self.hook.deliveries) > len(events), timeout=SETTLE)
        assert self.hook.events() == events


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    require_postgres()
    redis_url = require_redis()
    prefix = f"alerts{uuid.uuid4().hex[:10]}"
    with contextlib.ExitStack() as stack:
        store = stack.enter_context(private_database("sluice_alerts_store"))
        source_db = stack.enter_context(private_database("sluice_alerts_source"))
        proxy = TcpProxy(*pg_address())
        stack.callback(proxy.close)
        hook = stack.enter_context(receiver())
        stack.callback(forget_keys, redis_url, prefix)
        env = {"DATABASE_URL": store_url(store), "REDIS_URL": redis_url, "REDIS_PREFIX": prefix}
        env |= {
            "SECRET_KEY": f"alerts-{uuid.uuid4().hex}",
            "ALERTS_EVALUATION_SECONDS": "0.5",
            "ALERTS_WEBHOOK_RETRY_DELAYS_MS": "100,200",
            "EXTERNAL_DB_RETRY_DELAYS_MS": "10",
        }
        a, b = start_both(tmp_path_factory.mktemp("alerts"), env, workers=1)
        stack.callback(b.stop)
        stack.callback(a.stop)
        deployment = Deployment(a, b, proxy, hook, source_db)
        stack.callback(deployment.http.close)
        yield deployment


def test_one_signed_notice_when_an_api_fails_and_one_when_it_recovers(
    deployment: Deployment,
) -> None:
    admin = deployment.a.admin
    source = admin.create(
        "/api/v1/datasources",
        {
            "name": "through-proxy",
            "type": "postgres",
            "host": "127.0.0.1",
            "port": deployment.proxy.port,
            "database": deployment.source_db,
            "username": "postgres",
        },
    )
    module = admin.create("/api/v1/modules", {"name": "alerting"})
    body = {"module_id": module["id"], "datasource_id": source["id"], "name": "ping"}
    admin.published_api(**body, path="ping", content="SELECT 1 AS one", access="public")
    rule = admin.create(
        "/api/v1/alerts",
        {
            "name": "alerting down",
            "kind": "error_rate",
            "module_id": module["id"],
            "threshold": 50,
            "min_calls": 3,
            "window_seconds": 10,
            "repeat_seconds": 0,
            "webhook_url": deployment.hook.url,
            "secret": SECRET,
        },
    )
    assert wait_until(lambda: set(deployment.calls(4)) == {200}, timeout=20)
    deployment.notices_settle_at([])

    deployment.proxy.refuse()
    assert set(deployment.calls(12)) == {503}
    deployment.notices_settle_at(["firing"])
    firing = deployment.hook.deliveries[0]
    assert firing.signed_with(SECRET)
    assert firing.json["alert"] == {"id": rule["id"], "name": "alerting down", "kind": "error_rate"}
    assert "calls to module 'alerting' answered 5xx" in firing.json["firing"]["message"]

    deployment.proxy.restore()
    assert wait_until(lambda: set(deployment.calls(2)) == {200}, timeout=20)
    assert set(deployment.calls(30)) == {200}
    deployment.notices_settle_at(["firing", "resolved"])
    resolved = deployment.hook.deliveries[1]
    assert resolved.signed_with(SECRET)
    assert resolved.json["firing"]["id"] == firing.json["firing"]["id"]
    assert resolved.json["firing"]["resolved_at"] is not None
    [history] = deployment.firings()
    assert history["notifications"] == 1 and history["resolved_notified"] is True

    # Silenced: the next firing is recorded, and nothing is sent.
    until = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    silenced = admin.patch(f"/api/v1/alerts/{rule['id']}", json={"silenced_until": until})
    assert silenced.status_code == 200, silenced.text
    deployment.proxy.refuse()
    try:
        assert set(deployment.calls(60)) == {503}
        assert wait_until(lambda: len(deployment.firings()) == 2, timeout=20)
        deployment.notices_settle_at(["firing", "resolved"])
        assert deployment.firings()[0]["resolved_at"] is None
    finally:
        deployment.proxy.restore()
