"""What every connector shares: retries with backoff, the password scrub, error shaping.

Retrying is decided by the connector that saw the failure, because only it knows whether
the statement may have reached the server. It signals a safe-to-retry failure by raising
`Retry` carrying the error to surface once the delays run out; `with_retries` owns the
waiting and the count.
"""

import asyncio
import re
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from sluice.connectors.base import ConnectorError, QueryTimeout

T = TypeVar("T")

DEFAULT_RETRY_DELAYS_MS: tuple[int, ...] = (200, 400, 800, 1600)
"""Waits between attempts after a transient failure: four retries, about 3 s in all."""

_READ_KEYWORDS = frozenset({"select", "show", "values", "table", "describe", "desc"})
_LEADING_NOISE = re.compile(r"^(?:\s+|--[^\n]*\n?|/\*.*?\*/|\()*", re.DOTALL)
_SECRET_ASSIGNMENT = re.compile(r"(password|passwd|pwd)(\s*[=:]\s*)(\S+)", re.IGNORECASE)


class Retry(Exception):
    """Internal signal: this attempt failed before it could change anything; try again."""

    def __init__(self, error: ConnectorError) -> None:
        super().__init__(error.message)
        self.error = error


async def with_retries(attempt: Callable[[], Awaitable[T]], delays_ms: Sequence[int]) -> T:
    """Run `attempt`, retrying after each `Retry` with the next delay, then give up with
    the last error, its `retries` set to the number of retries made."""
    retries = 0
    while True:
        try:
            return await attempt()
        except Retry as signal:
            error = signal.error
        if retries >= len(delays_ms):
            error.retries = retries
            raise detached(error)
        await asyncio.sleep(delays_ms[retries] / 1000)
        retries += 1


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


def timeout_error(timeout_ms: int, detail: str | None = None) -> QueryTimeout:
    return QueryTimeout(f"Query timed out after {timeout_ms} ms", detail=detail)


def check_timeout(timeout_ms: int | None) -> None:
    """A per-call timeout must be a positive number of milliseconds."""
    if timeout_ms is not None and (isinstance(timeout_ms, bool) or timeout_ms <= 0):
        raise ConnectorError("Query failed: invalid timeout")
