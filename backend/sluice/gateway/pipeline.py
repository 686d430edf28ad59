"""The gateway's stages, in order. Each returns a value or raises a SluiceError with a stable
code; the router renders the one error body. Stages to come slot into this list."""

from fastapi import Request, Response

from sluice.gateway.auth import authenticate, check_access
from sluice.gateway.engine import execute
from sluice.gateway.firewall import check_global, client_ip
from sluice.gateway.params import page_request, read_params
from sluice.gateway.resolve import resolve
from sluice.gateway.respond import respond


async def run(request: Request, module: str, path: str) -> Response:
    state, settings = request.app.state, request.app.state.settings
    registry = state.registry.current
    api, path_values = resolve(registry, module, path, request.method)
    ip = client_ip(request, settings.TRUSTED_PROXY_COUNT)
    check_global(ip, tuple(settings.GATEWAY_IP_ALLOWLIST), tuple(settings.GATEWAY_IP_DENYLIST))
    if api.access != "public":
        client = authenticate(request, registry, state.tokens)
        check_access(api, client, ip)
    params = await read_params(request, api, path_values)
    page = page_request(request, api)
    outcome = await execute(state.pools, api, params, page)
    return respond(request, outcome, headers={})
