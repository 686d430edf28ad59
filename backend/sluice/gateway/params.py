"""Stage: the call's parameters, read from where each is declared and coerced.

A body is JSON, a form, or CSV (`Content-Type: text/csv`), which fills the API's one body
parameter of type array with an object per row, so a write API can take a batch (within
MAX_REQUEST_BODY_BYTES like any body).

Query keys that steer the response (`naming`, `format`, and the pagination keys of a
paginated API) are not parameters.
"""

import csv
import io
from typing import Any

import orjson
from fastapi import Request

from sluice.engines.execute import PageRequest
from sluice.engines.params import RawParams, coerce
from sluice.errors import BadRequest
from sluice.http import header
from sluice.services.registry import LiveApi

MAX_PAGE_SIZE = 1000
DEFAULT_PAGE_SIZE = 50


async def read_params(
    request: Request, api: LiveApi, path_values: dict[str, str]
) -> dict[str, Any]:
    body, form = await _body(request, api)
    raw = RawParams(
        path=path_values,
        query=request.query_params.multi_items() if "query" in api.param_locations else (),
        body=body,
        form=form,
        headers=dict(request.headers) if "header" in api.param_locations else {},
    )
    return coerce(api.params, raw)


async def _body(request: Request, api: LiveApi) -> tuple[Any, list[tuple[str, str]] | None]:
    if request.method in ("GET", "DELETE") and not header(request.scope, b"content-length"):
        return None, None
    kind = header(request.scope, b"content-type").split(";")[0].strip().lower()
    if kind in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.form()
        return None, [(k, v) for k, v in form.multi_items() if isinstance(v, str)]
    raw = await request.body()
    if not raw.strip():
        return None, None
    if kind == "text/csv":
        return {csv_target(api): csv_rows(raw)}, None
    if kind and kind != "application/json" and not kind.endswith("+json"):
        raise BadRequest(f"Unsupported body type {kind!r}: send JSON, a form or CSV")
    try:
        return orjson.loads(raw), None
    except orjson.JSONDecodeError as exc:
        raise BadRequest(f"The body is not valid JSON: {exc}") from None


def csv_target(api: LiveApi) -> str:
    """The parameter a CSV body fills: the API's one body parameter that is an array of
    any items (objects, here: one per row)."""
    targets = [
        d.name for d in api.params if d.location == "body" and d.type == "array" and not d.items
    ]
    if len(targets) != 1:
        reason = "has none" if not targets else f"has {len(targets)}"
        raise BadRequest(
            "A CSV body fills the API's one body parameter of type array (without an item"
            f" type); this API {reason}: send JSON"
        )
    return targets[0]


def csv_rows(raw: bytes) -> list[dict[str, str | None]]:
    """A CSV body as one object per row, keyed by the header's names; an empty cell is
    null. The values stay text: the template's filters or the database convert them."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadRequest("The CSV body is not UTF-8 text") from None
    if "\x00" in text:
        raise BadRequest("The CSV body holds a NUL character")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        names = next(reader, [])
        if not all(names) or len(set(names)) != len(names):
            raise BadRequest("The CSV body's first line must name each column once")
        return [_csv_row(names, cells, reader.line_num) for cells in reader if cells]
    except csv.Error as exc:
        raise BadRequest(f"The CSV body is not valid CSV: line {reader.line_num}: {exc}") from None


def _csv_row(names: list[str], cells: list[str], line: int) -> dict[str, str | None]:
    if len(cells) != len(names):
        raise BadRequest(f"The CSV body's line {line} has {len(cells)} values for {len(names)}")
    return {name: cell or None for name, cell in zip(names, cells, strict=True)}


def page_request(request: Request, api: LiveApi) -> PageRequest | None:
    """`page`/`page_size` for page APIs, `limit`/`offset` for offset APIs."""
    if api.pagination not in ("page", "offset"):
        return None
    query = request.query_params
    if api.pagination == "page":
        page = _int(query.get("page"), "page", 1, 1)
        size = _int(query.get("page_size"), "page_size", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE)
        return PageRequest(limit=size, offset=(page - 1) * size, page=page)
    if api.pagination == "offset":
        limit = _int(query.get("limit"), "limit", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE)
        return PageRequest(limit=limit, offset=_int(query.get("offset"), "offset", 0, 0))
    return None


def _int(text: str | None, name: str, default: int, low: int, high: int = 10**9) -> int:
    if text is None:
        return default
    if not (text.isascii() and text.isdigit() and len(text) < 12) or not low <= int(text) <= high:
        raise BadRequest(f"parameter {name!r}: must be an integer from {low} to {high}")
    return int(text)
