"""Modules, APIs and their immutable published versions.

A module is the first path segment of its APIs. An API's draft is edited freely; publishing
freezes it (with the versions of the macros it imports) into an ApiVersion, and the gateway
serves only that frozen copy.
"""

import re
from datetime import datetime
from typing import Any, Literal, Self

from pydantic import field_validator, model_validator
from sqlalchemy import JSON, Column, ForeignKey, Integer, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from sluice.engines.params import ParamDef
from sluice.json_schema import check_schema
from sluice.models.api_test import GateReport
from sluice.models.fields import JsonObject, RowId, StoredJsonObject
from sluice.models.user import utcnow

RESERVED_SEGMENTS = frozenset(
    {"api", "ui", "token", "health", "metrics", "docs", "openapi.json", "assets", "static", "mcp"}
)
MODULE_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
PATH_SEGMENT = re.compile(r"^(\{[A-Za-z_][A-Za-z0-9_]{0,62}\}|[A-Za-z0-9._~-]{1,100})$")

Method = Literal["GET", "POST", "PUT", "PATCH", "DELETE"]
Engine = Literal["sql", "script"]
Access = Literal["public", "private"]
Pagination = Literal["none", "page", "offset"]


def check_module_name(name: str) -> str:
    if not MODULE_NAME.match(name):
        raise ValueError(
            "must match ^[a-z0-9][a-z0-9_-]{0,62}$ (lowercase letters, digits, _ and -)"
        )
    if name in RESERVED_SEGMENTS:
        raise ValueError(f"{name!r} is reserved: {', '.join(sorted(RESERVED_SEGMENTS))}")
    return name


def check_api_path(path: str) -> str:
    """`users/{id}/orders`: segments of URL-safe text or `{placeholder}`. Leading and
    trailing slashes are dropped; an empty segment (`a//b`) and the dot segments `.` and
    `..` are refused, since clients and proxies collapse or resolve them before the
    gateway sees the URL (RFC 3986 section 5.2.4), so such a route could never be called
    as written, and `../admin` reads as an escape from the module."""
    path = path.strip("/")
    if not path or len(path) > 255:
        raise ValueError("must be 1 to 255 characters, such as users/{id}")
    names = []
    for segment in path.split("/"):
        if not segment:
            raise ValueError("has an empty segment (two slashes in a row)")
        if segment in (".", ".."):
            raise ValueError(f"has the dot segment {segment!r}; . and .. are not allowed")
        if not PATH_SEGMENT.match(segment):
            raise ValueError(f"segment {segment!r} is neither text nor a {{placeholder}}")
        if segment.startswith("{"):
            names.append(segment[1:-1])
    if len(names) != len(set(names)):
        raise ValueError("a placeholder appears twice")
    return path


def check_unique_params(params: list[ParamDef]) -> list[ParamDef]:
    names = [p.name for p in params]
    if len(names) != len(set(names)):
        raise ValueError("two params share a name")
    return params


def path_placeholders(path: str) -> list[str]:
    return [s[1:-1] for s in path.split("/") if s.startswith("{")]


class ModuleFields(SQLModel):
    name: str = Field(min_length=1, max_length=63)
    description: str | None = Field(default=None, max_length=1000)
    is_active: bool = True
    require_passing_tests: bool = False
    """Publish and restore run the API's test cases first and refuse (409) when one fails."""
    mcp_hidden: bool = False
    """None of its APIs is a tool at `/mcp`, whatever the client is granted."""

    @field_validator("name")
    @classmethod
    def _name(cls, name: str) -> str:
        return check_module_name(name)


class ModuleCreate(ModuleFields):
    pass


class ModuleUpdate(SQLModel):
    name: str | None = Field(default=None, min_length=1, max_length=63)
    description: str | None = Field(default=None, max_length=1000)
    is_active: bool | None = None
    require_passing_tests: bool | None = None
    mcp_hidden: bool | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, name: str | None) -> str | None:
        return None if name is None else check_module_name(name)


class Module(ModuleFields, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True, max_length=63)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class ModulePublic(ModuleFields):
    id: int
    api_count: int = 0
    created_at: datetime
    updated_at: datetime


class ModulesPublic(SQLModel):
    data: list[ModulePublic]
    count: int


def check_output_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """A valid JSON Schema (2020-12 unless it says), whose `$ref`s stay inside it."""
    checked = check_schema(schema)
    assert isinstance(checked, dict)
    return checked


class ApiFields(SQLModel):
    """Everything of an API that a version freezes, except where it lives and its params."""

    name: str = Field(min_length=1, max_length=128)
    path: str = Field(min_length=1, max_length=255)
    method: Method = "GET"
    engine: Engine = "sql"
    datasource_id: RowId | None = None
    content: str = Field(default="", max_length=100_000)
    result_transform: str | None = Field(default=None, max_length=100_000)
    param_validation: str | None = Field(default=None, max_length=100_000)
    """A Python check of the coerced params, run before the engine (`def validate(params)`)."""
    access: Access = "private"
    cache_ttl_seconds: int | None = Field(default=None, ge=0, le=86_400)
    rate_limit_per_minute: int | None = Field(default=None, ge=0, le=1_000_000)
    timeout_ms: int | None = Field(default=None, ge=100, le=3_600_000)
    pagination: Pagination = "none"
    allow_whole_table_writes: bool = False
    """Let an UPDATE or DELETE without a WHERE clause run (refused with a 400 otherwise)."""
    description: str | None = Field(default=None, max_length=1000)
    mcp_hidden: bool = False
    """Not a tool at `/mcp`, even for a client granted it (HTTP calls are not affected)."""
    mcp_writes: bool = False
    """A non-GET API is a tool at `/mcp` only with this set: an agent writes only where
    the API's author said it may."""
    output_schema: JsonObject | None = None
    """The JSON Schema of the answer's `data`, declared by the author (a script API or a
    result transform, whose answer no database can describe): the gateway's document
    and MCP use it in place of the described result."""

    @field_validator("path")
    @classmethod
    def _path(cls, path: str) -> str:
        return check_api_path(path)

    @field_validator("output_schema")
    @classmethod
    def _output_schema(cls, schema: dict[str, Any] | None) -> dict[str, Any] | None:
        return None if schema is None else check_output_schema(schema)


class ApiSettings(ApiFields):
    """The fields of an API as the admin API reads and writes them."""

    params: list[ParamDef] = Field(default_factory=list)

    @field_validator("params")
    @classmethod
    def _unique_params(cls, params: list[ParamDef]) -> list[ParamDef]:
        return check_unique_params(params)


class ApiCreate(ApiSettings):
    module_id: RowId
    group_ids: list[RowId] = []


class ApiUpdate(SQLModel):
    module_id: RowId | None = None
    name: str | None = Field(default=None, min_length=1, max_length=128)
    path: str | None = Field(default=None, min_length=1, max_length=255)
    method: Method | None = None
    engine: Engine | None = None
    datasource_id: RowId | None = None
    content: str | None = Field(default=None, max_length=100_000)
    params: list[ParamDef] | None = None
    result_transform: str | None = Field(default=None, max_length=100_000)
    param_validation: str | None = Field(default=None, max_length=100_000)
    """A Python check of the coerced params, run before the engine (`def validate(params)`)."""
    access: Access | None = None
    cache_ttl_seconds: int | None = Field(default=None, ge=0, le=86_400)
    rate_limit_per_minute: int | None = Field(default=None, ge=0, le=1_000_000)
    timeout_ms: int | None = Field(default=None, ge=100, le=3_600_000)
    pagination: Pagination | None = None
    allow_whole_table_writes: bool | None = None
    description: str | None = Field(default=None, max_length=1000)
    mcp_hidden: bool | None = None
    mcp_writes: bool | None = None
    output_schema: JsonObject | None = None
    group_ids: list[RowId] | None = None

    @field_validator("output_schema")
    @classmethod
    def _output_schema(cls, schema: dict[str, Any] | None) -> dict[str, Any] | None:
        return None if schema is None else check_output_schema(schema)


def _fk(target: str, nullable: bool, ondelete: str | None = None) -> Column[int]:
    return Column(Integer, ForeignKey(target, ondelete=ondelete), nullable=nullable, index=True)


class Api(ApiFields, table=True):
    __table_args__ = (UniqueConstraint("module_id", "method", "path", name="uq_api_route"),)

    id: int | None = Field(default=None, primary_key=True)
    module_id: int = Field(sa_column=_fk("module.id", nullable=False))
    datasource_id: int | None = Field(default=None, sa_column=_fk("datasource.id", nullable=True))
    method: Method = Field(default="GET", sa_column=Column(String(8), nullable=False))
    engine: Engine = Field(default="sql", sa_column=Column(String(8), nullable=False))
    access: Access = Field(default="private", sa_column=Column(String(8), nullable=False))
    pagination: Pagination = Field(default="none", sa_column=Column(String(8), nullable=False))
    params: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    output_schema: dict[str, Any] | None = Field(
        default=None, sa_column=Column(JSON(none_as_null=True))
    )
    is_published: bool = False
    published_version_id: int | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class ApiPublic(ApiSettings):
    id: int
    module_id: int
    is_published: bool
    published_version_id: int | None
    group_ids: list[int] = []
    parameters_in_content: list[str] = []
    """Names the SQL template reads, for the editor to suggest params."""
    uses_raw: bool = False
    draft_differs: bool = False
    """The API is published and publishing the draft would change the live version."""
    operation_id: str | None = None
    """Its operation id in the gateway's OpenAPI document while it is live (the Swagger
    page's deep link); filled by the single-API read."""
    created_at: datetime
    updated_at: datetime


class ApisPublic(SQLModel):
    data: list[ApiPublic]
    count: int


class ApiVersion(SQLModel, table=True):
    """An immutable snapshot of an API as published."""

    __tablename__ = "api_version"
    __table_args__ = (UniqueConstraint("api_id", "version", name="uq_api_version"),)

    id: int | None = Field(default=None, primary_key=True)
    api_id: int = Field(sa_column=_fk("api.id", nullable=False, ondelete="CASCADE"))
    version: int
    snapshot: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    macro_versions: dict[str, int] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False)
    )
    message: str | None = Field(default=None, max_length=1000)
    created_by: str | None = Field(default=None, max_length=255)
    created_at: datetime = Field(default_factory=utcnow)
    result_shape: dict[str, Any] | None = Field(
        default=None, sa_column=Column(JSON(none_as_null=True))
    )
    """What the version answers, as its data source described it once it was live
    (`services/result_types`); None until then."""


class ForceRequest(SQLModel):
    """Past a module's test gate: `force` with the `reason`, which the version's message
    and the audit log keep."""

    force: bool = False
    reason: str | None = Field(default=None, min_length=1, max_length=500)

    @model_validator(mode="after")
    def _reason(self) -> Self:
        if self.force and not (self.reason or "").strip():
            raise ValueError("a forced publish needs a reason")
        return self


class PublishRequest(ForceRequest):
    message: str | None = Field(default=None, max_length=1000)


class RestoreRequest(ForceRequest):
    to: Literal["live", "draft"] = "live"
    """`live` (the default) publishes the version's content again as a new version;
    `draft` only copies it into the draft, publishing nothing (the test gate and `force`
    do not apply then)."""


class ApiVersionPublic(SQLModel):
    id: int
    version: int
    message: str | None
    created_at: datetime
    created_by: str | None
    is_live: bool = False


class ApiVersionPublished(ApiVersionPublic):
    """The answer to a publish or restore: the new version, and when the module holds
    publishes to passing tests, the tests that ran."""

    tests: GateReport | None = None


class ApiVersionDetail(ApiVersionPublic):
    snapshot: StoredJsonObject
    macro_versions: dict[str, int]


class ApiVersionsPublic(SQLModel):
    data: list[ApiVersionPublic]
    count: int


class ResultChange(SQLModel):
    """One change of what the API answers between two versions (their described results)."""

    column: str | None
    """The result column; None for the answer's kind (rows, a write's count, unknown)."""
    change: Literal["added", "removed", "type_changed", "kind_changed"]
    breaking: bool
    """A client written for the older version may break: a column removed, its JSON type
    changed, or the kind of answer changed. An added column is not breaking."""
    before: Any = None
    after: Any = None


class VersionDiff(SQLModel):
    from_version: int
    to_version: int
    changed: dict[str, list[Any]]
    """Field name -> [old, new] for every frozen field that differs (content excluded)."""
    content_diff: str
    """A unified diff of the template or script."""
    result_changes: list[ResultChange] = []
    """How the answer's shape changed, when both versions' results were described."""
    breaking: bool = False
    """Any result change is breaking."""


class DebugDraft(SQLModel):
    """What the editor holds and a debug run should use instead of the stored draft: any
    field given replaces the stored one for this run only; nothing is saved."""

    method: Method | None = None
    path: str | None = Field(default=None, min_length=1, max_length=255)
    engine: Engine | None = None
    datasource_id: RowId | None = None
    content: str | None = Field(default=None, max_length=100_000)
    params: list[ParamDef] | None = None
    result_transform: str | None = Field(default=None, max_length=100_000)
    param_validation: str | None = Field(default=None, max_length=100_000)
    timeout_ms: int | None = Field(default=None, ge=100, le=3_600_000)
    pagination: Pagination | None = None
    allow_whole_table_writes: bool | None = None


class DebugRequest(SQLModel):
    params: JsonObject = Field(default_factory=dict)
    draft: DebugDraft | None = None
    """Run this (the editor's unsaved content and settings) instead of the stored draft,
    checked as a save would check it and never stored."""


class ResultColumnPublic(SQLModel):
    """One described result column (`services/result_types`)."""

    name: str
    db_type: str
    """The database's name for its type; empty when the database does not say."""
    nullable: bool | None = None
    json_schema: dict[str, Any] = Field(default_factory=dict)
    """The JSON Schema of its values in a gateway answer."""


class DebugResult(SQLModel):
    ok: bool
    data: Any = None
    rendered_sql: str | None = None
    bind_params: list[Any] | None = None
    duration_ms: float
    error: str | None = None
    error_code: str | None = None
    """The stable code a gateway call would answer with (`bad_request`, `timeout`...)."""
    logs: list[str] = []
    """What a script printed or logged, in order."""
    result_columns: list[ResultColumnPublic] | None = None
    """The result's columns as the data source describes them with these params (an SQL
    API that answers rows); what publishing stores for the gateway's document."""


class ReferenceEntry(SQLModel):
    name: str
    doc: str


class EditorReference(SQLModel):
    """What the API editor completes and explains on hover."""

    filters: list[ReferenceEntry]
    """The template filters: the SQL ones first, then the Jinja ones the sandbox allows."""
    tags: list[ReferenceEntry]
    script_names: list[ReferenceEntry]
    """The names a script starts with."""
