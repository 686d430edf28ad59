from typing import Annotated

from fastapi import APIRouter, Depends, status

from sluice.admin.deps import Id, Page, SessionDep, require
from sluice.http import StrictJSONRoute
from sluice.models.user import (
    ALL_PERMISSIONS,
    Permission,
    PermissionsPublic,
    Role,
    RoleCreate,
    RolePublic,
    RolesPublic,
    RoleUpdate,
    User,
)
from sluice.services import roles as service
from sluice.services.common import get_or_404

router = APIRouter(tags=["roles"], route_class=StrictJSONRoute)

Reader = Annotated[User, Depends(require("role", "read"))]
Writer = Annotated[User, Depends(require("role", "write"))]


@router.get("/permissions")
def read_permissions(_: Reader) -> PermissionsPublic:
    data = [Permission(resource=r, action=a) for r, a in ALL_PERMISSIONS]
    return PermissionsPublic(data=data, count=len(data))


@router.get("/roles")
def read_roles(session: SessionDep, _: Reader, page: Page) -> RolesPublic:
    roles, total = service.list_roles(session, *page)
    return RolesPublic(data=[service.role_public(r) for r in roles], count=total)


@router.post("/roles", status_code=status.HTTP_201_CREATED)
def create_role(session: SessionDep, actor: Writer, body: RoleCreate) -> RolePublic:
    return service.role_public(service.create_role(session, body, actor))


@router.get("/roles/{role_id}")
def read_role(session: SessionDep, _: Reader, role_id: Id) -> RolePublic:
    return service.role_public(get_or_404(session, Role, role_id))


@router.patch("/roles/{role_id}")
def update_role(session: SessionDep, actor: Writer, role_id: Id, body: RoleUpdate) -> RolePublic:
    return service.role_public(service.update_role(session, role_id, body, actor))


@router.delete("/roles/{role_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_role(session: SessionDep, actor: Writer, role_id: Id) -> None:
    service.delete_role(session, role_id, actor)
