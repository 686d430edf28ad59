from typing import Annotated

from fastapi import APIRouter, Depends, status

from sluice.admin.deps import Id, Page, RegistryDep, SessionDep, require
from sluice.http import StrictJSONRoute
from sluice.models.api import Module, ModuleCreate, ModulePublic, ModulesPublic, ModuleUpdate
from sluice.models.user import User
from sluice.services import modules as service
from sluice.services.common import get_or_404

router = APIRouter(prefix="/modules", tags=["modules"], route_class=StrictJSONRoute)

Reader = Annotated[User, Depends(require("module", "read"))]
Writer = Annotated[User, Depends(require("module", "write"))]


def load(session: SessionDep, module_id: Id) -> Module:
    return get_or_404(session, Module, module_id)


Loaded = Annotated[Module, Depends(load)]


@router.get("")
def read_modules(session: SessionDep, _: Reader, page: Page) -> ModulesPublic:
    items, total = service.list_modules(session, *page)
    return ModulesPublic(data=[service.module_public(session, m) for m in items], count=total)


@router.post("", status_code=status.HTTP_201_CREATED)
def create_module(session: SessionDep, _: Writer, body: ModuleCreate) -> ModulePublic:
    return service.module_public(session, service.create_module(session, body))


@router.get("/{module_id}")
def read_module(session: SessionDep, _: Reader, module: Loaded) -> ModulePublic:
    return service.module_public(session, module)


@router.patch("/{module_id}")
def update_module(
    session: SessionDep, _: Writer, registry: RegistryDep, module: Loaded, body: ModuleUpdate
) -> ModulePublic:
    updated = service.update_module(session, module, body)
    registry.changed()
    return service.module_public(session, updated)


@router.delete("/{module_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_module(session: SessionDep, _: Writer, registry: RegistryDep, module: Loaded) -> None:
    service.delete_module(session, module)
    registry.changed()
