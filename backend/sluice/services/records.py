"""Reading access records and the audit log, and the dashboard's overview."""

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import case, literal, or_
from sqlalchemy import select as sql_select
from sqlmodel import Session, col, func, select

from sluice.models.access_record import (
    AccessRecord,
    AccessRecordPublic,
    AccessRollup,
    AuditLog,
    AuditLogPublic,
)
from sluice.models.api import Api, Module
from sluice.models.client import Client
from sluice.models.datasource import Datasource
from sluice.services.alerts import list_firings
from sluice.services.common import count
from sluice.services.names import client_names, names
from sluice.services.stats import HOUR, has_calls

COUNT_CAP = 10_000
"""The access-record list counts the matching records up to this many: an exact count of
millions costs a scan of them all, and no one pages that far (`before` does)."""


def list_access(
    session: Session, limit: int, offset: int, filters: dict[str, Any], before: int | None = None
) -> tuple[list[AccessRecordPublic], int, bool]:
    """A page of the matching records, newest first; their count, capped at `COUNT_CAP`;
    whether it was capped. `before` (a record's id) starts the page after that record in
    the same order (keyset: an index range, however deep; `offset` then skips from there)."""
    conditions = [
        getattr(AccessRecord, field) == filters[field]
        for field in ("api_id", "client_id", "status", "via")
        if filters.get(field) is not None
    ]
    matching = _between(
        select(literal(1)).select_from(AccessRecord).where(*conditions), AccessRecord.at, filters
    )
    found = session.exec(
        select(func.count()).select_from(matching.limit(COUNT_CAP + 1).subquery())
    ).one()
    page = _between(named_query().where(*conditions), AccessRecord.at, filters)
    if before is not None:
        page = page.where(*_after(before))
    items = named_records(session, page.offset(offset).limit(limit))
    return items, min(found, COUNT_CAP), found > COUNT_CAP


def _after(record_id: int) -> list[Any]:
    """Records after `record_id` in the list's order (`at` then `id`, descending): written
    as `at <= its at AND (at < its at OR id < its id)` rather than a row comparison, so
    every store reads it as a range of the time indexes."""
    at = select(AccessRecord.at).where(AccessRecord.id == record_id).scalar_subquery()
    moment = col(AccessRecord.at)
    return [moment <= at, or_(moment < at, col(AccessRecord.id) < record_id)]


def named_query() -> Any:
    """Records with their API's and client's names, newest first: joined in the same
    query, so a page costs one round trip (plus one for objects deleted since)."""
    return (
        select(AccessRecord, Api.name, Client.name)
        .outerjoin(Api, col(Api.id) == AccessRecord.api_id)
        .outerjoin(Client, col(Client.client_id) == AccessRecord.client_id)
        .order_by(col(AccessRecord.at).desc(), col(AccessRecord.id).desc())
    )


def named_records(session: Session, query: Any) -> list[AccessRecordPublic]:
    """The records of a `named_query`, a deleted API's or client's last known name filled in."""
    rows = session.exec(query).all()
    gone_apis = {("api", str(r.api_id)) for r, api, _ in rows if r.api_id and api is None}
    gone_clients = {r.client_id for r, _, client in rows if r.client_id and client is None}
    api_names, clients = names(session, gone_apis), client_names(session, gone_clients)
    return [
        AccessRecordPublic.model_validate(record, from_attributes=True).model_copy(
            update={
                "api_name": api or api_names.get(("api", str(record.api_id))),
                "client_name": client or clients.get(record.client_id or ""),
            }
        )
        for record, api, client in rows
    ]


def read_access(session: Session, record_id: int) -> AccessRecordPublic | None:
    found = named_records(session, named_query().where(AccessRecord.id == record_id))
    return found[0] if found else None


def named_audit(session: Session, entries: list[AuditLog]) -> list[AuditLogPublic]:
    """The entries, each with its resource's name (one query for the whole page)."""
    keys = {(e.resource, e.resource_id) for e in entries if e.resource_id is not None}
    found = names(session, keys)
    return [
        AuditLogPublic.model_validate(e, from_attributes=True).model_copy(
            update={"resource_name": found.get((e.resource, e.resource_id or ""))}
        )
        for e in entries
    ]


def list_audit(
    session: Session, limit: int, offset: int, filters: dict[str, Any]
) -> tuple[list[AuditLog], int]:
    query = select(AuditLog)
    for field in ("actor", "resource"):
        if filters.get(field) is not None:
            query = query.where(getattr(AuditLog, field) == filters[field])
    query = _between(query, AuditLog.at, filters)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    page = (
        query.order_by(col(AuditLog.at).desc(), col(AuditLog.id).desc()).offset(offset).limit(limit)
    )
    return list(session.exec(page).all()), total


def _between(query: Any, column: Any, filters: dict[str, Any]) -> Any:
    """Times compare in UTC: SQLite keeps them as UTC text without an offset."""
    if filters.get("since") is not None:
        query = query.where(column >= _utc(filters["since"]))
    if filters.get("until") is not None:
        query = query.where(column < _utc(filters["until"]))
    return query


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def last_day(session: Session, now: datetime) -> tuple[int, int]:
    """Calls and errors (status 400 and above) of the 24 hours before `now`: the whole
    hours from the hourly rollup, the part of the first hour from the records (at most
    an hour of them), so the figure is exact and costs the same at any size."""
    start = now - timedelta(days=1)
    edge = datetime.fromtimestamp(-(-start.timestamp() // HOUR) * HOUR, UTC)
    calls, failed = col(AccessRollup.calls), col(AccessRollup.status) >= 400
    whole: Any = sql_select(
        func.coalesce(func.sum(calls), 0),
        func.coalesce(func.sum(case((failed, calls), else_=0)), 0),
    ).where(col(AccessRollup.hour) >= edge)
    part: Any = sql_select(
        func.count(),
        func.coalesce(func.sum(case((col(AccessRecord.status) >= 400, 1), else_=0)), 0),
    ).where(col(AccessRecord.at) >= start, col(AccessRecord.at) < edge)
    hours, minutes = session.exec(whole).one(), session.exec(part).one()
    return int(hours[0]) + int(minutes[0]), int(hours[1]) + int(minutes[1])


def overview(session: Session, *, firings: bool = False) -> dict[str, Any]:
    """Counts and the last day's traffic, for the dashboard's first page; the latest
    alert firings when the caller may read alerts (`firings`)."""
    calls, errors = last_day(session, datetime.now(UTC))
    published = session.exec(select(func.count()).where(col(Api.is_published))).one()
    latest = named_records(session, named_query().limit(10))
    changes = session.exec(select(AuditLog).order_by(col(AuditLog.at).desc()).limit(10)).all()
    recent_firings = list_firings(session, None, 5, 0)[0] if firings else []
    return {
        "counts": {
            "modules": count(session, Module),
            "apis": count(session, Api),
            "published_apis": published,
            "datasources": count(session, Datasource),
            "clients": count(session, Client),
        },
        "setup": {"has_calls": has_calls(session)},
        "last_24h": {"calls": calls, "errors": errors},
        "recent_calls": [r.model_dump(mode="json") for r in latest],
        "recent_changes": [c.model_dump(mode="json") for c in named_audit(session, list(changes))],
        "recent_firings": [f.model_dump(mode="json") for f in recent_firings],
    }
