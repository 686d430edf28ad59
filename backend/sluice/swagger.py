"""Swagger UI pages whose script and style sheet come from Sluice, not from a CDN.

FastAPI's own pages load Swagger UI from jsDelivr, so on a network without internet they
stay blank. The files ship in the `fastapi-offline` package (a current Swagger UI 5, which
renders the OpenAPI 3.1 documents Sluice writes); we serve its folder and point both pages
(the admin API's and the gateway's) at it.
"""

from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS_URL = "/api/v1/docs/assets"
ASSETS_DIR = Path(str(files("fastapi_offline") / "static"))


def mount_swagger_assets(app: FastAPI) -> None:
    app.mount(ASSETS_URL, StaticFiles(directory=ASSETS_DIR), name="swagger-assets")


def swagger_page(openapi_url: str, title: str) -> HTMLResponse:
    return get_swagger_ui_html(
        openapi_url=openapi_url,
        title=title,
        swagger_js_url=f"{ASSETS_URL}/swagger-ui-bundle.js",
        swagger_css_url=f"{ASSETS_URL}/swagger-ui.css",
        swagger_favicon_url=f"{ASSETS_URL}/favicon.png",
    )
