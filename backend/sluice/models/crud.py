"""The CRUD generator's request and answer: which APIs to make from one table, and the
APIs (drafts like any other) it made or would make."""

from typing import Literal

from pydantic import field_validator, model_validator
from sqlmodel import Field, SQLModel

from sluice.engines.params import ParamDef
from sluice.models.api import Access, Method, check_api_path, check_module_name
from sluice.models.fields import RowId

Operation = Literal["list", "get", "create", "update", "delete"]
OPERATIONS: tuple[Operation, ...] = ("list", "get", "create", "update", "delete")
ColumnName = str
MAX_COLUMNS = 500


def _column_names(names: list[str] | None) -> list[str] | None:
    if names is not None and any(not 1 <= len(name) <= 255 for name in names):
        raise ValueError("a column name is 1 to 255 characters")
    return names


class GenerateRequest(SQLModel):
    """What to generate. Either `module_id` (an existing module) or `module_name` (a new
    one, created with the APIs) says where the APIs go."""

    operations: list[Operation] | None = Field(default=None, max_length=5)
    """The APIs wanted; by default every one the table allows."""
    module_id: RowId | None = None
    module_name: str | None = Field(default=None, min_length=1, max_length=63)
    path_prefix: str | None = Field(default=None, min_length=1, max_length=200)
    """The APIs' path under the module (`orders`, or `shop/orders`); by default the table
    name made URL-safe."""
    filter_columns: list[ColumnName] = Field(default_factory=list, max_length=MAX_COLUMNS)
    """Columns the list API filters on: equality and `in` lists for every type, ranges for
    numbers and dates, a text search (`q`) over the text ones."""
    sort_columns: list[ColumnName] | None = Field(default=None, max_length=MAX_COLUMNS)
    """The columns the list API may sort by; by default every column of a plain type."""
    key_columns: list[ColumnName] | None = Field(default=None, max_length=32)
    """The columns that identify a row, for a table whose key the database does not
    report (a table without primary key, a view, any Trino table); by default the
    primary key."""
    schema_name: str | None = Field(default=None, alias="schema", min_length=1, max_length=255)
    """The table's schema (PostgreSQL, Trino) or database (MySQL); by default the one the
    database finds first for the bare name."""
    access: Access = "private"

    @field_validator("module_name")
    @classmethod
    def _module(cls, name: str | None) -> str | None:
        return None if name is None else check_module_name(name)

    @field_validator("path_prefix")
    @classmethod
    def _prefix(cls, prefix: str | None) -> str | None:
        if prefix is None:
            return None
        if "{" in prefix or "}" in prefix:
            raise ValueError("must not hold {placeholders}: the key columns add their own")
        return check_api_path(prefix)

    @field_validator("filter_columns", "sort_columns", "key_columns")
    @classmethod
    def _columns(cls, names: list[str] | None) -> list[str] | None:
        return _column_names(names)

    @model_validator(mode="after")
    def _one_module(self) -> "GenerateRequest":
        if (self.module_id is None) == (self.module_name is None):
            raise ValueError(
                "give either module_id (an existing module) or module_name (a new one)"
            )
        return self


class GeneratedApi(SQLModel):
    """One generated API as saved (with its id) or, in a preview, as it would be."""

    id: int | None = None
    name: str
    method: Method
    path: str
    """Under the module; `url` is the gateway path."""
    url: str
    operation: Operation
    sql: str
    """The SQL template, the API's `content`."""
    params: list[ParamDef]
    description: str


class GenerateResult(SQLModel):
    preview: bool
    module_id: int | None
    """None in a preview that would create the module."""
    module_name: str
    schema_name: str | None = Field(default=None, alias="schema")
    table: str
    primary_key: list[str]
    """The key the get, update and delete APIs use (the primary key or `key_columns`)."""
    apis: list[GeneratedApi]
    messages: list[str] = []
    """What was left out and why (no key, a read-only source, a column type)."""
