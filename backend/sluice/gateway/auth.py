"""Stages: authenticate the client of a private API, then check it may call this API.

A verified token is remembered (keyed by the token itself) until it expires, so the
signature is checked once per token, not once per call. Revocation does not wait for
that: each call compares the token's generation and the client's state with the live
registry, which every change refreshes; a refusal the registry decides is a `Refusal`,
which the pipeline confirms against the store before it answers.
"""

import time
from dataclasses import dataclass

from fastapi import Request

from sluice.errors import Forbidden, Unauthorized
from sluice.gateway.firewall import Address
from sluice.http import header
from sluice.security import decode_client_token
from sluice.services.registry import LiveApi, LiveClient, Refusal, Registry


class ClientRefused(Refusal, Unauthorized):
    pass


class AccessRefused(Refusal, Forbidden):
    pass


@dataclass(frozen=True)
class Claims:
    client_id: str
    generation: int
    expires_at: int


class TokenCache:
    """Verified tokens, bounded; cleared whole when full (cheap, and rare)."""

    def __init__(self, key: bytes, size: int = 10_000) -> None:
        self._key, self._size = key, size
        self._seen: dict[str, Claims] = {}

    def claims(self, token: str) -> Claims:
        found = self._seen.get(token)
        if found is None:
            found = Claims(*decode_client_token(token, self._key))
            if len(self._seen) >= self._size:
                self._seen.clear()
            self._seen[token] = found
        elif found.expires_at <= time.time():
            self._seen.pop(token, None)
            raise Unauthorized("Token has expired")
        return found


def bearer(request: Request) -> str:
    scheme, _, token = header(request.scope, b"authorization").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("This API needs a client token: Authorization: Bearer <token>")
    return token.strip()


def authenticate(request: Request, registry: Registry, tokens: TokenCache) -> LiveClient:
    claims = tokens.claims(bearer(request))
    client = registry.clients.get(claims.client_id)
    if client is None or not client.is_active:
        raise ClientRefused("This client is unknown or disabled")
    if claims.generation != client.generation:
        raise ClientRefused("This token was revoked; request a new one")
    return client


def check_access(registry: Registry, api: LiveApi, client: LiveClient, ip: Address | None) -> None:
    if not client.allows_ip(ip):
        raise AccessRefused("This client may not call from this address")
    if not registry.allows(client, api.api_id):
        raise AccessRefused("This client may not call this API")
