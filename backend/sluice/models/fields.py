"""Field types the request bodies share: bounded JSON values (see `sluice.json_bounds`)
and row ids."""

from typing import Annotated

from pydantic import Field

from sluice.json_bounds import (
    MAX_JSON_BYTES,
    MAX_JSON_DEPTH,
    TOO_DEEP,
    JsonObject,
    JsonValue,
    StoredJsonObject,
    clip_json,
)

MAX_ID = 2**31 - 1
RowId = Annotated[int, Field(ge=1, le=MAX_ID)]
"""A row id inside a body (`role_ids`, `module_id`...): 1..2^31-1, so an oversized id is a
422 rather than an overflow in the store's driver."""


__all__ = [
    "MAX_ID",
    "MAX_JSON_BYTES",
    "MAX_JSON_DEPTH",
    "TOO_DEEP",
    "JsonObject",
    "JsonValue",
    "RowId",
    "StoredJsonObject",
    "clip_json",
]
