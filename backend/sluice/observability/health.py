"""Liveness, readiness and the Prometheus endpoint."""

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy import text

from sluice.observability.metrics import CONTENT_TYPE

router = APIRouter(tags=["health"])


@router.get("/health/live")
def live() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/health/ready")
def ready(request: Request) -> JSONResponse:
    """200 when the store (and Redis, when configured) answers; 503 naming what does not."""
    checks: dict[str, Any] = {"store": _check_store(request)}
    redis = request.app.state.redis
    if redis is not None:
        checks["redis"] = _check_redis(redis)
    healthy = all(value == "ok" for value in checks.values())
    body = {"status": "ok" if healthy else "unavailable", "checks": checks}
    return JSONResponse(body, status_code=200 if healthy else 503)


def _check_store(request: Request) -> str:
    try:
        with request.app.state.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # any driver failure means "not ready"; the reason is logged
        return f"error: {type(exc).__name__}"
    return "ok"


def _check_redis(redis: Any) -> str:
    try:
        redis.ping()
    except Exception as exc:  # connection refused, timeout, auth: all mean "not ready"
        return f"error: {type(exc).__name__}"
    return "ok"


@router.get("/metrics", include_in_schema=False)
def metrics(request: Request) -> Response:
    return Response(request.app.state.metrics.render(), media_type=CONTENT_TYPE)
