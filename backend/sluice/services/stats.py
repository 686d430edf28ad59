"""The charts' numbers: calls, errors and latency over time, and the top APIs, clients and
error codes, all read from the rollups, never the raw records: the hourly ones
(`AccessRollup`, `AccessClientRollup`), and for the top clients the daily one
(`AccessClientDay`) over the whole days of a range.

Percentiles come from the rollup's latency histogram, interpolated inside the bucket the
rank falls in: the same SQL on SQLite and PostgreSQL (a plain SUM per column), and a
month of calls costs the sum of a few thousand rows whatever the traffic."""

from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import BaseModel
from sqlalchemy import ColumnElement, Select, case, func, union_all
from sqlalchemy import select as sql_select
from sqlmodel import Session, col, select

from sluice.errors import Unprocessable
from sluice.models.access_record import (
    HISTOGRAM,
    LATENCY_BOUNDS_MS,
    AccessClientDay,
    AccessClientRollup,
    AccessRollup,
)
from sluice.models.api import Api, Module
from sluice.models.client import Client

HOUR = 3600
DAY = 24 * HOUR
MAX_RANGE = timedelta(days=400)
MAX_BUCKETS = 400
AUTO_BUCKETS_S = (HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, 24 * HOUR, 7 * 24 * HOUR)
"""The bucket chosen when none is asked: the smallest giving at most `AUTO_MAX` points."""
AUTO_MAX = 60
TOP = 10


class StatsPoint(BaseModel):
    """One bucket of the time series; percentiles are None when it had no calls."""

    start: datetime
    calls: int
    errors_4xx: int
    errors_5xx: int
    p50_ms: float | None
    p95_ms: float | None


class StatsTotals(BaseModel):
    calls: int
    errors_4xx: int
    errors_5xx: int
    p50_ms: float | None
    p95_ms: float | None


class TopApi(BaseModel):
    api_id: int | None
    """None for calls that matched no API (unknown paths)."""
    name: str | None
    method: str | None
    path: str | None
    calls: int
    errors: int


class TopClient(BaseModel):
    client_id: str | None
    """None for calls without a client token (public APIs, refused calls)."""
    name: str | None
    calls: int
    errors: int


class TopError(BaseModel):
    error: str
    status: int
    calls: int


class OverviewStats(BaseModel):
    since: datetime
    until: datetime
    bucket_seconds: int
    series: list[StatsPoint]
    totals: StatsTotals
    top_apis: list[TopApi]
    top_clients: list[TopClient]
    top_errors: list[TopError]


def percentile(histogram: list[int], q: float) -> float | None:
    """The q-quantile of a latency histogram (counts per `LATENCY_BOUNDS_MS` bucket),
    linear inside its bucket; the open last bucket answers its lower bound."""
    total = sum(histogram)
    if total == 0:
        return None
    rank, seen = q * total, 0
    for index, count in enumerate(histogram):
        if count and seen + count >= rank:
            low = LATENCY_BOUNDS_MS[index - 1] if index else 0.0
            if index == len(LATENCY_BOUNDS_MS):
                return float(low)
            high = LATENCY_BOUNDS_MS[index]
            return round(low + (high - low) * (rank - seen) / count, 2)
        seen += count
    return float(LATENCY_BOUNDS_MS[-1])


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _bounds(
    since: datetime | None, until: datetime | None, bucket: int | None
) -> tuple[datetime, datetime, int]:
    """The range (default: the last 24 hours) and the bucket size, checked: whole hours
    (the rollup's grain), at most `MAX_RANGE` and `MAX_BUCKETS` buckets."""
    end = _utc(until) if until else datetime.now(UTC)
    start = _utc(since) if since else end - timedelta(days=1)
    if start >= end:
        raise Unprocessable("'since' must be before 'until'")
    if end - start > MAX_RANGE:
        raise Unprocessable(f"the range is at most {MAX_RANGE.days} days")
    seconds = (end - start).total_seconds()
    if bucket is None:
        bucket = next((b for b in AUTO_BUCKETS_S if seconds / b <= AUTO_MAX), AUTO_BUCKETS_S[-1])
    elif bucket % HOUR:
        raise Unprocessable("'bucket' must be a whole number of hours, in seconds (3600, 7200...)")
    first = int(start.timestamp()) // bucket * bucket
    if (end.timestamp() - first) / bucket > MAX_BUCKETS:
        raise Unprocessable(f"at most {MAX_BUCKETS} buckets: choose a larger 'bucket'")
    return datetime.fromtimestamp(first, UTC), end, bucket


def _where(query: Any, start: datetime, end: datetime, api_id: int | None) -> Any:
    hour = col(AccessRollup.hour)
    query = query.where(hour >= start, hour < end)
    return query if api_id is None else query.where(col(AccessRollup.api_id) == api_id)


def _calls(low: int, high: int) -> ColumnElement[Any]:
    status = col(AccessRollup.status)
    return func.sum(case((status.between(low, high), col(AccessRollup.calls)), else_=0))


def stats(
    session: Session,
    since: datetime | None,
    until: datetime | None,
    api_id: int | None,
    bucket: int | None,
) -> OverviewStats:
    start, end, size = _bounds(since, until, bucket)
    columns = [func.sum(AccessRollup.__table__.c[name]) for name in HISTOGRAM]  # type: ignore[attr-defined]
    hourly = session.exec(
        _where(
            sql_select(
                col(AccessRollup.hour),
                func.sum(col(AccessRollup.calls)),
                _calls(400, 499),
                _calls(500, 599),
                *columns,
            ),
            start,
            end,
            api_id,
        ).group_by(col(AccessRollup.hour))
    ).all()
    count = -(-int(end.timestamp() - start.timestamp()) // size)
    sums = [[0] * (3 + len(HISTOGRAM)) for _ in range(count)]
    for hour, *values in hourly:
        index = (int(_utc(hour).timestamp()) - int(start.timestamp())) // size
        if 0 <= index < count:
            sums[index] = [a + int(b or 0) for a, b in zip(sums[index], values, strict=True)]
    series = [
        StatsPoint(
            start=start + timedelta(seconds=i * size),
            calls=row[0],
            errors_4xx=row[1],
            errors_5xx=row[2],
            p50_ms=percentile(row[3:], 0.5),
            p95_ms=percentile(row[3:], 0.95),
        )
        for i, row in enumerate(sums)
    ]
    total = [sum(column) for column in zip(*sums, strict=True)]
    totals = StatsTotals(
        calls=total[0],
        errors_4xx=total[1],
        errors_5xx=total[2],
        p50_ms=percentile(total[3:], 0.5),
        p95_ms=percentile(total[3:], 0.95),
    )
    return OverviewStats(
        since=start,
        until=end,
        bucket_seconds=size,
        series=series,
        totals=totals,
        top_apis=_top_apis(session, start, end, api_id),
        top_clients=_top_clients(session, start, end, api_id),
        top_errors=_top_errors(session, start, end, api_id),
    )


def _top(session: Session, key: Any, start: datetime, end: datetime, api_id: int | None) -> Any:
    calls = func.sum(col(AccessRollup.calls))
    query = sql_select(key, calls, _calls(400, 599)).group_by(key).order_by(calls.desc(), key)
    return session.exec(_where(query, start, end, api_id).limit(TOP)).all()


def _top_apis(session: Session, start: datetime, end: datetime, api_id: int | None) -> list[TopApi]:
    rows = _top(session, col(AccessRollup.api_id), start, end, api_id)
    ids = [row[0] for row in rows if row[0]]
    query: Any = (
        sql_select(col(Api.id), col(Api.name), col(Api.method), col(Module.name), col(Api.path))
        .join(Module, col(Module.id) == col(Api.module_id))
        .where(col(Api.id).in_(ids))
    )
    found = session.exec(query).all()
    named = {
        i: (name, method, f"/{module}/{path.lstrip('/')}")
        for i, name, method, module, path in found
    }
    return [
        TopApi(
            api_id=key or None,
            name=named.get(key, (None,))[0],
            method=named[key][1] if key in named else None,
            path=named[key][2] if key in named else None,
            calls=calls,
            errors=int(errors or 0),
        )
        for key, calls, errors in rows
    ]


def _whole_days(start: datetime, end: datetime) -> tuple[datetime, datetime] | None:
    """The UTC days lying wholly inside [start, end), as [first, last) midnights; None
    when there is none."""
    first = -(-int(start.timestamp()) // DAY) * DAY
    last = int(end.timestamp()) // DAY * DAY
    if first >= last:
        return None
    return datetime.fromtimestamp(first, UTC), datetime.fromtimestamp(last, UTC)


def _client_rows(
    table: type[AccessClientRollup | AccessClientDay],
    start: datetime,
    end: datetime,
    api_id: int | None,
) -> Select[str, int, int]:
    """The client rows of one rollup whose hour (or day) starts in [start, end)."""
    day = table is AccessClientDay
    moment = col(AccessClientDay.day) if day else col(AccessClientRollup.hour)
    query = sql_select(col(table.client_id), col(table.calls), col(table.errors))
    query = query.where(moment >= start, moment < end)
    return query if api_id is None else query.where(col(table.api_id) == api_id)


def _client_parts(
    start: datetime, end: datetime, api_id: int | None
) -> list[Select[str, int, int]]:
    """The rows whose sums are the top clients of [start, end): the daily rollup's for
    the whole days inside it, the hourly rollup's for the hours before and after them.
    A day is always the sum of its hours (see `AccessClientDay`), so the sums are those of
    the hours alone, from a month's 30 days and at most 46 hours of rows instead of 720."""
    days = _whole_days(start, end)
    if days is None:
        return [_client_rows(AccessClientRollup, start, end, api_id)]
    first, last = days
    parts = [_client_rows(AccessClientDay, first, last, api_id)]
    for low, high in ((start, first), (last, end)):
        if low < high:
            parts.append(_client_rows(AccessClientRollup, low, high, api_id))
    return parts


def _top_clients(
    session: Session, start: datetime, end: datetime, api_id: int | None
) -> list[TopClient]:
    parts = _client_parts(start, end, api_id)
    rows_of = (parts[0] if len(parts) == 1 else union_all(*parts)).subquery()
    key, calls = rows_of.c.client_id, func.sum(rows_of.c.calls)
    query: Any = (
        sql_select(key, calls, func.sum(rows_of.c.errors))
        .group_by(key)
        .order_by(calls.desc(), key)
        .limit(TOP)
    )
    rows = session.exec(query).all()
    keys = [row[0] for row in rows if row[0]]
    names = dict(
        session.exec(
            select(Client.client_id, Client.name).where(col(Client.client_id).in_(keys))
        ).all()
    )
    return [
        TopClient(client_id=key or None, name=names.get(key), calls=calls, errors=int(errors or 0))
        for key, calls, errors in rows
    ]


def _top_errors(
    session: Session, start: datetime, end: datetime, api_id: int | None
) -> list[TopError]:
    calls = func.sum(col(AccessRollup.calls))
    error, status = col(AccessRollup.error), col(AccessRollup.status)
    query = (
        sql_select(error, status, calls)
        .where(status >= 400)
        .group_by(error, status)
        .order_by(calls.desc(), error)
    )
    rows = session.exec(_where(query, start, end, api_id).limit(TOP)).all()
    return [TopError(error=e or "unknown", status=s, calls=c) for e, s, c in rows]


def has_calls(session: Session) -> bool:
    """Whether any API has answered a call successfully (the onboarding's last step)."""
    query = select(AccessRollup.hour).where(
        col(AccessRollup.api_id) > 0, col(AccessRollup.status) < 400
    )
    return session.exec(query.limit(1)).first() is not None
