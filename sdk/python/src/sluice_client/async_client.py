"""`AsyncClient`: the asyncio client. It runs the core's calls with httpx2's async I/O and
holds nothing else: one lock, so concurrent tasks fetch one token at a time."""

import asyncio
from collections.abc import AsyncIterator
from typing import Any, Literal, Self, overload

import httpx2

from sluice_client._base import BaseClient
from sluice_client._core import (
    Effect,
    Exchange,
    GetToken,
    Headers,
    Params,
    Sleep,
    T,
    encode_query,
    next_page,
)
from sluice_client.result import Result
from sluice_client.rows import Format
from sluice_client.streams import AsyncStream


class AsyncClient(BaseClient[httpx2.AsyncClient]):
    """`Client` for asyncio: the same methods, awaited.

    >>> async with AsyncClient("http://127.0.0.1:8000", client_id, client_secret) as sluice:
    ...     orders = await sluice.call("demo/orders", params={"status": "shipped"})
    """

    def _prepare(self) -> None:
        self._token_lock = asyncio.Lock()

    def _new_http(self, timeout: float | None) -> httpx2.AsyncClient:
        return httpx2.AsyncClient(timeout=timeout)

    async def call(
        self,
        path: str,
        params: Params | None = None,
        json: Any = None,
        *,
        method: str | None = None,
        headers: Headers | None = None,
        timeout: float | None = None,
    ) -> Any:
        """See `Client.call`."""
        result = await self.request(
            path, params, json, method=method, headers=headers, timeout=timeout
        )
        return result.data

    async def request(
        self,
        path: str,
        params: Params | None = None,
        json: Any = None,
        *,
        method: str | None = None,
        headers: Headers | None = None,
        timeout: float | None = None,
    ) -> Result:
        """See `Client.request`."""
        exchange = self._core.call(
            path, method=method, params=params, json=json, headers=headers, timeout=timeout
        )
        return Result.from_response(await self._run(exchange))

    async def paginate(
        self,
        path: str,
        params: Params | None = None,
        *,
        headers: Headers | None = None,
        timeout: float | None = None,
    ) -> AsyncIterator[Any]:
        """See `Client.paginate`."""
        query: list[tuple[str, str]] | None = encode_query(params)
        while query is not None:
            result = await self.request(path, query, headers=headers, timeout=timeout)
            for row in result.rows():
                yield row
            query = next_page(query, result)

    @overload
    def stream(
        self,
        path: str,
        params: Params | None = None,
        json: Any = None,
        *,
        format: Literal["ndjson"] = "ndjson",
        method: str | None = None,
        headers: Headers | None = None,
        timeout: float | None = None,
    ) -> AsyncStream[dict[str, Any]]: ...

    @overload
    def stream(
        self,
        path: str,
        params: Params | None = None,
        json: Any = None,
        *,
        format: Literal["csv"],
        method: str | None = None,
        headers: Headers | None = None,
        timeout: float | None = None,
    ) -> AsyncStream[list[str]]: ...

    def stream(
        self,
        path: str,
        params: Params | None = None,
        json: Any = None,
        *,
        format: Format = "ndjson",
        method: str | None = None,
        headers: Headers | None = None,
        timeout: float | None = None,
    ) -> AsyncStream[Any]:
        """See `Client.stream`; use it with `async with` and `async for`."""

        async def open() -> httpx2.Response:
            return await self._run(
                self._core.stream(
                    path,
                    format,
                    params,
                    json=json,
                    method=method,
                    headers=headers,
                    timeout=timeout,
                )
            )

        return AsyncStream(format, open)

    # -- running the core's exchanges --------------------------------------------------------

    async def _run(self, exchange: Exchange[T]) -> T:
        reply: Any = None
        failure: httpx2.TransportError | None = None
        while True:
            try:
                effect = exchange.send(reply) if failure is None else exchange.throw(failure)
            except StopIteration as done:
                value: T = done.value
                return value
            reply, failure = None, None
            try:
                reply = await self._perform(effect)
            except httpx2.TransportError as exc:
                failure = exc

    async def _perform(self, effect: Effect) -> Any:
        if isinstance(effect, Sleep):
            await asyncio.sleep(effect.seconds)
            return None
        if isinstance(effect, GetToken):
            async with self._token_lock:
                token = self._core.cached_token(effect.refused)
                return token or await self._run(self._core.fetch_token())
        response = await self._http.send(effect.request, stream=effect.stream)
        if effect.stream and response.status_code >= 400:
            await response.aread()
        return response

    async def aclose(self) -> None:
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()
