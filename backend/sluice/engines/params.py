"""Parameter definitions and coercion: raw request values in, typed values out.

Each parameter is read only from its declared location (a path parameter can never be
overridden from the query or the body). Strings (path, query, header, form) are parsed
strictly; JSON body values must already have the declared JSON type: a `string` param
refuses numbers and booleans, because MariaDB compares `'abc' = 0` as true. Then the
rules apply in order: required/default, pattern, min/max, enum. Unknown parameters are
ignored. Every failure is a ParamError (400 `bad_request`) naming the parameter and the
rule. Pure functions; no HTTP types.
"""

import datetime
import json
import math
import re
from typing import Any, Literal

from sluice.errors import BadRequest

Location = Literal["path", "query", "body", "header"]
ParamType = Literal["string", "integer", "number", "boolean", "date", "datetime", "array", "object"]

INT_MIN, INT_MAX = -(2**63), 2**63 - 1
MAX_PATTERN_LENGTH = 500
MAX_TEXT_LENGTH = 1_000_000
_INT = re.compile(r"[+-]?[0-9]{1,19}")
_FLOAT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?")
_TRUE = frozenset({"true", "1", "yes"})
_FALSE = frozenset({"false", "0", "no"})


class ParamError(BadRequest):
    """A parameter is missing or does not satisfy its definition."""


# --- parsing strings (also used by the SQL filters) --------------------------------------


def parse_int(text: str) -> int:
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
