"""Names for the ids that access records and audit entries keep, for people to read.

A page of records names its objects in one query (a UNION ALL over the tables it refers
to), never one per row. An object deleted since has no row left: its last known name
comes from its `delete` audit entry (one more query, only when something is missing), and
`#id (deleted)` stands in when even that is gone (deleted before auditing, or by the CLI).
"""

from collections.abc import Iterable
from typing import Any

from sqlalchemy import String, cast, literal, union_all
from sqlmodel import Session, col, select

from sluice.models.access_record import AuditLog
from sluice.models.api import Api, Module
from sluice.models.api_test import ApiTest
from sluice.models.client import Client, Group
from sluice.models.datasource import Datasource
from sluice.models.macro import Macro
from sluice.models.user import Role, User

Key = tuple[str, str]
"""(resource, id as text), as the audit log keeps them."""

NAMED: dict[str, tuple[Any, Any]] = {
    "user": (User, User.email),
    "role": (Role, Role.name),
    "datasource": (Datasource, Datasource.name),
    "module": (Module, Module.name),
    "api": (Api, Api.name),
    "api_test": (ApiTest, ApiTest.name),
    "macro": (Macro, Macro.name),
    "group": (Group, Group.name),
    "client": (Client, Client.name),
}
"""Each audited resource's table and the column that names a row."""


def deleted(key: str) -> str:
    return f"#{key} (deleted)"


def names(session: Session, wanted: Iterable[Key]) -> dict[Key, str]:
    """The name of each (resource, id) in `wanted` that has one: live rows' names in one
    query, then deleted ones' last known names, else `#id (deleted)`."""
    by_resource: dict[str, set[int]] = {}
    for resource, key in wanted:
        if resource in NAMED and key.isdigit() and len(key) < 19:
            by_resource.setdefault(resource, set()).add(int(key))
    if not by_resource:
        return {}
    parts = [
        select(
            literal(resource).label("resource"),
            cast(col(NAMED[resource][0].id), String).label("key"),
            cast(NAMED[resource][1], String).label("name"),
        ).where(col(NAMED[resource][0].id).in_(ids))
        for resource, ids in by_resource.items()
    ]
    found: dict[Key, str] = {
        (resource, key): name
        for resource, key, name in session.exec(union_all(*parts))  # type: ignore[call-overload]
    }
    missing = {(r, str(i)) for r, ids in by_resource.items() for i in ids} - found.keys()
    return found | last_known(session, missing)


def last_known(session: Session, missing: set[Key]) -> dict[Key, str]:
    """Names of deleted rows, from the `before` of their delete entries."""
    if not missing:
        return {}
    entries = session.exec(
        select(AuditLog)
        .where(AuditLog.action == "delete")
        .where(col(AuditLog.resource).in_({r for r, _ in missing}))
        .where(col(AuditLog.resource_id).in_({k for _, k in missing}))
    ).all()
    known: dict[Key, str] = {}
    for entry in entries:
        name = _name_in(entry.resource, entry.before)
        if name is not None and entry.resource_id is not None:
            known[(entry.resource, entry.resource_id)] = name
    return {key: known.get(key) or deleted(key[1]) for key in missing}


def _name_in(resource: str, values: dict[str, Any] | None) -> str | None:
    field = "email" if resource == "user" else "name"
    name = (values or {}).get(field)
    return name if isinstance(name, str) else None


def client_names(session: Session, client_ids: set[str]) -> dict[str, str]:
    """Clients' names by their public `client_id` (what access records keep): one query,
    then the deleted ones' last known names from their delete entries."""
    if not client_ids:
        return {}
    query = select(Client.client_id, Client.name).where(col(Client.client_id).in_(client_ids))
    found = dict(session.exec(query).all())
    missing = client_ids - found.keys()
    if missing:
        gone = session.exec(
            select(AuditLog).where(AuditLog.action == "delete", AuditLog.resource == "client")
        ).all()
        for entry in gone:
            before = entry.before or {}
            if before.get("client_id") in missing and isinstance(before.get("name"), str):
                found[before["client_id"]] = before["name"]
    return found | {cid: f"{cid} (deleted)" for cid in missing - found.keys()}
