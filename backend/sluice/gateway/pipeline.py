"""The gateway's stages, in order. Each returns a value or raises a SluiceError with a stable
code; the router renders the one error body. Stages to come slot into this list."""

from fastapi import Request, Response

from sluice.gateway.engine import execute
from sluice.gateway.params import page_request, read_params
from sluice.gateway.resolve import require_access, resolve
from sluice.gateway.respond import respond


async def run(request: Request, module: str, path: str) -> Response:
    state = request.app.state
    api, path_values = resolve(state.registry.current, module, path, request.method)
    require_access(api)
    params = await read_params(request, api, path_values)
    page = page_request(request, api)
    outcome = await execute(state.pools, api, params, page)
    return respond(request, outcome, headers={})
