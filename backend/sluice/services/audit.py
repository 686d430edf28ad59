"""The audit log: every admin change, who made it, the before and the after.

Changes are captured from the ORM itself (an `after_flush` hook), so no route can forget
to record one. The actor rides on the request's session (`session.info["actor"]`), set by
the admin API's current-user dependency; changes made without one (the CLI, start-up)
are not audited. Secrets never reach the log.
"""

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import UOWTransaction
from sqlmodel import Session, SQLModel

from sluice.models.access_record import AuditLog
from sluice.models.alert import AlertRule
from sluice.models.api import Api, Module
from sluice.models.api_test import ApiTest
from sluice.models.client import Client, Group
from sluice.models.datasource import Datasource
from sluice.models.macro import Macro
from sluice.models.user import Role, User


def set_actor(session: Session, who: str) -> None:
    session.info["actor"] = who


AUDITED: dict[type[SQLModel], str] = {
    User: "user",
    Role: "role",
    Datasource: "datasource",
    Module: "module",
    Api: "api",
    ApiTest: "api_test",
    Macro: "macro",
    Group: "group",
    Client: "client",
    AlertRule: "alert",
}
SECRET_FIELDS = frozenset(
    {
        "hashed_password",
        "password_encrypted",
        "secret_hash",
        "password",
        "client_secret",
        "secret_encrypted",
        "secret",
    }
)
MASK = "***"


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def snapshot(obj: SQLModel) -> dict[str, Any]:
    data = {c.key: getattr(obj, c.key) for c in inspect(obj).mapper.column_attrs}
    return {k: MASK if k in SECRET_FIELDS and v is not None else _plain(v) for k, v in data.items()}


def _changes(obj: SQLModel) -> tuple[dict[str, Any], dict[str, Any]]:
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for attr in inspect(obj).mapper.column_attrs:
        history = inspect(obj).attrs[attr.key].history
        if not history.has_changes() or attr.key == "updated_at":
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else None
        secret = attr.key in SECRET_FIELDS
        before[attr.key] = MASK if secret and old is not None else _plain(old)
        after[attr.key] = MASK if secret and new is not None else _plain(new)
    return before, after


def _row(who: str, action: str, obj: SQLModel, before: Any, after: Any) -> dict[str, Any]:
    resource_id = getattr(obj, "id", None)
    return {
        "at": datetime.now(UTC),
        "actor": who,
        "action": action,
        "resource": AUDITED[type(obj)],
        "resource_id": str(resource_id) if resource_id is not None else None,
        "before": before,
        "after": after,
    }


def _capture(session: OrmSession, _: UOWTransaction) -> None:
    """Collect this flush's changes; an update of a row created in the same transaction
    folds into its creation, so one change reads as one entry."""
    who = session.info.get("actor")
    if who is None:
        return
    pending: list[dict[str, Any]] = session.info.setdefault("audit", [])
    pending += [
        _row(who, "create", o, None, snapshot(o)) for o in session.new if type(o) in AUDITED
    ]
    pending += [
        _row(who, "delete", o, snapshot(o), None) for o in session.deleted if type(o) in AUDITED
    ]
    for obj in session.dirty:
        if type(obj) in AUDITED and session.is_modified(obj):
            before, after = _changes(obj)
            if after:
                _fold(pending, _row(who, "update", obj, before, after))


def _fold(pending: list[dict[str, Any]], update: dict[str, Any]) -> None:
    key = (update["resource"], update["resource_id"])
    for row in pending:
        if row["action"] == "create" and (row["resource"], row["resource_id"]) == key:
            row["after"] = (row["after"] or {}) | update["after"]
            return
    pending.append(update)


def name_change(
    session: Session, action: str, obj: SQLModel, details: dict[str, Any], who: str | None = None
) -> None:
    """Record this transaction's change of `obj` as one entry named `action` (`publish`,
    `restore`, `unpublish`...) rather than the row update it is made of ("update
    published_version_id"): at the commit, the captured update of that row takes the name
    and `details` join its `after`. The first name given wins and later details fill in
    (a restore publishes, a forced publish publishes: each stays one entry). `who` when the
    session has no actor (an import)."""
    named: dict[tuple[str, str], tuple[str, dict[str, Any], str | None]] = session.info.setdefault(
        "audit_named", {}
    )
    key = (AUDITED[type(obj)], str(getattr(obj, "id", None)))
    if key in named:
        first, known, by = named[key]
        named[key] = (first, details | known, by or who)
    else:
        named[key] = (action, dict(details), who)


def _named(session: OrmSession, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`rows` with the named changes folded in: each names its row's captured update, or
    is an entry of its own when there is none (or the session has no actor)."""
    named: dict[tuple[str, str], tuple[str, dict[str, Any], str | None]] = session.info.pop(
        "audit_named", {}
    )
    for (resource, resource_id), (action, details, who) in named.items():
        masked = {k: MASK if k in SECRET_FIELDS else _plain(v) for k, v in details.items()}
        mine = [
            r
            for r in rows
            if r["action"] == "update"
            and (r["resource"], r["resource_id"]) == (resource, resource_id)
        ]
        if mine:  # one entry, even when the change took several flushes
            first = mine[0]
            for later in mine[1:]:
                first["before"] = later["before"] | first["before"]
                first["after"] = first["after"] | later["after"]
                rows.remove(later)
            first["action"], first["after"] = action, first["after"] | masked
            continue
        actor = who or session.info.get("actor")
        if actor is not None:
            rows.append(
                {
                    "at": datetime.now(UTC),
                    "actor": actor,
                    "action": action,
                    "resource": resource,
                    "resource_id": resource_id,
                    "before": None,
                    "after": masked,
                }
            )
    return rows


def _write(session: OrmSession) -> None:
    """Before the commit: SQLAlchemy calls this before its own last flush, so flush here
    first, or a row added just before `commit()` would never be captured."""
    session.flush()
    rows = _named(session, session.info.pop("audit", None) or [])
    if rows:
        session.connection().execute(insert(AuditLog), rows)


def _forget(session: OrmSession, *_: Any) -> None:
    session.info.pop("audit", None)
    session.info.pop("audit_named", None)


def install() -> None:
    hooks = (("after_flush", _capture), ("before_commit", _write), ("after_rollback", _forget))
    for name, hook in hooks:
        if not event.contains(Session, name, hook):
            event.listen(Session, name, hook)


def add(
    session: Session,
    who: str,
    change: tuple[str, str, int | None],
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    """An entry written by hand, in the session's transaction: `change` is (action,
    resource, resource id). An import writes one per object it changes, in the file's
    terms (names, not ids), rather than one per row it touches."""
    action, resource, resource_id = change

    def masked(values: dict[str, Any] | None) -> dict[str, Any] | None:
        if values is None:
            return None
        return {k: MASK if k in SECRET_FIELDS and v is not None else v for k, v in values.items()}

    session.add(
        AuditLog(
            actor=who,
            action=action,
            resource=resource,
            resource_id=None if resource_id is None else str(resource_id),
            before=masked(before),
            after=masked(after),
        )
    )


def record(
    session: Session,
    action: str,
    resource: str,
    resource_id: int | None,
    details: dict[str, Any],
    who: str | None = None,
) -> None:
    """An audited action that changes no row (a debug run); `who` when the session has no
    actor (an import's, which writes its own entries)."""
    who = who or session.info.get("actor")
    masked = {k: MASK if k in SECRET_FIELDS else v for k, v in details.items()}
    session.add(
        AuditLog(
            actor=who, action=action, resource=resource, resource_id=str(resource_id), after=masked
        )
    )
    session.commit()
