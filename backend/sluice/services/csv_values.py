"""CSV text to the value a column takes, chosen by the column's type as the database names
it (`information_schema` on PostgreSQL and MySQL, the declared type on SQLite).

What an export writes comes back as it was: integers, exact decimals (as `Decimal`, never
through a float), booleans (`true`/`false`, `1`/`0`, `yes`/`no`), ISO 8601 dates, times and
date-times, JSON (checked, then sent as its text), UUIDs, base64 for binary columns and a
JSON array for a PostgreSQL array. Any other type takes the text as it is and the database
decides. An empty cell is NULL whatever the type (as PostgreSQL's COPY reads an unquoted
empty field). A cell that does not convert names its column and the rule.
"""

import base64
import binascii
import datetime
import json
import re
import uuid
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from sluice.engines.params import (
    check_text,
    parse_bool,
    parse_constant,
    parse_date,
    parse_datetime,
    parse_float,
    parse_int,
)

Convert = Callable[[str], Any]

_INTEGER = re.compile(
    r"^(unsigned\s+)?((tiny|small|medium|big)?int(eger)?[248]?|(small|big)?serial|year)\b"
)
_DECIMAL = re.compile(r"^(numeric|decimal|dec|fixed)\b")
_FLOAT = re.compile(r"^(real|double|float)")
_BINARY = re.compile(r"^(bytea|(tiny|medium|long)?blob|(var)?binary)\b")


def _decimal(text: str) -> Decimal:
    try:
        value = Decimal(text) if len(text) <= 100 else None
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise ValueError("must be a decimal number")
    return value


def _time(text: str) -> datetime.time:
    try:
        return datetime.time.fromisoformat(text) if len(text) <= 30 else datetime.time.max
    except ValueError:
        raise ValueError("must be an ISO 8601 time (HH:MM:SS)") from None


def _json_text(text: str) -> str:
    try:
        json.loads(text, parse_constant=parse_constant)
    except (ValueError, RecursionError):
        raise ValueError("must be JSON") from None
    return text


def _uuid(text: str) -> str:
    try:
        return str(uuid.UUID(text))
    except ValueError:
        raise ValueError("must be a UUID") from None


def _binary(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("must be base64") from None


def _array(text: str) -> list[Any]:
    try:
        value = json.loads(text, parse_constant=parse_constant)
    except (ValueError, RecursionError):
        value = None
    if not isinstance(value, list):
        raise ValueError("must be a JSON array")
    return value


_BY_NAME: dict[str, Convert] = {
    "boolean": parse_bool,
    "bool": parse_bool,
    "tinyint(1)": parse_bool,
    "date": parse_date,
    "json": _json_text,
    "jsonb": _json_text,
    "uuid": _uuid,
    "array": _array,
}


def converter(column_type: str) -> Convert:
    """How a cell of a column of this type is read."""
    kind = column_type.strip().lower()
    if kind in _BY_NAME:
        return _BY_NAME[kind]
    if kind.startswith("_") or kind.endswith("[]"):
        return _array
    if kind.startswith(("timestamp", "datetime")):
        return parse_datetime
    if kind.startswith("time"):
        return _time
    for pattern, convert in _PATTERNS:
        if pattern.match(kind):
            return convert
    return check_text


_PATTERNS: tuple[tuple[re.Pattern[str], Convert], ...] = (
    (_INTEGER, parse_int),
    (_DECIMAL, _decimal),
    (_FLOAT, parse_float),
    (_BINARY, _binary),
)
