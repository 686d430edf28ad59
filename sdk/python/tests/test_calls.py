"""Calls as an app makes them: data back, the whole answer when wanted, pages, bodies."""

import datetime

import pytest

from sluice_client import Client, Pagination
from tests.conftest import Calls, Live


def test_call_returns_the_data_of_a_private_api(live: Live, calls: Calls) -> None:
    with Client(live.url, *live.credentials("main"), http_client=calls.sync_client()) as sluice:
        orders = sluice.call("demo/orders", params={"status": "shipped", "page_size": 3})
        again = sluice.call("/demo/orders", {"status": "shipped", "page_size": 3})
    assert len(orders) == 3
    assert {order["status"] for order in orders} == {"shipped"}
    assert again == orders
    assert calls.statuses("/token/generate") == [200]  # one token for both calls
    assert calls.statuses("/demo/orders") == [200, 200]


def test_a_public_api_needs_no_credentials(live: Live, calls: Calls) -> None:
    with Client(live.url, http_client=calls.sync_client()) as sluice:
        books = sluice.call("demo/products", {"category": "books", "in_stock": True})
    assert books and all(p["category"] == "books" and p["stock"] > 0 for p in books)
    assert calls.statuses("/token/generate") == []


def test_request_gives_the_whole_answer(live: Live) -> None:
    with Client(live.url, *live.credentials("main")) as sluice:
        first = sluice.request("demo/orders", {"page_size": 2, "page": 1})
        cached = [sluice.request("demo/stats/categories") for _ in range(2)]
    assert first.pagination is not None
    assert first.pagination == Pagination(
        limit=2, offset=0, total=first.pagination.total, has_more=True, page=1, page_size=2
    )
    assert first.request_id and len(first.data) == 2
    assert first.status_code == 200 and first.message is None and not first.truncated
    assert [result.cache for result in cached][-1] == "HIT"
    with Client(live.url) as anonymous:
        public = anonymous.request("demo/products", {"page_size": 1})
    assert public.rate_limit is not None and public.rate_limit.limit == 120


def test_paginate_walks_every_page(live: Live) -> None:
    with Client(live.url, *live.credentials("main")) as sluice:
        every = sluice.call("demo/customers", {"limit": 1000})
        paged = list(sluice.paginate("demo/customers", {"limit": 7}))
        by_page = list(sluice.paginate("demo/orders", {"status": "new", "page_size": 9}))
        total = sluice.request("demo/orders", {"status": "new"}).pagination
    assert paged == every
    assert total is not None and len(by_page) == total.total > 9
    assert len({order["id"] for order in by_page}) == total.total


def test_a_body_with_dates_and_lists(live: Live) -> None:
    with Client(live.url, *live.credentials("main")) as sluice:
        echoed = sluice.call(
            "sdk/echo", json={"day": datetime.date(2025, 1, 31), "tags": ("a", "b")}
        )
        created = sluice.call("demo/orders", json={"customer_id": 1, "status": "paid"})
    assert echoed == {"day": "2025-01-31", "tags": ["a", "b"]}
    assert created[0]["customer_id"] == 1 and created[0]["status"] == "paid"


def test_query_values_are_encoded_as_the_gateway_reads_them(live: Live) -> None:
    with Client(live.url) as sluice:
        cheap = sluice.call(
            "demo/products",
            {"max_price_cents": 1000, "in_stock": False, "q": None, "page_size": 1000},
        )
        every = sluice.call("demo/products", {"page_size": 1000})
    assert cheap == [p for p in every if p["price_cents"] <= 1000]


def test_a_path_that_leaves_the_base_url_is_refused(live: Live, calls: Calls) -> None:
    """So a path built from input cannot send the client's token elsewhere."""
    credentials = live.credentials("main")
    with Client(f"{live.url}/gateway", *credentials, http_client=calls.sync_client()) as sluice:
        for path in ("http://127.0.0.2:9/steal", "../api/v1/users", "demo/../../x"):
            with pytest.raises(ValueError, match="not a path under"):
                sluice.call(path)
    assert calls.seen == []  # not even a token was asked for
