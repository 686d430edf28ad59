"""The multiplexed Redis link, against the real Redis, and through a local TCP relay that
the tests cut and restore to play a Redis that goes away, comes back or hangs."""

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import pytest
import uvloop
from redis.exceptions import ConnectionError, RedisError, ResponseError
from redis.exceptions import TimeoutError as ReplyTimeout

from sluice.gateway.limits import Budget, Limiter
from sluice.observability.metrics import Metrics
from sluice.redis_link import RedisLink
from tests.servers import require_redis


class Relay:
    """127.0.0.1:port -> the real Redis; `forward=False` accepts and then stays silent."""

    def __init__(self, target: tuple[str, int], forward: bool = True) -> None:
        self.target, self.forward = target, forward
        self.server: asyncio.Server | None = None
        self.port = 0
        self.writers: list[asyncio.StreamWriter] = []

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)
        self.port = self.server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        assert self.server is not None
        self.server.close()
        for writer in self.writers:
            writer.close()
        await self.server.wait_closed()
        self.writers.clear()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.writers.append(writer)
        if not self.forward:
            await reader.read()
            return
        upstream_reader, upstream_writer = await asyncio.open_connection(*self.target)
        self.writers.append(upstream_writer)
        await asyncio.gather(
            _pipe(reader, upstream_writer), _pipe(upstream_reader, writer), return_exceptions=True
        )


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    while data := await reader.read(65536):
        writer.write(data)
    writer.close()


def target() -> tuple[str, int]:
    url = require_redis()
    host_port = url.split("://", 1)[1].split("/", 1)[0]
    host, _, port = host_port.partition(":")
    return host, int(port or 6379)


@asynccontextmanager
async def relay(forward: bool = True) -> AsyncIterator[Relay]:
    running = Relay(target(), forward)
    await running.start()
    try:
        yield running
    finally:
        if running.server is not None and running.server.is_serving():
            await running.stop()


@pytest.mark.parametrize("run", [asyncio.run, uvloop.run], ids=["asyncio", "uvloop"])
def test_many_calls_in_flight_each_get_their_own_reply(run: Callable[..., None]) -> None:
    """On both event loops the server may run (uvicorn picks uvloop when installed)."""

    async def scenario() -> None:
        link = RedisLink(require_redis())
        key = f"link-test:{uuid.uuid4().hex}"
        echoes = await asyncio.gather(*(link.call("ECHO", f"v{n}") for n in range(300)))
        assert echoes == [f"v{n}".encode() for n in range(300)]
        counts = await asyncio.gather(*(link.call("INCR", key) for _ in range(100)))
        assert sorted(counts) == list(range(1, 101))
        link.send("DEL", key)
        assert await link.call("EXISTS", key) == 0
        await link.close()

    run(scenario())


def test_an_error_reply_is_raised_and_the_link_stays_usable() -> None:
    async def scenario() -> None:
        link = RedisLink(require_redis())
        with pytest.raises(ResponseError, match="unknown command"):
            await link.call("NO-SUCH-COMMAND")
        assert await link.call("PING") == b"PONG"
        await link.close()

    asyncio.run(scenario())


def test_a_redis_that_goes_away_fails_fast_and_is_used_again_when_back() -> None:
    async def scenario() -> None:
        async with relay() as running:
            link = RedisLink(f"redis://127.0.0.1:{running.port}/0", retry_after=0.2)
            assert await link.call("PING") == b"PONG"
            await running.stop()
            failures = []
            for _ in range(3):
                with pytest.raises(ConnectionError) as failed:
                    await link.call("PING")
                failures.append(str(failed.value))
            assert any("cannot connect" in f for f in failures)
            assert failures[-1] == "Redis is unreachable; the link retries shortly"
            await running.start()
            await asyncio.sleep(0.3)
            assert await link.call("PING") == b"PONG"
            await link.close()

    asyncio.run(scenario())


def test_a_hung_redis_times_out() -> None:
    async def scenario() -> None:
        async with relay(forward=False) as silent:
            link = RedisLink(f"redis://127.0.0.1:{silent.port}/0", timeout=0.3)
            with pytest.raises(ReplyTimeout):
                await asyncio.wait_for(link.call("PING"), 5)
            await link.close()

    asyncio.run(scenario())


def test_flow_control_falls_back_to_memory_and_returns_to_redis() -> None:
    async def scenario() -> None:
        async with relay() as running:
            metrics = Metrics()
            link = RedisLink(f"redis://127.0.0.1:{running.port}/0", retry_after=0.2)
            limiter = Limiter(link, 60, f"t{uuid.uuid4().hex[:8]}", metrics)
            budget = Budget("client:c", 1, 1000, 0)
            shared = metrics.limiter_shared

            await limiter.take(budget)
            assert limiter.redis_ok and shared._value.get() == 1
            await running.stop()
            await limiter.take(budget)  # served, from this process's memory
            assert not limiter.redis_ok and shared._value.get() == 0
            await running.start()
            await asyncio.sleep(0.3)
            await limiter.take(budget)
            assert limiter.redis_ok and shared._value.get() == 1
            await link.close()

    asyncio.run(scenario())


def test_an_unreachable_redis_is_a_redis_error() -> None:
    async def scenario() -> None:
        link = RedisLink("redis://127.0.0.1:1/0")
        with pytest.raises(RedisError):
            await link.call("PING")

    asyncio.run(scenario())
