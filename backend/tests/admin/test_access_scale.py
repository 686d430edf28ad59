"""Access records as they grow, on both stores: the list pages by keyset (`before`) and
counts up to a cap, the overview's last 24 hours come from the rollup plus the first
partial hour, and pruning by retention deletes in small transactions."""

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, insert, select, text
from sqlmodel import col

from sluice.gateway.access_log import PRUNE_BATCH, rollup_sqls
from sluice.models.access_record import AccessClientRollup, AccessRecord, AccessRollup
from sluice.services.records import COUNT_CAP

LIST = "/api/v1/access-logs"


def engine_of(client: TestClient) -> Engine:
    app: FastAPI = client.app  # type: ignore[assignment]
    engine: Engine = app.state.engine
    return engine


def store(client: TestClient, times: list[datetime], **values: Any) -> None:
    """Access records at `times` (as the writer would have stored them), and the rollups
    summed afresh from every stored record."""
    rows = [
        {"at": at, "path": "/shop/x", "method": "GET", "status": 200, "duration_ms": 1.0} | values
        for at in times
    ]
    engine = engine_of(client)
    with engine.begin() as db:
        db.execute(insert(AccessRecord), rows)
        db.execute(text("DELETE FROM access_rollup"))
        db.execute(text("DELETE FROM access_client_rollup"))
        for statement in rollup_sqls(engine.dialect.name):
            db.exec_driver_sql(statement)


def test_keyset_pages_walk_the_list_without_gaps_or_repeats(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    """Records sharing one time are ordered by id: pages of two, each after the last id of
    the one before, give the whole list in order, also with a filter."""
    now = datetime.now(UTC)
    same = now - timedelta(minutes=5)
    store(client, [now - timedelta(minutes=m) for m in (1, 2, 9)])
    store(client, [same] * 4, status=500)
    store(client, [now - timedelta(minutes=3)], status=500)
    whole = client.get(LIST, headers=admin_headers).json()
    assert whole["count"] == 8 and not whole["count_capped"]
    for params, expected in (({}, whole["data"]), ({"status": 500}, None)):
        if expected is None:
            expected = client.get(LIST, params=params, headers=admin_headers).json()["data"]
            assert len(expected) == 5
        seen: list[dict[str, Any]] = []
        page = client.get(LIST, params={**params, "limit": 2}, headers=admin_headers).json()
        while page["data"]:
            seen += page["data"]
            after = {**params, "limit": 2, "before": page["data"][-1]["id"]}
            page = client.get(LIST, params=after, headers=admin_headers).json()
        assert [r["id"] for r in seen] == [r["id"] for r in expected]
    ats = [r["at"] for r in whole["data"]]
    assert ats == sorted(ats, reverse=True)


def test_a_cursor_that_names_no_record_gives_an_empty_page(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    store(client, [datetime.now(UTC)])
    page = client.get(LIST, params={"before": 999_999}, headers=admin_headers).json()
    assert page["data"] == [] and page["count"] == 1


def test_the_count_stops_at_the_cap_and_says_so(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    now = datetime.now(UTC)
    store(client, [now - timedelta(seconds=n) for n in range(COUNT_CAP + 3)])
    store(client, [now - timedelta(hours=2)] * 3, status=404)
    every = client.get(LIST, params={"limit": 5}, headers=admin_headers).json()
    assert (every["count"], every["count_capped"], len(every["data"])) == (COUNT_CAP, True, 5)
    few = client.get(LIST, params={"status": 404}, headers=admin_headers).json()
    assert (few["count"], few["count_capped"], len(few["data"])) == (3, False, 3)


def test_the_last_24_hours_count_every_call_in_them_and_no_other(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    """Calls just inside and just outside the 24 hours, in the first partial hour and in
    whole hours: the overview's figures are exact."""
    now = datetime.now(UTC)
    store(client, [now - timedelta(hours=24, minutes=10), now - timedelta(hours=30)])
    store(client, [now - timedelta(hours=24, minutes=10)], status=500)
    store(client, [now - timedelta(hours=23, minutes=50), now - timedelta(hours=3)])
    store(client, [now - timedelta(hours=23, minutes=55), now - timedelta(minutes=1)], status=404)
    figures = client.get("/api/v1/overview", headers=admin_headers).json()["last_24h"]
    assert figures == {"calls": 4, "errors": 2}


def test_pruning_deletes_in_small_transactions_what_is_older_than_the_retention(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    now = datetime.now(UTC)
    old = [now - timedelta(days=40, seconds=n) for n in range(2 * PRUNE_BATCH + 7)]
    store(client, old)
    store(client, [now - timedelta(days=d) for d in (1, 2, 29)])
    engine = engine_of(client)
    deletes: list[str] = []

    def seen(_c: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith("DELETE FROM ACCESS_RECORD"):
            deletes.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        app: FastAPI = client.app  # type: ignore[assignment]
        pruned = client.portal.call(app.state.access_log.prune, 30)  # type: ignore[union-attr]
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert pruned == len(old)
    assert len(deletes) == 3  # two full batches, then the rest
    left = client.get(LIST, headers=admin_headers).json()
    assert left["count"] == 3
    cutoff = now - timedelta(days=30)
    with engine.connect() as db:
        for rollup in (AccessRollup, AccessClientRollup):
            found = db.execute(select(col(rollup.hour))).scalars()
            hours = [h.astimezone(UTC) if h.tzinfo else h.replace(tzinfo=UTC) for h in found]
            assert len(hours) == 3 and min(hours) >= cutoff
