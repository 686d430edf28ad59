"""The catch-all route: `/{module}/{path}` for every method, handed to the pipeline. Every
outcome, errors included, gets its access record and its metric sample here."""

import logging
import time

from asgi_correlation_id import correlation_id
from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from sluice.errors import SluiceError
from sluice.gateway import pipeline
from sluice.gateway.access_log import Call
from sluice.gateway.errors import error_body, error_response
from sluice.models.api import RESERVED_SEGMENTS
from sluice.observability.metrics import Metrics

log = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)


@router.api_route("/{module}/{path:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
async def gateway(request: Request, module: str, path: str) -> Response:
    if module in RESERVED_SEGMENTS:
        return JSONResponse({"detail": "Not Found"}, status_code=404)
    call = Call(method=request.method, path=request.url.path, module=module)
    response = await _answer(request, module, path, call)
    state = request.app.state
    state.access_log.record(call, response.status_code, correlation_id.get())
    _observe(state.metrics, call, response.status_code)
    return response


async def _answer(request: Request, module: str, path: str, call: Call) -> Response:
    try:
        return await pipeline.run(request, module, path, call)
    except SluiceError as error:
        call.error = error.code
        return error_response(error)
    except HTTPException as error:  # the request-size limit, raised while the body streams
        call.error = "payload_too_large" if error.status_code == 413 else "bad_request"
        return JSONResponse(
            error_body(call.error, str(error.detail)), status_code=error.status_code
        )
    except Exception:
        log.exception("gateway call failed")
        call.error = "internal_error"
        body = error_body(
            "internal_error", "Internal error; the request id identifies it in the logs"
        )
        return JSONResponse(body, status_code=500)


def _observe(metrics: Metrics, call: Call, status: int) -> None:
    api = str(call.api_id) if call.api_id is not None else "none"
    metrics.gateway_calls.labels(api, str(status)).inc()
    metrics.gateway_latency.labels(api).observe(time.perf_counter() - call.started)
    if call.error in ("rate_limited", "concurrency_limited"):
        metrics.limiter_rejections.labels(call.error).inc()
