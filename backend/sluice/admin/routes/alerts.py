from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from sluice.admin.deps import Id, KeyringDep, Page, SessionDep, require
from sluice.http import StrictJSONRoute
from sluice.models.alert import (
    AlertCreate,
    AlertFiringsPublic,
    AlertPublic,
    AlertRule,
    AlertsPublic,
    AlertUpdate,
)
from sluice.models.fields import MAX_ID
from sluice.models.user import User
from sluice.services import alerts as service
from sluice.services.common import get_or_404

router = APIRouter(prefix="/alerts", tags=["alerts"], route_class=StrictJSONRoute)

Reader = Annotated[User, Depends(require("alert", "read"))]
Writer = Annotated[User, Depends(require("alert", "write"))]


def load(session: SessionDep, alert_id: Id) -> AlertRule:
    return get_or_404(session, AlertRule, alert_id)


Loaded = Annotated[AlertRule, Depends(load)]


@router.get("")
def read_alerts(session: SessionDep, _: Reader, page: Page) -> AlertsPublic:
    items, total = service.list_alerts(session, *page)
    return AlertsPublic(data=[service.alert_public(session, r) for r in items], count=total)


@router.post("", status_code=status.HTTP_201_CREATED)
def create_alert(
    session: SessionDep, _: Writer, keyring: KeyringDep, body: AlertCreate
) -> AlertPublic:
    return service.alert_public(session, service.create_alert(session, body, keyring))


@router.get("/firings")
def read_firings(
    session: SessionDep,
    _: Reader,
    page: Page,
    rule_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> AlertFiringsPublic:
    """The history of firings, newest first (one rule's with `rule_id`)."""
    items, total = service.list_firings(session, rule_id, *page)
    return AlertFiringsPublic(data=items, count=total)


@router.get("/{alert_id}")
def read_alert(session: SessionDep, _: Reader, rule: Loaded) -> AlertPublic:
    return service.alert_public(session, rule)


@router.patch("/{alert_id}")
def update_alert(
    session: SessionDep, _: Writer, keyring: KeyringDep, rule: Loaded, body: AlertUpdate
) -> AlertPublic:
    return service.alert_public(session, service.update_alert(session, rule, body, keyring))


@router.delete("/{alert_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_alert(session: SessionDep, _: Writer, rule: Loaded) -> None:
    service.delete_alert(session, rule)
