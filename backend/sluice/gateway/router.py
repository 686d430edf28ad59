"""The gateway's entry: `/{module}/{path}` for every method, handed to the pipeline. Every
outcome, errors included, gets its access record and its metric sample here.

It is a pure ASGI layer in front of FastAPI's router: gateway calls never walk the admin
API's routes, dependency injection or its exception middleware, which cost more than the
whole pipeline on the hot path."""

import logging
import time
from typing import Any

import orjson
from asgi_correlation_id import correlation_id
from fastapi import Request, Response
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from sluice.errors import SluiceError
from sluice.gateway import pipeline
from sluice.gateway.access_log import Call
from sluice.gateway.errors import error_body, error_response
from sluice.models.api import RESERVED_SEGMENTS
from sluice.observability.metrics import Metrics

log = logging.getLogger(__name__)
TEMPLATE = "/{module}/{path}"


class GatewayDispatch:
    """Sends `/{module}/{path}` straight to the gateway; everything else to the app."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            _, module, rest = (scope["path"].split("/", 2) + ["", ""])[:3]
            if module and rest and module not in RESERVED_SEGMENTS:
                scope["route_template"] = TEMPLATE
                response = await gateway(Request(scope, receive), module, rest)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


async def gateway(request: Request, module: str, path: str) -> Response:
    call = Call(method=request.method, path=request.url.path, module=module)
    response = await _answer(request, module, path, call)
    state = request.app.state
    if state.settings.GATEWAY_ACCESS_LOG_BODY:
        call.body = await recorded_body(request)
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


async def recorded_body(request: Request) -> str | None:
    """The request body for the access record: JSON with secret-looking keys masked, cut
    at 4 KB. A body the pipeline read as a form is no longer available and is left out."""
    try:
        raw = await request.body()
    except RuntimeError:
        return None
    if not raw:
        return None
    try:
        text = orjson.dumps(mask(orjson.loads(raw))).decode()
    except orjson.JSONDecodeError:
        text = "<not JSON>"
    return text[:4096]


SECRET_WORDS = ("password", "secret", "token", "key", "authorization")


def mask(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: "***" if any(w in str(k).lower() for w in SECRET_WORDS) else mask(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [mask(item) for item in value]
    return value


def _observe(metrics: Metrics, call: Call, status: int) -> None:
    api = str(call.api_id) if call.api_id is not None else "none"
    metrics.gateway_calls.labels(api, str(status)).inc()
    metrics.gateway_latency.labels(api).observe(time.perf_counter() - call.started)
    if call.error in ("rate_limited", "concurrency_limited"):
        metrics.limiter_rejections.labels(call.error).inc()
