"""HTTP plumbing shared by the admin API and the gateway: strict input and error bodies.

Request bodies are parsed with orjson, which refuses what the JSON standard refuses and
Python's json module lets through: `NaN`, `Infinity` and lone surrogates. Each becomes a
422 naming the problem instead of a value that breaks later (a 500 in the store). A NUL
character anywhere in an admin request (JSON body, form, query, path) is refused the
same way, once here: PostgreSQL cannot store one in text.
"""

import logging
import re
from collections.abc import Callable, Coroutine, Iterable, Mapping
from typing import Any, TypeVar

import fastapi
import orjson
from asgi_correlation_id import correlation_id
from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel
from sqlalchemy.exc import DataError, InterfaceError, OperationalError
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sluice.errors import (
    CODE_BY_STATUS,
    PayloadTooLarge,
    SluiceError,
    StoreUnavailable,
    UnsupportedMediaType,
)

log = logging.getLogger(__name__)

Endpoint = TypeVar("Endpoint", bound=Callable[..., Any])
_PASSES_NUL = "sluice_passes_nul"
NUL_MESSAGE = "must not contain a NUL character (\\u0000)"
STORE_RETRY_AFTER_SECONDS = 5


def invalid(loc: list[str | int], message: str, kind: str) -> HTTPException:
    """A 422 shaped like a validation error. An HTTPException, because FastAPI turns any
    other exception raised while it reads the body into a bare 400."""
    return fastapi.HTTPException(422, detail=[{"loc": loc, "msg": message, "type": kind}])


def refuse_nul(value: Any, where: str) -> None:
    """422 naming the first string (a key or a value) of `value` that holds a NUL. Walked
    without recursion: a body may nest as deep as orjson parses (1024 levels)."""
    stack: list[tuple[Any, list[str | int]]] = [(value, [where])]
    while stack:
        item, loc = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                raise invalid(loc, NUL_MESSAGE, "string_nul")
        elif isinstance(item, dict):
            for key, child in item.items():
                stack.append((key, loc) if "\x00" in key else (child, [*loc, key]))
        elif isinstance(item, list):
            stack.extend((child, [*loc, i]) for i, child in enumerate(item))


def refuse_nul_pairs(pairs: Iterable[tuple[str, Any]], where: str) -> None:
    """The same for (name, value) pairs: query parameters, path parameters, form fields."""
    for key, value in pairs:
        if "\x00" in key or (isinstance(value, str) and "\x00" in value):
            raise invalid([where, key.replace("\x00", "\\u0000")], NUL_MESSAGE, "string_nul")


def passes_nul_through(endpoint: Endpoint) -> Endpoint:
    """Marks an admin route whose body values go to a data source, never into the store
    (a debug run): like a gateway call, they may hold NUL characters."""
    setattr(endpoint, _PASSES_NUL, True)
    return endpoint


class StrictJSONRequest(Request):
    body_may_hold_nul = False

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            body = await self.body()
            self._json = orjson.loads(body)
            # JSON can carry a NUL only as this escape
            if b"\\u0000" in body and not self.body_may_hold_nul:
                refuse_nul(self._json, "body")
        return self._json

    async def _get_form(
        self,
        *,
        max_files: int | float = 1000,
        max_fields: int | float = 1000,
        max_part_size: int = 1024 * 1024,
    ) -> FormData:
        form = await super()._get_form(
            max_files=max_files, max_fields=max_fields, max_part_size=max_part_size
        )
        refuse_nul_pairs(form.multi_items(), "body")
        return form


class ErrorIssue(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class ErrorBody(BaseModel):
    """Every admin API error: a message (or, for a 422 on the request's shape, the list of
    issues, each naming its field), a stable code, and for a 500 the request id."""

    detail: str | list[ErrorIssue]
    code: str
    request_id: str | None = None


_ERROR_STATUSES = {
    401: "Not logged in, or the token is invalid or expired",
    403: "Logged in without the permission this needs",
    404: "No such row",
    409: "Conflicts with a row that exists (a taken name, a built-in role)",
    413: "The body is over MAX_REQUEST_BODY_BYTES",
    415: "The body is compressed (Content-Encoding)",
    422: "The request does not validate; `detail` names each field",
    503: "The app store cannot be reached (with Retry-After)",
}


def error_responses(path: str, methods: Iterable[str] | None) -> dict[int | str, Any]:
    """The error answers an admin route can give, for its OpenAPI document: every route
    may answer 401, 403, 422 and 503; a route with a path id 404; a write 409, and one
    with a body 413 and 415."""
    writes = {m.upper() for m in methods or ()} & {"POST", "PUT", "PATCH", "DELETE"}
    statuses = [401, 403, 422, 503]
    statuses += [404] if "{" in path else []
    statuses += [409] if writes else []
    statuses += [413, 415] if writes - {"DELETE"} else []
    return {
        status: {"model": ErrorBody, "description": _ERROR_STATUSES[status]}
        for status in sorted(statuses)
    }


def as_json_errors(responses: dict[int | str, Any]) -> dict[int | str, Any]:
    """The error answers of a route whose success is not JSON (an export's YAML): FastAPI
    files a `model` under the route's own media type, so they name theirs."""
    schema = {"$ref": "#/components/schemas/ErrorBody"}
    return {
        status: {
            "description": answer["description"],
            "content": {"application/json": {"schema": schema}},
        }
        for status, answer in responses.items()
    }


class StrictJSONRoute(APIRoute):
    """An APIRoute whose handlers see a StrictJSONRequest, after its query string and path
    were checked for NUL characters; its OpenAPI entry lists its error answers."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        declared = kwargs.get("responses") or {}
        errors = error_responses(path, kwargs.get("methods"))
        media_type = getattr(kwargs.get("response_class"), "media_type", "application/json")
        if media_type != "application/json":
            errors = as_json_errors(errors)
        kwargs["responses"] = errors | declared
        super().__init__(path, endpoint, **kwargs)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        passes_nul = getattr(self.endpoint, _PASSES_NUL, False)

        async def strict_handler(request: Request) -> Response:
            strict = StrictJSONRequest(request.scope, request.receive)
            strict.body_may_hold_nul = passes_nul
            refuse_nul_pairs(strict.query_params.multi_items(), "query")
            refuse_nul_pairs(strict.path_params.items(), "path")
            return await handler(strict)

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


def error_response(error: SluiceError) -> JSONResponse:
    return JSONResponse(error.body(), status_code=error.status, headers=error.headers)


async def _sluice_error(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, SluiceError)
    return error_response(exc)


async def _validation_error(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    body = {"detail": _validation_errors(exc), "code": "validation_error"}
    return JSONResponse(body, status_code=422)


async def _http_error(_: Request, exc: Exception) -> Response:
    """Starlette's and FastAPI's own HTTP errors (an unknown path, a method not allowed, a
    body cut at the size limit) in the admin body, with the code of their status."""
    assert isinstance(exc, HTTPException)
    if exc.status_code in (204, 304):
        return Response(status_code=exc.status_code, headers=exc.headers)
    body = {"detail": exc.detail, "code": CODE_BY_STATUS.get(exc.status_code, "http_error")}
    return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)


async def _store_unavailable(_: Request, exc: Exception) -> Response:
    """SQLAlchemy's connection failures, translated once: the store is down or restarting,
    which is worth a retry, not a 500."""
    log.warning("the app store cannot be reached: %s", type(exc.__cause__ or exc).__name__)
    message = "The app store cannot be reached; try again shortly"
    return error_response(StoreUnavailable(message, retry_after=STORE_RETRY_AFTER_SECONDS))


async def _unstorable_value(_: Request, exc: Exception) -> Response:
    """The store refused a value (a NUL in text, a number out of its column's range) that
    the request checks let through: the request's fault, not the server's."""
    log.warning("the app store refused a value: %s", type(exc.__cause__ or exc).__name__)
    message = "A value in the request cannot be stored (out of range, or an invalid character)"
    return JSONResponse({"detail": message, "code": "validation_error"}, status_code=422)


def unexpected_response() -> JSONResponse:
    """The last resort: a generic 500 that names the request id and nothing else."""
    request_id = correlation_id.get() or ""
    body = {"detail": "Internal server error", "code": "internal_error", "request_id": request_id}
    return JSONResponse(body, status_code=500)


async def _unexpected_error(_: Request, __: Exception) -> Response:
    response = unexpected_response()
    response.headers["X-Request-ID"] = correlation_id.get() or ""
    return response


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(SluiceError, _sluice_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(OperationalError, _store_unavailable)
    app.add_exception_handler(InterfaceError, _store_unavailable)
    app.add_exception_handler(DataError, _unstorable_value)
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


class AnswerUnexpectedErrors:
    """Answers an unexpected exception with the generic 500 and keeps the connection.

    Starlette's outermost layer renders the 500 too, but then re-raises, and the server
    drops the keep-alive connection without a `Connection: close`: a client's next pooled
    request fails. Here the exception ends with the answer, unless the response had
    already started (then nothing sound can be sent, and the server closes).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watched)
        except Exception:
            log.exception("request failed")
            if started:
                raise
            await unexpected_response()(scope, receive, send)


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


def body_refused(scope: Scope, limit: int) -> SluiceError | None:
    """Why the request's body is refused before anything reads it, if it is: compressed
    (415: bodies are read as sent, so a gzip body would be taken for garbage) or declared
    (Content-Length) over `limit` (413)."""
    encoding = declared = b""
    for key, value in scope["headers"]:  # one scan: this runs on every gateway call
        if key == b"content-length":
            declared = value
        elif key == b"content-encoding":
            encoding = value.strip().lower()
    if encoding not in (b"", b"identity"):
        return UnsupportedMediaType(
            f"Content-Encoding {encoding.decode('latin-1')!r} is not supported:"
            " send the body uncompressed"
        )
    if declared.isdigit() and int(declared) > limit:
        return PayloadTooLarge(too_large_message(limit))
    return None


def limited_receive(receive: Receive, limit: int) -> Receive:
    """`receive`, counting the body as it streams in and stopping it (413) past `limit`:
    a body sent without a Content-Length is held to the limit too. The error is an
    HTTPException, the one kind FastAPI lets through from a body read; the admin API
    renders it with its code like the declared case."""
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
    """Refuses a request body before it is read: 413 over MAX_REQUEST_BODY_BYTES, 415 when
    it is compressed (see `body_refused`).

    A declared Content-Length is checked before anything reads the body; a body streamed
    without one is counted as it arrives and stopped at the limit. Paths matching
    `uploads` (a file upload spooled to disk) have that limit instead.
    """

    def __init__(
        self,
        app: ASGIApp,
        max_body_size: int,
        uploads: tuple[re.Pattern[str], int] | None = None,
    ) -> None:
        self.app = app
        self.max_body_size = max_body_size
        self.uploads = uploads

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.max_body_size
        if self.uploads is not None and self.uploads[0].match(scope["path"]):
            limit = self.uploads[1]
        refused = body_refused(scope, limit)
        if refused is not None:
            await error_response(refused)(scope, receive, send)
            return
        await self.app(scope, limited_receive(receive, limit), send)


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
