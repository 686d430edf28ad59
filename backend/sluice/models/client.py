"""Client apps and groups: who may call which private APIs, and how much.

A client reaches an API directly (`api_ids`) or through a group (`group_ids`). Its secret
is shown once and stored as an HMAC; `token_generation` moves when the secret is
regenerated, which revokes every token issued before.
"""

import ipaddress
from datetime import datetime

from pydantic import field_validator
from sqlalchemy import JSON, Column, ForeignKey, Integer
from sqlmodel import Field, SQLModel

from sluice.models.fields import JsonObject, RowId, StoredJsonObject
from sluice.models.user import utcnow


def _link(target: str) -> Column[int]:
    return Column(Integer, ForeignKey(target, ondelete="CASCADE"), primary_key=True)


class GroupApiLink(SQLModel, table=True):
    __tablename__ = "group_api"

    group_id: int | None = Field(default=None, sa_column=_link("apigroup.id"))
    api_id: int | None = Field(default=None, sa_column=_link("api.id"))


class ClientGroupLink(SQLModel, table=True):
    __tablename__ = "client_group"

    client_id: int | None = Field(default=None, sa_column=_link("client.id"))
    group_id: int | None = Field(default=None, sa_column=_link("apigroup.id"))


class ClientApiLink(SQLModel, table=True):
    __tablename__ = "client_api"

    client_id: int | None = Field(default=None, sa_column=_link("client.id"))
    api_id: int | None = Field(default=None, sa_column=_link("api.id"))


class GroupFields(SQLModel):
    name: str = Field(min_length=1, max_length=64)
    description: str | None = Field(default=None, max_length=1000)


class GroupCreate(GroupFields):
    api_ids: list[RowId] = []


class GroupUpdate(SQLModel):
    name: str | None = Field(default=None, min_length=1, max_length=64)
    description: str | None = Field(default=None, max_length=1000)
    api_ids: list[RowId] | None = None


class Group(GroupFields, table=True):
    __tablename__ = "apigroup"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True, max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class GroupPublic(GroupFields):
    id: int
    api_ids: list[int]
    client_count: int = 0
    created_at: datetime
    updated_at: datetime


class GroupsPublic(SQLModel):
    data: list[GroupPublic]
    count: int


def check_cidrs(values: list[str]) -> list[str]:
    """Each entry an IP or a CIDR (`10.0.0.0/8`, `2001:db8::/32`), kept normalized."""
    normalized = []
    for value in values:
        try:
            normalized.append(str(ipaddress.ip_network(value.strip(), strict=False)))
        except ValueError:
            raise ValueError(f"{value!r} is not an IP address or CIDR range") from None
    return normalized


class ClientFields(SQLModel):
    name: str = Field(min_length=1, max_length=128)
    description: str | None = Field(default=None, max_length=1000)
    is_active: bool = True
    max_concurrent: int | None = Field(default=None, ge=0, le=100_000)
    rate_limit_per_minute: int | None = Field(default=None, ge=0, le=10_000_000)
    token_expire_seconds: int | None = Field(default=None, ge=60, le=30 * 86_400)
    allowed_ips: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    attributes: JsonObject = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))

    @field_validator("allowed_ips")
    @classmethod
    def _cidrs(cls, values: list[str]) -> list[str]:
        return check_cidrs(values)


class ClientCreate(ClientFields):
    group_ids: list[RowId] = []
    api_ids: list[RowId] = []


class ClientUpdate(SQLModel):
    name: str | None = Field(default=None, min_length=1, max_length=128)
    description: str | None = Field(default=None, max_length=1000)
    is_active: bool | None = None
    max_concurrent: int | None = Field(default=None, ge=0, le=100_000)
    rate_limit_per_minute: int | None = Field(default=None, ge=0, le=10_000_000)
    token_expire_seconds: int | None = Field(default=None, ge=60, le=30 * 86_400)
    allowed_ips: list[str] | None = None
    attributes: JsonObject | None = None
    group_ids: list[RowId] | None = None
    api_ids: list[RowId] | None = None

    @field_validator("allowed_ips")
    @classmethod
    def _cidrs(cls, values: list[str] | None) -> list[str] | None:
        return None if values is None else check_cidrs(values)


class Client(ClientFields, table=True):
    id: int | None = Field(default=None, primary_key=True)
    client_id: str = Field(unique=True, index=True, max_length=64)
    secret_hash: str = Field(max_length=128)
    token_generation: int = 1
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class ClientPublic(ClientFields):
    id: int
    attributes: StoredJsonObject = Field(default_factory=dict)
    client_id: str
    group_ids: list[int]
    api_ids: list[int]
    created_at: datetime
    updated_at: datetime


class ClientWithSecret(ClientPublic):
    """Only the answers to create and regenerate carry the secret; it is never stored."""

    client_secret: str


class ClientsPublic(SQLModel):
    data: list[ClientPublic]
    count: int


class TokenRequest(SQLModel):
    client_id: str = Field(min_length=1, max_length=64)
    client_secret: str = Field(min_length=1, max_length=256)


class ClientToken(SQLModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
