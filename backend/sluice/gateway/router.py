"""The catch-all route: `/{module}/{path}` for every method, handed to the pipeline."""

import logging

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from sluice.errors import SluiceError
from sluice.gateway import pipeline
from sluice.gateway.errors import error_body, error_response
from sluice.models.api import RESERVED_SEGMENTS

log = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)


@router.api_route("/{module}/{path:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
async def gateway(request: Request, module: str, path: str) -> Response:
    if module in RESERVED_SEGMENTS:
        return JSONResponse({"detail": "Not Found"}, status_code=404)
    try:
        return await pipeline.run(request, module, path)
    except SluiceError as error:
        return error_response(error)
    except HTTPException as error:  # the request-size limit, raised while the body streams
        code = "payload_too_large" if error.status_code == 413 else "bad_request"
        return JSONResponse(error_body(code, str(error.detail)), status_code=error.status_code)
    except Exception:
        log.exception("gateway call failed")
        body = error_body(
            "internal_error", "Internal error; the request id identifies it in the logs"
        )
        return JSONResponse(body, status_code=500)
