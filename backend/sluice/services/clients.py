"""Groups and clients: CRUD, grants, secrets. Every change bumps the published state, so
the gateway's registry (which holds the clients) is rebuilt everywhere."""

from collections.abc import Iterable
from typing import Any, TypeVar

from sqlmodel import Session, SQLModel, col, func, select

from sluice.errors import Conflict, NotFound
from sluice.models.api import Api
from sluice.models.client import (
    Client,
    ClientApiLink,
    ClientCreate,
    ClientGroupLink,
    ClientPublic,
    ClientUpdate,
    ClientWithSecret,
    Group,
    GroupApiLink,
    GroupCreate,
    GroupPublic,
    GroupUpdate,
)
from sluice.models.user import utcnow
from sluice.security import hash_client_secret, new_client_id, new_client_secret
from sluice.services.common import commit, matching, page_of
from sluice.services.publication import bump

Link = TypeVar("Link", bound=SQLModel)


def _ids(session: Session, column: Any, where: Any) -> list[int]:
    found: list[int] = list(session.exec(select(column).where(where)).all())
    return sorted(found)


def _require(session: Session, model: type[SQLModel], ids: Iterable[int]) -> list[int]:
    wanted = sorted(set(ids))
    found = set(session.exec(select(model.id).where(col(model.id).in_(wanted))).all())  # type: ignore[attr-defined]
    missing = [i for i in wanted if i not in found]
    if missing:
        raise NotFound(f"{model.__name__} {missing[0]} not found")
    return wanted


def _replace_links(
    session: Session, link: type[Link], owner: str, owner_id: int, other: str, ids: list[int]
) -> None:
    for row in session.exec(select(link).where(getattr(link, owner) == owner_id)).all():
        session.delete(row)
    session.flush()
    for other_id in ids:
        session.add(link(**{owner: owner_id, other: other_id}))


# --- groups ---------------------------------------------------------------------------


def group_public(session: Session, group: Group) -> GroupPublic:
    api_ids = _ids(session, GroupApiLink.api_id, GroupApiLink.group_id == group.id)
    clients = session.exec(select(func.count()).where(ClientGroupLink.group_id == group.id)).one()
    return GroupPublic(**group.model_dump(), api_ids=api_ids, client_count=clients)


def list_groups(
    session: Session, limit: int, offset: int, q: str | None = None
) -> tuple[list[Group], int]:
    conditions = [matching(q, Group.name, Group.description)]
    return page_of(session, select(Group), conditions, [col(Group.name)], limit, offset)


def _group_name_free(session: Session, name: str, group_id: int | None = None) -> None:
    existing = session.exec(select(Group).where(Group.name == name)).first()
    if existing is not None and existing.id != group_id:
        raise Conflict(f"A group named {name!r} already exists")


def create_group(session: Session, data: GroupCreate) -> Group:
    _group_name_free(session, data.name)
    api_ids = _require(session, Api, data.api_ids)
    group = Group(name=data.name, description=data.description)
    session.add(group)
    session.flush()
    assert group.id is not None
    _replace_links(session, GroupApiLink, "group_id", group.id, "api_id", api_ids)
    bump(session, "group", [group.id])
    commit(session, f"A group named {data.name!r} already exists")
    session.refresh(group)
    return group


def update_group(session: Session, group: Group, data: GroupUpdate) -> Group:
    assert group.id is not None
    if data.name is not None:
        _group_name_free(session, data.name, group.id)
        group.name = data.name
    if "description" in data.model_fields_set:
        group.description = data.description
    if data.api_ids is not None:
        _replace_links(
            session,
            GroupApiLink,
            "group_id",
            group.id,
            "api_id",
            _require(session, Api, data.api_ids),
        )
    group.updated_at = utcnow()
    session.add(group)
    bump(session, "group", [group.id])
    commit(session, f"A group named {group.name!r} already exists")
    session.refresh(group)
    return group


def delete_group(session: Session, group: Group) -> None:
    session.delete(group)
    bump(session, "group", [group.id])
    session.commit()


# --- clients --------------------------------------------------------------------------


def client_public(session: Session, client: Client) -> ClientPublic:
    fields = client.model_dump(exclude={"secret_hash", "token_generation"})
    return ClientPublic(
        **fields,
        group_ids=_ids(session, ClientGroupLink.group_id, ClientGroupLink.client_id == client.id),
        api_ids=_ids(session, ClientApiLink.api_id, ClientApiLink.client_id == client.id),
    )


def list_clients(
    session: Session, limit: int, offset: int, q: str | None = None, active: bool | None = None
) -> tuple[list[Client], int]:
    """Clients by name; `q` is text in the name or the client_id."""
    conditions = [
        matching(q, Client.name, Client.client_id),
        None if active is None else col(Client.is_active) == active,
    ]
    return page_of(session, select(Client), conditions, [col(Client.name)], limit, offset)


def create_client(session: Session, data: ClientCreate, secret_key: bytes) -> ClientWithSecret:
    group_ids, api_ids = (
        _require(session, Group, data.group_ids),
        _require(session, Api, data.api_ids),
    )
    secret = new_client_secret()
    client = Client.model_validate(
        data.model_dump(exclude={"group_ids", "api_ids"})
        | {"client_id": new_client_id(), "secret_hash": hash_client_secret(secret, secret_key)}
    )
    session.add(client)
    session.flush()
    assert client.id is not None
    _replace_links(session, ClientGroupLink, "client_id", client.id, "group_id", group_ids)
    _replace_links(session, ClientApiLink, "client_id", client.id, "api_id", api_ids)
    bump(session, "client", [client.id])
    commit(session, "This client id is taken; try again")
    session.refresh(client)
    return ClientWithSecret(**client_public(session, client).model_dump(), client_secret=secret)


def update_client(session: Session, client: Client, data: ClientUpdate) -> Client:
    assert client.id is not None
    changes = data.model_dump(exclude_unset=True)
    if changes.get("group_ids") is not None:
        _replace_links(
            session,
            ClientGroupLink,
            "client_id",
            client.id,
            "group_id",
            _require(session, Group, changes["group_ids"]),
        )
    if changes.get("api_ids") is not None:
        _replace_links(
            session,
            ClientApiLink,
            "client_id",
            client.id,
            "api_id",
            _require(session, Api, changes["api_ids"]),
        )
    for field, value in changes.items():
        if field in ("group_ids", "api_ids"):
            continue
        if value is not None or field in _NULLABLE:
            setattr(client, field, value)
    client.updated_at = utcnow()
    session.add(client)
    bump(session, "client", [client.id])
    session.commit()
    session.refresh(client)
    return client


_NULLABLE = {"description", "max_concurrent", "rate_limit_per_minute", "token_expire_seconds"}


def regenerate_secret(session: Session, client: Client, secret_key: bytes) -> ClientWithSecret:
    """A new secret; every token issued before it stops working."""
    secret = new_client_secret()
    set_secret(session, client, secret, secret_key)
    return ClientWithSecret(**client_public(session, client).model_dump(), client_secret=secret)


def set_secret(session: Session, client: Client, secret: str, secret_key: bytes) -> None:
    """Store `secret` (hashed); every token issued before it stops working. An import sets
    a secret it read from the environment this way."""
    client.secret_hash = hash_client_secret(secret, secret_key)
    client.token_generation += 1
    client.updated_at = utcnow()
    session.add(client)
    bump(session, "client", [client.id])
    session.commit()
    session.refresh(client)


def delete_client(session: Session, client: Client) -> None:
    session.delete(client)
    bump(session, "client", [client.id])
    session.commit()
