"""Serves the built dashboard at /ui/, falling back to index.html for client-side routes."""

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles


def mount_ui(app: FastAPI, dist: Path) -> None:
    router = APIRouter(include_in_schema=False)

    @router.get("/")
    def root() -> RedirectResponse:
        return RedirectResponse("/ui/")

    @router.get("/ui")
    def ui_bare() -> RedirectResponse:
        return RedirectResponse("/ui/")

    @router.get("/ui/{path:path}")
    def ui(path: str) -> Response:
        index = dist / "index.html"
        if not index.is_file():
            message = (
                "The dashboard is not built: run `make run` (or `npm run build` in frontend/)."
            )
            return JSONResponse({"detail": message}, status_code=404)
        candidate = (dist / path).resolve()
        if path and candidate.is_file() and candidate.is_relative_to(dist.resolve()):
            return FileResponse(candidate)
        return FileResponse(index, headers={"Cache-Control": "no-cache"})

    if (dist / "assets").is_dir():
        app.mount("/ui/assets", StaticFiles(directory=dist / "assets"), name="ui-assets")
    app.include_router(router)
