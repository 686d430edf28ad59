"""Stage: the success envelope, camel-cased keys on request, or CSV streamed."""

import csv
import io
import re
from collections.abc import Iterator
from typing import Any

import orjson
from fastapi import Request
from fastapi.responses import Response, StreamingResponse

from sluice.errors import BadRequest
from sluice.http import FastJSONResponse, header

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


def respond(request: Request, answer: dict[str, Any], headers: dict[str, str]) -> Response:
    """`answer` is `{"data", "pagination"}` as the engine or the cache gave it."""
    data, truncated = cap_rows(answer["data"], request.app.state.settings.GATEWAY_MAX_RESPONSE_ROWS)
    if truncated:
        headers = headers | {"X-Result-Truncated": "true"}
    data = camelize(data) if wants_camel(request) else data
    if query_value(request, "format").lower() == "csv":
        return csv_response(data, headers)
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


def csv_response(data: Any, headers: dict[str, str]) -> StreamingResponse:
    if not isinstance(data, list) or not all(isinstance(row, dict) for row in data):
        raise BadRequest("format=csv needs a row result")
    columns = list(data[0]) if data else []
    return StreamingResponse(
        _csv_lines(columns, data), media_type="text/csv; charset=utf-8", headers=headers
    )


def _csv_lines(columns: list[str], rows: list[dict[str, Any]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for index, row in enumerate(rows, start=1):
        writer.writerow([_cell(row.get(c)) for c in columns])
        if index % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _cell(value: Any) -> Any:
    if isinstance(value, dict | list):
        return orjson.dumps(value).decode()
    return "" if value is None else value
