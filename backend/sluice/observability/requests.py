"""Request ids, and one observation per request feeding the metrics and the log.

The id comes from a valid incoming `X-Request-ID`, else a new UUID; it is echoed on every
response and stamped on every log line written while the request runs.
"""

import logging
import re
import time
from typing import Any

from asgi_correlation_id import CorrelationIdMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sluice.observability.metrics import Metrics

log = logging.getLogger("sluice.request")

REQUEST_ID_HEADER = "X-Request-ID"
_VALID_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def is_valid_request_id(value: str) -> bool:
    """Any short token of safe characters is echoed; anything else is replaced."""
    return bool(_VALID_ID.match(value))


def request_id_middleware() -> dict[str, Any]:
    """Keyword arguments for app.add_middleware(CorrelationIdMiddleware, ...)."""
    return {"header_name": REQUEST_ID_HEADER, "validator": is_valid_request_id}


class ObserveRequests:
    """Times each HTTP request and reports it once: a metric sample and a log line."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_with_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_with_status)
        finally:
            self._observe(scope, status, time.perf_counter() - started)

    def _observe(self, scope: Scope, status: int, seconds: float) -> None:
        templates: dict[int, str] = getattr(scope["app"].state, "route_templates", {})
        template = templates.get(id(scope.get("route")), "unmatched")
        self.metrics.observe_request(scope["method"], template, status, seconds)
        log.info(
            "request",
            extra={
                "method": scope["method"],
                "path": scope["path"],
                "route": template,
                "status": status,
                "duration_ms": round(seconds * 1000, 2),
            },
        )


__all__ = ["CorrelationIdMiddleware", "ObserveRequests", "request_id_middleware"]
