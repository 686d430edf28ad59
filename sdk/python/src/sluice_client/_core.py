"""What both clients share: every rule of a call, and no I/O.

A call is written once, as a generator that yields what it needs done (send this request,
sleep this long, hand me a token) and is sent back the outcome. `Client` runs it with
blocking I/O and `AsyncClient` with asyncio (`_drive`); the request building, response
parsing, error mapping, token state and retry decisions all live here, so the two cannot
drift apart.
"""

import dataclasses
import datetime
import decimal
import json as jsonlib
import time
import uuid
from collections.abc import Callable, Generator, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeAlias, TypeVar

import httpx2

from sluice_client.errors import (
    UnexpectedResponse,
    from_response,
    from_transport,
    parse_retry_after,
)
from sluice_client.result import Result

__version__ = "0.1.0"

T = TypeVar("T")
Params: TypeAlias = Mapping[str, Any] | Iterable[tuple[str, Any]]
"""Query parameters: a mapping or (key, value) pairs; see `encode_query`."""
Headers: TypeAlias = Mapping[str, str | None]


@dataclass(frozen=True)
class Send:
    """Send this request (`stream`: leave the body unread unless it is an error)."""

    request: httpx2.Request
    stream: bool = False


@dataclass(frozen=True)
class Sleep:
    seconds: float


@dataclass(frozen=True)
class GetToken:
    """A valid client token; not `refused`, which the gateway has just turned down."""

    refused: str | None = None


Effect: TypeAlias = Send | Sleep | GetToken
Exchange: TypeAlias = Generator[Effect, Any, T]
"""A call's steps: yields effects, is sent their outcome (a response, a token, None),
returns the call's value."""


@dataclass(frozen=True)
class Token:
    value: str
    renew_at: float
    """When (on the client's clock) to get a new one: a tenth of its life before it
    expires, at most a minute before, so a call never leaves with a token about to die."""


@dataclass(frozen=True)
class Settings:
    """How a client behaves; the keyword arguments of `Client` and `AsyncClient`."""

    max_retries: int = 2
    """Retries of a call answered 429 or 503 (0: none)."""
    max_retry_wait: float = 30.0
    """The longest single wait; a `Retry-After` longer than this is raised at once."""
    retry_backoff: float = 0.5
    """The first wait when the answer gives no `Retry-After`; doubled on each retry."""
    timeout: float | None = 30.0
    """Seconds to wait for the server (connect, each read, each write); None: forever."""
    headers: Mapping[str, str] = dataclasses.field(default_factory=dict)
    """Sent with every call."""
    clock: Callable[[], float] = time.monotonic
    """Seconds, for token lifetimes: a seam for tests, not a wall clock."""


RETRIED_STATUSES = frozenset({429, 503})
STREAM_TYPES = {"ndjson": "application/x-ndjson", "csv": "text/csv"}


class Core:
    def __init__(
        self,
        base_url: str,
        client_id: str | None,
        client_secret: str | None,
        settings: Settings,
    ) -> None:
        if (client_id is None) != (client_secret is None):
            raise ValueError("give both client_id and client_secret, or neither")
        if settings.max_retries < 0 or settings.max_retry_wait < 0:
            raise ValueError("max_retries and max_retry_wait cannot be negative")
        self.base_url = httpx2.URL(base_url.rstrip("/") + "/")
        self.credentials = (client_id, client_secret) if client_id and client_secret else None
        self.settings = settings
        self.token: Token | None = None
        agent = f"sluice-client/{__version__} httpx2/{httpx2.__version__}"
        self.headers = {"User-Agent": agent, "Accept": "application/json", **settings.headers}

    # -- the client token ----------------------------------------------------------------

    def cached_token(self, refused: str | None = None) -> str | None:
        """The cached token while it is fresh and is not `refused`."""
        token = self.token
        if token is None or token.value == refused or self.settings.clock() >= token.renew_at:
            return None
        return token.value

    def fetch_token(self) -> Exchange[str]:
        """`POST /token/generate`, then cache the token."""
        assert self.credentials is not None
        client_id, client_secret = self.credentials
        body = {"client_id": client_id, "client_secret": client_secret}
        request = httpx2.Request(
            "POST", self.url("token/generate"), headers=self.headers, json=body
        )
        started = self.settings.clock()
        response = yield from self.send(request)
        if response.status_code >= 400:
            raise from_response(response)
        answer = response.json()
        life = float(answer["expires_in"])
        self.token = Token(answer["access_token"], started + life - min(60.0, life / 10))
        return self.token.value

    # -- calls -----------------------------------------------------------------------------

    def call(
        self,
        path: str,
        *,
        method: str | None = None,
        params: Params | None = None,
        json: Any = None,
        headers: Headers | None = None,
        timeout: float | None = None,
        stream: bool = False,
    ) -> Exchange[httpx2.Response]:
        """One gateway call: a token when the client has credentials, retries on 429 and
        503, one new token when a token is refused (401), and the error of a failure."""
        url = self.url(path)  # before the token: a path that leaves the base URL gets none
        token = (yield GetToken()) if self.credentials else None
        request = self.request(url, method, params, json, headers, token, timeout)
        response = yield from self.send(request, stream)
        if response.status_code == 401 and token is not None:
            token = yield GetToken(refused=token)
            request = self.request(url, method, params, json, headers, token, timeout)
            response = yield from self.send(request, stream)
        if response.status_code >= 400:
            raise from_response(response)
        return response

    def stream(
        self,
        path: str,
        format: str,
        params: Params | None,
        headers: Headers | None = None,
        **call: Any,
    ) -> Exchange[httpx2.Response]:
        """A call whose answer is a streamed export (`?format=`), its body left unread."""
        query = [*encode_query(params), ("format", format)]
        accept = {"Accept": STREAM_TYPES.get(format, "*/*"), **(headers or {})}
        return self.call(path, params=query, headers=accept, stream=True, **call)

    def send(self, request: httpx2.Request, stream: bool = False) -> Exchange[httpx2.Response]:
        """Send, waiting and sending again while the answer is a 429 or 503 that may be
        retried; the transport's errors become `TransportError`."""
        for attempt in range(self.settings.max_retries + 1):
            try:
                response: httpx2.Response = yield Send(request, stream)
            except httpx2.TransportError as exc:
                raise from_transport(exc, request) from exc
            wait = self.retry_wait(response, attempt)
            if wait is None:
                break
            yield Sleep(wait)
        return response

    def retry_wait(self, response: httpx2.Response, attempt: int) -> float | None:
        """How long to wait before retrying this answer; None: do not retry it."""
        settings = self.settings
        if response.status_code not in RETRIED_STATUSES or attempt >= settings.max_retries:
            return None
        wait = parse_retry_after(response.headers.get("retry-after"))
        if wait is None:
            wait = settings.retry_backoff * 2**attempt
        return wait if wait <= settings.max_retry_wait else None

    # -- building requests -----------------------------------------------------------------

    def url(self, path: str) -> httpx2.URL:
        """`path` under the base URL; a path that would leave it (an absolute URL, `..`)
        is refused, so a path built from input never sends the token elsewhere."""
        url = self.base_url.join(path.lstrip("/"))
        if not str(url.copy_with(query=None)).startswith(str(self.base_url)):
            raise ValueError(f"{path!r} is not a path under {self.base_url}")
        return url

    def request(
        self,
        url: httpx2.URL,
        method: str | None,
        params: Params | None,
        json: Any,
        headers: Headers | None,
        token: str | None,
        timeout: float | None,
    ) -> httpx2.Request:
        """The request of a call: `method` defaults to GET, or POST when there is a body."""
        sent = self.headers | {k: v for k, v in (headers or {}).items() if v is not None}
        content = None
        if json is not None:
            content = encode_json(json)
            sent.setdefault("Content-Type", "application/json")
        if token is not None:
            sent["Authorization"] = f"Bearer {token}"
        extensions = {} if timeout is None else {"timeout": httpx2.Timeout(timeout).as_dict()}
        return httpx2.Request(
            (method or ("GET" if json is None else "POST")).upper(),
            url,
            params=tuple(encode_query(params)),
            headers=sent,
            content=content,
            extensions=extensions,
        )


def not_a_stream(response: httpx2.Response, format: str) -> UnexpectedResponse | None:
    """The error to raise (after closing it) when a stream's answer is the JSON envelope:
    a server or an API that does not stream this format."""
    if not response.headers.get("content-type", "").startswith("application/json"):
        return None
    return UnexpectedResponse(
        f"The server answered JSON to format={format}: it does not stream that format",
        status=response.status_code,
        request_id=response.headers.get("x-request-id"),
        headers=response.headers,
    )


def next_page(query: list[tuple[str, str]], result: Result) -> list[tuple[str, str]] | None:
    """The query of the page after `result`'s; None after the last page."""
    if result.pagination is None or not result.pagination.has_more:
        return None
    following = result.pagination.next_params()
    kept = [(key, value) for key, value in query if key not in following]
    return kept + [(key, str(value)) for key, value in following.items()]


def encode_query(params: Params | None) -> list[tuple[str, str]]:
    """Query pairs as the gateway reads them: None leaves the key out, booleans are
    `true`/`false`, dates ISO 8601, a list or tuple repeats the key, a dict is JSON."""
    pairs = params.items() if isinstance(params, Mapping) else (params or ())
    encoded = []
    for key, value in pairs:
        values = value if isinstance(value, list | tuple | set | frozenset) else (value,)
        encoded += [(key, _text(item)) for item in values if item is not None]
    return encoded


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return encode_json(value).decode()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value)


def encode_json(value: Any) -> bytes:
    """JSON that also takes dates and times (ISO 8601), decimals (numbers), UUIDs, sets
    and dataclasses."""
    text = jsonlib.dumps(value, default=_jsonable, separators=(",", ":"), allow_nan=False)
    return text.encode()


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, set | frozenset):
        return list(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")
