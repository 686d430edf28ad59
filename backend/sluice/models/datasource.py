"""Data sources: where APIs run their SQL. The password is stored encrypted and is never
part of a Public shape; `has_password` tells the dashboard whether one is set."""

from datetime import datetime
from typing import Literal

from pydantic import model_validator
from sqlalchemy import JSON, Column, String
from sqlmodel import Field, SQLModel

from sluice.models.fields import JsonObject, StoredJsonObject
from sluice.models.user import utcnow

DatasourceType = Literal["postgres", "mysql", "trino", "sqlite"]

DEFAULT_PORTS: dict[str, int] = {"postgres": 5432, "mysql": 3306, "trino": 8080}


class DatasourceFields(SQLModel):
    """The settings of a source, shared by the table and the request bodies."""

    name: str = Field(min_length=1, max_length=64)
    type: DatasourceType
    host: str | None = Field(default=None, max_length=255)
    port: int | None = Field(default=None, ge=1, le=65535)
    database: str | None = Field(default=None, max_length=255)
    username: str | None = Field(default=None, max_length=255)
    options: JsonObject = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    pool_size: int | None = Field(default=None, ge=1, le=100)
    statement_timeout_ms: int | None = Field(default=None, ge=100, le=3_600_000)
    is_active: bool = True
    description: str | None = Field(default=None, max_length=1000)


def _check_shape(fields: DatasourceFields) -> None:
    """What each type needs: a host for network sources, options.path for SQLite."""
    if fields.type == "sqlite":
        path = fields.options.get("path")
        if not isinstance(path, str) or not path.strip():
            raise ValueError("a sqlite data source needs options.path, the database file")
    elif not fields.host:
        raise ValueError(f"a {fields.type} data source needs a host")


class DatasourceCreate(DatasourceFields):
    password: str | None = Field(default=None, max_length=1024)

    @model_validator(mode="after")
    def _shape(self) -> "DatasourceCreate":
        _check_shape(self)
        return self


class DatasourceUpdate(SQLModel):
    """Fields left out stay as they are; `password: null` keeps the stored password and
    `password: ""` removes it."""

    name: str | None = Field(default=None, min_length=1, max_length=64)
    type: DatasourceType | None = None
    host: str | None = Field(default=None, max_length=255)
    port: int | None = Field(default=None, ge=1, le=65535)
    database: str | None = Field(default=None, max_length=255)
    username: str | None = Field(default=None, max_length=255)
    password: str | None = Field(default=None, max_length=1024)
    options: JsonObject | None = None
    pool_size: int | None = Field(default=None, ge=1, le=100)
    statement_timeout_ms: int | None = Field(default=None, ge=100, le=3_600_000)
    is_active: bool | None = None
    description: str | None = Field(default=None, max_length=1000)


class Datasource(DatasourceFields, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True, max_length=64)
    type: DatasourceType = Field(sa_column=Column(String(16), nullable=False))
    password_encrypted: str | None = Field(default=None, max_length=4096)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class DatasourcePublic(DatasourceFields):
    id: int
    options: StoredJsonObject = Field(default_factory=dict)
    has_password: bool
    created_at: datetime
    updated_at: datetime


class DatasourcesPublic(SQLModel):
    data: list[DatasourcePublic]
    count: int


class DatasourceTestResult(SQLModel):
    ok: bool
    message: str
    latency_ms: float | None = None


class ColumnPublic(SQLModel):
    name: str
    type: str


class TablePublic(SQLModel):
    schema_name: str | None = Field(default=None, alias="schema")
    name: str
    columns: list[ColumnPublic]


class TablesPublic(SQLModel):
    data: list[TablePublic]
    count: int
