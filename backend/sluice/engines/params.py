"""Parameter definitions and coercion: raw request values in, typed values out.

Each parameter is read only from its declared location (a path parameter can never be
overridden from the query or the body). Strings (path, query, header, form) are parsed
strictly; JSON body values must already have the declared JSON type: a `string` param
refuses numbers and booleans, because MariaDB compares `'abc' = 0` as true. Then the
rules apply in order: required/default, pattern, min/max, enum. Unknown parameters are
ignored. Integers are ASCII digits with an optional `-`; strings refuse the NUL character.
An array's items have the declared item type (`items`), parsed from text or checked as
JSON like a parameter of that type; see `_text_array` for the ways to send one as text. Every failure is a ParamError (400 `bad_request`) naming the parameter and the
rule. Pure functions; no HTTP types.
"""

import datetime
import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sluice.errors import BadRequest
from sluice.json_bounds import JsonValue

Location = Literal["path", "query", "body", "header"]
ItemType = Literal["string", "integer", "number", "boolean", "date", "datetime"]
ParamType = Literal["string", "integer", "number", "boolean", "date", "datetime", "array", "object"]

INT_MIN, INT_MAX = -(2**63), 2**63 - 1
MAX_PATTERN_LENGTH = 500
MAX_ENUM_VALUES = 1_000
_INT = re.compile(r"-?[0-9]{1,19}")
_FLOAT = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?")
_TRUE = frozenset({"true", "1", "yes"})
_FALSE = frozenset({"false", "0", "no"})


class ParamError(BadRequest):
    """A parameter is missing or does not satisfy its definition."""


# --- parsing strings (also used by the SQL filters) --------------------------------------


def parse_int(text: str) -> int:
    """Plain ASCII digits with an optional leading `-`: no `+`, spaces, `_` or other
    scripts' digits, which Python's int() would take."""
    if not _INT.fullmatch(text):
        raise ValueError("must be an integer")
    return check_int(int(text))


def check_int(value: int) -> int:
    if not INT_MIN <= value <= INT_MAX:
        raise ValueError("must be a 64-bit integer")
    return value


def parse_float(text: str) -> float:
    if len(text) > 100 or not _FLOAT.fullmatch(text):
        raise ValueError("must be a number")
    return check_float(float(text))


def check_float(value: float) -> float:
    if not math.isfinite(value):
        raise ValueError("must be a finite number")
    return value


def check_text(text: str) -> str:
    """No NUL character: PostgreSQL cannot store one and no text API means one."""
    if "\x00" in text:
        raise ValueError("must not contain the NUL character")
    return text


def parse_bool(text: str) -> bool:
    word = text.lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise ValueError("must be a boolean (true/false, 1/0, yes/no)")


def parse_date(text: str) -> datetime.date:
    try:
        if len(text) > 10:
            raise ValueError
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise ValueError("must be an ISO 8601 date (YYYY-MM-DD)") from None


def parse_datetime(text: str) -> datetime.datetime:
    try:
        if len(text) > 40:
            raise ValueError
        return datetime.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError("must be an ISO 8601 date-time") from None


def parse_json(text: str, kind: type[list[Any]] | type[dict[str, Any]]) -> Any:
    try:
        value = json.loads(text, parse_constant=parse_constant)
    except (ValueError, RecursionError):
        value = None
    if not isinstance(value, kind):
        raise ValueError(f"must be a JSON {'array' if kind is list else 'object'}")
    return value


def parse_constant(name: str) -> Any:
    """For json.loads: NaN and Infinity are not JSON."""
    raise ValueError(f"{name} is not JSON")


# --- definitions -------------------------------------------------------------------------

_SIZED = frozenset({"string", "array"})
_NUMERIC = frozenset({"integer", "number"})
# A repeated group that ends with a quantifier, like (a+)+ or (\w+\s?)*: the usual shape of
# catastrophic backtracking (a client could stall a worker with 30 characters). Rewrite it
# with an atomic group: (?>a+)+.
_NESTED_QUANTIFIER = re.compile(r"\((?!\?>)(?:[^()\\]|\\.)*(?:[+*?]|\{\d*,\d*\})\)(?:[+*]|\{\d*,)")


class ParamDef(BaseModel):
    """One API parameter, as the API developer declares it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
    location: Location
    type: ParamType
    items: ItemType | None = None
    """The type of each item of an array (any JSON value, or text, when unset)."""
    required: bool = False
    default: JsonValue = None
    pattern: str | None = Field(default=None, max_length=MAX_PATTERN_LENGTH)
    min: float | None = None
    max: float | None = None
    enum: list[JsonValue] | None = Field(default=None, min_length=1, max_length=MAX_ENUM_VALUES)
    description: str | None = Field(default=None, max_length=2_000)

    @model_validator(mode="after")
    def _check_definition(self) -> Self:
        _check_pattern(self)
        _check_bounds(self)
        if self.items is not None and self.type != "array":
            raise ValueError("items applies to array parameters only")
        if self.enum is not None:
            if self.type in ("array", "object"):
                raise ValueError(f"enum does not apply to {self.type} parameters")
            for value in self.enum:
                _definition_value(self, value, "enum value")
        if self.default is not None:
            if self.required:
                raise ValueError("a required parameter cannot have a default")
            _check_rules(self, _definition_value(self, self.default, "default"))
        return self


def _check_pattern(definition: ParamDef) -> None:
    if definition.pattern is None:
        return
    if definition.type != "string":
        raise ValueError("pattern applies to string parameters only")
    try:
        re.compile(definition.pattern)
    except re.error as exc:
        raise ValueError(f"pattern does not compile: {exc}") from None
    if _NESTED_QUANTIFIER.search(definition.pattern):
        raise ValueError(
            "pattern repeats a group that ends with a quantifier, which can backtrack"
            " for ever; use an atomic group, e.g. (?>a+)+"
        )


def _check_bounds(definition: ParamDef) -> None:
    bounds = [b for b in (definition.min, definition.max) if b is not None]
    if not bounds:
        return
    if definition.type not in _SIZED | _NUMERIC:
        raise ValueError(f"min and max do not apply to {definition.type} parameters")
    if not all(math.isfinite(b) for b in bounds):
        raise ValueError("min and max must be finite")
    if len(bounds) == 2 and bounds[0] > bounds[1]:
        raise ValueError("min must not be greater than max")
    if definition.type in _SIZED and any(b < 0 or b != int(b) for b in bounds):
        raise ValueError("min and max of a string or array are lengths: whole numbers >= 0")


def _definition_value(definition: ParamDef, value: Any, what: str) -> Any:
    try:
        return from_json(definition.type, value, definition.items)
    except ValueError as exc:
        raise ValueError(f"{what} {value!r} {exc}") from None


# --- raw values ----------------------------------------------------------------------------

Pairs = Sequence[tuple[str, str]]
MultiDict = Mapping[str, str | Sequence[str]]


@dataclass(frozen=True)
class RawParams:
    """What a request carried, before any coercion. `query` and `form` are (key, value)
    pairs or a mapping to one or several strings; `body` is the parsed JSON body (any
    JSON value) when there is no form; header names are matched case-insensitively."""

    path: Mapping[str, str] = field(default_factory=dict)
    query: Pairs | MultiDict = ()
    body: Any = None
    form: Pairs | MultiDict | None = None
    headers: Mapping[str, str] = field(default_factory=dict)


def _multi(values: Pairs | MultiDict) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    pairs = values.items() if isinstance(values, Mapping) else values
    for key, value in pairs:
        items = [value] if isinstance(value, str) else list(value)
        found.setdefault(key, []).extend(items)
    return found


@dataclass(frozen=True)
class _Sources:
    """The raw values by location: strings to parse, or a JSON body."""

    path: dict[str, list[str]]
    query: dict[str, list[str]]
    headers: dict[str, list[str]]
    form: dict[str, list[str]] | None
    body: Any

    @classmethod
    def of(cls, raw: RawParams) -> "_Sources":
        path = {k: [v] for k, v in raw.path.items()}
        headers = {k.lower(): [v] for k, v in raw.headers.items()}
        form = None if raw.form is None else _multi(raw.form)
        return cls(path, _multi(raw.query), headers, form, raw.body)


# --- coercion ------------------------------------------------------------------------------

_MISSING = object()


def coerce(defs: Sequence[ParamDef], raw: RawParams) -> dict[str, Any]:
    """Every declared parameter by name, typed and checked (None when absent without a
    default). Raises ParamError naming the parameter and the rule."""
    sources = _Sources.of(raw)
    return {d.name: _coerce_one(d, sources) for d in defs}


def _coerce_one(definition: ParamDef, sources: _Sources) -> Any:
    try:
        value = _read(definition, sources)
        if value is _MISSING:
            return _absent(definition)
        _check_rules(definition, value)
        return value
    except ValueError as exc:
        raise ParamError(f"parameter {definition.name!r}: {exc}") from None


def _absent(definition: ParamDef) -> Any:
    if definition.required:
        raise ParamError(f"parameter {definition.name!r} is required")
    if definition.default is None:
        return None
    return from_json(definition.type, definition.default, definition.items)


def _read(definition: ParamDef, sources: _Sources) -> Any:
    if definition.location == "body" and sources.form is None:
        return _read_json(definition, sources.body)
    texts = _texts(definition, sources)
    if not texts:
        return _MISSING
    if definition.type == "array":
        return _text_array(definition, texts)
    if len(texts) > 1:
        raise ValueError("must be given once")
    return TEXT_PARSERS[definition.type](texts[0])


def _texts(definition: ParamDef, sources: _Sources) -> list[str]:
    name = definition.name
    if definition.location == "header":
        found = sources.headers.get(name.lower()) or sources.headers.get(
            name.lower().replace("_", "-")
        )
        return found or []
    by_location = {"path": sources.path, "query": sources.query, "body": sources.form or {}}
    return by_location[definition.location].get(name, [])


def _read_json(definition: ParamDef, body: Any) -> Any:
    if body is None:
        return _MISSING
    if not isinstance(body, dict):
        raise ValueError("the request body must be a JSON object")
    value = body.get(definition.name)
    return _MISSING if value is None else from_json(definition.type, value, definition.items)


def _text_array(definition: ParamDef, texts: list[str]) -> list[Any]:
    """An array given as text: one JSON array (`["a,b", "c"]`, items JSON-typed), or items
    as text, each parsed as the item type. A form takes one item per repeated key (OpenAPI
    form style, explode); the query, path and headers also split each value at commas
    (`?ids=3,5,8`, the unexploded form), and an empty value there is an empty list."""
    if len(texts) == 1 and texts[0].lstrip().startswith("["):
        return _items(parse_json(texts[0], list), JSON_CHECKS[definition.items or "any"])
    if definition.location != "body":
        texts = [item for text in texts if text for item in text.split(",")]
    return _items(texts, TEXT_PARSERS[definition.items or "string"])


def _items(values: list[Any], check: Callable[[Any], Any]) -> list[Any]:
    checked = []
    for number, value in enumerate(values, 1):
        try:
            checked.append(check(value))
        except ValueError as exc:
            raise ValueError(f"item {number} {exc}") from None
    return checked


TEXT_PARSERS: Mapping[str, Callable[[str], Any]] = {
    "string": check_text,
    "integer": parse_int,
    "number": parse_float,
    "boolean": parse_bool,
    "date": parse_date,
    "datetime": parse_datetime,
    "object": lambda text: parse_json(text, dict),
}


def from_json(kind: ParamType, value: Any, items: ItemType | None = None) -> Any:
    """Check a parameter given as a JSON value: its JSON type must be the declared one
    (and each item's, for an array with an item type). Dates come as ISO 8601 strings."""
    checked = JSON_CHECKS[kind](value)
    if kind == "array" and items is not None:
        return _items(checked, JSON_CHECKS[items])
    return checked


def _json_string(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("must be a string")
    return check_text(value)


def _json_integer(value: Any) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("must be an integer")
    return check_int(value)


def _json_number(value: Any) -> int | float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("must be a number")
    return value if isinstance(value, int) else check_float(value)


def _json_boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("must be a boolean")
    return value


def _json_typed(kind: type[Any], name: str) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if not isinstance(value, kind):
            raise ValueError(f"must be {name}")
        return value

    return check


JSON_CHECKS: Mapping[str, Callable[[Any], Any]] = {
    "string": _json_string,
    "integer": _json_integer,
    "number": _json_number,
    "boolean": _json_boolean,
    "date": lambda value: parse_date(_json_string(value)),
    "datetime": lambda value: parse_datetime(_json_string(value)),
    "array": _json_typed(list, "an array"),
    "object": _json_typed(dict, "an object"),
    "any": lambda value: value,
}


# --- rules ---------------------------------------------------------------------------------


def _check_rules(definition: ParamDef, value: Any) -> None:
    if definition.pattern is not None and not re.fullmatch(definition.pattern, value):
        raise ValueError(f"must match the pattern {definition.pattern}")
    _check_min_max(definition, value)
    if definition.enum is not None:
        allowed = [from_json(definition.type, v) for v in definition.enum]
        if value not in allowed:
            raise ValueError("must be one of: " + ", ".join(str(v) for v in definition.enum))


def _check_min_max(definition: ParamDef, value: Any) -> None:
    if definition.type in _SIZED:
        measure, unit = len(value), (" characters" if definition.type == "string" else " items")
    elif definition.type in _NUMERIC:
        measure, unit = value, ""
    else:
        return
    if definition.min is not None and measure < definition.min:
        raise ValueError(f"must be at least {definition.min:g}{unit}")
    if definition.max is not None and measure > definition.max:
        raise ValueError(f"must be at most {definition.max:g}{unit}")


# --- JSON Schema ---------------------------------------------------------------------------

_SCHEMA_TYPES: Mapping[str, dict[str, Any]] = {
    "string": {"type": "string"},
    "integer": {"type": "integer", "format": "int64"},
    "number": {"type": "number"},
    "boolean": {"type": "boolean"},
    "date": {"type": "string", "format": "date"},
    "datetime": {"type": "string", "format": "date-time"},
    "array": {"type": "array", "items": {}},
    "object": {"type": "object"},
}
_BOUND_KEYWORDS: Mapping[str, tuple[str, str]] = {
    "string": ("minLength", "maxLength"),
    "array": ("minItems", "maxItems"),
    "integer": ("minimum", "maximum"),
    "number": ("minimum", "maximum"),
}


def param_schema(definition: ParamDef) -> dict[str, Any]:
    """One parameter as a JSON Schema (for the OpenAPI document)."""
    schema = dict(_SCHEMA_TYPES[definition.type])
    if definition.items is not None:
        schema["items"] = dict(_SCHEMA_TYPES[definition.items])
    low, high = _BOUND_KEYWORDS.get(definition.type, ("", ""))
    extras = {
        "pattern": definition.pattern,
        low: _number(definition.min),
        high: _number(definition.max),
        "enum": definition.enum,
        "default": definition.default,
        "description": definition.description,
    }
    schema.update({k: v for k, v in extras.items() if k and v is not None})
    return schema


def _number(value: float | None) -> int | float | None:
    return int(value) if value is not None and value.is_integer() else value


def json_schema(defs: Sequence[ParamDef]) -> dict[str, dict[str, Any]]:
    """Each parameter's JSON Schema, by name."""
    return {d.name: param_schema(d) for d in defs}
