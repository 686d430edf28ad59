"""What `/metrics` shows of the gateway: each data source's pool as it is at the scrape,
and only the APIs that are live."""

import threading
import time
from typing import Any

from fastapi.testclient import TestClient

from tests.factories import publish
from tests.gateway.test_calls import Live
from tests.gateway.test_flow import world
from tests.scrape import sample

SLEEP = {"postgres": "SELECT pg_sleep(1.5) AS slept", "mysql": "SELECT SLEEP(1.5) AS slept"}


def test_pool_usage_per_data_source(
    client: TestClient, admin_headers: dict[str, str], database: tuple[dict[str, Any], str]
) -> None:
    """One connection, three slow calls at once: one holds it, two wait; afterwards the
    pool is idle."""
    body, table = database
    live = Live(client, admin_headers, body | {"pool_size": 1}, table)
    live.api("slow", SLEEP[live.kind])
    source = live.source
    series = {
        name: f'sluice_datasource_pool_{name}{{datasource_id="{source["id"]}"}}'
        for name in ("size", "in_use", "waiting")
    }
    # the publish may have opened the pool to describe the result: one connection at most
    assert (sample(client.get("/metrics").text, series["size"]) or 0.0) <= 1.0

    statuses: list[int] = []
    calls = [
        threading.Thread(target=lambda: statuses.append(client.get("/shop/slow").status_code))
        for _ in range(3)
    ]
    for call in calls:
        call.start()
    busiest = (0.0, 0.0)
    deadline = time.monotonic() + 1.2
    while time.monotonic() < deadline and busiest != (1.0, 2.0):
        metrics = client.get("/metrics").text
        busiest = (
            sample(metrics, series["in_use"]) or 0.0,
            sample(metrics, series["waiting"]) or 0.0,
        )
        time.sleep(0.05)
    for call in calls:
        call.join()
    assert statuses == [200, 200, 200]
    assert busiest == (1.0, 2.0)

    metrics = client.get("/metrics").text
    assert sample(metrics, series["size"]) == 1.0
    assert sample(metrics, series["in_use"]) == 0.0
    assert sample(metrics, series["waiting"]) == 0.0


def test_the_series_of_an_api_go_when_it_is_unpublished_or_deleted(
    client: TestClient, settings: Any
) -> None:
    headers, api = world(client, settings)
    calls = f'sluice_gateway_calls_total{{api_id="{api["id"]}",status="200"}}'
    latency = f'sluice_gateway_call_duration_seconds_count{{api_id="{api["id"]}"}}'
    pool = f'sluice_datasource_pool_size{{datasource_id="{api["datasource_id"]}"}}'
    assert client.get("/shop/items").status_code == 200
    metrics = client.get("/metrics").text
    assert (sample(metrics, calls), sample(metrics, latency)) == (1.0, 1.0)
    assert sample(metrics, pool) is not None

    assert client.post(f"/api/v1/apis/{api['id']}/unpublish", headers=headers).status_code == 200
    metrics = client.get("/metrics").text
    assert f'api_id="{api["id"]}"' not in metrics

    publish(client, headers, api["id"])
    assert client.get("/shop/items").status_code == 200
    assert sample(client.get("/metrics").text, calls) == 1.0  # counted afresh
    assert client.delete(f"/api/v1/apis/{api['id']}", headers=headers).status_code == 204
    assert client.get("/shop/items").status_code == 404
    metrics = client.get("/metrics").text
    assert f'api_id="{api["id"]}"' not in metrics
    assert sample(metrics, 'sluice_gateway_calls_total{api_id="none",status="404"}') == 1.0

    source = api["datasource_id"]
    assert client.delete(f"/api/v1/datasources/{source}", headers=headers).status_code == 204
    assert sample(client.get("/metrics").text, pool) is None
