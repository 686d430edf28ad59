"""HTTP plumbing shared by the admin API and the gateway: strict JSON and error bodies.

Request bodies are parsed with orjson, which refuses what the JSON standard refuses and
Python's json module lets through: `NaN`, `Infinity` and lone surrogates. Each becomes a
422 naming the problem instead of a value that breaks later (a 500 in the store).
"""

from collections.abc import Callable, Coroutine, Mapping
from typing import Any

import orjson
from asgi_correlation_id import correlation_id
from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sluice.errors import PayloadTooLarge, SluiceError


class StrictJSONRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = orjson.loads(await self.body())
        return self._json


class StrictJSONRoute(APIRoute):
    """An APIRoute whose handlers see a StrictJSONRequest."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def strict_handler(request: Request) -> Response:
            return await handler(StrictJSONRequest(request.scope, request.receive))

        return strict_handler


def _validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    """The errors without the offending input: it may hold a password or unencodable text."""
    errors = []
    for error in exc.errors():
        message = error["msg"]
        if error["type"] == "json_invalid":
            message = f"Invalid JSON: {error.get('ctx', {}).get('error', 'cannot be parsed')}"
        errors.append({"loc": list(error["loc"]), "msg": message, "type": error["type"]})
    return errors


async def _sluice_error(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, SluiceError)
    return JSONResponse(exc.body(), status_code=exc.status, headers=exc.headers)


async def _validation_error(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    return JSONResponse({"detail": _validation_errors(exc)}, status_code=422)


async def _unexpected_error(_: Request, __: Exception) -> Response:
    """The last resort: a generic 500 that names the request id and nothing else."""
    request_id = correlation_id.get() or ""
    body = {"detail": "Internal server error", "code": "internal_error", "request_id": request_id}
    return JSONResponse(body, status_code=500, headers={"X-Request-ID": request_id})


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(SluiceError, _sluice_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _unexpected_error)


def client_host(request: Request, trusted_proxies: int) -> str:
    """The peer's address, or with N trusted proxies the Nth address from the right of
    X-Forwarded-For (each proxy appends the address it saw); "" when there is none."""
    text = request.client.host if request.client else ""
    if trusted_proxies:
        hops = [
            h.strip() for h in request.headers.get("x-forwarded-for", "").split(",") if h.strip()
        ]
        if len(hops) >= trusted_proxies:
            text = hops[-trusted_proxies]
    return text


def too_large_message(limit: int) -> str:
    return f"Request body too large: the limit is {limit} bytes"


def header(scope: Scope, name: bytes) -> str:
    """The first value of a request header (`name` lower-case), or "". A plain scan of the
    few raw headers: cheaper than Starlette's `Headers`, which raises for a missing one."""
    for key, value in scope["headers"]:
        if key == name:
            text: str = value.decode("latin-1")
            return text
    return ""


def declared_too_large(scope: Scope, limit: int) -> bool:
    """Whether the request declares (Content-Length) a body over `limit`."""
    declared = header(scope, b"content-length")
    return declared.isdigit() and int(declared) > limit


def limited_receive(receive: Receive, limit: int) -> Receive:
    """`receive`, counting the body as it streams in and stopping it (413) past `limit`:
    a body sent without a Content-Length is held to the limit too."""
    received = 0

    async def counted() -> Message:
        nonlocal received
        event = await receive()
        received += len(event.get("body", b""))
        if received > limit:
            raise HTTPException(status_code=413, detail=too_large_message(limit))
        return event

    return counted


class RejectLargeBodies:
    """Answers 413, as JSON naming the limit, for a request body over MAX_REQUEST_BODY_BYTES.

    A declared Content-Length is checked before anything reads the body; a body streamed
    without one is counted as it arrives and stopped at the limit.
    """

    def __init__(self, app: ASGIApp, max_body_size: int) -> None:
        self.app = app
        self.max_body_size = max_body_size

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if declared_too_large(scope, self.max_body_size):
            message = too_large_message(self.max_body_size)
            await JSONResponse(PayloadTooLarge(message).body(), status_code=413)(
                scope, receive, send
            )
            return
        await self.app(scope, limited_receive(receive, self.max_body_size), send)


class FastJSONResponse(Response):
    """JSON rendered by orjson: the gateway's bodies hold rows of plain values, and orjson
    writes them several times faster than the standard encoder."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)

    def init_headers(self, headers: Mapping[str, str] | None = None) -> None:
        """Starlette's, minus what a JSON body never needs (its charset and media-type
        checks): this runs on every gateway answer."""
        raw = [
            (b"content-length", str(len(self.body)).encode()),
            (b"content-type", b"application/json"),
        ]
        if headers:
            raw += [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
        self.raw_headers = raw
