"""Access records on both stores: written in bulk (COPY on PostgreSQL, one executemany on
SQLite), read back through the admin API with their times intact, and dropped (and
counted) rather than queued without bound."""

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import make_url, text

from sluice.gateway.access_log import COLUMNS, AccessLog, Call, batch_sums
from sluice.gateway.rollups import rollup_sqls
from sluice.models.access_record import HISTOGRAM
from tests.conftest import AppFactory
from tests.factories import ADMIN_EMAIL, ADMIN_PASSWORD, login
from tests.proxy import TcpProxy
from tests.scrape import sample


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
        assert 'sluice_access_records_dropped_total{reason="queue_full"} 3.0' in metrics
        flush(client)
        headers = login(client, ADMIN_EMAIL, ADMIN_PASSWORD)
        assert client.get("/api/v1/access-logs", headers=headers).json()["count"] == 2


def test_a_bad_record_never_costs_another_its_record(client: TestClient) -> None:
    """Calls whose path, method or module cannot be stored as is (a NUL, bytes that are
    not UTF-8, oversize text) sit among good calls in one batch: every call keeps its
    record, the odd text escaped or cut to its column's size."""
    headers = login(client, ADMIN_EMAIL, ADMIN_PASSWORD)
    long_module = "m" * 300
    odd = [
        ("GET", "/shop/items/%00"),
        ("GET", "/shop/items/%ED%A0%80"),
        ("GET", "/shop/" + "x" * 20_000),
        ("GET", f"/{long_module}/items"),
        ("MKCALENDAR", "/shop/items/1"),
        ("GET", "/sh%00op/items/2"),
    ]
    for n, (method, path) in enumerate(odd):
        client.get(f"/shop/good-{n}")
        client.request(method, path)
    client.get("/shop/good-last")
    flush(client)
    found = client.get("/api/v1/access-logs", params={"limit": 100}, headers=headers).json()
    assert found["count"] == 2 * len(odd) + 1
    paths = {r["path"] for r in found["data"]}
    assert {f"/shop/good-{n}" for n in range(len(odd))} <= paths
    assert "/shop/items/\\x00" in paths
    assert all(len(r["path"]) <= 512 for r in found["data"])
    assert any(r["module"] and len(r["module"]) == 63 for r in found["data"])
    assert any(r["method"] == "MKCALENDA" or r["method"] == "MKCALEND" for r in found["data"])
    metrics = client.get("/metrics").text
    assert 'sluice_access_records_dropped_total{reason="unstorable"} 0.0' in metrics


def refuse_paths_with_refuse_me(client: TestClient) -> None:
    """A rule the test adds to the store: it refuses any record whose path holds
    `refuse-me`."""
    app: FastAPI = client.app  # type: ignore[assignment]
    engine = app.state.engine
    with engine.begin() as connection:
        if engine.dialect.name == "sqlite":
            connection.execute(
                text(
                    "CREATE TRIGGER refuse BEFORE INSERT ON access_record"
                    " WHEN NEW.path LIKE '%refuse-me%' BEGIN SELECT RAISE(ABORT, 'refused'); END"
                )
            )
        else:
            connection.execute(
                text(
                    "ALTER TABLE access_record ADD CONSTRAINT refuse"
                    " CHECK (path NOT LIKE '%refuse-me%')"
                )
            )


def test_a_row_the_store_refuses_is_dropped_alone_and_counted(client: TestClient) -> None:
    """Whatever the store refuses (here a rule the test adds to the table) costs only
    that row: the batch is written again row by row, secrets in query strings masked
    as in a batch."""
    refuse_paths_with_refuse_me(client)
    headers = login(client, ADMIN_EMAIL, ADMIN_PASSWORD)
    for n in range(3):
        client.get(f"/shop/fine-{n}?access_token=t{n}&x={n}")
        client.get(f"/shop/refuse-me-{n}" if n == 1 else f"/shop/also-fine-{n}")
    flush(client)
    found = client.get("/api/v1/access-logs", headers=headers).json()
    queries = {r["path"]: r["query_string"] for r in found["data"]}
    assert [queries[f"/shop/fine-{n}"] for n in range(3)] == [
        f"access_token=***&x={n}" for n in range(3)
    ]
    assert sorted(r["path"] for r in found["data"]) == [
        "/shop/also-fine-0",
        "/shop/also-fine-2",
        "/shop/fine-0",
        "/shop/fine-1",
        "/shop/fine-2",
    ]
    metrics = client.get("/metrics").text
    assert 'sluice_access_records_dropped_total{reason="unstorable"} 1.0' in metrics


@pytest.mark.parametrize("store_template", ["postgres"], indirect=True)
def test_records_wait_while_the_store_is_away(app_factory: AppFactory, store_url: str) -> None:
    """The store (PostgreSQL behind a proxy the test controls) goes away for a few
    seconds while calls go on: their records wait in the queue and are all written once
    it is back; none is dropped."""
    url = make_url(store_url)
    with TcpProxy(url.host or "127.0.0.1", url.port or 5432) as proxy:
        proxied = url.set(port=proxy.port).render_as_string(hide_password=False)
        with TestClient(app_factory(DATABASE_URL=proxied)) as client:
            headers = login(client, ADMIN_EMAIL, ADMIN_PASSWORD)
            client.get("/shop/before")
            flush(client)
            proxy.down()
            away_until = time.monotonic() + 4
            calls = 0
            while time.monotonic() < away_until:
                client.get(f"/shop/during-{calls}")
                calls += 1
                time.sleep(0.05)
            waiting = sample(client.get("/metrics").text, "sluice_access_record_queue_depth")
            assert waiting is not None and 0 < waiting <= calls
            proxy.up()
            found = _records_once_written(client, headers, calls + 1)
            paths = {r["path"] for r in found}
            assert paths == {"/shop/before"} | {f"/shop/during-{n}" for n in range(calls)}
            metrics = client.get("/metrics").text
            for reason in ("queue_full", "unstorable", "store_unavailable"):
                assert f'sluice_access_records_dropped_total{{reason="{reason}"}} 0.0' in metrics


def _records_once_written(
    client: TestClient, headers: dict[str, str], expected: int
) -> list[dict[str, Any]]:
    """The records, polled until `expected` are there (the writer's pause after a failed
    try is at most a few seconds) or 20 s have passed."""
    deadline = time.monotonic() + 20
    while True:
        response = client.get("/api/v1/access-logs", params={"limit": 500}, headers=headers)
        found: dict[str, Any] = response.json() if response.status_code == 200 else {"count": -1}
        if found["count"] >= expected or time.monotonic() > deadline:
            assert found["count"] == expected
            data: list[dict[str, Any]] = found["data"]
            return data
        time.sleep(0.25)


Rows = list[tuple[Any, ...]]


def rollups(client: TestClient) -> tuple[Rows, Rows, Rows]:
    """The hourly rollups and the daily client rollup as stored, in key order (total
    durations rounded)."""
    app: FastAPI = client.app  # type: ignore[assignment]
    with app.state.engine.connect() as connection:
        by_status = [
            (*row[:5], round(row[5], 3), *row[6:])
            for row in connection.execute(
                text(
                    f"SELECT hour, api_id, status, error, calls, duration_ms, {', '.join(HISTOGRAM)}"
                    " FROM access_rollup ORDER BY hour, api_id, status, error"
                )
            )
        ]
        by_client, by_day = (
            [
                tuple(row)
                for row in connection.execute(
                    text(
                        f"SELECT {moment}, api_id, client_id, calls, errors FROM {table}"
                        f" ORDER BY {moment}, api_id, client_id"
                    )
                )
            ]
            for moment, table in (("hour", "access_client_rollup"), ("day", "access_client_day"))
        )
    return by_status, by_client, by_day


def test_a_batch_across_midnight_is_summed_into_both_days() -> None:
    """The daily client sums of a batch come from its hourly ones, per day: calls of one
    client in two hours of a day make one row, a call after midnight another."""
    times = (
        "2026-12-01 22:10:00.000000",
        "2026-12-01 23:59:59.999999",
        "2026-12-02 00:00:01.000000",
    )
    rows = []
    for at, status in zip(times, (200, 500, 200), strict=True):
        row = dict.fromkeys(COLUMNS) | {"at": at, "api_id": 4, "client_id": "c", "status": status}
        rows.append(tuple(row[name] for name in COLUMNS))
    _, by_hour, by_day = batch_sums(rows)
    assert sorted(by_hour) == [
        ("2026-12-01 22", 4, "c", 1, 0),
        ("2026-12-01 23", 4, "c", 1, 1),
        ("2026-12-02 00", 4, "c", 1, 0),
    ]
    assert sorted(by_day) == [("2026-12-01", 4, "c", 2, 1), ("2026-12-02", 4, "c", 1, 0)]


def test_the_rollups_of_written_batches_are_the_sums_of_their_records(client: TestClient) -> None:
    """The writer sums each batch per rollup key before upserting it: after two batches
    (calls of several APIs, clients, statuses, errors and latencies, keys repeated within
    and across batches), the rollups are exactly what summing every stored record gives."""
    app: FastAPI = client.app  # type: ignore[assignment]
    access_log: AccessLog = app.state.access_log
    latencies_ms = (0.1, 0.7, 4, 12, 80, 400, 2_500, 12_000)
    for batch in range(2):
        for n in range(40):
            call = Call(
                method="GET",
                path=f"/shop/items/{n}",
                module="shop",
                api_id=None if n % 7 == 0 else n % 3 + 1,
                client_id=None if n % 5 == 0 else f"client-{n % 4}",
                error="timeout" if n % 6 == 0 else None,
                started=time.perf_counter() - latencies_ms[(n + batch) % 8] / 1000,
            )
            access_log.record(call, (200, 404, 500, 200)[n % 4], None)
        client.get(f"/shop/missing-{batch}")  # and the gateway's own records
        flush(client)
    written = rollups(client)
    assert sum(row[4] for row in written[0]) == sum(row[3] for row in written[1]) == 82
    assert sum(row[3] for row in written[2]) == 82
    assert {row[2] for row in written[0]} == {200, 404, 500}
    assert sum(row[4] for row in written[1]) == 2 * 20 + 2  # the 404s and 500s
    engine = app.state.engine
    with engine.begin() as connection:
        for table in ("access_rollup", "access_client_rollup", "access_client_day"):
            connection.execute(text(f"DELETE FROM {table}"))
        for statement in rollup_sqls(engine.dialect.name):
            connection.exec_driver_sql(statement)
    assert rollups(client) == written


def test_a_refused_row_leaves_the_rollups_counting_only_stored_records(
    client: TestClient,
) -> None:
    """When the store refuses a batch, its rollup sums go with it; written again row by
    row, each stored record adds itself to the rollups and the refused one does not."""
    refuse_paths_with_refuse_me(client)
    for n in range(4):
        client.get(f"/shop/refuse-me-{n}" if n == 2 else f"/shop/fine-{n}")
    flush(client)
    by_status, by_client, by_day = rollups(client)
    assert sum(row[4] for row in by_status) == sum(row[3] for row in by_client) == 3
    assert sum(row[3] for row in by_day) == 3
    assert 'sluice_access_records_dropped_total{reason="unstorable"} 1.0' in (
        client.get("/metrics").text
    )
