from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from sluice.admin.deps import CurrentUser, Id, Page, SessionDep, require
from sluice.errors import NotFound
from sluice.http import StrictJSONRoute
from sluice.models.access_record import (
    AccessRecordPublic,
    AccessRecordsPublic,
    AuditLogsPublic,
    Via,
)
from sluice.models.fields import MAX_ID
from sluice.models.user import User
from sluice.services import records as service
from sluice.services import stats as stats_service
from sluice.services.roles import permissions_of
from sluice.services.stats import OverviewStats

router = APIRouter(tags=["records"], route_class=StrictJSONRoute)

Reader = Annotated[User, Depends(require("access_log", "read"))]


@router.get("/access-logs")
def read_access_logs(
    session: SessionDep,
    _: Reader,
    page: Page,
    api_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    client_id: Annotated[str | None, Query(max_length=64)] = None,
    status: Annotated[int | None, Query(ge=100, le=599)] = None,
    since: datetime | None = None,
    until: datetime | None = None,
    via: Via | None = None,
    before: Annotated[
        int | None,
        Query(
            ge=1,
            le=MAX_ID,
            description="a record's id: the page starts after it (the last id of the"
            " previous page: keyset pagination, as fast on the last page as on the first)",
        ),
    ] = None,
) -> AccessRecordsPublic:
    """The calls, newest first. `count` is exact up to 10,000 matching records; beyond,
    it says 10,000 and `count_capped` is true (counting millions would cost a scan of
    them all)."""
    filters = {
        "api_id": api_id,
        "client_id": client_id,
        "status": status,
        "via": via,
        "since": since,
        "until": until,
    }
    items, total, capped = service.list_access(session, *page, filters, before)
    return AccessRecordsPublic(data=items, count=total, count_capped=capped)


@router.get("/access-logs/{record_id}")
def read_access_log(session: SessionDep, _: Reader, record_id: Id) -> AccessRecordPublic:
    found = service.read_access(session, record_id)
    if found is None:
        raise NotFound(f"AccessRecord {record_id} not found")
    return found


@router.get("/audit-logs")
def read_audit_logs(
    session: SessionDep,
    _: Reader,
    page: Page,
    actor: Annotated[str | None, Query(max_length=255)] = None,
    resource: Annotated[str | None, Query(max_length=32)] = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> AuditLogsPublic:
    filters = {"actor": actor, "resource": resource, "since": since, "until": until}
    items, total = service.list_audit(session, *page, filters)
    return AuditLogsPublic(data=service.named_audit(session, items), count=total)


@router.get("/overview")
def read_overview(session: SessionDep, user: CurrentUser) -> dict[str, Any]:
    return service.overview(session, firings=("alert", "read") in permissions_of(user))


@router.get("/overview/stats")
def read_overview_stats(
    session: SessionDep,
    _: CurrentUser,
    since: datetime | None = None,
    until: datetime | None = None,
    api_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    bucket: Annotated[int | None, Query(ge=3600, le=400 * 86400, description="seconds")] = None,
) -> OverviewStats:
    """Calls, 4xx and 5xx errors and p50/p95 latency per bucket (whole hours; default: at
    most 60 buckets), and the top APIs, clients and error codes, between `since` (default:
    24 hours before `until`) and `until` (default: now), for one API or all."""
    return stats_service.stats(session, since, until, api_id, bucket)
