"""The client token: fetched once, renewed before it expires, renewed once when refused."""

import asyncio
import time

import pytest

from sluice_client import AsyncClient, Client, Unauthorized
from tests.conftest import Calls, EarlyToken, Live


class Clock:
    """A clock the test moves: the SDK's token lifetimes read it."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_token_is_renewed_before_it_expires(live: Live, calls: Calls) -> None:
    clock = Clock()
    credentials = live.credentials("expiring")  # its tokens live 60 s
    with Client(live.url, *credentials, http_client=calls.sync_client(), clock=clock) as sluice:
        sluice.call("demo/orders", {"page_size": 1})
        clock.now += 50  # still ten seconds to go: kept
        sluice.call("demo/orders", {"page_size": 1})
        clock.now += 5  # a tenth of its life left: renewed before the call goes out
        sluice.call("demo/orders", {"page_size": 1})
    assert calls.seen == [
        ("POST", "/token/generate", 200),
        ("GET", "/demo/orders", 200),
        ("GET", "/demo/orders", 200),
        ("POST", "/token/generate", 200),
        ("GET", "/demo/orders", 200),
    ]


def test_a_revoked_token_is_renewed_once_then_raised(live: Live, calls: Calls) -> None:
    revoked = live.new_client("sdk-revoked")
    with Client(
        live.url, revoked.client_id, revoked.client_secret, http_client=calls.sync_client()
    ) as sluice:
        sluice.call("demo/orders", {"page_size": 1})
        live.admin.post(f"/api/v1/clients/{revoked.id}/secret")  # the old secret and token die
        with pytest.raises(Unauthorized) as raised:
            sluice.call("demo/orders", {"page_size": 1})
    assert calls.seen[2:] == [
        ("GET", "/demo/orders", 401),
        ("POST", "/token/generate", 401),
    ]
    assert "wrong secret" in raised.value.message


def test_concurrent_calls_share_one_token(live: Live, calls: Calls) -> None:
    async def main() -> list[object]:
        async with calls.async_client() as http:
            sluice = AsyncClient(live.url, *live.credentials("main"), http_client=http)
            answers: list[object] = await asyncio.gather(
                *(sluice.call(f"demo/products/{n}") for n in range(1, 11))
            )
            return answers

    products = asyncio.run(main())
    assert len(products) == 10
    assert calls.statuses("/token/generate") == [200]


def test_credentials_come_in_pairs(live: Live) -> None:
    with pytest.raises(ValueError, match="both"):
        Client(live.url, "cl_only")


@pytest.mark.last
def test_a_token_the_server_let_expire_is_renewed_once(early_token: EarlyToken) -> None:
    """The client's clock stood still since the suite began, so it still trusts the token
    it got then; the server expired it after 60 s. One 401, one new token, the answer."""
    time.sleep(max(0.0, early_token.fetched_at + 61 - time.monotonic()))
    orders = early_token.client.call("demo/orders", {"page_size": 1})
    assert len(orders) == 1
    assert early_token.calls.seen[2:] == [
        ("GET", "/demo/orders", 401),
        ("POST", "/token/generate", 200),
        ("GET", "/demo/orders", 200),
    ]
