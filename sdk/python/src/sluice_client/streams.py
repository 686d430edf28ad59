"""Streamed exports (`?format=ndjson` or `?format=csv`), read row by row as they arrive.

A stream sends its request when it is entered (`with` / `async with`) or first iterated,
and closes its connection when the rows run out, when the block ends, or on `close()`:
leaving early stops the server's query. The response's headers (`filename`,
`request_id`, `max_rows`) are there once it is open. A failure once rows have been sent
can only cut the body short: the server closes the connection before the end, which
raises `TransportError` here, so an export never ends early without saying so.
"""

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from email.message import Message
from types import TracebackType
from typing import Generic, Self

import httpx2

from sluice_client._core import not_a_stream
from sluice_client.errors import from_transport
from sluice_client.rows import Format, Row, RowDecoder, decoder


class _StreamState(Generic[Row]):
    def __init__(self, format: Format) -> None:
        self.format = format
        self._decoder: RowDecoder[Row] = decoder(format)
        self._response: httpx2.Response | None = None

    @property
    def response(self) -> httpx2.Response:
        """The open response (its status and headers)."""
        if self._response is None:
            raise RuntimeError("The stream is not open yet: enter it or iterate it first")
        return self._response

    @property
    def headers(self) -> httpx2.Headers:
        return self.response.headers

    @property
    def request_id(self) -> str | None:
        return self.response.headers.get("x-request-id")

    @property
    def filename(self) -> str | None:
        """The file name the server suggests (`Content-Disposition`), e.g. `orders-2025-01-31.csv`."""
        disposition = self.response.headers.get("content-disposition")
        if not disposition:
            return None
        message = Message()
        message["content-disposition"] = disposition
        return message.get_filename()

    @property
    def max_rows(self) -> int | None:
        """The server's cap on a stream's rows (`X-Max-Rows`), when it has one: a stream
        that brought exactly this many rows was cut there."""
        value = self.response.headers.get("x-max-rows")
        return int(value) if value and value.isdigit() else None

    @property
    def columns(self) -> list[str] | None:
        """A CSV stream's header, once the first row has been read; None for NDJSON."""
        return self._decoder.columns


class Stream(_StreamState[Row]):
    """The rows of a streamed export: dicts for NDJSON, lists of strings for CSV."""

    def __init__(self, format: Format, open: Callable[[], httpx2.Response]) -> None:
        super().__init__(format)
        self._open = open

    def open(self) -> httpx2.Response:
        if self._response is None:
            response = self._open()
            error = not_a_stream(response, self.format)
            if error is not None:
                response.close()
                raise error
            self._response = response
        return self._response

    def __enter__(self) -> Self:
        self.open()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __iter__(self) -> Iterator[Row]:
        response = self.open()
        try:
            for text in response.iter_text():
                yield from self._decoder.feed(text)
            yield from self._decoder.end()
        except httpx2.TransportError as exc:
            raise from_transport(exc, response.request) from exc
        finally:
            response.close()

    def iter_bytes(self) -> Iterator[bytes]:
        """The body as it comes, undecoded (to save an export to a file as is)."""
        response = self.open()
        try:
            yield from response.iter_bytes()
        except httpx2.TransportError as exc:
            raise from_transport(exc, response.request) from exc
        finally:
            response.close()

    def close(self) -> None:
        if self._response is not None:
            self._response.close()


class AsyncStream(_StreamState[Row]):
    """`Stream` for `AsyncClient`: `async with` and `async for`."""

    def __init__(self, format: Format, open: Callable[[], Awaitable[httpx2.Response]]) -> None:
        super().__init__(format)
        self._open = open

    async def open(self) -> httpx2.Response:
        if self._response is None:
            response = await self._open()
            error = not_a_stream(response, self.format)
            if error is not None:
                await response.aclose()
                raise error
            self._response = response
        return self._response

    async def __aenter__(self) -> Self:
        await self.open()
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def __aiter__(self) -> AsyncIterator[Row]:
        return self._rows()

    async def _rows(self) -> AsyncIterator[Row]:
        response = await self.open()
        try:
            async for text in response.aiter_text():
                for row in self._decoder.feed(text):
                    yield row
            for row in self._decoder.end():
                yield row
        except httpx2.TransportError as exc:
            raise from_transport(exc, response.request) from exc
        finally:
            await response.aclose()

    async def aiter_bytes(self) -> AsyncIterator[bytes]:
        """The body as it comes, undecoded."""
        response = await self.open()
        try:
            async for chunk in response.aiter_bytes():
                yield chunk
        except httpx2.TransportError as exc:
            raise from_transport(exc, response.request) from exc
        finally:
            await response.aclose()

    async def aclose(self) -> None:
        if self._response is not None:
            await self._response.aclose()
