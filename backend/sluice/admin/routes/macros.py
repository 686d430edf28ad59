from typing import Annotated

from fastapi import APIRouter, Depends, status

from sluice.admin.deps import Id, Page, Search, SessionDep, require
from sluice.http import StrictJSONRoute
from sluice.models.api import PublishRequest
from sluice.models.macro import (
    Macro,
    MacroCreate,
    MacroKind,
    MacroPublic,
    MacrosPublic,
    MacroUpdate,
    MacroVersionPublic,
    MacroVersionsPublic,
)
from sluice.models.user import User
from sluice.services import macros as service
from sluice.services.common import get_or_404

router = APIRouter(prefix="/macros", tags=["macros"], route_class=StrictJSONRoute)

Reader = Annotated[User, Depends(require("macro", "read"))]
Writer = Annotated[User, Depends(require("macro", "write"))]
Publisher = Annotated[User, Depends(require("macro", "publish"))]


def load(session: SessionDep, macro_id: Id) -> Macro:
    return get_or_404(session, Macro, macro_id)


Loaded = Annotated[Macro, Depends(load)]


@router.get("")
def read_macros(
    session: SessionDep, _: Reader, page: Page, q: Search, kind: MacroKind | None = None
) -> MacrosPublic:
    items, total = service.list_macros(session, *page, q, kind)
    return MacrosPublic(data=[service.macro_public(session, m) for m in items], count=total)


@router.post("", status_code=status.HTTP_201_CREATED)
def create_macro(session: SessionDep, _: Writer, body: MacroCreate) -> MacroPublic:
    return service.macro_public(session, service.create_macro(session, body))


@router.get("/{macro_id}")
def read_macro(session: SessionDep, _: Reader, macro: Loaded) -> MacroPublic:
    return service.macro_public(session, macro)


@router.patch("/{macro_id}")
def update_macro(session: SessionDep, _: Writer, macro: Loaded, body: MacroUpdate) -> MacroPublic:
    return service.macro_public(session, service.update_macro(session, macro, body))


@router.delete("/{macro_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_macro(session: SessionDep, _: Writer, macro: Loaded) -> None:
    service.delete_macro(session, macro)


@router.post("/{macro_id}/publish", status_code=status.HTTP_201_CREATED)
def publish_macro(
    session: SessionDep, user: Publisher, macro: Loaded, body: PublishRequest
) -> MacroVersionPublic:
    version = service.publish_macro(session, macro, body.message, user.email)
    return MacroVersionPublic.model_validate(version, from_attributes=True)


@router.get("/{macro_id}/versions")
def read_macro_versions(session: SessionDep, _: Reader, macro_id: Id) -> MacroVersionsPublic:
    items = [
        MacroVersionPublic.model_validate(v, from_attributes=True)
        for v in service.versions(session, macro_id)
    ]
    return MacroVersionsPublic(data=items, count=len(items))
