"""The error base: every error Sluice raises on purpose carries a status and a stable code.

Services raise these; the admin API renders them as `{"detail": message, "code": code}`
and the gateway as its own envelope. Foreign exceptions are translated at the boundary
where they arise, never passed up.
"""

from typing import Any, ClassVar


class SluiceError(Exception):
    """An expected failure with an HTTP status and a stable machine-readable code."""

    status: ClassVar[int] = 500
    code: ClassVar[str] = "internal_error"

    def __init__(self, message: str, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        """The admin API's error body."""
        return {"detail": self.message, "code": self.code}


class BadRequest(SluiceError):
    status = 400
    code = "bad_request"


class Unauthorized(SluiceError):
    status = 401
    code = "unauthorized"

    def __init__(self, message: str = "Not authenticated") -> None:
        super().__init__(message, headers={"WWW-Authenticate": "Bearer"})


class Forbidden(SluiceError):
    status = 403
    code = "forbidden"


class NotFound(SluiceError):
    status = 404
    code = "not_found"


class Conflict(SluiceError):
    status = 409
    code = "conflict"


class PayloadTooLarge(SluiceError):
    status = 413
    code = "payload_too_large"


class RateLimited(SluiceError):
    status = 429
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message, headers={"Retry-After": str(max(1, retry_after))})


class Unprocessable(SluiceError):
    """A body that parses but cannot work as a whole (a rule across several fields)."""

    status = 422
    code = "validation_error"


class MethodNotAllowed(SluiceError):
    status = 405
    code = "method_not_allowed"

    def __init__(self, message: str, *, allowed: list[str]) -> None:
        super().__init__(message, headers={"Allow": ", ".join(sorted(allowed))})


class UnsupportedMediaType(SluiceError):
    status = 415
    code = "unsupported_media_type"


class StoreUnavailable(SluiceError):
    """The app store cannot be reached (connection refused, dropped, timed out)."""

    status = 503
    code = "store_unavailable"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message, headers={"Retry-After": str(retry_after)})


ADMIN_ERRORS: tuple[type[SluiceError], ...] = (
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    Conflict,
    PayloadTooLarge,
    UnsupportedMediaType,
    Unprocessable,
    RateLimited,
    StoreUnavailable,
)
"""The admin API's error classes; an HTTP error raised outside them (an unknown path, a
body cut at the size limit) gets the code of the class with its status."""

CODE_BY_STATUS = {error.status: error.code for error in ADMIN_ERRORS}


GATEWAY_CODES: dict[str, int] = {
    "bad_request": 400,
    "unauthorized": 401,
    "forbidden": 403,
    "not_found": 404,
    "method_not_allowed": 405,
    "payload_too_large": 413,
    "unsupported_media_type": 415,
    "rate_limited": 429,
    "concurrency_limited": 429,
    "datasource_error": 502,
    "datasource_unavailable": 503,
    "timeout": 504,
    "script_error": 500,
    "script_limit": 500,
}
"""Every code the gateway answers with; docs/TECHNICAL.md documents each (a test checks)."""


def gateway_status(error: SluiceError) -> tuple[int, str]:
    """The status and code the gateway answers `error` with: its own when the gateway has
    that code, else 400 `bad_request`, or 502 `datasource_error` for a server-side one.
    (Here rather than in the gateway: test cases report the same answer.)"""
    if error.code in GATEWAY_CODES:
        return GATEWAY_CODES[error.code], error.code
    if error.status >= 500:
        return 502, "datasource_error"
    return 400, "bad_request"
