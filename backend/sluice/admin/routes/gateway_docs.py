from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from sluice.services.gateway_docs import document
from sluice.services.result_types import describe_missing
from sluice.swagger import swagger_page

router = APIRouter(prefix="/gateway", tags=["gateway"], include_in_schema=False)


@router.get("/openapi.json")
async def gateway_openapi(request: Request) -> dict[str, Any]:
    """Public like the APIs it describes: client developers read it without a dashboard
    login. Live versions not described yet are described first (once each)."""
    await describe_missing(request.app.state)
    return document(request.app.state.registry.current)


@router.get("/docs")
def gateway_docs() -> HTMLResponse:
    return swagger_page("/api/v1/gateway/openapi.json", "Sluice gateway")
