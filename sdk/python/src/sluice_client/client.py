"""`Client`: the blocking client. It runs the core's calls with httpx2's blocking I/O and
holds nothing else: one lock, so threads sharing a client fetch one token at a time."""

import threading
import time
from collections.abc import Iterator
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
from sluice_client.streams import Stream


class Client(BaseClient[httpx2.Client]):
    """Calls the APIs a Sluice gateway publishes.

    >>> with Client("http://127.0.0.1:8000", client_id, client_secret) as sluice:
    ...     orders = sluice.call("demo/orders", params={"status": "shipped"})

    The client token is fetched on the first call, reused, and renewed before it
    expires. Safe to share between threads.
    """

    def _prepare(self) -> None:
        self._token_lock = threading.Lock()

    def _new_http(self, timeout: float | None) -> httpx2.Client:
        return httpx2.Client(timeout=timeout)

    def call(
        self,
        path: str,
        params: Params | None = None,
        json: Any = None,
        *,
        method: str | None = None,
        headers: Headers | None = None,
        timeout: float | None = None,
    ) -> Any:
        """Call `/{path}` (`"module/path"`) and return the answer's `data`.

        `params` go in the query string (a None value is left out), `json` is the body;
        `method` defaults to GET, or POST with a body. Raises a `SluiceError` subclass for
        any failure, after the retries `max_retries` allows.
        """
        return self.request(
            path, params, json, method=method, headers=headers, timeout=timeout
        ).data

    def request(
        self,
        path: str,
        params: Params | None = None,
        json: Any = None,
        *,
        method: str | None = None,
        headers: Headers | None = None,
        timeout: float | None = None,
    ) -> Result:
        """As `call`, returning the whole answer: data, pagination, headers, request id."""
        exchange = self._core.call(
            path, method=method, params=params, json=json, headers=headers, timeout=timeout
        )
        return Result.from_response(self._run(exchange))

    def paginate(
        self,
        path: str,
        params: Params | None = None,
        *,
        headers: Headers | None = None,
        timeout: float | None = None,
    ) -> Iterator[Any]:
        """Every row of a paginated API, page after page (`page_size` or `limit` in
        `params` sets the page's size)."""
        query: list[tuple[str, str]] | None = encode_query(params)
        while query is not None:
            result = self.request(path, query, headers=headers, timeout=timeout)
            yield from result.rows()
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
    ) -> Stream[dict[str, Any]]: ...

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
    ) -> Stream[list[str]]: ...

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
    ) -> Stream[Any]:
        """A read API's rows as a streamed export: NDJSON rows are dicts, CSV rows lists
        of strings (the header is `stream.columns`). Use it in a `with` block, or iterate
        it to the end, so the connection is released."""

        def open() -> httpx2.Response:
            return self._run(
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

        return Stream(format, open)

    # -- running the core's exchanges --------------------------------------------------------

    def _run(self, exchange: Exchange[T]) -> T:
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
                reply = self._perform(effect)
            except httpx2.TransportError as exc:
                failure = exc

    def _perform(self, effect: Effect) -> Any:
        if isinstance(effect, Sleep):
            time.sleep(effect.seconds)
            return None
        if isinstance(effect, GetToken):
            with self._token_lock:
                token = self._core.cached_token(effect.refused)
                return token or self._run(self._core.fetch_token())
        response = self._http.send(effect.request, stream=effect.stream)
        if effect.stream and response.status_code >= 400:
            response.read()
        return response

    def close(self) -> None:
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
