"""Stage: the success envelope, camel-cased keys on request, or the rows as a CSV or NDJSON
file (`?format=`) when they are already in memory (a cache hit, or an API that cannot
stream: see `stream`)."""

import re
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from sluice.downloads import attachment_headers
from sluice.errors import BadRequest
from sluice.http import FastJSONResponse, header
from sluice.services.exports import FORMATS, MEDIA_TYPES, Format, document

_CAMEL = re.compile(r"_([a-z0-9])")


def camel(key: str) -> str:
    return _CAMEL.sub(lambda m: m.group(1).upper(), key)


def camelize(value: Any) -> Any:
    """Camel-case every object key, at any depth (rows, nested JSON, the write count)."""
    if isinstance(value, dict):
        return {camel(k) if isinstance(k, str) else k: camelize(v) for k, v in value.items()}
    if isinstance(value, list):
        return [camelize(item) for item in value]
    return value


def wants_camel(request: Request) -> bool:
    asked = query_value(request, "naming") or header(request.scope, b"x-response-naming")
    return asked.lower() == "camel"


def query_value(request: Request, name: str) -> str:
    """A query parameter, without parsing the query string when there is none."""
    if not request.scope["query_string"]:
        return ""
    return request.query_params.get(name) or ""


def export_format(request: Request) -> Format | None:
    """The file format asked for with `?format=` (csv or ndjson); None for a JSON answer."""
    asked = query_value(request, "format").lower()
    return next((fmt for fmt in FORMATS if fmt == asked), None)


def respond(
    request: Request, answer: dict[str, Any], headers: dict[str, str], stem: str
) -> Response:
    """`answer` is `{"data", "pagination"}` as the engine or the cache gave it; `stem`
    names a file answer (`<stem>-<date>.csv`)."""
    data, truncated = cap_rows(answer["data"], request.app.state.settings.GATEWAY_MAX_RESPONSE_ROWS)
    if truncated:
        headers = headers | {"X-Result-Truncated": "true"}
    data = camelize(data) if wants_camel(request) else data
    fmt = export_format(request)
    if fmt is not None:
        return file_response(data, fmt, headers | attachment_headers(stem, fmt))
    body: dict[str, Any] = {"success": True, "message": None, "data": data}
    if truncated:
        body["truncated"] = True
    if answer.get("pagination") is not None:
        body["pagination"] = answer["pagination"]
    return FastJSONResponse(body, headers=headers)


def cap_rows(data: Any, cap: int) -> tuple[Any, bool]:
    """At most GATEWAY_MAX_RESPONSE_ROWS rows; the answer says when it was cut."""
    if isinstance(data, list) and len(data) > cap:
        return data[:cap], True
    return data, False


def file_response(data: Any, fmt: Format, headers: dict[str, str]) -> Response:
    if not isinstance(data, list) or not all(isinstance(row, dict) for row in data):
        raise BadRequest(f"format={fmt} needs a row result")
    return Response(document(fmt, data), media_type=MEDIA_TYPES[fmt], headers=headers)
