"""Typed errors: one class per family of the gateway's error codes.

Every failure the gateway answers carries a stable code (`bad_request`, `rate_limited`...),
a message and the request id that finds the call in the server's access log. Each becomes
an exception of its family, carrying all three, so callers catch what they can act on
(`RateLimited`, `Unauthorized`) and log the rest with its request id. A code this version
does not know falls back to the class of its HTTP status, so a newer server never breaks
an older client.
"""

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx2


class SluiceError(Exception):
    """Anything the gateway refused, or a call that got no usable answer."""

    code: str = "error"
    """The gateway's code of this family (an instance's `code` is the one it answered)."""

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        status: int | None = None,
        request_id: str | None = None,
        details: Any = None,
        headers: httpx2.Headers | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or type(self).code
        self.status = status
        """The HTTP status; None when no answer came (`TransportError`)."""
        self.request_id = request_id
        """The server's id of the call (the `X-Request-ID` of its access record and logs)."""
        self.details = details
        self.headers = headers if headers is not None else httpx2.Headers()

    def __str__(self) -> str:
        where = f", request {self.request_id}" if self.request_id else ""
        status = f"{self.status} " if self.status is not None else ""
        return f"{self.message} ({status}{self.code}{where})"


class BadRequest(SluiceError):
    """A parameter is missing, of the wrong type or breaks a rule; the message names it."""

    code = "bad_request"


class Unauthorized(SluiceError):
    """No valid client token: wrong credentials, a disabled client, a revoked token."""

    code = "unauthorized"


class Forbidden(SluiceError):
    """The client may not call this API (no grant, or not from this address)."""

    code = "forbidden"


class NotFound(SluiceError):
    """No published API answers this path."""

    code = "not_found"


class MethodNotAllowed(SluiceError):
    """An API answers this path, but not with this method (`allowed` lists those)."""

    code = "method_not_allowed"

    @property
    def allowed(self) -> list[str]:
        return [m.strip() for m in self.headers.get("allow", "").split(",") if m.strip()]


class PayloadTooLarge(SluiceError):
    """The body is over the server's limit."""

    code = "payload_too_large"


class UnsupportedMediaType(SluiceError):
    """The body was sent compressed or as a type the gateway does not read."""

    code = "unsupported_media_type"


class RateLimited(SluiceError):
    """Over the rate limit; `retry_after` says how many seconds to wait (when the server
    said). Raised once the client's own retries are spent."""

    code = "rate_limited"

    @property
    def retry_after(self) -> float | None:
        return parse_retry_after(self.headers.get("retry-after"))


class ConcurrencyLimited(RateLimited):
    """Too many calls of this client in flight at once."""

    code = "concurrency_limited"


class DatasourceError(SluiceError):
    """The database refused the statement (a constraint, a missing table...)."""

    code = "datasource_error"


class DatasourceUnavailable(DatasourceError):
    """The database cannot be reached now; retried with backoff before it is raised."""

    code = "datasource_unavailable"


class Timeout(SluiceError):
    """The statement or script ran past its time and was cancelled by the server."""

    code = "timeout"


class ScriptError(SluiceError):
    """The API's script failed; the server log has the details under the request id."""

    code = "script_error"


class ScriptLimit(ScriptError):
    """The API's script went past its CPU, memory or output limit."""

    code = "script_limit"


class ServerError(SluiceError):
    """Any other failure of the server (a 5xx with no more specific code)."""

    code = "internal_error"


class UnexpectedResponse(SluiceError):
    """A success that is not the gateway's envelope (a body that is not JSON, a
    redirect): the base URL may not point at a Sluice gateway."""

    code = "unexpected_response"


class TransportError(SluiceError):
    """No answer: the server could not be reached or the connection broke."""

    code = "transport_error"


class ClientTimeout(TransportError, Timeout):
    """The server did not answer within the client's `timeout` (also a `Timeout`)."""

    code = "client_timeout"


ERRORS: tuple[type[SluiceError], ...] = (
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    PayloadTooLarge,
    UnsupportedMediaType,
    RateLimited,
    ConcurrencyLimited,
    DatasourceError,
    DatasourceUnavailable,
    Timeout,
    ScriptError,
    ScriptLimit,
    ServerError,
)
"""The classes of the gateway's codes."""

BY_CODE: dict[str, type[SluiceError]] = {error.code: error for error in ERRORS}
BY_STATUS: dict[int, type[SluiceError]] = {
    400: BadRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    405: MethodNotAllowed,
    413: PayloadTooLarge,
    415: UnsupportedMediaType,
    429: RateLimited,
    502: DatasourceError,
    504: Timeout,
}
"""For a code this version does not know: the family its status belongs to."""


def error_class(code: str | None, status: int) -> type[SluiceError]:
    if code in BY_CODE:
        return BY_CODE[code]
    if status in BY_STATUS:
        return BY_STATUS[status]
    return ServerError if status >= 500 else SluiceError


def from_response(response: httpx2.Response) -> SluiceError:
    """The error an answer of 400 or more stands for (its body already read): the
    gateway's `{"error", "message", "request_id"}`, or the admin API's `{"code", "detail"}`
    which a route outside the gateway's answers with."""
    body = _json_object(response)
    request_id = body.get("request_id") or response.headers.get("x-request-id")
    code = next((c for c in (body.get("error"), body.get("code")) if isinstance(c, str)), None)
    message = body.get("message") or body.get("detail")
    if not isinstance(message, str):
        message = f"HTTP {response.status_code} {response.reason_phrase}".strip()
    if not body and response.text:  # not the gateway's body: a proxy's page, say
        message += f": {response.text[:200]}"
    return error_class(code, response.status_code)(
        message,
        code=code,
        status=response.status_code,
        request_id=request_id,
        details=body.get("details"),
        headers=response.headers,
    )


def _json_object(response: httpx2.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def from_transport(error: httpx2.TransportError, request: httpx2.Request) -> TransportError:
    """The error for a call that got no answer (httpx2's exception is its `__cause__`)."""
    kind = ClientTimeout if isinstance(error, httpx2.TimeoutException) else TransportError
    reason = str(error) or type(error).__name__
    return kind(f"{request.method} {request.url}: {reason}")


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a `Retry-After` header: a number of seconds, or an HTTP date
    (then relative to now)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
