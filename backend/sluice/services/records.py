"""Reading access records and the audit log, and the dashboard's overview."""

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import Session, col, func, select

from sluice.models.access_record import (
    AccessRecord,
    AccessRecordPublic,
    AuditLog,
    AuditLogPublic,
)
from sluice.models.api import Api, Module
from sluice.models.client import Client
from sluice.models.datasource import Datasource
from sluice.services.alerts import list_firings
from sluice.services.common import count
from sluice.services.names import client_names, names
from sluice.services.stats import has_calls


def list_access(
    session: Session, limit: int, offset: int, filters: dict[str, Any]
) -> tuple[list[AccessRecordPublic], int]:
    conditions = [
        getattr(AccessRecord, field) == filters[field]
        for field in ("api_id", "client_id", "status", "via")
        if filters.get(field) is not None
    ]
    query = _between(select(AccessRecord).where(*conditions), AccessRecord.at, filters)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    page = _between(named_query().where(*conditions), AccessRecord.at, filters)
    return named_records(session, page.offset(offset).limit(limit)), total


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


def overview(session: Session, *, firings: bool = False) -> dict[str, Any]:
    """Counts and the last day's traffic, for the dashboard's first page; the latest
    alert firings when the caller may read alerts (`firings`)."""
    day_ago = datetime.now(UTC) - timedelta(days=1)
    recent = select(AccessRecord).where(AccessRecord.at >= day_ago)
    calls = session.exec(select(func.count()).select_from(recent.subquery())).one()
    errors = session.exec(
        select(func.count()).select_from(recent.where(AccessRecord.status >= 400).subquery())
    ).one()
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
