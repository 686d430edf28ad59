"""Backoff and retry accounting, and the read-statement test that guards retries."""

import asyncio
import time

import anyio
import pytest

from sluice.connectors.base import ConnectorError, DatasourceUnavailable
from sluice.connectors.common import Deadlines, Retry, is_read_statement, scrub, with_retries

pytestmark = pytest.mark.anyio


async def test_retries_then_gives_up_with_count() -> None:
    attempts = 0

    async def always_down() -> int:
        nonlocal attempts
        attempts += 1
        raise Retry(DatasourceUnavailable("Data source unavailable: cannot connect"))

    started = time.monotonic()
    with pytest.raises(DatasourceUnavailable) as caught:
        await with_retries(always_down, [10, 20, 40])
    assert attempts == 4
    assert caught.value.retries == 3
    assert time.monotonic() - started >= 0.07
    assert caught.value.__context__ is None and caught.value.__cause__ is None


async def test_recovers_and_does_not_retry_other_errors() -> None:
    attempts = 0

    async def flaky() -> str:
        nonlocal attempts
        attempts += 1
        if attempts < 3:
            raise Retry(DatasourceUnavailable("down"))
        return "ok"

    assert await with_retries(flaky, [1, 1, 1, 1]) == "ok"

    async def broken() -> None:
        await anyio.sleep(0)
        raise ConnectorError("Query failed: invalid statement")

    with pytest.raises(ConnectorError) as caught:
        await with_retries(broken, [1, 1])
    assert caught.value.retries == 0


def test_read_statements() -> None:
    assert is_read_statement("select 1")
    assert is_read_statement("  -- a comment\n /* another */ (SELECT 1)")
    assert is_read_statement("SHOW TABLES")
    assert not is_read_statement("INSERT INTO t VALUES (1)")
    assert not is_read_statement("WITH x AS (DELETE FROM t RETURNING *) SELECT * FROM x")
    assert not is_read_statement("")


def test_scrub() -> None:
    assert scrub("login failed for s3cr3t", "s3cr3t") == "login failed for ***"
    assert scrub("dsn host=x password=abc user=y", None) == "dsn host=x password=*** user=y"


async def test_deadlines_cancel_overdue_calls_only() -> None:
    deadlines = Deadlines(tick_s=0.01)

    async def guarded(seconds: float, work_s: float) -> str:
        task = deadlines.start(seconds)
        try:
            await asyncio.sleep(work_s)
            return "done"
        except asyncio.CancelledError:
            if deadlines.expired(task):
                return "timed out"
            raise
        finally:
            deadlines.finish(task)

    started = time.monotonic()
    results = await asyncio.gather(guarded(0.05, 5), guarded(1, 0.01))
    assert list(results) == ["timed out", "done"]
    assert time.monotonic() - started < 1
    deadlines.close()
