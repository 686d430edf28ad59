"""What every connector shares: retries with backoff, the password scrub, error shaping.

Retrying is decided by the connector that saw the failure, because only it knows whether
the statement may have reached the server. It signals a safe-to-retry failure by raising
`Retry` carrying the error to surface once the delays run out; `with_retries` owns the
waiting and the count.
"""

import asyncio
import re
import time
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from functools import partial
from typing import Any, TypeVar

from sluice.connectors.base import (
    STREAM_BATCH_ROWS,
    ConnectionConfig,
    ConnectorError,
    Params,
    PoolUsage,
    QueryResult,
    QueryTimeout,
    RowStream,
    Transaction,
)

T = TypeVar("T")

DEFAULT_RETRY_DELAYS_MS: tuple[int, ...] = (200, 400, 800, 1600)
"""Waits between attempts after a transient failure: four retries, about 3 s in all."""

_READ_KEYWORDS = frozenset({"select", "show", "values", "table", "describe", "desc"})
_LEADING_NOISE = re.compile(r"^(?:\s+|--[^\n]*\n?|/\*.*?\*/|\()*", re.DOTALL)
_SECRET_ASSIGNMENT = re.compile(r"(password|passwd|pwd)(\s*[=:]\s*)(\S+)", re.IGNORECASE)
_current_task = asyncio.current_task
_monotonic = time.monotonic


def parked(primitive: object | None) -> int:
    """Tasks waiting on an asyncio Semaphore, Condition or Queue. asyncio keeps no public
    count, so this reads the waiters it keeps (`_waiters`, a queue's `_getters`); it is
    called at scrape time only."""
    waiters = getattr(primitive, "_waiters", None) or getattr(primitive, "_getters", None)
    return sum(1 for waiter in waiters if not waiter.done()) if waiters else 0


def gate_usage(gate: asyncio.Semaphore | None, size: int) -> PoolUsage:
    """The usage of a pool guarded by a semaphore of `size` places."""
    free = gate._value if gate is not None else size  # asyncio keeps no public count
    return PoolUsage(size, size - free, parked(gate))


class Retry(Exception):
    """Internal signal: this attempt failed before it could change anything; try again."""

    def __init__(self, error: ConnectorError) -> None:
        super().__init__(error.message)
        self.error = error


async def with_retries(
    attempt: Callable[[], Awaitable[T]],
    delays_ms: Sequence[int],
    *,
    failed: ConnectorError | None = None,
) -> T:
    """Run `attempt`, retrying after each `Retry` with the next delay, then give up with
    the last error, its `retries` set to the number of retries made. `failed` says the
    caller already made the first attempt itself (the hot path) and it failed so."""
    retries = 0
    error = failed
    while True:
        if error is None:
            try:
                return await attempt()
            except Retry as signal:
                error = signal.error
        if retries >= len(delays_ms):
            error.retries = retries
            raise detached(error)
        await asyncio.sleep(delays_ms[retries] / 1000)
        retries += 1
        error = None


async def attempt_then_retry(
    once: Callable[..., Awaitable[T]], args: tuple[Any, ...], delays_ms: Sequence[int]
) -> T:
    """The first attempt inline (the hot path builds no retry machinery), then
    `with_retries`; whatever escapes is a ConnectorError with no driver error attached."""
    try:
        try:
            return await once(*args)
        except Retry as signal:
            failed = signal.error
        return await with_retries(partial(once, *args), delays_ms, failed=failed)
    except ConnectorError as error:
        raise detached(error) from None


def detached(error: ConnectorError) -> ConnectorError:
    """Cut the exception chain, so no driver exception (which can hold the connection
    parameters, password included) is reachable from what we raise."""
    error.__cause__ = None
    error.__context__ = None
    error.__suppress_context__ = True
    return error


def scrub(text: str, password: str | None) -> str:
    """A driver message with the password (and any `password=...` pair) blanked."""
    if password:
        text = text.replace(password, "***")
    return _SECRET_ASSIGNMENT.sub(r"\1\2***", text)


def is_read_statement(sql: str) -> bool:
    """Whether the statement only reads (by its first keyword), so running it twice after
    a connection died mid-flight cannot change data twice."""
    head = _LEADING_NOISE.sub("", sql, count=1)
    word = head.split(None, 1)[0].lower() if head.strip() else ""
    return word in _READ_KEYWORDS


def key_columns(rows: list[dict[str, Any]]) -> list[str]:
    """The primary key's columns in key order, from catalog rows that carry each column's
    `column_name` and `key_position` (its place in the key, or None)."""
    keyed = sorted((row["key_position"], row["column_name"]) for row in rows if row["key_position"])
    return [column for _, column in keyed]


def timeout_error(timeout_ms: int, detail: str | None = None) -> QueryTimeout:
    return QueryTimeout(f"Query timed out after {timeout_ms} ms", detail=detail)


def check_timeout(timeout_ms: int | None) -> None:
    """A per-call timeout must be a positive number of milliseconds."""
    if timeout_ms is not None and (isinstance(timeout_ms, bool) or timeout_ms <= 0):
        raise ConnectorError("Query failed: invalid timeout")


class Deadlines:
    """Client-side timeouts for many concurrent calls, kept by one ticking task.

    `asyncio.timeout` per query costs a timer handle and a heap push and pop, which
    measured at a quarter of a pooled point query's time; here a call only puts its task
    in a dict. The ticker wakes every `tick_s` while calls are in flight and cancels the
    task of any call past its deadline, so the limit holds within one tick. It is the
    backstop behind the server's own statement timeout (or the only limit where the
    server has none). A task is in at most one guarded call at a time.
    """

    def __init__(self, tick_s: float = 0.05) -> None:
        self._tick_s = tick_s
        self._calls: dict[asyncio.Task[object] | None, float] = {}
        self._expired: set[asyncio.Task[object] | None] = set()
        self._ticker: asyncio.Task[None] | None = None

    def start(self, seconds: float) -> "asyncio.Task[object] | None":
        task = _current_task()
        self._calls[task] = _monotonic() + seconds
        if self._ticker is None:
            self._ticker = asyncio.get_running_loop().create_task(self._tick())
        return task

    def finish(self, task: "asyncio.Task[object] | None") -> None:
        self._calls.pop(task, None)
        if self._expired:
            self._expired.discard(task)

    def expired(self, task: "asyncio.Task[object] | None") -> bool:
        """After a CancelledError: True (and the cancel absorbed) when it was ours."""
        if task is None or task not in self._expired:
            return False
        self._expired.discard(task)
        task.uncancel()
        return True

    async def _tick(self) -> None:
        try:
            while self._calls:
                await asyncio.sleep(self._tick_s)
                now = time.monotonic()
                for task, at in list(self._calls.items()):
                    if at <= now and task is not None and task not in self._expired:
                        self._expired.add(task)
                        task.cancel()
        finally:
            self._ticker = None

    def close(self) -> None:
        if self._ticker is not None:
            self._ticker.cancel()


class ConnectorEntry(ABC):
    """The public protocol's entry points, the same for every connector: the per-call
    timeout checked and defaulted to the source's, the first attempt made inline and the
    retries after it. A connector supplies one attempt at a statement and a transaction
    block; `read` runs in a read-only transaction unless the connector does better."""

    _config: ConnectionConfig
    _delays: tuple[int, ...]

    async def execute(
        self, sql: str, params: Params = None, *, timeout_ms: int | None = None
    ) -> QueryResult:
        check_timeout(timeout_ms)
        wanted = timeout_ms or self._config.statement_timeout_ms
        return await attempt_then_retry(self._execute_once, (sql, params, wanted), self._delays)

    async def read(
        self, sql: str, params: Params = None, *, timeout_ms: int | None = None
    ) -> QueryResult:
        async with self.transaction(read_only=True, timeout_ms=timeout_ms) as tx:
            return await tx.execute(sql, params)

    def transaction(
        self, *, read_only: bool = False, timeout_ms: int | None = None
    ) -> AbstractAsyncContextManager[Transaction]:
        check_timeout(timeout_ms)
        return self._transaction(read_only, timeout_ms or self._config.statement_timeout_ms)

    def stream(
        self,
        sql: str,
        params: Params = None,
        *,
        timeout_ms: int | None = None,
        batch_rows: int = STREAM_BATCH_ROWS,
    ) -> AbstractAsyncContextManager[RowStream]:
        check_timeout(timeout_ms)
        wanted = timeout_ms or self._config.statement_timeout_ms
        return self._stream(sql, params, wanted, max(1, batch_rows))

    async def ping(self) -> None:
        await self.execute("SELECT 1")

    @abstractmethod
    async def _execute_once(self, sql: str, params: Params, wanted_ms: int) -> QueryResult:
        """One attempt at a lone statement; raises Retry when trying again is safe."""

    @abstractmethod
    def _transaction(
        self, read_only: bool, wanted_ms: int
    ) -> AbstractAsyncContextManager[Transaction]:
        """A transaction block on one connection."""

    @abstractmethod
    def _stream(
        self, sql: str, params: Params, wanted_ms: int, batch_rows: int
    ) -> AbstractAsyncContextManager[RowStream]:
        """A read's rows `batch_rows` at a time, each fetch within `wanted_ms`, in a
        read-only transaction on one connection held until the block ends."""
