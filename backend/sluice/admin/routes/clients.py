from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, status

from sluice.admin.deps import Id, Page, RegistryDep, Search, SessionDep, require
from sluice.http import StrictJSONRoute
from sluice.models.client import (
    Client,
    ClientCreate,
    ClientPublic,
    ClientsPublic,
    ClientUpdate,
    ClientWithSecret,
)
from sluice.models.user import User
from sluice.services import clients as service
from sluice.services.common import get_or_404

router = APIRouter(prefix="/clients", tags=["clients"], route_class=StrictJSONRoute)

Reader = Annotated[User, Depends(require("client", "read"))]
Writer = Annotated[User, Depends(require("client", "write"))]


def load(session: SessionDep, client_id: Id) -> Client:
    return get_or_404(session, Client, client_id)


Loaded = Annotated[Client, Depends(load)]


@router.get("")
def read_clients(
    session: SessionDep,
    _: Reader,
    page: Page,
    q: Search,
    active: Annotated[bool | None, Query(description="Only active (or inactive) clients")] = None,
) -> ClientsPublic:
    items, total = service.list_clients(session, *page, q, active)
    return ClientsPublic(data=[service.client_public(session, c) for c in items], count=total)


@router.post("", status_code=status.HTTP_201_CREATED)
def create_client(
    request: Request, session: SessionDep, _: Writer, registry: RegistryDep, body: ClientCreate
) -> ClientWithSecret:
    """The answer holds `client_secret`: it is shown this once and stored only as an HMAC."""
    created = service.create_client(session, body, request.app.state.client_secret_key)
    registry.changed()
    return created


@router.get("/{client_id}")
def read_client(session: SessionDep, _: Reader, client: Loaded) -> ClientPublic:
    return service.client_public(session, client)


@router.patch("/{client_id}")
def update_client(
    session: SessionDep, _: Writer, registry: RegistryDep, client: Loaded, body: ClientUpdate
) -> ClientPublic:
    updated = service.update_client(session, client, body)
    registry.changed()
    return service.client_public(session, updated)


@router.post("/{client_id}/secret")
def regenerate_client_secret(
    request: Request, session: SessionDep, _: Writer, registry: RegistryDep, client: Loaded
) -> ClientWithSecret:
    """A new secret; every token issued before it stops working at once."""
    renewed = service.regenerate_secret(session, client, request.app.state.client_secret_key)
    registry.changed()
    return renewed


@router.delete("/{client_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_client(session: SessionDep, _: Writer, registry: RegistryDep, client: Loaded) -> None:
    service.delete_client(session, client)
    registry.changed()
