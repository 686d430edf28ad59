from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from sluice.admin.deps import CurrentUser, Id, Page, SessionDep, require
from sluice.http import StrictJSONRoute
from sluice.models.access_record import (
    AccessRecord,
    AccessRecordPublic,
    AccessRecordsPublic,
    AuditLogPublic,
    AuditLogsPublic,
)
from sluice.models.fields import MAX_ID
from sluice.models.user import User
from sluice.services import records as service
from sluice.services.common import get_or_404
from sluice.services.roles import permissions_of

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
) -> AccessRecordsPublic:
    filters = {
        "api_id": api_id,
        "client_id": client_id,
        "status": status,
        "since": since,
        "until": until,
    }
    items, total = service.list_access(session, *page, filters)
    return AccessRecordsPublic(
        data=[AccessRecordPublic.model_validate(r, from_attributes=True) for r in items],
        count=total,
    )


@router.get("/access-logs/{record_id}")
def read_access_log(session: SessionDep, _: Reader, record_id: Id) -> AccessRecordPublic:
    return AccessRecordPublic.model_validate(
        get_or_404(session, AccessRecord, record_id), from_attributes=True
    )


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
    return AuditLogsPublic(
        data=[AuditLogPublic.model_validate(a, from_attributes=True) for a in items], count=total
    )


@router.get("/overview")
def read_overview(session: SessionDep, user: CurrentUser) -> dict[str, Any]:
    return service.overview(session, firings=("alert", "read") in permissions_of(user))
