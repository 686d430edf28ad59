"""The parent's side of a script's `db`, `tx`, `http` and `cache` calls.

The gateway builds one `Host` per call with what that API may touch: its data source's
connector, a cache backend and namespace, the HTTP allow-list, the allowed environment
and the data source's description. `ScriptPool.run` opens a `HostSession` on it, which
answers the worker's RPC frames. Everything a worker sends is untrusted: each request is
checked (names, types, sizes) before it is carried out, and the answer is plain JSON data.
A failure the script may see becomes `HostCallError` (its message is safe to show);
anything else is logged and reported to the script as an internal error.
"""

import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import urlsplit

import httpx2
import orjson
import redis.asyncio as aioredis

from sluice.connectors.base import ConnectionConfig, Connector, Transaction
from sluice.engines.whole_table import WholeTableWrite, WriteGuard
from sluice.errors import SluiceError

logger = logging.getLogger(__name__)

MAX_KEY_CHARS = 250
_SECRET_WORDS = ("password", "secret", "token", "key")


class HostCallError(Exception):
    """A refused or failed host call; the message goes back to the script."""


class CacheBackend(Protocol):
    async def get(self, key: str) -> tuple[bool, Any]: ...
    async def set(self, key: str, value: Any, ttl: float | None) -> None: ...
    async def delete(self, key: str) -> None: ...
    async def incr(self, key: str, amount: int) -> int: ...


class MemoryCache:
    """A process-local cache (the default without Redis), bounded in entries."""

    def __init__(self, max_entries: int = 10_000, clock: Callable[[], float] = time.monotonic):
        self._items: dict[str, tuple[Any, float | None]] = {}
        self._max_entries = max_entries
        self._clock = clock

    async def get(self, key: str) -> tuple[bool, Any]:
        item = self._items.get(key)
        if item is None or (item[1] is not None and item[1] <= self._clock()):
            self._items.pop(key, None)
            return False, None
        return True, item[0]

    async def set(self, key: str, value: Any, ttl: float | None) -> None:
        if len(self._items) >= self._max_entries and key not in self._items:
            self._items.pop(next(iter(self._items)))
        self._items[key] = (value, None if ttl is None else self._clock() + ttl)

    async def delete(self, key: str) -> None:
        self._items.pop(key, None)

    async def incr(self, key: str, amount: int) -> int:
        found, value = await self.get(key)
        current = value if found else 0
        if type(current) is not int:
            raise HostCallError("cache.incr: the value is not an integer")
        expires = self._items[key][1] if found else None
        self._items[key] = (current + amount, expires)
        return current + amount


class RedisCache:
    """Values as JSON text under `<REDIS_PREFIX>:script:<namespace>:<key>`, shared by every
    process of one deployment."""

    def __init__(self, client: "aioredis.Redis", prefix: str = "sluice") -> None:
        self._client = client
        self._prefix = f"{prefix}:script:"

    async def get(self, key: str) -> tuple[bool, Any]:
        raw = await self._client.get(self._prefix + key)
        return (False, None) if raw is None else (True, orjson.loads(raw))

    async def set(self, key: str, value: Any, ttl: float | None) -> None:
        expire_ms = None if ttl is None else max(1, int(ttl * 1000))
        await self._client.set(self._prefix + key, orjson.dumps(value), px=expire_ms)

    async def delete(self, key: str) -> None:
        await self._client.delete(self._prefix + key)

    async def incr(self, key: str, amount: int) -> int:
        try:
            return int(await self._client.incrby(self._prefix + key, amount))
        except aioredis.ResponseError:
            raise HostCallError("cache.incr: the value is not an integer") from None


@dataclass(frozen=True)
class HttpPolicy:
    """Where `http` may go: `allowed_hosts` entries are `host` (any port) or `host:port`."""

    allowed_hosts: frozenset[str] = frozenset()
    timeout_s: float = 10.0
    max_bytes: int = 1024 * 1024

    def check(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise HostCallError(f"http: not an http(s) URL: {url!r}")
        host = parts.hostname.lower()
        allowed = {entry.lower() for entry in self.allowed_hosts}
        if host not in allowed and f"{host}:{parts.port}" not in allowed:
            raise HostCallError(f"http: host {host!r} is not allowed")


def describe_datasource(name: str, config: ConnectionConfig) -> dict[str, Any]:
    """What a script may know of its data source (`ds`): never the password."""
    return {
        "name": name,
        "type": config.type,
        "database": config.database,
        "host": config.host,
        "port": config.port,
        "username": config.username,
    }


@dataclass
class Host:
    """What one script call may touch. Built per call by the gateway (or a test)."""

    connector: Connector | None = None
    cache: CacheBackend = field(default_factory=MemoryCache)
    namespace: str = "default"
    http: HttpPolicy = field(default_factory=HttpPolicy)
    http_client: httpx2.AsyncClient | None = None
    env: Mapping[str, str] = field(default_factory=dict)
    ds: Mapping[str, Any] = field(default_factory=dict)
    statement_timeout_ms: int | None = None
    write_guard: WriteGuard | None = None
    """Refuses an UPDATE or DELETE without WHERE unless the API allows them."""

    def inputs(self) -> dict[str, Any]:
        """The plain data a script starts with besides `req`: `env` and `ds`."""
        ds = {k: v for k, v in self.ds.items() if not any(w in k.lower() for w in _SECRET_WORDS)}
        if self.connector is not None:
            ds.setdefault("paramstyle", self.connector.paramstyle)
        return {"env": dict(self.env), "ds": ds}

    def session(self) -> "HostSession":
        return HostSession(self)


Handler = Callable[["HostSession", list[Any]], Awaitable[Any]]


class HostSession:
    """One call's host state: the open transaction, an HTTP client if we made one."""

    def __init__(self, host: Host) -> None:
        self.host = host
        self._tx: Transaction | None = None
        self._tx_stack: AsyncExitStack | None = None
        self._client: httpx2.AsyncClient | None = None
        self.refusal: WholeTableWrite | None = None
        """The last whole-table write refused: if the script lets it escape, the call
        answers with it (400) rather than as a script error."""

    async def dispatch(self, name: Any, args: Any) -> Any:
        handler = HANDLERS.get(name) if isinstance(name, str) else None
        if handler is None or not isinstance(args, list):
            raise HostCallError(f"unknown call {name!r}")
        try:
            return await handler(self, args)
        except HostCallError:
            raise
        except SluiceError as error:
            raise HostCallError(error.message) from None
        except Exception:
            logger.exception("script host call %s failed", name)
            raise HostCallError(f"{name}: internal error") from None

    async def close(self) -> None:
        """End of the call: roll back a transaction left open, close our HTTP client."""
        if self._tx_stack is not None:
            await self._end_tx(commit=False)
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    # -- db and tx -------------------------------------------------------------------

    def connector(self) -> Connector:
        if self.host.connector is None:
            raise HostCallError("this API has no data source")
        return self.host.connector

    async def statement(self, args: list[Any]) -> Any:
        sql, params = _arguments(args, (str,), (list, dict, type(None)))
        if self.host.write_guard is not None:
            try:
                self.host.write_guard.check(sql, self.connector().paramstyle)
            except WholeTableWrite as refused:
                self.refusal = refused
                raise HostCallError(refused.message) from None
        if self._tx is not None:
            return await self._tx.execute(sql, params)
        timeout = self.host.statement_timeout_ms
        return await self.connector().execute(sql, params, timeout_ms=timeout)

    async def begin(self, args: list[Any]) -> None:
        (read_only,) = _arguments(args, (bool,))
        if self._tx_stack is not None:
            raise HostCallError("tx.begin: a transaction is already open")
        context = self.connector().transaction(
            read_only=read_only, timeout_ms=self.host.statement_timeout_ms
        )
        stack = AsyncExitStack()
        self._tx = await stack.enter_async_context(context)
        self._tx_stack = stack

    async def finish(self, commit: bool) -> None:
        if self._tx_stack is None:
            raise HostCallError("no transaction is open")
        await self._end_tx(commit=commit)

    async def _end_tx(self, *, commit: bool) -> None:
        stack, self._tx_stack, self._tx = self._tx_stack, None, None
        assert stack is not None
        if commit:
            await stack.aclose()
            return
        try:
            await stack.__aexit__(_Rollback, _Rollback(), None)
        except _Rollback:
            pass

    # -- http ------------------------------------------------------------------------

    async def request(self, args: list[Any]) -> dict[str, Any]:
        method, url, options = _arguments(args, (str,), (str,), (dict,))
        self.host.http.check(url)
        if method not in ("GET", "POST", "PUT", "DELETE"):
            raise HostCallError(f"http: method {method} is not available")
        client = self.host.http_client or self._own_client()
        try:
            return await self._fetch(client, method, url, _http_options(options))
        except httpx2.TimeoutException:
            raise HostCallError(f"http: {method} {url} timed out") from None
        except httpx2.HTTPError as error:
            raise HostCallError(f"http: {method} {url} failed: {type(error).__name__}") from None

    def _own_client(self) -> httpx2.AsyncClient:
        if self._client is None:
            self._client = httpx2.AsyncClient(follow_redirects=False, trust_env=False)
        return self._client

    async def _fetch(
        self, client: httpx2.AsyncClient, method: str, url: str, options: dict[str, Any]
    ) -> dict[str, Any]:
        policy = self.host.http
        async with client.stream(method, url, timeout=policy.timeout_s, **options) as response:
            body = bytearray()
            async for chunk in response.aiter_bytes():
                body += chunk
                if len(body) > policy.max_bytes:
                    raise HostCallError(f"http: the response is over {policy.max_bytes} bytes")
            return {
                "status_code": response.status_code,
                "headers": {k.lower(): v for k, v in response.headers.items()},
                "text": bytes(body).decode(response.encoding or "utf-8", "replace"),
            }

    # -- cache -----------------------------------------------------------------------

    def key(self, key: Any) -> str:
        if not isinstance(key, str) or not key or len(key) > MAX_KEY_CHARS:
            raise HostCallError(f"cache: a key is a string of 1 to {MAX_KEY_CHARS} characters")
        return f"{self.host.namespace}:{key}"

    async def cache_get(self, args: list[Any]) -> list[Any]:
        (key,) = _arguments(args, (str,))
        found, value = await self.host.cache.get(self.key(key))
        return [value] if found else []

    async def cache_set(self, args: list[Any]) -> None:
        key, value, ttl = _arguments(args, (str,), (object,), (int, float, type(None)))
        if ttl is not None and ttl <= 0:
            raise HostCallError("cache.set: ttl must be a positive number of seconds")
        await self.host.cache.set(self.key(key), value, ttl)

    async def cache_delete(self, args: list[Any]) -> None:
        (key,) = _arguments(args, (str,))
        await self.host.cache.delete(self.key(key))

    async def cache_incr(self, args: list[Any]) -> int:
        key, amount = _arguments(args, (str,), (int,))
        return await self.host.cache.incr(self.key(key), amount)


class _Rollback(Exception):
    """Thrown into a transaction's context to roll it back."""


def _arguments(args: list[Any], *kinds: tuple[type, ...]) -> list[Any]:
    if len(args) != len(kinds):
        raise HostCallError("wrong number of arguments")
    for value, kind in zip(args, kinds, strict=True):
        numeric_bool = isinstance(value, bool) and bool not in kind and object not in kind
        if not isinstance(value, kind) or numeric_bool:
            names = " or ".join(k.__name__ for k in kind)
            raise HostCallError(f"expected {names}, got {type(value).__name__}")
    return args


def _http_options(options: dict[str, Any]) -> dict[str, Any]:
    chosen: dict[str, Any] = {}
    for name in ("params", "headers"):
        value = options.get(name)
        if value is not None:
            if not isinstance(value, dict):
                raise HostCallError(f"http: {name} must be a dict")
            chosen[name] = {str(k): str(v) for k, v in value.items()}
    if options.get("json") is not None:
        chosen["json"] = options["json"]
    data = options.get("data")
    if isinstance(data, str):
        chosen["content"] = data.encode()
    elif isinstance(data, dict):
        chosen["data"] = {str(k): str(v) for k, v in data.items()}
    return chosen


async def _db_query(session: HostSession, args: list[Any]) -> list[dict[str, Any]]:
    result = await session.statement(args)
    return result.rows if result.rows is not None else []


async def _db_execute(session: HostSession, args: list[Any]) -> int:
    result = await session.statement(args)
    if result.rowcount is not None:
        return int(result.rowcount)
    return len(result.rows or [])


async def _tx_commit(session: HostSession, args: list[Any]) -> None:
    _arguments(args)
    await session.finish(commit=True)


async def _tx_rollback(session: HostSession, args: list[Any]) -> None:
    _arguments(args)
    await session.finish(commit=False)


HANDLERS: dict[str, Handler] = {
    "db.query": _db_query,
    "db.execute": _db_execute,
    "tx.begin": HostSession.begin,
    "tx.commit": _tx_commit,
    "tx.rollback": _tx_rollback,
    "http.request": HostSession.request,
    "cache.get": HostSession.cache_get,
    "cache.set": HostSession.cache_set,
    "cache.delete": HostSession.cache_delete,
    "cache.incr": HostSession.cache_incr,
}
