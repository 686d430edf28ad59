"""The gateway's error body: one shape for every failure, with a stable code.

`{"success": false, "message", "error", "request_id", "details"?}`. A 5xx carries only the
error's safe message: never a stack trace, a password or SQL text.
"""

import logging
from typing import Any

from asgi_correlation_id import correlation_id

from sluice.errors import GATEWAY_CODES, SluiceError, gateway_status
from sluice.http import FastJSONResponse

log = logging.getLogger(__name__)

__all__ = ["GATEWAY_CODES", "error_body", "error_response"]


def error_body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    body: dict[str, Any] = {"success": False, "message": message, "error": code}
    body["request_id"] = correlation_id.get()
    if details is not None:
        body["details"] = details
    return body


SCRIPT_FAILED = "The API's script failed; the request id identifies it in the logs"


def public_message(error: SluiceError) -> str:
    """The message the caller gets (and the access record keeps): a script's own words
    stay in the server log, since they may quote the data it read."""
    return SCRIPT_FAILED if error.code in ("script_error", "script_limit") else error.message


def error_response(error: SluiceError) -> FastJSONResponse:
    if error.code in ("script_error", "script_limit"):
        log.warning("script failed: %s", error.message)
        return FastJSONResponse(error_body(error.code, SCRIPT_FAILED), status_code=500)
    status, code = gateway_status(error)
    return FastJSONResponse(
        error_body(code, error.message), status_code=status, headers=error.headers
    )
