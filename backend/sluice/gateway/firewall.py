"""Stage: who is calling from where. The client IP behind TRUSTED_PROXY_COUNT proxies,
the global deny and allow lists, and (after auth) the client's own allowed networks."""

from functools import lru_cache
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network

from fastapi import Request

from sluice.errors import Forbidden
from sluice.http import client_host

Address = IPv4Address | IPv6Address
Network = IPv4Network | IPv6Network


def client_ip(request: Request, trusted_proxies: int) -> Address | None:
    """The caller's address (`http.client_host`), parsed."""
    return parse_ip(client_host(request, trusted_proxies))


@lru_cache(maxsize=4096)
def parse_ip(text: str) -> Address | None:
    """Parsed once per address seen recently: callers repeat, and parsing is not free."""
    try:
        return ip_address(text)
    except ValueError:
        return None


@lru_cache(maxsize=4096)
def address_text(ip: Address) -> str:
    """The address as text, once per address: `str()` of an ip_address object is slow."""
    return str(ip)


@lru_cache(maxsize=64)
def networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ip_network(e, strict=False) for e in entries)


def check_global(ip: Address | None, allow: tuple[str, ...], deny: tuple[str, ...]) -> None:
    if not allow and not deny:
        return
    if ip is not None and any(ip in n for n in networks(deny)):
        raise Forbidden("Calls from this address are refused")
    if allow and (ip is None or not any(ip in n for n in networks(allow))):
        raise Forbidden("Calls from this address are not allowed")
