"""Serves the built dashboard at /ui/, falling back to index.html for client-side routes."""

import mimetypes
import stat
from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import Headers
from starlette.types import Scope

IMMUTABLE = "public, max-age=31536000, immutable"
ENCODINGS = (("br", ".br"), ("gzip", ".gz"))
"""The build's precompressed twins (vite-plugin-compression2), best first."""


def accepted_encodings(header: str) -> set[str]:
    """The codings an Accept-Encoding header allows: listed, and not with q=0."""
    accepted = set()
    for item in header.split(","):
        coding, _, params = item.partition(";")
        if coding.strip() and quality(params) > 0:
            accepted.add(coding.strip().lower())
    return accepted


def quality(params: str) -> float:
    """The q of `;q=0.5` (1 when absent, 0 when unreadable: a coding we may not send)."""
    value = params.strip().removeprefix("q=") if params.strip() else "1"
    try:
        return float(value)
    except ValueError:
        return 0.0


class BuiltAssets(StaticFiles):
    """Vite's output under /ui/assets/: every name carries a hash of the content, so the
    browser may keep a file for a year; the .br or .gz twin goes to a browser that takes it."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        accepted = accepted_encodings(Headers(scope=scope).get("accept-encoding", ""))
        response = self.compressed(path, scope, accepted) or await super().get_response(path, scope)
        response.headers["Cache-Control"] = IMMUTABLE
        response.headers["Vary"] = "Accept-Encoding"
        return response

    def compressed(self, path: str, scope: Scope, accepted: set[str]) -> Response | None:
        for coding, suffix in ENCODINGS:
            if coding not in accepted:
                continue
            full_path, found = self.lookup_path(path + suffix)
            if found is not None and stat.S_ISREG(found.st_mode):
                response = self.file_response(full_path, found, scope)
                response.headers["Content-Encoding"] = coding
                media_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
                response.headers["Content-Type"] = media_type
                return response
        return None


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
        app.mount("/ui/assets", BuiltAssets(directory=dist / "assets"), name="ui-assets")
    app.include_router(router)
