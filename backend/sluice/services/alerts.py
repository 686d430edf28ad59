"""Alert rules: CRUD with the webhook secret encrypted at rest, and the firing history.

The evaluation (measures, the lease, webhooks) is in `alert_checks` and `alert_runner`.
"""

from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from sluice.errors import Conflict, NotFound, Unprocessable
from sluice.models.alert import (
    AlertCreate,
    AlertFields,
    AlertFiring,
    AlertFiringPublic,
    AlertPublic,
    AlertRule,
    AlertUpdate,
)
from sluice.models.api import Api, Module
from sluice.models.datasource import Datasource
from sluice.models.user import utcnow
from sluice.security import Keyring
from sluice.services.common import commit, count


def bound_to(rule_id: int) -> str:
    """The associated data a webhook secret is sealed with: its rule's row."""
    return f"alert:{rule_id}"


def _aware(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def alert_public(session: Session, rule: AlertRule) -> AlertPublic:
    assert rule.id is not None
    firing = session.get(AlertFiring, rule.firing_id) if rule.firing_id else None
    fields = rule.model_dump(exclude={"secret_encrypted", "firing_id"})
    return AlertPublic(
        **fields,
        state="firing" if firing is not None else "ok",
        firing_since=firing.started_at if firing is not None else None,
    )


def list_alerts(session: Session, limit: int, offset: int) -> tuple[list[AlertRule], int]:
    query = select(AlertRule).order_by(col(AlertRule.id)).offset(offset).limit(limit)
    return list(session.exec(query).all()), count(session, AlertRule)


def _checked(fields: dict[str, Any]) -> AlertFields:
    """A rule's fields after a change, checked as a whole (a PATCH may make them clash)."""
    try:
        return AlertFields.model_validate(fields)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise Unprocessable(str(first["msg"]).removeprefix("Value error, ")) from None


def _ensure_targets(session: Session, fields: AlertFields) -> None:
    """The API, module or data source a rule watches exists (a clear 404 otherwise)."""
    for model, target in ((Api, fields.api_id), (Module, fields.module_id)):
        if target is not None and session.get(model, target) is None:
            raise NotFound(f"{model.__name__} {target} not found")
    if fields.datasource_id is not None and session.get(Datasource, fields.datasource_id) is None:
        raise NotFound(f"Datasource {fields.datasource_id} not found")


def _ensure_name_free(session: Session, name: str, rule_id: int | None = None) -> None:
    existing = session.exec(select(AlertRule).where(AlertRule.name == name)).first()
    if existing is not None and existing.id != rule_id:
        raise Conflict(f"An alert named {name!r} already exists")


def create_alert(session: Session, data: AlertCreate, keyring: Keyring) -> AlertRule:
    fields = _checked(data.model_dump(exclude={"secret"}))
    _ensure_targets(session, fields)
    _ensure_name_free(session, fields.name)
    rule = AlertRule(**fields.model_dump(), secret_encrypted="-")
    session.add(rule)
    try:
        session.flush()  # the id the secret is bound to
    except IntegrityError as exc:  # the same name, created meanwhile
        session.rollback()
        raise Conflict(f"An alert named {data.name!r} already exists") from exc
    assert rule.id is not None
    rule.secret_encrypted = keyring.encrypt(data.secret, bound_to(rule.id))
    commit(session, f"An alert named {data.name!r} already exists")
    session.refresh(rule)
    return rule


def update_alert(
    session: Session, rule: AlertRule, data: AlertUpdate, keyring: Keyring
) -> AlertRule:
    assert rule.id is not None
    change = data.model_dump(exclude_unset=True, exclude={"secret"})
    merged = rule.model_dump(exclude={"id", "secret_encrypted", "firing_id"}) | change
    merged.pop("created_at"), merged.pop("updated_at")
    fields = _checked(merged)
    _ensure_targets(session, fields)
    _ensure_name_free(session, fields.name, rule.id)
    for name, value in fields.model_dump().items():
        setattr(rule, name, value)
    if data.secret is not None:
        rule.secret_encrypted = keyring.encrypt(data.secret, bound_to(rule.id))
    if not rule.enabled and rule.firing_id is not None:
        _close(session, rule)  # a disabled rule says nothing more, resolved or not
    rule.updated_at = utcnow()
    session.add(rule)
    commit(session, f"An alert named {rule.name!r} already exists")
    session.refresh(rule)
    return rule


def _close(session: Session, rule: AlertRule) -> None:
    firing = session.get(AlertFiring, rule.firing_id)
    if firing is not None and firing.resolved_at is None:
        firing.resolved_at = utcnow()
        session.add(firing)
    rule.firing_id = None


def delete_alert(session: Session, rule: AlertRule) -> None:
    session.delete(rule)
    session.commit()


def list_firings(
    session: Session, rule_id: int | None, limit: int, offset: int
) -> tuple[list[AlertFiringPublic], int]:
    """The firings, newest first; one rule's when `rule_id` is given."""
    query = select(AlertFiring)
    total = select(func.count()).select_from(AlertFiring)
    if rule_id is not None:
        query = query.where(AlertFiring.rule_id == rule_id)
        total = total.where(AlertFiring.rule_id == rule_id)
    query = query.order_by(col(AlertFiring.started_at).desc(), col(AlertFiring.id).desc())
    rows = session.exec(query.offset(offset).limit(limit)).all()
    items = [AlertFiringPublic.model_validate(r, from_attributes=True) for r in rows]
    return items, session.exec(total).one()


def is_silenced(rule: AlertRule, now: datetime) -> bool:
    until = _aware(rule.silenced_until)
    return until is not None and until > now
