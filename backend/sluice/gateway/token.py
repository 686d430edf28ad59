"""`POST /token/generate` (and `/api/token/generate`): client credentials for a client JWT.

Checked against the live registry (an HMAC comparison, no store read), throttled per
client id and per caller IP. A refusal is confirmed against the store first, so a client
created or a secret regenerated through another process works at once.
"""

from typing import Any

import orjson
from fastapi import APIRouter, Request, Response

from sluice.errors import BadRequest, SluiceError, Unauthorized
from sluice.gateway.errors import error_response
from sluice.gateway.firewall import client_ip
from sluice.http import FastJSONResponse
from sluice.models.client import ClientToken, TokenRequest
from sluice.security import client_secret_matches, create_client_token
from sluice.services.registry import LiveClient

router = APIRouter(tags=["token"])


async def _credentials(request: Request) -> TokenRequest:
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    try:
        if kind in ("application/x-www-form-urlencoded", "multipart/form-data"):
            data: Any = dict((await request.form()).items())
        else:
            data = orjson.loads(await request.body())
        return TokenRequest.model_validate(data)
    except ValueError:
        raise BadRequest("Send client_id and client_secret as JSON or a form") from None


@router.post("/token/generate", include_in_schema=False)
@router.post("/api/token/generate", include_in_schema=False)
async def generate_token(request: Request) -> Response:
    """Documented in the gateway's own OpenAPI document, with the APIs it unlocks."""
    try:
        return await _issue(request)
    except SluiceError as error:
        return error_response(error)


async def _issue(request: Request) -> Response:
    state = request.app.state
    credentials = await _credentials(request)
    ip = client_ip(request, state.settings.TRUSTED_PROXY_COUNT)
    keys = {"client": credentials.client_id, "ip": str(ip)}
    state.token_throttle.check(keys, "Too many token requests; try again later")
    state.token_throttle.hit(keys)
    client = _verified(state, credentials)
    if client is None and await state.registry.confirm():
        client = _verified(state, credentials)
    if client is None:
        raise Unauthorized("Unknown client, wrong secret or disabled client")
    expires_in = client.token_expire_seconds or state.settings.GATEWAY_JWT_EXPIRE_SECONDS
    token = create_client_token(
        client.client_id, client.generation, state.client_token_key, expires_in
    )
    body = ClientToken(access_token=token, expires_in=expires_in)
    return FastJSONResponse(body.model_dump(), headers={"Cache-Control": "no-store"})


def _verified(state: Any, credentials: TokenRequest) -> LiveClient | None:
    """The active client these credentials open in the current registry, if any."""
    client = state.registry.current.clients.get(credentials.client_id)
    if client is None or not client.is_active:
        return None
    matches = client_secret_matches(
        credentials.client_secret, client.secret_hash, state.client_secret_key
    )
    return client if matches else None
