"""Stage: `?format=csv` or `?format=ndjson` on an API that renders a single read statement,
answered with its rows streamed from a server-side cursor as they come.

A stream holds one batch in memory whatever its size, so GATEWAY_MAX_RESPONSE_ROWS does
not apply; GATEWAY_MAX_STREAM_ROWS does (announced in `X-Max-Rows`). The call keeps its
concurrency slot until the last row is out, and its access record, written once the
stream ends, says how many rows went and how it ended (`rows`, `error`). Any other API (a
script, a result transform, writes) runs as usual and `respond` writes its rows at once.
Streams bypass the response cache.
"""

from functools import partial
from typing import Any

from fastapi import Request

from sluice.downloads import StreamedDownload
from sluice.engines.execute import PageRequest
from sluice.gateway.access_log import Call
from sluice.gateway.respond import camelize, wants_camel
from sluice.services.exports import Export, Format
from sluice.services.registry import LiveApi
from sluice.services.runner import open_stream


async def stream_export(
    request: Request,
    api: LiveApi,
    params: dict[str, Any],
    page: PageRequest | None,
    client: dict[str, Any] | None,
    fmt: Format,
    headers: dict[str, str],
    call: Call,
) -> StreamedDownload | None:
    """The streamed answer, its query running and its first rows read; None when the API
    cannot stream."""
    state = request.app.state
    opened = await open_stream(state, api, params, page, client)
    if opened is None:
        return None
    limit = state.settings.GATEWAY_MAX_STREAM_ROWS
    transform = camelize if wants_camel(request) else None
    export = await Export.start(opened, fmt, limit=limit, transform=transform)
    if limit:
        headers = headers | {"X-Max-Rows": str(limit)}
    response = StreamedDownload(export, api.name or api.path, headers)
    response.when_closed(partial(_record, call, export))
    return response


async def _record(call: Call, export: Export) -> None:
    call.rows, call.error = export.rows, export.outcome
