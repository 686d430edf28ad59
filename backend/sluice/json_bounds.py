"""JSON values from request bodies, bounded in depth and size, and their clipped reading.

A JSON field (client attributes, data-source options, a param's default and enum, debug
params) is held to MAX_JSON_DEPTH levels and MAX_JSON_BYTES once encoded. Unbounded,
one client with attributes nested 255 levels deep was saved but then broke every page
that showed it (orjson and pydantic stop near 255 levels), and the audit log with it.
What the store already holds is read through `clip_json`, so a row written before the
bounds still renders: anything nested deeper is replaced by a marker. (A module of its
own, below `models` and `engines`, which both use it: it needs only pydantic.)
"""

from typing import Annotated, Any

import orjson
from pydantic import AfterValidator, BeforeValidator, PlainSerializer

MAX_JSON_DEPTH = 32
MAX_JSON_BYTES = 64 * 1024
TOO_DEEP = "<nested too deep>"
"""What replaces a stored value nested deeper than MAX_JSON_DEPTH when it is read."""


def json_depth(value: Any, limit: int = MAX_JSON_DEPTH) -> int:
    """How many containers deep `value` nests (a scalar is 0), counted without recursion
    and no further than `limit + 1`."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            if deepest > limit:
                return deepest
            stack.extend((child, depth + 1) for child in children)
    return deepest


def check_json(value: Any) -> Any:
    """`value`, if it nests at most MAX_JSON_DEPTH levels and encodes to MAX_JSON_BYTES."""
    if json_depth(value) > MAX_JSON_DEPTH:
        raise ValueError(f"nests deeper than {MAX_JSON_DEPTH} levels")
    try:
        size = len(orjson.dumps(value))
    except (TypeError, orjson.JSONEncodeError):
        raise ValueError("holds a value JSON cannot carry (an integer over 64 bits?)") from None
    if size > MAX_JSON_BYTES:
        raise ValueError(f"is larger than {MAX_JSON_BYTES} bytes as JSON")
    return value


def clip_json(value: Any, depth: int = MAX_JSON_DEPTH) -> Any:
    """`value` with every container nested deeper than `depth` replaced by TOO_DEEP."""
    if not isinstance(value, dict | list):
        return value
    if depth <= 0:
        return TOO_DEEP
    if isinstance(value, dict):
        return {key: clip_json(item, depth - 1) for key, item in value.items()}
    return [clip_json(item, depth - 1) for item in value]


def _clipped_object(value: Any) -> Any:
    return clip_json(value) if isinstance(value, dict) else value


_clip_object = PlainSerializer(_clipped_object, return_type=dict[str, Any])

JsonObject = Annotated[dict[str, Any], AfterValidator(check_json), _clip_object]
"""A JSON object from a request body: bounded; dumped clipped, as a row's copy may be old."""

JsonValue = Annotated[Any, AfterValidator(check_json), PlainSerializer(clip_json)]
"""Any JSON value from a request body, bounded like JsonObject."""

StoredJsonObject = Annotated[dict[str, Any], BeforeValidator(_clipped_object), _clip_object]
"""A JSON object read back from the store for an answer: clipped, never refused."""
