"""Roles and their permissions."""

from collections.abc import Iterable

from sqlmodel import Session, col, select

from sluice.errors import Conflict, Forbidden, NotFound
from sluice.models.user import (
    ALL_PERMISSIONS,
    Permission,
    Role,
    RoleCreate,
    RolePermission,
    RolePublic,
    RoleUpdate,
    User,
)
from sluice.services.common import commit, count, get_or_404


def role_permissions(role: Role) -> set[tuple[str, str]]:
    return {(p.resource, p.action) for p in role.permissions}


def permissions_of(user: User) -> set[tuple[str, str]]:
    """The {resource, action} pairs a user holds; a superuser holds all of them."""
    if user.is_superuser:
        return set(ALL_PERMISSIONS)
    return {pair for role in user.roles for pair in role_permissions(role)}


def role_public(role: Role) -> RolePublic:
    assert role.id is not None
    permissions = sorted(role_permissions(role))
    return RolePublic(
        id=role.id,
        name=role.name,
        description=role.description,
        is_builtin=role.is_builtin,
        permissions=[Permission(resource=r, action=a) for r, a in permissions],
    )


def list_roles(session: Session, limit: int, offset: int) -> tuple[list[Role], int]:
    query = select(Role).order_by(col(Role.id)).offset(offset).limit(limit)
    return list(session.exec(query).all()), count(session, Role)


def roles_by_ids(session: Session, role_ids: Iterable[int]) -> list[Role]:
    """The roles with these ids; an unknown id is a clear 404, not a silent drop."""
    wanted = set(role_ids)
    roles = list(session.exec(select(Role).where(col(Role.id).in_(wanted))).all())
    missing = wanted - {r.id for r in roles}
    if missing:
        raise NotFound(f"Role {min(missing)} not found")
    return roles


def _ensure_name_free(session: Session, name: str, role_id: int | None = None) -> None:
    existing = session.exec(select(Role).where(Role.name == name)).first()
    if existing is not None and existing.id != role_id:
        raise Conflict(f"A role named {name!r} already exists")


def _permission_rows(permissions: list[Permission]) -> list[RolePermission]:
    unique = {(p.resource, p.action) for p in permissions}
    return [RolePermission(resource=r, action=a) for r, a in sorted(unique)]


def create_role(session: Session, data: RoleCreate, actor: User) -> Role:
    """Create a role holding no more than its creator `actor` holds."""
    _ensure_within(data.permissions, actor)
    _ensure_name_free(session, data.name)
    role = Role(name=data.name, description=data.description)
    role.permissions = _permission_rows(data.permissions)
    session.add(role)
    commit(session, f"A role named {data.name!r} already exists")
    session.refresh(role)
    return role


def update_role(session: Session, role_id: int, data: RoleUpdate, actor: User) -> Role:
    role = _editable(session, role_id, actor)
    _ensure_within(data.permissions or [], actor)
    if data.name is not None:
        _ensure_name_free(session, data.name, role_id)
        role.name = data.name
    if "description" in data.model_fields_set:
        role.description = data.description
    if data.permissions is not None:
        role.permissions = _permission_rows(data.permissions)
    session.add(role)
    commit(session, f"A role named {data.name!r} already exists")
    session.refresh(role)
    return role


def delete_role(session: Session, role_id: int, actor: User) -> None:
    session.delete(_editable(session, role_id, actor))
    session.commit()


def _editable(session: Session, role_id: int, actor: User) -> Role:
    """A custom role `actor` could grant: one holding nothing beyond what they hold."""
    role = get_or_404(session, Role, role_id)
    if role.is_builtin:
        raise Conflict(f"The built-in role {role.name!r} cannot be changed or deleted")
    if not role_permissions(role) <= permissions_of(actor):
        raise Forbidden(
            f"You cannot change the role {role.name!r}: it holds permissions you do not have"
        )
    return role


def _ensure_within(permissions: list[Permission], actor: User) -> None:
    missing = sorted({(p.resource, p.action) for p in permissions} - permissions_of(actor))
    if missing:
        names = ", ".join(f"{r}:{a}" for r, a in missing)
        raise Forbidden(f"You cannot grant permissions you do not have: {names}")
