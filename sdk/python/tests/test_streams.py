"""Streamed exports read row by row: CSV rows as lists of strings under their header."""

import asyncio

import pytest

from sluice_client import AsyncClient, Client, Unauthorized
from tests.conftest import Live


def test_a_csv_stream_gives_the_rows_of_the_call(live: Live) -> None:
    with Client(live.url, *live.credentials("main")) as sluice:
        products = sluice.call("sdk/products")
        with sluice.stream("sdk/products", format="csv") as rows:
            streamed = list(rows)
            assert rows.columns == ["id", "name", "category"]
            assert rows.headers["content-type"].startswith("text/csv")
            assert rows.request_id
    assert streamed == [[str(p["id"]), p["name"], p["category"]] for p in products]


def test_csv_values_with_quotes_commas_and_line_breaks(live: Live) -> None:
    with Client(live.url, *live.credentials("main")) as sluice:
        rows = sluice.stream("sdk/tricky", format="csv")
        assert list(rows) == [["1", 'say "hi", then\ngo', ""]]
        assert rows.columns == ["id", "note", "gone"]


def test_leaving_a_stream_early_closes_it(live: Live) -> None:
    with Client(live.url, *live.credentials("main")) as sluice:
        with sluice.stream("sdk/products", format="csv") as rows:
            first = next(iter(rows))
        assert first[0] == "1"
        assert rows.response.is_closed
        assert sluice.call("sdk/tricky")[0]["id"] == 1  # the client goes on


def test_the_raw_bytes_of_an_export(live: Live) -> None:
    with Client(live.url, *live.credentials("main")) as sluice:
        body = b"".join(sluice.stream("sdk/tricky", format="csv").iter_bytes())
    assert body.decode().splitlines()[0] == "id,note,gone"


def test_a_refused_stream_raises_before_any_row(live: Live) -> None:
    with Client(live.url) as anonymous:
        with pytest.raises(Unauthorized) as raised:
            with anonymous.stream("sdk/products", format="csv"):
                raise AssertionError("never entered")
    assert raised.value.request_id


def test_async_csv_stream(live: Live) -> None:
    async def main() -> tuple[list[list[str]], list[str] | None]:
        async with AsyncClient(live.url, *live.credentials("main")) as sluice:
            async with sluice.stream("sdk/products", format="csv") as rows:
                return [row async for row in rows], rows.columns

    streamed, columns = asyncio.run(main())
    assert columns == ["id", "name", "category"]
    assert streamed and all(len(row) == 3 for row in streamed)


def test_an_unknown_format_is_refused_before_sending(live: Live) -> None:
    with Client(live.url) as sluice:
        with pytest.raises(ValueError, match="format"):
            sluice.stream("sdk/products", format="xml")  # type: ignore[call-overload]
