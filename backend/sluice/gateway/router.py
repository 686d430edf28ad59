"""The gateway's entry: `/{module}/{path}` for every method, handed to the pipeline. Every
outcome, errors included, gets its request id, its access record and its metric sample here.

The app hands gateway calls here before FastAPI sees them (`SluiceApp.__call__`): they
never walk the admin API's middleware, routes, dependency injection or exception handling,
which together cost more than the pipeline itself on the hot path. So this layer does for
gateway calls what that stack does for the rest: the request id, the body limit, CORS, the
last-resort 500.
"""

import logging
import time
from random import getrandbits
from typing import Any

import orjson
from asgi_correlation_id import correlation_id
from fastapi import Request, Response
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from sluice.config import Settings
from sluice.errors import SluiceError
from sluice.gateway import pipeline
from sluice.gateway.access_log import SECRET_WORDS, VIA_KEY, Call
from sluice.gateway.errors import error_body, error_response, public_message
from sluice.http import body_refused, header, limited_receive
from sluice.models.api import RESERVED_SEGMENTS
from sluice.observability.requests import is_valid_request_id

log = logging.getLogger(__name__)
_REQUEST_ID = b"x-request-id"


def gateway_route(path: str) -> tuple[str, str] | None:
    """`(module, path)` of `/{module}/{path}` outside the app's own top-level segments
    (api, ui, health...); None for any other path."""
    _, module, rest = (path.split("/", 2) + ["", ""])[:3]
    if module and rest and module not in RESERVED_SEGMENTS:
        return module, rest
    return None


class Gateway:
    """The ASGI app for gateway calls; the scope carries `gateway_route`, the
    `(module, path)` the app found when it handed the call over."""

    def __init__(self, settings: Settings) -> None:
        self.max_body = settings.MAX_REQUEST_BODY_BYTES
        self.record_bodies = settings.GATEWAY_ACCESS_LOG_BODY
        self.entry: ASGIApp = self.serve
        if settings.BACKEND_CORS_ORIGINS:
            self.entry = CORSMiddleware(
                self.serve,
                allow_origins=settings.BACKEND_CORS_ORIGINS,
                allow_methods=["*"],
                allow_headers=["*"],
                expose_headers=["X-Request-ID"],
            )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.entry(scope, receive, send)

    async def serve(self, scope: Scope, receive: Receive, send: Send) -> None:
        request_id = _request_id(scope)
        token = correlation_id.set(request_id)
        try:
            module, path = scope["gateway_route"]
            request = Request(scope, limited_receive(receive, self.max_body))
            call = Call(
                method=scope["method"],
                path=scope["path"],
                module=module,
                query=scope["query_string"],
            )
            call.via = scope.get(VIA_KEY, "http")
            refused = body_refused(scope, self.max_body)
            if refused is not None:
                call.error, call.message = refused.code, refused.message
                response: Response = error_response(refused)
            else:
                response = await _answer(request, module, path, call)
            response.raw_headers.append((_REQUEST_ID, request_id.encode()))
            await response(scope, receive, send)
            state = scope["app"].state
            if self.record_bodies:
                call.body = await recorded_body(request)
            state.access_log.record(call, response.status_code, request_id)
            state.metrics.observe_gateway_call(
                call.api_id, response.status_code, call.error, time.perf_counter() - call.started
            )
        finally:
            correlation_id.reset(token)


def _request_id(scope: Scope) -> str:
    """A valid incoming X-Request-ID is kept; anything else gets a new random one (from
    the process's PRNG: ids need to be unique, not secret, and `uuid4` costs a system
    call per request)."""
    text = header(scope, b"x-request-id")
    return text if text and is_valid_request_id(text) else f"{getrandbits(128):032x}"


async def _answer(request: Request, module: str, path: str, call: Call) -> Response:
    try:
        return await pipeline.run(request, module, path, call)
    except SluiceError as error:
        call.error, call.message = error.code, public_message(error)
        return error_response(error)
    except HTTPException as error:  # the request-size limit, raised while the body streams
        call.error = "payload_too_large" if error.status_code == 413 else "bad_request"
        call.message = str(error.detail)
        return JSONResponse(error_body(call.error, call.message), status_code=error.status_code)
    except Exception:
        log.exception("gateway call failed")
        call.error = "internal_error"
        call.message = "Internal error; the request id identifies it in the logs"
        return JSONResponse(error_body(call.error, call.message), status_code=500)


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


def mask(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: "***" if any(w in str(k).lower() for w in SECRET_WORDS) else mask(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [mask(item) for item in value]
    return value
