"""A table's columns as generated APIs see them: the parameter each one becomes, its type
family, and how it is written in the data source's SQL.

Parameter names follow the column names, so a client sends `{"OrderId": 7}` for a column
`OrderId`; a name that cannot be a parameter (spaces, punctuation, a leading digit, a word
the template language keeps, one the generated list API uses itself such as `limit`) is
made into one and numbered when two would meet.
"""

import keyword
import re
from dataclasses import dataclass
from typing import Literal

from sluice.connectors.base import ColumnInfo, DatasourceType
from sluice.engines.params import ItemType
from sluice.engines.sql.template import RESERVED_NAMES
from sluice.errors import Unprocessable

Family = ItemType
"""A column's kind as a parameter sees it; None for what no parameter type fits."""

CONTROL_PARAMS = ("limit", "offset", "sort", "sort_dir", "q", "set_null")
"""The generated APIs' own parameters: no column's parameter takes these names."""
_KEPT = frozenset(
    {*keyword.kwlist, "true", "false", "none", *RESERVED_NAMES, *CONTROL_PARAMS}
    | {"naming", "format", "page", "page_size"}  # query keys the gateway reads itself
)
_NOT_A_PARAM = re.compile(r"[^A-Za-z0-9_]")
_MAX_PARAM = 56
"""Leaves room for `_min`, `_max`, `_in` and a number within the 63 characters allowed."""
_LENGTH = re.compile(r"char(?:acter)?(?: varying)?\((\d+)\)")

_NOT_SCALAR = ("json", "bytea", "blob", "binary", "array", "geometry", "geography", "tsvector")
_NOT_SCALAR_START = ("_", "map(", "row(")
_GEOMETRIC = frozenset({"point", "line", "lseg", "box", "path", "polygon", "circle"})
_NUMBER = ("numeric", "decimal", "real", "double", "float", "number")
_INTEGER = ("int", "serial", "year")


def family(type_name: str) -> Family | None:
    """The parameter type for a database type, by the words in its name (the way SQLite
    gives types an affinity): works for all four dialects' spellings."""
    name = type_name.lower().strip()
    if _not_scalar(name):
        return None
    if name.startswith("bool") or name == "tinyint(1)":
        return "boolean"
    if name.startswith(("enum", "set(")) or "char" in name or "text" in name:
        return "string"
    if "timestamp" in name or "datetime" in name:
        return "datetime"
    if name.startswith("date"):
        return "date"
    if "time" in name or "interval" in name:
        return "string"
    if any(word in name for word in _INTEGER):
        return "integer"
    if any(word in name for word in _NUMBER):
        return "number"
    return "string"


def _not_scalar(name: str) -> bool:
    """Arrays (`int[]`, PostgreSQL's `_int4`), JSON, binary, geometric and range types."""
    if name.endswith(("[]", "range")) or name.startswith(_NOT_SCALAR_START):
        return True
    return name in _GEOMETRIC or any(word in name for word in _NOT_SCALAR)


def is_json(column: ColumnInfo) -> bool:
    return "json" in column.type.lower()


@dataclass(frozen=True)
class Field:
    """One column in the generated APIs."""

    column: ColumnInfo
    param: str
    """Its parameter's name (also its path placeholder when it is a key column)."""
    family: Family | None
    sql: str
    """The column's name quoted for the data source."""

    @property
    def name(self) -> str:
        return self.column.name

    @property
    def max_length(self) -> int | None:
        found = _LENGTH.search(self.column.type.lower())
        return int(found.group(1)) if found else None


class Names:
    """Hands out parameter names, each once."""

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def take(self, wanted: str) -> str:
        """A parameter name for `wanted`: a kept word gets a trailing `_`, a name already
        handed out (in any case) a number."""
        base = _NOT_A_PARAM.sub("_", wanted).strip("_")[:_MAX_PARAM] or "column"
        if base[0].isdigit():
            base = f"c_{base}"[:_MAX_PARAM]
        if base.lower() in _KEPT:
            base += "_"
        name, number = base, 2
        while name.lower() in self._taken:
            name, number = f"{base}_{number}", number + 1
        self._taken.add(name.lower())
        return name


Quote = Literal["double", "backtick"]


def quoter(kind: DatasourceType) -> "Identifiers":
    return Identifiers("backtick" if kind == "mysql" else "double", kind in ("postgres", "mysql"))


@dataclass(frozen=True)
class Identifiers:
    """Names written into a template: quoted for the dialect, and refused when no quoting
    makes them safe there (Jinja's `{{`, `{%`, `{#`; control characters; a backslash,
    which the engine's lexer reads as an escape in the `format` dialects)."""

    style: Quote
    backslash_escapes: bool

    def quote(self, name: str) -> str:
        check_name(name, self.backslash_escapes)
        if self.style == "backtick":
            return "`" + name.replace("`", "``") + "`"
        return '"' + name.replace('"', '""') + '"'


def check_name(name: str, backslash_escapes: bool) -> None:
    if any(opener in name for opener in ("{{", "{%", "{#")):
        raise Unprocessable(
            f"{name!r} holds template syntax ({{{{, {{% or {{#}}): write this API by hand"
        )
    if any(ord(char) < 32 or ord(char) == 127 for char in name):
        raise Unprocessable(f"{name!r} holds a control character: write this API by hand")
    if backslash_escapes and "\\" in name:
        raise Unprocessable(f"{name!r} holds a backslash: write this API by hand")


def fields(columns: list[ColumnInfo], names: Names, ids: Identifiers) -> list[Field]:
    """Every column as a Field, in table order."""
    return [Field(c, names.take(c.name), family(c.type), ids.quote(c.name)) for c in columns]
