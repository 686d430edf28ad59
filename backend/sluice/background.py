"""Periodic background work that stops cleanly.

Work that runs in a thread (store queries) cannot be interrupted by cancelling the task
that awaits it; the thread would go on holding a connection after the app shut down its
engine. So loops here are stopped by an event between rounds and then awaited, never
cancelled mid-round.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)


class Periodic:
    def __init__(self) -> None:
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    def every(self, interval: float, work: Callable[[], Awaitable[None]], what: str) -> None:
        self._tasks.append(asyncio.create_task(self._loop(interval, work, what)))

    async def _loop(self, interval: float, work: Callable[[], Awaitable[None]], what: str) -> None:
        while not self._stop.is_set():
            try:
                await asyncio.wait_for(self._stop.wait(), timeout=interval)
            except TimeoutError:
                pass
            try:
                await work()
            except Exception:  # the store or Redis may be briefly away; try next round
                log.exception("%s failed; trying again next round", what)

    def until_stopped(
        self, work: Callable[[asyncio.Event], Awaitable[None]], what: str, retry: float = 1.0
    ) -> None:
        """Long-running work (a subscription) that watches the stop event itself; started
        again `retry` seconds after it fails."""
        self._tasks.append(asyncio.create_task(self._keep(work, what, retry)))

    async def _keep(
        self, work: Callable[[asyncio.Event], Awaitable[None]], what: str, retry: float
    ) -> None:
        while not self._stop.is_set():
            try:
                await work(self._stop)
            except Exception as exc:  # Redis away: polling covers; try again shortly
                log.warning("%s failed (%s); retrying in %s s", what, exc, retry)
                try:
                    await asyncio.wait_for(self._stop.wait(), timeout=retry)
                except TimeoutError:
                    pass

    async def stop(self) -> None:
        self._stop.set()
        await asyncio.gather(*self._tasks)
