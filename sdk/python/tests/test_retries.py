"""429 and 503 answers: waited for (`Retry-After`, else a growing backoff), a bounded
number of times, then raised."""

import asyncio
import time

import pytest

from sluice_client import (
    AsyncClient,
    Client,
    ConcurrencyLimited,
    DatasourceUnavailable,
    RateLimited,
)
from tests.conftest import Calls, Live


def exhaust(live: Live, path: str) -> RateLimited:
    """Call as the `limited` client (60 a minute) until the gateway refuses; its error.

    The client under test has its token already, so its call follows at once: the budget
    gives a call back a second later, which a slow token request could reach."""
    with Client(live.url, *live.credentials("limited"), max_retries=0) as sluice:
        for _ in range(200):
            try:
                sluice.call(path)
            except RateLimited as refused:
                return refused
    raise AssertionError("never rate limited")


def test_a_rate_limited_call_is_sent_again_after_retry_after(live: Live, calls: Calls) -> None:
    credentials = live.credentials("limited")
    with Client(live.url, *credentials, http_client=calls.sync_client()) as sluice:
        sluice.call("sdk/tricky")  # the token
        refused = exhaust(live, "demo/products/1")
        started = time.monotonic()
        product = sluice.call("demo/products/1")
        waited = time.monotonic() - started
    assert refused.status == 429 and refused.code == "rate_limited"
    assert refused.retry_after is not None and 1 <= refused.retry_after <= 2
    assert refused.request_id
    assert product["id"] == 1
    assert calls.statuses("/demo/products/1") == [429, 200]
    assert refused.retry_after - 0.2 <= waited < refused.retry_after + 2


def test_a_wait_longer_than_max_retry_wait_is_not_made(live: Live, calls: Calls) -> None:
    credentials = live.credentials("limited")
    with Client(
        live.url, *credentials, max_retry_wait=0.5, http_client=calls.sync_client()
    ) as sluice:
        sluice.call("sdk/tricky")
        exhaust(live, "demo/products/2")
        started = time.monotonic()
        with pytest.raises(RateLimited):
            sluice.call("demo/products/2")
        assert time.monotonic() - started < 0.5
    assert calls.statuses("/demo/products/2") == [429]


def test_an_unavailable_data_source_is_retried_with_backoff(live: Live, calls: Calls) -> None:
    credentials = live.credentials("main")
    with Client(
        live.url, *credentials, max_retries=2, retry_backoff=0.1, http_client=calls.sync_client()
    ) as sluice:
        started = time.monotonic()
        with pytest.raises(DatasourceUnavailable):
            sluice.call("sdk/offline")
    assert calls.statuses("/sdk/offline") == [503, 503, 503]
    assert time.monotonic() - started >= 0.1 + 0.2  # the backoff doubles


def test_async_a_rate_limited_call_is_sent_again(live: Live, calls: Calls) -> None:
    async def main() -> tuple[RateLimited, object, float]:
        async with calls.async_client() as http:
            sluice = AsyncClient(live.url, *live.credentials("limited"), http_client=http)
            await sluice.call("sdk/tricky")  # the token
            refused = exhaust(live, "demo/products/3")
            started = time.monotonic()
            product = await sluice.call("demo/products/3")
            return refused, product, time.monotonic() - started

    refused, product, waited = asyncio.run(main())
    assert isinstance(product, dict) and product["id"] == 3
    assert calls.statuses("/demo/products/3") == [429, 200]
    assert refused.retry_after is not None and waited >= refused.retry_after - 0.2


def test_async_concurrency_limited_calls_wait_their_turn(live: Live, calls: Calls) -> None:
    """The `single` client may have one call in flight: of two at once, one is refused
    (429 concurrency_limited) unless it may retry, and then both get their answer."""

    async def twice(retries: int) -> list[object]:
        async with calls.async_client() as http:
            sluice = AsyncClient(
                live.url, *live.credentials("single"), max_retries=retries, http_client=http
            )
            await sluice.call("sdk/products")  # the token first, so both calls start together
            both = (sluice.call("sdk/slow") for _ in range(2))
            answers: list[object] = await asyncio.gather(*both, return_exceptions=True)
            return answers

    refused = asyncio.run(twice(retries=0))
    assert sorted(type(answer).__name__ for answer in refused) == ["ConcurrencyLimited", "list"]
    error = next(a for a in refused if isinstance(a, ConcurrencyLimited))
    assert error.status == 429 and error.code == "concurrency_limited" and error.request_id
    assert isinstance(error, RateLimited)

    calls.seen.clear()
    answered = asyncio.run(twice(retries=5))
    assert answered[0] == answered[1] == [{"counted": 1500000}]
    assert calls.statuses("/sdk/slow").count(429) >= 1
