"""Reading access records and the audit log, and the dashboard's overview."""

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import Session, col, func, select

from sluice.models.access_record import AccessRecord, AuditLog, AuditLogPublic
from sluice.models.api import Api, Module
from sluice.models.client import Client
from sluice.models.datasource import Datasource
from sluice.services.alerts import list_firings
from sluice.services.common import count


def list_access(
    session: Session, limit: int, offset: int, filters: dict[str, Any]
) -> tuple[list[AccessRecord], int]:
    query = select(AccessRecord)
    for field in ("api_id", "client_id", "status"):
        if filters.get(field) is not None:
            query = query.where(getattr(AccessRecord, field) == filters[field])
    query = _between(query, AccessRecord.at, filters)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    page = (
        query.order_by(col(AccessRecord.at).desc(), col(AccessRecord.id).desc())
        .offset(offset)
        .limit(limit)
    )
    return list(session.exec(page).all()), total


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
    latest = session.exec(
        select(AccessRecord).order_by(col(AccessRecord.at).desc()).limit(10)
    ).all()
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
        "last_24h": {"calls": calls, "errors": errors},
        "recent_calls": [r.model_dump(mode="json") for r in latest],
        "recent_changes": [
            AuditLogPublic.model_validate(c, from_attributes=True).model_dump(mode="json")
            for c in changes
        ],
        "recent_firings": [f.model_dump(mode="json") for f in recent_firings],
    }
