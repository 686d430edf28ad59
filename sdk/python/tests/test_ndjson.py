"""Streamed exports as NDJSON: one dict a row, the file name the server suggests."""

import asyncio
import datetime

from sluice_client import AsyncClient, Client
from tests.conftest import Live


def test_an_ndjson_stream_gives_the_rows_of_the_call(live: Live) -> None:
    with Client(live.url, *live.credentials("main")) as sluice:
        products = sluice.call("sdk/products")
        with sluice.stream("sdk/products") as rows:
            streamed = list(rows)
            assert rows.columns is None
            assert rows.headers["content-type"].startswith("application/x-ndjson")
            today = datetime.datetime.now(datetime.UTC).date().isoformat()
            assert rows.filename == f"products-{today}.ndjson"
    assert streamed == products


def test_async_ndjson_stream(live: Live) -> None:
    async def main() -> list[dict[str, object]]:
        async with AsyncClient(live.url, *live.credentials("main")) as sluice:
            async with sluice.stream("sdk/tricky") as rows:
                return [row async for row in rows]

    assert asyncio.run(main()) == [{"id": 1, "note": 'say "hi", then\ngo', "gone": None}]
