"""The gateway's error body: one shape for every failure, with a stable code.

`{"success": false, "message", "error", "request_id", "details"?}`. A 5xx carries only the
error's safe message: never a stack trace, a password or SQL text.
"""

import logging
from typing import Any

from asgi_correlation_id import correlation_id

from sluice.errors import SluiceError
from sluice.http import FastJSONResponse

log = logging.getLogger(__name__)

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


def error_body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    body: dict[str, Any] = {"success": False, "message": message, "error": code}
    body["request_id"] = correlation_id.get()
    if details is not None:
        body["details"] = details
    return body


def error_response(error: SluiceError) -> FastJSONResponse:
    if error.code in ("script_error", "script_limit"):
        log.warning("script failed: %s", error.message)
        message = "The API's script failed; the request id identifies it in the logs"
        return FastJSONResponse(error_body(error.code, message), status_code=500)
    code = error.code if error.code in GATEWAY_CODES else "bad_request"
    status = GATEWAY_CODES[code] if error.code in GATEWAY_CODES else 400
    if error.status >= 500 and code == "bad_request":
        code, status = "datasource_error", 502
    return FastJSONResponse(
        error_body(code, error.message), status_code=status, headers=error.headers
    )
