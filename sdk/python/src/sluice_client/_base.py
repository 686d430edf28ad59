"""The constructor both clients share: their options, and the core they drive."""

import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from typing import Generic, TypeVar

import httpx2

from sluice_client._core import Core, Settings

Http = TypeVar("Http", httpx2.Client, httpx2.AsyncClient)


class BaseClient(Generic[Http], ABC):
    def __init__(
        self,
        base_url: str,
        client_id: str | None = None,
        client_secret: str | None = None,
        *,
        max_retries: int = 2,
        max_retry_wait: float = 30.0,
        retry_backoff: float = 0.5,
        timeout: float | None = 30.0,
        headers: Mapping[str, str] | None = None,
        http_client: Http | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """`base_url`: where the gateway answers (`https://api.example.com`, or with a
        path prefix behind a proxy). `client_id` and `client_secret`: the client app's
        credentials; without them only public APIs can be called.

        `max_retries`: how often a call answered 429 (rate or concurrency limited) or 503
        (data source unavailable) is sent again, after the answer's `Retry-After` or else
        after `retry_backoff` seconds, doubled each time; a wait longer than
        `max_retry_wait` is not made, the error is raised at once. `timeout`: seconds to
        wait for the server (each connect, read, write). `headers`: sent with every call.
        `http_client`: an httpx2 client of your own (proxies, TLS, event hooks, a
        transport); it is not closed with this one. `clock`: seconds, monotonic, used for
        token lifetimes only.
        """
        settings = Settings(
            max_retries=max_retries,
            max_retry_wait=max_retry_wait,
            retry_backoff=retry_backoff,
            timeout=timeout,
            headers=dict(headers or {}),
            clock=clock,
        )
        self._core = Core(base_url, client_id, client_secret, settings)
        self._owns_http = http_client is None
        self._http: Http = http_client if http_client is not None else self._new_http(timeout)
        self._prepare()

    def _prepare(self) -> None:
        """Set up what the I/O side keeps per client (its token lock)."""

    @abstractmethod
    def _new_http(self, timeout: float | None) -> Http:
        """The HTTP client this kind of client drives (sync or async)."""

    @property
    def base_url(self) -> str:
        return str(self._core.base_url)
