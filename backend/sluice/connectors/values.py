"""Driver values to JSON-ready values, one rule set for every connector.

A row leaves a connector ready for orjson/json with no further thought:

- `Decimal` becomes a string (`"12.30"`), exact to the digit: a float would silently
  round money and big numerics, and JSON numbers are floats to most clients.
- `date`, `datetime`, `time` become ISO 8601 strings; an aware value keeps its offset.
- `timedelta` (PostgreSQL interval, MySQL TIME) becomes its total seconds, a number.
- `UUID` becomes its canonical string.
- `bytes`, `bytearray`, `memoryview` become base64 (standard alphabet, padded).
- JSON columns become parsed objects; a driver that hands JSON back as text (MariaDB,
  whose JSON is LONGTEXT) is parsed by its connector through `parse_json`.
- lists and tuples (arrays) become lists, dicts stay dicts, converted recursively.
- bool stays bool, int stays int (also past 2**53), str stays str.
- float NaN and +/-Infinity become None: JSON cannot represent them.
"""

import base64
import datetime
import json
import math
import uuid
from collections.abc import Callable, Hashable, Sequence
from decimal import Decimal
from itertools import repeat
from typing import Any

_PLAIN: frozenset[type] = frozenset({int, str, bool, type(None)})


def _float(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _decimal(value: Decimal) -> str | None:
    return str(value) if value.is_finite() else None


def _binary(value: bytes | bytearray | memoryview) -> str:
    return base64.b64encode(bytes(value)).decode("ascii")


def _sequence(value: list[Any] | tuple[Any, ...]) -> list[Any]:
    return [json_value(item) for item in value]


def _mapping(value: dict[Any, Any]) -> dict[str, Any]:
    return {str(key): json_value(item) for key, item in value.items()}


def _isoformat(value: datetime.date | datetime.time) -> str:
    return value.isoformat()


def _seconds(value: datetime.timedelta) -> int | float:
    seconds = value.total_seconds()
    return int(seconds) if seconds.is_integer() else seconds


_CONVERTERS: dict[type, Callable[[Any], Any]] = {
    float: _float,
    Decimal: _decimal,
    datetime.datetime: _isoformat,
    datetime.date: _isoformat,
    datetime.time: _isoformat,
    datetime.timedelta: _seconds,
    uuid.UUID: str,
    bytes: _binary,
    bytearray: _binary,
    memoryview: _binary,
    list: _sequence,
    tuple: _sequence,
    dict: _mapping,
}


def json_value(value: Any) -> Any:
    """One value, converted by its exact type first (the fast path), then by ancestry."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    converter = _CONVERTERS.get(kind)
    if converter is not None:
        return converter(value)
    return _by_ancestry(value)


def _by_ancestry(value: Any) -> Any:
    """Subclasses (IntEnum, a driver's own str or int subclass, ...) and unknown types."""
    for base, converter in _CONVERTERS.items():
        if isinstance(value, base):
            return converter(value)
    if isinstance(value, bool | int | str):
        return value
    return str(value)


def parse_json(value: Any) -> Any:
    """A JSON column the driver returned as text or bytes, parsed and converted."""
    if isinstance(value, bytes | bytearray | memoryview):
        value = bytes(value).decode("utf-8")
    if isinstance(value, str):
        return json_value(json.loads(value))
    return json_value(value)


def make_row(columns: list[str], values: tuple[Any, ...] | list[Any]) -> dict[str, Any]:
    """A row dict in column order with every value JSON-ready."""
    return {name: json_value(value) for name, value in zip(columns, values, strict=True)}


Converter = Callable[[Any], Any]


def text_value(value: Any) -> Any:
    """A column the driver decodes to text: a str (or NULL) as it is, anything else (a
    binary string returned as bytes) converted."""
    if value is None or value.__class__ is str:
        return value
    return json_value(value)


class RowShape:
    """How one result shape's driver rows become JSON-ready dicts, worked out once.

    `converters` has one entry per column: None where the driver's value is JSON-ready
    as it is (ints, text), a function otherwise. A row is then built with
    `dict(zip(columns, row))` and only the converted columns are rewritten in place. As in
    a dict built column by column, a repeated column name keeps the last column's value
    (and so the last column's converter). `guard` is for the connector: what it checks
    on a cache hit beyond the cache key (empty when the key says it all).
    """

    __slots__ = ("columns", "guard", "_fixups")

    def __init__(
        self,
        columns: list[str],
        converters: Sequence[Converter | None],
        guard: tuple[Any, ...] = (),
    ) -> None:
        self.columns = columns
        self.guard = guard
        last = {name: index for index, name in enumerate(columns)}
        self._fixups = tuple(
            (name, convert)
            for name, index in last.items()
            if (convert := converters[index]) is not None
        )

    def rows(self, values: Sequence[Sequence[Any]]) -> list[dict[str, Any]]:
        columns = self.columns
        fixups = self._fixups
        # zip(strict=...) would take a slower call path; driver rows match the columns
        if not fixups:
            if len(values) == 1:  # a point query
                return [dict(zip(columns, values[0]))]  # noqa: B905
            return list(map(dict, map(zip, repeat(columns), values)))
        rows = []
        for row in values:
            item = dict(zip(columns, row))  # noqa: B905
            for name, convert in fixups:
                item[name] = convert(item[name])
            rows.append(item)
        return rows


class ShapeCache(dict[Hashable, RowShape]):
    """RowShapes by a hashable key (a driver's result description), bounded: when full
    it starts over, so a stream of ad-hoc shapes cannot grow it without limit. Lookups
    are the dict's own `get`."""

    def __init__(self, limit: int = 256) -> None:
        super().__init__()
        self.limit = limit

    def put(self, key: Hashable, shape: RowShape) -> RowShape:
        if len(self) >= self.limit:
            self.clear()
        self[key] = shape
        return shape
