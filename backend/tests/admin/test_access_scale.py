"""Access records as they grow, on both stores: the list pages by keyset (`before`) and
counts up to a cap, the overview's last 24 hours come from the rollup plus the first
partial hour, the charts' top clients read whole days from the daily rollup and are still
exactly the records', and pruning by retention deletes in small transactions."""

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, insert, select, text
from sqlmodel import col

from sluice.gateway.access_log import PRUNE_BATCH
from sluice.gateway.rollups import rollup_sqls
from sluice.models.access_record import (
    AccessClientDay,
    AccessClientRollup,
    AccessRecord,
    AccessRollup,
)
from sluice.services.records import COUNT_CAP

LIST = "/api/v1/access-logs"


def engine_of(client: TestClient) -> Engine:
    app: FastAPI = client.app  # type: ignore[assignment]
    engine: Engine = app.state.engine
    return engine


def store(client: TestClient, times: list[datetime], **values: Any) -> None:
    """Access records at `times` (as the writer would have stored them), and the rollups
    summed afresh from every stored record."""
    store_rows(client, [{"at": at} | values for at in times])


def store_rows(client: TestClient, rows: list[dict[str, Any]]) -> None:
    """Access records with these values (`at` at least), and the rollups summed afresh."""
    plain = {"path": "/shop/x", "method": "GET", "status": 200, "duration_ms": 1.0}
    engine = engine_of(client)
    with engine.begin() as db:
        db.execute(insert(AccessRecord), [plain | row for row in rows])
        for table in ("access_rollup", "access_client_rollup", "access_client_day"):
            db.execute(text(f"DELETE FROM {table}"))
        for statement in rollup_sqls(engine.dialect.name):
            db.exec_driver_sql(statement)


def utc(moment: datetime) -> datetime:
    """A time read from the store, in UTC (SQLite gives it back without its zone)."""
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def midnight(moment: datetime) -> datetime:
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


Sums = dict[Any, tuple[int, int]]


def client_sums(rows: Any, key: Any) -> Sums:
    """(calls, errors) summed per `key(row)` over rows of (time, api, client, calls, errors)."""
    sums: Sums = {}
    for row in rows:
        calls, errors = sums.get(key(row), (0, 0))
        sums[key(row)] = (calls + row[3], errors + row[4])
    return sums


def daily_client_rollup(engine: Engine) -> tuple[Sums, Sums]:
    """The daily client rollup per (date, API, client), and the hourly one summed the same."""
    with engine.connect() as db:
        days, hours = (
            db.execute(
                select(
                    col(table.day if table is AccessClientDay else table.hour),  # type: ignore[union-attr]
                    col(table.api_id),
                    col(table.client_id),
                    col(table.calls),
                    col(table.errors),
                )
            ).all()
            for table in (AccessClientDay, AccessClientRollup)
        )
    per_day = client_sums(days, lambda row: (utc(row[0]).date(), row[1], row[2]))
    assert all(utc(row[0]) == midnight(utc(row[0])) for row in days)
    return per_day, client_sums(hours, lambda row: (utc(row[0]).date(), row[1], row[2]))


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
    assert daily_client_rollup(engine)[0] == {
        (at.date(), 0, ""): (1, 0) for at in (now - timedelta(days=d) for d in (1, 2, 29))
    }


def test_pruning_inside_a_day_takes_the_pruned_hours_off_that_day(client: TestClient) -> None:
    """The cutoff falls at 12:30 of a day with calls before and after it: that day's row
    of the daily client rollup loses the pruned hours' calls and errors and keeps the
    rest, the day before goes, the day after stays, and every day is the sum of its hours."""
    cutoff = midnight(datetime.now(UTC) - timedelta(days=3)) + timedelta(hours=12, minutes=30)
    rows: list[dict[str, Any]] = [
        {"at": cutoff + timedelta(hours=h), "api_id": 1, "client_id": who, "status": status}
        for h in (-30, -5, -1, 1, 5, 30)
        for who, status in (("a", 200), ("a", 500), ("b", 200))
    ]
    store_rows(client, rows)
    app: FastAPI = client.app  # type: ignore[assignment]
    retention = 30
    at = cutoff + timedelta(days=retention)
    pruned = client.portal.call(app.state.access_log.prune, retention, at)  # type: ignore[union-attr]
    assert pruned == 9
    kept = [(row["at"], 1, row["client_id"], 1, int(row["status"] >= 400)) for row in rows[9:]]
    days, hours = daily_client_rollup(engine_of(client))
    assert days == hours == client_sums(kept, lambda row: (row[0].date(), 1, row[2]))
    assert days[(cutoff.date(), 1, "a")] == (4, 2)


def test_top_clients_over_partial_days_are_the_records_sums(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    """A range from 05:00 of one day to 07:30 three days later reads the whole days in
    between from the daily rollup and the hours at both ends from the hourly one: its top
    clients (all APIs and one) are exactly what counting the records in its hours gives,
    although one client calls mostly in the excluded hours of the two partial days."""
    first = midnight(datetime.now(UTC) - timedelta(days=10))
    rows: list[dict[str, Any]] = [
        {
            "at": first - timedelta(days=1) + timedelta(minutes=37 * n),
            "api_id": 1 + n % 3,
            "client_id": None if n % 11 == 0 else f"c{n % 7}",
            "status": 500 if n % 5 == 0 else 200,
        }
        for n in range(200)
    ]
    outside = [first + timedelta(hours=h) for h in (1, 2, 3, 4)]
    outside += [first + timedelta(days=3, hours=h) for h in (8, 9, 15, 23)]
    edges = [first + timedelta(hours=5), first + timedelta(days=3, hours=7, minutes=59)]
    rows += [{"at": at, "api_id": 2, "client_id": "edge"} for at in outside * 5 + edges]
    store_rows(client, rows)
    since, until = first + timedelta(hours=5), first + timedelta(days=3, hours=7, minutes=30)
    ends = until.replace(minute=0) + timedelta(hours=1)  # the hours of the range end here
    for api in (None, 2):
        params: dict[str, Any] = {
            "since": since.isoformat(),
            "until": until.isoformat(),
            "bucket": 3600,  # so that the first bucket starts at `since`
        }
        if api is not None:
            params["api_id"] = api
        stats = client.get("/api/v1/overview/stats", params=params, headers=admin_headers)
        inside = [
            (row["at"], 0, row.get("client_id") or "", 1, int(row.get("status", 200) >= 400))
            for row in rows
            if since <= row["at"] < ends and api in (None, row["api_id"])
        ]
        sums = client_sums(inside, lambda row: row[2])
        top = sorted(sums.items(), key=lambda item: (-item[1][0], item[0]))[:10]
        expected = [(who or None, calls, errors) for who, (calls, errors) in top]
        got = stats.json()["top_clients"]
        assert [(c["client_id"], c["calls"], c["errors"]) for c in got] == expected
        assert ("edge", 2, 0) in expected
