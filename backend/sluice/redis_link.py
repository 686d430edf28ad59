"""A multiplexed Redis connection for the gateway's hot path.

redis-py's asyncio client checks a connection out of its pool for every command and wraps
each read in timeouts: measured here at 55-85 µs of CPU per command, more than the
PostgreSQL query a gateway call makes. This link keeps one connection per event loop,
writes each command the moment it is asked (packed by hiredis) and hands replies back in
order (Redis answers in order on one connection), parsed by hiredis's reader: about 10 µs
a command. Many calls in flight share the connection, so it also pipelines for free, and
the commands asked for in one turn of the event loop leave in one write (a socket write
is a system call, which measured at tens of µs here).

It is for plain commands only (no pub/sub, blocking commands or MULTI); the rest of the
app keeps using redis-py. Its errors are redis-py's, so callers catch `RedisError`.

Failure: a reply that does not come within `timeout` fails every call waiting on the
connection and drops it. A failed connect is not tried again for `retry_after` seconds,
so while Redis is away a call costs nothing but a raised ConnectionError.
"""

import asyncio
import ssl
import time
from collections import deque
from typing import Any, cast

import hiredis
from redis.connection import SSLConnection, UnixDomainSocketConnection, parse_url
from redis.exceptions import ConnectionError, InvalidResponse, ResponseError
from redis.exceptions import TimeoutError as ReplyTimeout

Arg = str | bytes | int | float


class RedisLink:
    def __init__(
        self,
        url: str,
        *,
        timeout: float = 1.0,
        connect_timeout: float = 0.5,
        retry_after: float = 1.0,
    ) -> None:
        self._options: dict[str, Any] = parse_url(url)  # type: ignore[no-untyped-call]
        self._timeout, self._connect_timeout = timeout, connect_timeout
        self._retry_after = retry_after
        self._channel: _Channel | None = None
        self._connecting: asyncio.Future[_Channel] | None = None
        self._down_until = 0.0

    async def call(self, *args: Arg) -> Any:
        """Send one command and wait for its reply; an error reply is raised."""
        channel = self._channel
        if channel is None or channel.closed or channel.loop is not asyncio.get_running_loop():
            channel = await self._connect()
        return await channel.request(args)

    def request(self, *args: Arg) -> "asyncio.Future[Any] | None":
        """Send one command now (with the others of this loop turn) and return its reply's
        future, or None when the link is not connected (then use `call`). A reply nobody
        awaits in the end (the caller was refused meanwhile) is dropped quietly."""
        channel = self._channel
        if channel is None or channel.closed or channel.loop is not asyncio.get_running_loop():
            return None
        future = channel.request(args)
        future.add_done_callback(_seen)
        return future

    def send(self, *args: Arg) -> None:
        """Send one command without waiting for (or looking at) its reply. A later `call`
        on this link runs after it, since Redis runs one connection's commands in order.
        Nothing is sent when the link is not connected."""
        channel = self._channel
        if channel is not None and not channel.closed:
            channel.post(args)

    async def close(self) -> None:
        if self._channel is not None:
            self._channel.close()
            self._channel = None

    async def _connect(self) -> "_Channel":
        if (
            self._connecting is not None
            and self._connecting.get_loop() is asyncio.get_running_loop()
        ):
            return await asyncio.shield(self._connecting)
        if time.monotonic() < self._down_until:
            raise ConnectionError("Redis is unreachable; the link retries shortly")
        self._connecting = asyncio.get_running_loop().create_future()
        try:
            channel = await self._open()
        except Exception as exc:
            self._down_until = time.monotonic() + self._retry_after
            failure = exc if isinstance(exc, ConnectionError) else ConnectionError(str(exc))
            self._connecting.set_exception(failure)
            self._connecting.exception()  # retrieved: nobody else may be waiting
            self._connecting = None
            raise failure from None
        self._connecting.set_result(channel)
        self._connecting = None
        self._channel = channel
        return channel

    async def _open(self) -> "_Channel":
        loop = asyncio.get_running_loop()
        options = self._options
        kind = options.get("connection_class")

        def factory() -> _Channel:
            return _Channel(loop, self._timeout)

        if kind is UnixDomainSocketConnection:
            opening = loop.create_unix_connection(factory, options["path"])
        else:
            context = ssl.create_default_context() if kind is SSLConnection else None
            host, port = options.get("host", "localhost"), options.get("port", 6379)
            opening = loop.create_connection(factory, host, port, ssl=context)
        try:
            _, channel = await asyncio.wait_for(opening, self._connect_timeout)
        except (OSError, TimeoutError) as exc:
            raise ConnectionError(f"cannot connect to Redis: {exc}") from None
        if options.get("password"):
            login = [options.get("username") or "default", options["password"]]
            await channel.request(("AUTH", *login))
        if options.get("db"):
            await channel.request(("SELECT", options["db"]))
        return channel


def _seen(future: "asyncio.Future[Any]") -> None:
    """Mark a reply's error as retrieved, so asyncio does not log an unawaited one."""
    if not future.cancelled():
        future.exception()


class _Channel(asyncio.Protocol):
    """One connection: commands sent once per loop turn, replies matched in order."""

    def __init__(self, loop: asyncio.AbstractEventLoop, timeout: float) -> None:
        self.loop = loop
        self.closed = False
        self._timeout = timeout
        self._reader = hiredis.Reader(protocolError=InvalidResponse, replyError=ResponseError)
        self._waiting: deque[tuple[asyncio.Future[Any] | None, float]] = deque()
        self._transport: asyncio.Transport | None = None
        self._watch: asyncio.TimerHandle | None = None
        self._outbox: list[bytes] = []

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass

    def request(self, args: tuple[Arg, ...]) -> "asyncio.Future[Any]":
        future: asyncio.Future[Any] = self.loop.create_future()
        self._write(args, future)
        return future

    def post(self, args: tuple[Arg, ...]) -> None:
        self._write(args, None)

    def _write(self, args: tuple[Arg, ...], future: "asyncio.Future[Any] | None") -> None:
        if self.closed or self._transport is None:
            raise ConnectionError("the connection to Redis is closed")
        if not self._outbox:
            self.loop.call_soon(self._flush)
        self._outbox.append(hiredis.pack_command(args))  # type: ignore[arg-type]
        self._waiting.append((future, time.monotonic()))
        if self._watch is None:
            self._watch = self.loop.call_later(self._timeout, self._check)

    def _flush(self) -> None:
        if self._outbox and not self.closed and self._transport is not None:
            self._transport.write(b"".join(self._outbox))
        self._outbox.clear()

    def data_received(self, data: bytes) -> None:
        self._reader.feed(data)
        while (reply := self._reader.gets()) is not False:
            future, _ = self._waiting.popleft()
            if future is None or future.done():
                continue
            if isinstance(reply, ResponseError):
                future.set_exception(reply)
            else:
                future.set_result(reply)

    def connection_lost(self, exc: Exception | None) -> None:
        self._fail(ConnectionError(f"the connection to Redis was lost: {exc or 'closed'}"))

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()
        self._fail(ConnectionError("the connection to Redis was closed"))

    def _check(self) -> None:
        """The oldest reply is overdue: Redis (or the network) hangs; drop the connection."""
        self._watch = None
        if not self._waiting:
            return
        age = time.monotonic() - self._waiting[0][1]
        if age < self._timeout:
            self._watch = self.loop.call_later(self._timeout - age, self._check)
            return
        if self._transport is not None:
            self._transport.abort()
        self._fail(ReplyTimeout(f"no reply from Redis within {self._timeout} s"))

    def _fail(self, error: Exception) -> None:
        self.closed = True
        if self._watch is not None:
            self._watch.cancel()
            self._watch = None
        while self._waiting:
            future, _ = self._waiting.popleft()
            if future is not None and not future.done():
                future.set_exception(error)
