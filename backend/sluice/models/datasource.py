"""Data sources: where APIs run their SQL. The password is stored encrypted and is never
part of a Public shape; `has_password` tells the dashboard whether one is set."""

import ipaddress
import re
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, model_validator
from sqlalchemy import JSON, Column, String
from sqlmodel import Field, SQLModel

from sluice.models.fields import JsonObject, StoredJsonObject
from sluice.models.user import utcnow

DatasourceType = Literal["postgres", "mysql", "trino", "sqlite"]

DEFAULT_PORTS: dict[str, int] = {"postgres": 5432, "mysql": 3306, "trino": 8080}


_LABEL = re.compile(r"[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?", re.IGNORECASE)
BAD_HOST = "host must be a host name or an IP address"


def check_host(host: str) -> str:
    """`host` if it is an IP address or a host name the drivers can resolve, else ValueError.

    Names go through Python's IDNA codec, the one the drivers' resolvers (asyncio's
    getaddrinfo) use, so a name that passes here cannot fail there with an encoding error;
    each label must then be letters, digits, `-` or `_`, and a punycode label must decode.
    This refuses control characters, spaces, socket paths and comma-separated host lists.
    """
    if not host.isprintable() or any(c.isspace() for c in host):
        raise ValueError(BAD_HOST)
    try:
        ipaddress.ip_address(host)  # an IPv6 scope (`fe80::1%eth0`) is taken as written
    except ValueError:
        return _check_name(host)
    return host


def _check_name(host: str) -> str:
    try:
        ascii_host = host.encode("idna").decode("ascii")
        ascii_host.encode("ascii").decode("idna")
    except ValueError:  # UnicodeError: an empty or overlong label, a bad character
        raise ValueError(BAD_HOST) from None
    labels = ascii_host.removesuffix(".").split(".")
    if len(ascii_host) > 254 or not all(_LABEL.fullmatch(label) for label in labels):
        raise ValueError(BAD_HOST)
    return host


HostName = Annotated[str, AfterValidator(check_host)]


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
    host: HostName | None = Field(default=None, max_length=255)
    password: str | None = Field(default=None, max_length=1024)

    @model_validator(mode="after")
    def _shape(self) -> "DatasourceCreate":
        _check_shape(self)
        return self


class DatasourceUpdate(SQLModel):
    """Fields left out stay as they are; `password: null` keeps the stored password and
    `password: ""` removes it. A change of target drops it unless a password is sent
    (`services.datasources.target`)."""

    name: str | None = Field(default=None, min_length=1, max_length=64)
    type: DatasourceType | None = None
    host: HostName | None = Field(default=None, max_length=255)
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


PREVIEW_MAX_ROWS = 100


class PreviewColumn(SQLModel):
    """One column as the database declares it."""

    name: str
    type: str
    nullable: bool
    primary_key: bool
    """Part of the table's primary key (never true on Trino, which does not say)."""
    default: str | None = None


class TablePreview(SQLModel):
    """A table's columns with their keys and nullability, and its first rows (in the
    table's own order: a preview, not a query)."""

    schema_name: str | None = Field(default=None, alias="schema")
    name: str
    is_view: bool
    primary_key: list[str]
    columns: list[PreviewColumn]
    rows: list[dict[str, Any]]
    limit: int


ImportMode = Literal["all_or_nothing", "best_effort"]


class ImportRowError(SQLModel):
    line: int
    """The line of the file the row starts on (the header is line 1)."""
    message: str
    """Why the row was refused: the value that does not convert, or the database's reason."""


class TableImportReport(SQLModel):
    """What a CSV import did. `inserted` counts the rows written (0 when an all-or-nothing
    import was rolled back), `failed` every refused row; `errors` lists the first
    CSV_IMPORT_MAX_ERRORS of them."""

    table: str
    schema_name: str | None = Field(default=None, alias="schema")
    mode: ImportMode
    committed: bool
    inserted: int
    failed: int
    errors: list[ImportRowError]
