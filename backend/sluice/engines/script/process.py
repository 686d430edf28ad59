"""One worker process seen from the parent: how it starts, how we talk to it, how it ends.

A worker is a fresh interpreter (`python -m sluice.engines.script.child`), started with
fork+exec like multiprocessing's `spawn` (never a bare fork of our threaded, asyncio
parent), with an empty environment but for PYTHONPATH (no secret of ours reaches it),
stdin/stdout on /dev/null, and two pipes. Reads and writes are non-blocking and wait on
the running event loop (`add_reader`/`add_writer`), so a worker may be driven from any
loop or thread, one call at a time. A frame longer than the caller allows is never read.
"""

import asyncio
import os
import select
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import orjson

from sluice.engines.script import protocol

PACKAGE_ROOT = str(Path(__file__).resolve().parents[3])
"""The folder holding the `sluice` package, for the worker's PYTHONPATH."""

READ_CHUNK = 1 << 20


class WorkerGone(Exception):
    """The worker closed its pipe or died."""


class FrameTooLarge(Exception):
    """The worker announced a frame longer than allowed."""


class WorkerProtocolError(Exception):
    """The worker sent something that is not a frame we expect."""


class WorkerProcess:
    def __init__(self, process: "subprocess.Popen[bytes]", read_fd: int, write_fd: int) -> None:
        self.process = process
        self._read_fd = read_fd
        self._write_fd = write_fd
        self._buffer = bytearray()
        self._dispose_lock = threading.Lock()

    @property
    def pid(self) -> int:
        return self.process.pid

    @classmethod
    def spawn(cls, config: dict[str, Any]) -> "WorkerProcess":
        """Start a worker (not yet ready: see `wait_ready`)."""
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        argv = [sys.executable, "-s", "-m", "sluice.engines.script.child"]
        argv += [str(to_child_r), str(from_child_w), orjson.dumps(config).decode()]
        try:
            process = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                pass_fds=(to_child_r, from_child_w),
                env={"PYTHONPATH": PACKAGE_ROOT, "PYTHONDONTWRITEBYTECODE": "1"},
                cwd=PACKAGE_ROOT,
            )
        finally:
            os.close(to_child_r)
            os.close(from_child_w)
        os.set_blocking(from_child_r, False)
        os.set_blocking(to_child_w, False)
        return cls(process, from_child_r, to_child_w)

    def wait_ready(self, timeout_s: float) -> None:
        """Block (in a spawning thread) until the worker says `ready`."""
        deadline = time.monotonic() + timeout_s
        while (frame := self._take_frame(1024)) is None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise WorkerGone("the worker did not start in time")
            select.select([self._read_fd], [], [], remaining)
            self._fill()
        if orjson.loads(frame) != {"op": "ready"}:
            raise WorkerProtocolError("the worker did not start cleanly")

    # -- async I/O on the running loop -------------------------------------------------

    async def send(self, payload: bytes) -> None:
        data = memoryview(protocol.frame(payload))
        while data:
            try:
                data = data[os.write(self._write_fd, data) :]
            except BlockingIOError:
                await self._ready(writing=True)
            except (BrokenPipeError, OSError) as error:
                raise WorkerGone(str(error)) from None

    async def receive(self, max_bytes: int) -> Any:
        """The next frame, decoded as JSON (never pickle: the worker is not trusted)."""
        while (frame := self._take_frame(max_bytes)) is None:
            if not self._fill():
                await self._ready(writing=False)
        try:
            return protocol.decode(frame)
        except orjson.JSONDecodeError:
            raise WorkerProtocolError("the worker sent a frame that is not JSON") from None

    async def _ready(self, *, writing: bool) -> None:
        loop = asyncio.get_running_loop()
        waiter = loop.create_future()
        fd = self._write_fd if writing else self._read_fd
        add, remove = (
            (loop.add_writer, loop.remove_writer)
            if writing
            else (loop.add_reader, loop.remove_reader)
        )
        add(fd, _wake, waiter)
        try:
            await waiter
        finally:
            remove(fd)

    def _fill(self) -> bool:
        """Read what is there; False when nothing is (yet). WorkerGone at end of file."""
        try:
            chunk = os.read(self._read_fd, READ_CHUNK)
        except BlockingIOError:
            return False
        except OSError as error:
            raise WorkerGone(str(error)) from None
        if not chunk:
            raise WorkerGone("the worker closed its pipe")
        self._buffer += chunk
        return True

    def _take_frame(self, max_bytes: int) -> bytes | None:
        size = protocol.HEADER.size
        if len(self._buffer) < size:
            return None
        (length,) = protocol.HEADER.unpack_from(self._buffer)
        if length > max_bytes:
            raise FrameTooLarge(f"{length} bytes")
        if len(self._buffer) < size + length:
            return None
        frame = bytes(self._buffer[size : size + length])
        del self._buffer[: size + length]
        return frame

    # -- the end ---------------------------------------------------------------------

    def kill(self) -> None:
        """SIGKILL; a call waiting on this worker then sees end of file (WorkerGone)."""
        if self.process.returncode is None:
            try:
                self.process.kill()
            except ProcessLookupError:  # pragma: no cover - exited meanwhile
                pass

    def dispose(self, timeout_s: float = 5.0) -> None:
        """Kill, reap and close our pipe ends, once; only when no call uses the worker."""
        with self._dispose_lock:
            if self._read_fd < 0:
                return
            self.kill()
            try:
                self.process.wait(timeout_s)
            except subprocess.TimeoutExpired:  # pragma: no cover - SIGKILL always lands
                pass
            os.close(self._read_fd)
            os.close(self._write_fd)
            self._read_fd = self._write_fd = -1

    def exit_description(self, wait_s: float = 1.0) -> str:
        """How the worker ended (waits a moment for it to be reapable)."""
        try:
            code: int | None = self.process.wait(wait_s)
        except subprocess.TimeoutExpired:
            code = None
        if code is None:
            return "the worker process died"
        if code < 0:
            return f"the worker process was killed by signal {-code}"
        return f"the worker process exited with status {code}"


def _wake(waiter: "asyncio.Future[None]") -> None:
    if not waiter.done():
        waiter.set_result(None)
