"""Macros: reusable SQL (Jinja macros) or Python helpers, published as immutable versions.

An API pins the macro versions it was published with, so publishing a macro never changes
a live API until that API is published again.
"""

import re
from datetime import datetime
from typing import Literal

from pydantic import field_validator
from sqlalchemy import Column, ForeignKey, Integer, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from sluice.models.fields import RowId
from sluice.models.user import utcnow

MACRO_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
MacroKind = Literal["sql", "python"]


def check_macro_name(name: str) -> str:
    if not MACRO_NAME.match(name):
        raise ValueError("must be an identifier: letters, digits and _, not starting with a digit")
    return name


class MacroFields(SQLModel):
    name: str = Field(min_length=1, max_length=64)
    kind: MacroKind = "sql"
    content: str = Field(default="", max_length=100_000)
    description: str | None = Field(default=None, max_length=1000)
    module_id: RowId | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, name: str) -> str:
        return check_macro_name(name)


class MacroCreate(MacroFields):
    pass


class MacroUpdate(SQLModel):
    name: str | None = Field(default=None, min_length=1, max_length=64)
    kind: MacroKind | None = None
    content: str | None = Field(default=None, max_length=100_000)
    description: str | None = Field(default=None, max_length=1000)
    module_id: RowId | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, name: str | None) -> str | None:
        return None if name is None else check_macro_name(name)


class Macro(MacroFields, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True, max_length=64)
    kind: MacroKind = Field(default="sql", sa_column=Column(String(8), nullable=False))
    module_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("module.id", ondelete="CASCADE"), nullable=True),
    )
    published_version_id: int | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class MacroUsage(SQLModel):
    api_id: int
    api_name: str
    pinned_version: int
    is_latest: bool


class MacroPublic(MacroFields):
    id: int
    published_version_id: int | None
    latest_version: int | None = None
    used_by: list[MacroUsage] = []
    created_at: datetime
    updated_at: datetime


class MacrosPublic(SQLModel):
    data: list[MacroPublic]
    count: int


class MacroVersion(SQLModel, table=True):
    __tablename__ = "macro_version"
    __table_args__ = (UniqueConstraint("macro_id", "version", name="uq_macro_version"),)

    id: int | None = Field(default=None, primary_key=True)
    macro_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("macro.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    version: int
    name: str = Field(max_length=64)
    kind: str = Field(max_length=8)
    content: str
    message: str | None = Field(default=None, max_length=1000)
    created_by: str | None = Field(default=None, max_length=255)
    created_at: datetime = Field(default_factory=utcnow)


class MacroVersionPublic(SQLModel):
    id: int
    version: int
    content: str
    message: str | None
    created_at: datetime
    created_by: str | None


class MacroVersionsPublic(SQLModel):
    data: list[MacroVersionPublic]
    count: int
