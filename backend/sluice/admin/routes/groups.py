from typing import Annotated

from fastapi import APIRouter, Depends, status

from sluice.admin.deps import Id, Page, RegistryDep, Search, SessionDep, require
from sluice.http import StrictJSONRoute
from sluice.models.client import Group, GroupCreate, GroupPublic, GroupsPublic, GroupUpdate
from sluice.models.user import User
from sluice.services import clients as service
from sluice.services.common import get_or_404

router = APIRouter(prefix="/groups", tags=["groups"], route_class=StrictJSONRoute)

Reader = Annotated[User, Depends(require("group", "read"))]
Writer = Annotated[User, Depends(require("group", "write"))]


def load(session: SessionDep, group_id: Id) -> Group:
    return get_or_404(session, Group, group_id)


Loaded = Annotated[Group, Depends(load)]


@router.get("")
def read_groups(session: SessionDep, _: Reader, page: Page, q: Search) -> GroupsPublic:
    """Groups by name; `q` is text in the name or description."""
    items, total = service.list_groups(session, *page, q)
    return GroupsPublic(data=[service.group_public(session, g) for g in items], count=total)


@router.post("", status_code=status.HTTP_201_CREATED)
def create_group(
    session: SessionDep, _: Writer, registry: RegistryDep, body: GroupCreate
) -> GroupPublic:
    group = service.create_group(session, body)
    registry.changed()
    return service.group_public(session, group)


@router.get("/{group_id}")
def read_group(session: SessionDep, _: Reader, group: Loaded) -> GroupPublic:
    return service.group_public(session, group)


@router.patch("/{group_id}")
def update_group(
    session: SessionDep, _: Writer, registry: RegistryDep, group: Loaded, body: GroupUpdate
) -> GroupPublic:
    updated = service.update_group(session, group, body)
    registry.changed()
    return service.group_public(session, updated)


@router.delete("/{group_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_group(session: SessionDep, _: Writer, registry: RegistryDep, group: Loaded) -> None:
    service.delete_group(session, group)
    registry.changed()
