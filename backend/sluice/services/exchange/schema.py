"""The definitions file: what `sluice export` writes and `sluice import` reads.

Every object is named, never numbered: a data source, a module, a macro, a group or a
client by its name, an API by `module/name`. Secrets are not part of the file; a
data-source password or a client secret can only be named as the environment variable
that holds it (`password_env`, `secret_env`). These models are the file's JSON Schema
(`GET /api/v1/export/schema`) and its validation.
"""

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlmodel._compat import SQLModelConfig

from sluice.engines.params import ParamDef
from sluice.models.api import (
    Access,
    Engine,
    Method,
    ModuleFields,
    Pagination,
    check_api_path,
    check_output_schema,
    check_unique_params,
)
from sluice.models.api_test import NAME_MAX, Expectation
from sluice.models.client import ClientFields, GroupFields
from sluice.models.datasource import DatasourceFields, HostName
from sluice.models.fields import JsonObject
from sluice.models.macro import MacroKind, check_macro_name

FORMAT_VERSION = 1
ENV_NAME = r"^[A-Za-z_][A-Za-z0-9_]{0,127}$"

ApiRef = Annotated[
    str,
    Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}/.", max_length=192, description="`module/name`"),
]
"""An API, named by its module and its own name."""


class Strict(BaseModel):
    """A file object: an unknown key is an error (a typo must not be ignored)."""

    model_config = ConfigDict(extra="forbid")


class DatasourceDef(DatasourceFields):
    """A data source with its non-secret settings."""

    model_config = SQLModelConfig(extra="forbid")

    host: HostName | None = Field(default=None, max_length=255)
    password_env: str | None = Field(
        default=None,
        pattern=ENV_NAME,
        description="The environment variable holding the password, read at import time. "
        "Without it an existing source keeps its password and a new one has none.",
    )


class MacroBody(Strict):
    """What a macro version freezes."""

    kind: MacroKind = "sql"
    content: str = Field(default="", max_length=100_000)


class MacroDef(Strict):
    """A macro: its draft, and its latest published version."""

    name: str = Field(min_length=1, max_length=64)
    kind: MacroKind = "sql"
    description: str | None = Field(default=None, max_length=1000)
    content: str = Field(default="", max_length=100_000)
    published: bool | MacroBody = Field(
        default=False,
        description="true: the draft is published as it is; a mapping: the published "
        "version, which differs from the draft; false: never published.",
    )

    @field_validator("name")
    @classmethod
    def _name(cls, name: str) -> str:
        return check_macro_name(name)


class ApiBody(Strict):
    """What an API version freezes: everything that decides what a call does."""

    name: str = Field(min_length=1, max_length=128)
    path: str = Field(min_length=1, max_length=255)
    method: Method
    engine: Engine = "sql"
    datasource: str | None = Field(
        default=None, min_length=1, max_length=64, description="A data source's name"
    )
    access: Access = Field(description="public: no token needed; private: a granted client's")
    pagination: Pagination = "none"
    allow_whole_table_writes: bool = Field(
        default=False, description="Let an UPDATE or DELETE without WHERE run"
    )
    cache_ttl_seconds: int | None = Field(default=None, ge=0, le=86_400)
    rate_limit_per_minute: int | None = Field(default=None, ge=0, le=1_000_000)
    timeout_ms: int | None = Field(default=None, ge=100, le=3_600_000)
    description: str | None = Field(default=None, max_length=1000)
    mcp_hidden: bool = Field(default=False, description="Not a tool at /mcp")
    mcp_writes: bool = Field(
        default=False, description="A non-GET API is a tool at /mcp only with this set"
    )
    params: list[ParamDef] = Field(default_factory=list)
    content: str = Field(default="", max_length=100_000)
    param_validation: str | None = Field(default=None, max_length=100_000)
    result_transform: str | None = Field(default=None, max_length=100_000)
    output_schema: JsonObject | None = Field(
        default=None, description="The JSON Schema of the answer's data (a script, a transform)"
    )

    @field_validator("path")
    @classmethod
    def _path(cls, path: str) -> str:
        return check_api_path(path)

    @field_validator("params")
    @classmethod
    def _unique_params(cls, params: list[ParamDef]) -> list[ParamDef]:
        return check_unique_params(params)

    @field_validator("output_schema")
    @classmethod
    def _output_schema(cls, schema: dict[str, Any] | None) -> dict[str, Any] | None:
        return None if schema is None else check_output_schema(schema)


class ApiTestDef(Strict):
    """A test case of an API (`/api/v1/apis/{id}/tests`), its client by name."""

    name: str = Field(min_length=1, max_length=NAME_MAX)
    params: JsonObject = Field(default_factory=dict)
    client: str | None = Field(
        default=None, min_length=1, max_length=128, description="A client's name"
    )
    expect: Expectation = Field(default_factory=Expectation)


class ApiDef(ApiBody):
    """An API: its draft, its live version and its test cases."""

    tests: list[ApiTestDef] = Field(default_factory=list, description="By name")
    published: bool | ApiBody = Field(
        default=False,
        description="true: the draft is live as it is; a mapping: the live version, "
        "which differs from the draft; false: not published.",
    )


class ModuleDef(ModuleFields):
    """A module with its macros and APIs."""

    model_config = SQLModelConfig(extra="forbid")

    macros: list[MacroDef] = Field(default_factory=list)
    apis: list[ApiDef] = Field(default_factory=list)


class GroupDef(GroupFields):
    """A group and the APIs it grants."""

    model_config = SQLModelConfig(extra="forbid")

    apis: list[ApiRef] = Field(default_factory=list)


class ClientDef(ClientFields):
    """A client app's settings and grants, never its secret."""

    model_config = SQLModelConfig(extra="forbid")

    groups: list[str] = Field(default_factory=list, description="Group names")
    apis: list[ApiRef] = Field(default_factory=list)
    secret_env: str | None = Field(
        default=None,
        pattern=ENV_NAME,
        description="The environment variable holding the secret (32 to 256 characters), "
        "read at import time. Without it an existing client keeps its secret and a new "
        "one gets a generated secret, shown once in the import's answer.",
    )


class Definitions(Strict):
    """A Sluice project as code."""

    model_config = ConfigDict(extra="forbid", title="Sluice definitions")

    format_version: Literal[1] = Field(description="The version of this file format")
    partial: bool = Field(
        default=False,
        description="Exported with --module: holds only the modules listed and what they "
        "use; --prune then deletes only APIs and macros of those modules.",
    )
    datasources: list[DatasourceDef] = Field(default_factory=list)
    macros: list[MacroDef] = Field(default_factory=list, description="Macros of no module")
    groups: list[GroupDef] = Field(default_factory=list)
    clients: list[ClientDef] = Field(default_factory=list)
    modules: list[ModuleDef] = Field(default_factory=list)


def json_schema() -> dict[str, Any]:
    """The file's JSON Schema (draft 2020-12), as served for editors and used by import."""
    schema = Definitions.model_json_schema()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema"} | schema


class NewClient(BaseModel):
    """A client an import created: apps need its id, and its secret when generated."""

    name: str
    client_id: str
    client_secret: str | None = None
    """Generated (no secret_env) and shown this once; null when it came from secret_env."""


class ImportReport(BaseModel):
    """What an import did (or, dry run, would do), object by object: `api demo/orders`."""

    dry_run: bool
    created: list[str] = []
    changed: list[str] = []
    unchanged: list[str] = []
    deleted: list[str] = []
    new_clients: list[NewClient] = []

    def text(self) -> str:
        """The report as `sluice import` prints it: one line per change, then a count of
        what was left as it was, then each new client's id (and generated secret)."""
        verbs = (
            ("create", "change", "delete") if self.dry_run else ("created", "changed", "deleted")
        )
        lines = ["Dry run: nothing was changed. The import would:"] if self.dry_run else []
        for verb, names in zip(verbs, (self.created, self.changed, self.deleted), strict=True):
            lines += [f"{verb:8} {name}" for name in names]
        lines.append(f"{len(self.unchanged)} unchanged")
        for client in self.new_clients:
            secret = (
                f", client_secret {client.client_secret} (shown once: keep it now)"
                if client.client_secret
                else " (its secret is the one secret_env names)"
            )
            lines.append(f"New client {client.name}: client_id {client.client_id}{secret}")
        return "\n".join(lines) + "\n"
