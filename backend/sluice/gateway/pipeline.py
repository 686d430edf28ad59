"""The gateway's stages, in order. Each returns a value or raises a SluiceError with a stable
code; the router renders the one error body and writes the access record."""

import asyncio
from functools import partial
from typing import Any, NamedTuple

from fastapi import Request, Response

from sluice.downloads import StreamedDownload
from sluice.engines.execute import PageRequest
from sluice.errors import SluiceError
from sluice.gateway.access_log import Call
from sluice.gateway.auth import authenticate, check_access
from sluice.gateway.cache import cache_key
from sluice.gateway.firewall import address_text, check_global, client_ip
from sluice.gateway.limits import Budget
from sluice.gateway.params import page_request, read_params
from sluice.gateway.resolve import resolve
from sluice.gateway.respond import export_format, respond
from sluice.gateway.stream import stream_export
from sluice.http import header
from sluice.services.registry import LiveApi, LiveClient, Refusal, Registry
from sluice.services.runner import execute


async def run(request: Request, module: str, path: str, call: Call) -> Response:
    state, settings = request.app.state, request.app.state.settings
    try:
        api, path_values, client = admit(request, state.registry.current, module, path, call)
    except Refusal:
        if not await state.registry.confirm():
            raise
        api, path_values, client = admit(request, state.registry.current, module, path, call)
    budget = budget_for(api, client, call.ip, settings)
    early = await early_lookup(request, api, client, path_values) if api.cache_ttl_seconds else None
    grant = await state.limiter.take(budget)
    release = partial(state.limiter.give_back, budget, grant)
    try:
        response = await _answer(request, api, client, path_values, grant.headers, call, early)
    except BaseException:
        await release()
        raise
    if isinstance(response, StreamedDownload):
        response.when_closed(release)  # the slot is held while the rows flow
    else:
        await release()
    return response


def admit(
    request: Request, registry: Registry, module: str, path: str, call: Call
) -> tuple[LiveApi, dict[str, str], LiveClient | None]:
    """Which API, and whether this caller may call it. A `Refusal` means the registry
    decided it; the caller confirms that against the store and asks again."""
    settings = request.app.state.settings
    api, path_values = resolve(registry, module, path, request.method)
    call.api_id = api.api_id
    ip = client_ip(request, settings.TRUSTED_PROXY_COUNT)
    call.ip = address_text(ip) if ip else None
    check_global(ip, tuple(settings.GATEWAY_IP_ALLOWLIST), tuple(settings.GATEWAY_IP_DENYLIST))
    client = None
    if api.access != "public":
        client = authenticate(request, registry, request.app.state.tokens)
        call.client_id = client.client_id
        check_access(registry, api, client, ip)
    return api, path_values, client


class EarlyLookup(NamedTuple):
    """A cached API's parameters and cache key, worked out before the flow-control take,
    and its cache read already sent (`asked`), so that both share one Redis round trip."""

    params: dict[str, Any]
    page: PageRequest | None
    key: str
    asked: "asyncio.Future[Any] | None"


async def early_lookup(
    request: Request, api: LiveApi, client: LiveClient | None, path_values: dict[str, str]
) -> EarlyLookup | None:
    """For a GET without a body or a file format (reading its parameters does no I/O):
    the parameters, the cache key and the cache read, sent now. None for any other call,
    and for parameters that do not parse: those are refused after the take, as always,
    so a caller over its limit still hears 429 first."""
    if request.method != "GET" or header(request.scope, b"content-length"):
        return None
    if export_format(request) is not None:
        return None
    try:
        params = await read_params(request, api, path_values)
        page = page_request(request, api)
    except SluiceError:
        return None
    state = request.app.state
    key = cache_key(api, {"params": params, "page": page}, client, state.settings.REDIS_PREFIX)
    return EarlyLookup(params, page, key, state.cache.ask(key))


async def _answer(
    request: Request,
    api: LiveApi,
    client: LiveClient | None,
    path_values: dict[str, str],
    headers: dict[str, str],
    call: Call,
    early: EarlyLookup | None = None,
) -> Response:
    state = request.app.state
    stem = api.name or api.path
    if early is not None:
        if (hit := await state.cache.get(early.key, early.asked)) is not None:
            return respond(request, hit, headers | {"X-Cache": "HIT"}, stem)
        return await _run_and_cache(
            request, api, client, early.params, early.page, early.key, headers
        )
    params = await read_params(request, api, path_values)
    page = page_request(request, api)
    fmt = export_format(request)
    if fmt is not None:
        context = client_context(client)
        streamed = await stream_export(request, api, params, page, context, fmt, headers, call)
        if streamed is not None:
            return streamed
    key = None
    if api.cache_ttl_seconds:
        key = cache_key(api, {"params": params, "page": page}, client, state.settings.REDIS_PREFIX)
    if key is not None and (hit := await state.cache.get(key)) is not None:
        return respond(request, hit, headers | {"X-Cache": "HIT"}, stem)
    return await _run_and_cache(request, api, client, params, page, key, headers)


async def _run_and_cache(
    request: Request,
    api: LiveApi,
    client: LiveClient | None,
    params: dict[str, Any],
    page: PageRequest | None,
    key: str | None,
    headers: dict[str, str],
) -> Response:
    """Run the API; a read-only result of a cached API (`key`) is stored for next time."""
    state = request.app.state
    stem = api.name or api.path
    outcome = await execute(state, api, params, page, client_context(client))
    if key is not None:
        headers = headers | {"X-Cache": "MISS"}
        if outcome.read_only:
            await state.cache.put(key, outcome.cacheable(), api.cache_ttl_seconds or 0)
    return respond(request, outcome.cacheable(), headers, stem)


def client_context(client: LiveClient | None) -> dict[str, Any] | None:
    """What templates see as `client`: its id and attributes, bound like any value."""
    if client is None:
        return None
    return {"client_id": client.client_id, "attributes": client.attributes}


def budget_for(api: LiveApi, client: LiveClient | None, ip: str | None, settings: Any) -> Budget:
    """Per client for private APIs, per IP for public ones; the stricter of the API's and
    the client's rate, else the global default (0 means no limit)."""
    rates = [
        r
        for r in (api.rate_limit_per_minute, client.rate_limit_per_minute if client else None)
        if r
    ]
    rate = min(rates) if rates else settings.FLOW_CONTROL_RATE_LIMIT_PER_MINUTE
    if not settings.FLOW_CONTROL_RATE_LIMIT_ENABLED:
        rate = 0
    concurrent = client.max_concurrent if client and client.max_concurrent is not None else None
    if concurrent is None:
        concurrent = settings.FLOW_CONTROL_MAX_CONCURRENT_PER_CLIENT
    subject = f"client:{client.client_id}" if client else f"ip:{ip}"
    return Budget(subject, api.api_id, rate, concurrent)
