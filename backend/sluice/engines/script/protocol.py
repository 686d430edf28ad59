"""Frames between the parent and a worker: a 4-byte big-endian length, then JSON.

JSON both ways, so the parent never unpickles what a worker wrote: a worker runs hostile
code, and everything it sends is decoded as plain data and checked before use.

Parent to worker: `{"op": "run", ...}` and RPC answers `{"ok": value}` / `{"error": ...}`.
Worker to parent: `{"op": "ready"}`, RPC requests `{"op": "rpc", "call": "db.query",
"args": [...]}`, and the call's end `{"op": "done", "value", "logs"}` or
`{"op": "fail", "error": {"kind", "message", "line", ...}, "logs"}`.
"""

import datetime
import struct
import uuid
from decimal import Decimal
from typing import Any

import orjson

HEADER = struct.Struct(">I")
_OPTIONS = orjson.OPT_NON_STR_KEYS
_INT64 = 2**63


class NotJSON(TypeError):
    """A value that has no JSON form (a function, a class instance, ...)."""


def encode(value: Any) -> bytes:
    """One frame's payload. Decimal becomes a string, tuples and sets lists, dates ISO
    strings; an integer past 64 bits becomes its decimal string."""
    try:
        return orjson.dumps(value, default=_default, option=_OPTIONS)
    except TypeError:
        return orjson.dumps(plain(value), option=_OPTIONS)


def frame(payload: bytes) -> bytes:
    return HEADER.pack(len(payload)) + payload


def decode(payload: bytes) -> Any:
    return orjson.loads(payload)


def plain(value: Any) -> Any:
    """`value` as JSON-ready data, or NotJSON naming the first type that has no JSON form."""
    kind = type(value)
    if kind in (str, float, bool, type(None)):
        return value
    if kind is int:
        return value if -_INT64 <= value < _INT64 else str(value)
    if isinstance(value, dict):
        return {_key(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(item) for item in value]
    return _default(value)


def _key(key: Any) -> str:
    if isinstance(key, str | int | float | bool) or key is None:
        return key if isinstance(key, str) else orjson.dumps(key).decode()
    raise NotJSON(f"a dict key must be a string or a number, not {type(key).__name__}")


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    if isinstance(value, uuid.UUID | bytes):
        return str(value) if isinstance(value, uuid.UUID) else value.decode("utf-8", "replace")
    if isinstance(value, int):  # subclasses: a script's int subclass, an IntEnum
        return plain(bool(value) if isinstance(value, bool) else int(value))
    if isinstance(value, str | float):
        return str(value) if isinstance(value, str) else float(value)
    raise NotJSON(f"{type(value).__name__} has no JSON form")
