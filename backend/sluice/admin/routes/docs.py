from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from sluice.swagger import swagger_page

router = APIRouter(include_in_schema=False)


@router.get("/docs")
def admin_docs() -> HTMLResponse:
    """The admin API's Swagger UI, with Swagger's files served by Sluice (sluice/swagger.py)."""
    return swagger_page("/api/v1/openapi.json", "Sluice admin API")
