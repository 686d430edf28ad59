"""The pool of worker processes and the one entry point, `ScriptPool.run`.

The pool keeps `size` warm workers. A call takes an idle worker (or waits for one), sends
the script and its inputs, answers the worker's RPC frames with the call's `Host`, and
reads the outcome. The wall-clock deadline (`timeout_s`, counted from the call's start,
waiting included) is an `asyncio.timeout` in the parent: when it fires, the worker is
SIGKILLed and a new one is started in a background thread. No signal is used in the
caller's thread, and nothing blocks the event loop while a script runs, so other calls
go on with the other workers. A worker that dies, breaks the protocol or runs out of
memory is replaced the same way: the pool always returns to its size.

The pool is safe to share between threads and event loops: the idle list is guarded by a
lock, a waiting call is woken on its own loop.
"""

import asyncio
import atexit
import logging
import threading
import time
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sluice.config import Settings
from sluice.engines.script import protocol
from sluice.engines.script.errors import (
    ScriptCompileError,
    ScriptCrashed,
    ScriptError,
    ScriptRejected,
    ScriptResourceError,
    ScriptRuntimeError,
    ScriptTimeout,
)
from sluice.engines.script.host import Host, HostCallError, HostSession
from sluice.engines.script.limits import ScriptLimits
from sluice.engines.script.process import (
    FrameTooLarge,
    WorkerGone,
    WorkerProcess,
    WorkerProtocolError,
)
from sluice.engines.script.sandbox import DEFAULT_MODULES, compile_script, module_facades
from sluice.engines.whole_table import WholeTableWrite
from sluice.errors import SluiceError

logger = logging.getLogger(__name__)

Kind = Literal["api", "transform", "validate"]
KINDS: frozenset[str] = frozenset({"api", "transform", "validate"})
_MAX_MESSAGE_CHARS = 2000
_RESPAWN_DELAYS_S = (0.0, 0.1, 0.5, 1.0, 2.0)


@dataclass(frozen=True)
class ScriptOutcome:
    """A script's answer: its value (JSON data), its log lines, how long the call took."""

    value: Any
    logs: list[str]
    duration_ms: float


class ScriptPool:
    def __init__(
        self,
        limits: ScriptLimits | None = None,
        *,
        size: int = 2,
        extra_modules: Sequence[str] = (),
        spawn_timeout_s: float = 15.0,
    ) -> None:
        self.limits = limits or ScriptLimits()
        self.size = max(1, size)
        self.modules = list(dict.fromkeys([*DEFAULT_MODULES, *extra_modules]))
        module_facades(self.modules)  # ScriptConfigError now, not in every worker
        self._spawn_timeout_s = spawn_timeout_s
        self._config = {"limits": self.limits.as_dict(), "modules": self.modules}
        self._lock = threading.Lock()
        self._idle: deque[WorkerProcess] = deque()
        self._waiters: deque[tuple[asyncio.AbstractEventLoop, asyncio.Future[WorkerProcess]]]
        self._waiters = deque()
        self._alive: set[WorkerProcess] = set()
        self._replacing: set[threading.Thread] = set()
        self._started = False
        self._closed = False
        max_logs = self.limits.max_log_lines * (self.limits.max_log_line_chars + 64)
        self._max_frame = self.limits.max_output_bytes + max_logs + 65536

    @classmethod
    def from_settings(cls, settings: Settings) -> "ScriptPool":
        limits = ScriptLimits(
            timeout_s=settings.SCRIPT_EXEC_TIMEOUT,
            cpu_s=settings.SCRIPT_CPU_SECONDS or settings.SCRIPT_EXEC_TIMEOUT,
            memory_mb=settings.SCRIPT_MEMORY_MB,
            max_output_bytes=settings.SCRIPT_MAX_OUTPUT_BYTES,
        )
        return cls(
            limits, size=settings.SCRIPT_WORKERS, extra_modules=settings.SCRIPT_EXTRA_MODULES
        )

    # -- life cycle ------------------------------------------------------------------

    def start(self) -> None:
        """Start the workers and wait until each is ready (blocking; call it at start-up,
        or let the first `run` do it in a thread)."""
        with self._lock:
            if self._started or self._closed:
                return
            self._started = True
        atexit.register(self.close)
        workers = [WorkerProcess.spawn(self._config) for _ in range(self.size)]
        try:
            for worker in workers:
                worker.wait_ready(self._spawn_timeout_s)
        except (OSError, WorkerGone, WorkerProtocolError) as error:
            for worker in workers:
                worker.dispose()
            raise ScriptError(f"the script workers did not start: {error}") from None
        for worker in workers:
            with self._lock:
                self._alive.add(worker)
            self._release(worker)

    def close(self) -> None:
        """Kill every worker; calls in flight fail with ScriptCrashed. Idempotent."""
        with self._lock:
            self._closed = True
            idle, self._idle = list(self._idle), deque()
            busy = self._alive - set(idle)
            waiters, self._waiters = list(self._waiters), deque()
        for worker in idle:
            worker.dispose()
        for worker in busy:
            worker.kill()
        for loop, waiter in waiters:
            _call_soon(loop, _fail_waiter, waiter)
        with self._lock:
            replacing = list(self._replacing)
        for thread in replacing:
            thread.join(self._spawn_timeout_s)
        atexit.unregister(self.close)

    def worker_pids(self) -> list[int]:
        """The process ids of the live workers (idle and busy)."""
        with self._lock:
            return sorted(worker.pid for worker in self._alive)

    def busy_pids(self) -> list[int]:
        """The process ids of the workers running a call now."""
        with self._lock:
            return sorted(worker.pid for worker in self._alive - set(self._idle))

    def check(self, source: str) -> None:
        """Compile `source` with this pool's policy (at save time): ScriptCompileError."""
        compile_script(source, modules=self.modules)

    # -- a call ----------------------------------------------------------------------

    async def run(
        self,
        source: str,
        *,
        kind: Kind = "api",
        params: Mapping[str, Any] | None = None,
        result: Any = None,
        host: Host | None = None,
        macros: Mapping[str, str] | None = None,
        timeout_s: float | None = None,
    ) -> ScriptOutcome:
        """Run one script; its value and logs, or a ScriptError / ScriptCompileError /
        ScriptRejected (a validation script's refusal). `timeout_s` shortens (never
        lengthens) the pool's wall-clock limit for this call."""
        if kind not in KINDS:
            raise ValueError(f"unknown script kind {kind!r}")
        started = time.perf_counter()
        host = host or Host()
        inputs = host.inputs() | {"req": dict(params or {}), "result": result}
        message = {"op": "run", "kind": kind, "source": source, "inputs": inputs}
        payload = protocol.encode(message | {"macros": dict(macros or {})})
        if not self._started:
            await asyncio.to_thread(self.start)
        limit = min(timeout_s or self.limits.timeout_s, self.limits.timeout_s)
        session = host.session()
        reply = await self._call(payload, session, started, limit)
        try:
            return _outcome(reply, started)
        except ScriptRuntimeError as error:
            raise _escaped(error, session.refusal) from None

    async def _call(
        self, payload: bytes, session: HostSession, started: float, limit: float
    ) -> dict[str, Any]:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + limit - (time.perf_counter() - started)
        worker: WorkerProcess | None = None
        try:
            async with asyncio.timeout_at(deadline):
                worker = await self._acquire()
                reply = await self._converse(worker, payload, session)
        except TimeoutError:
            self._retire(worker)
            raise ScriptTimeout(f"the script ran past its time limit ({limit:g} s)") from None
        except (WorkerGone, WorkerProtocolError):
            self._retire(worker)
            raise ScriptCrashed(await asyncio.to_thread(_gone, worker)) from None
        except FrameTooLarge:
            self._retire(worker)
            raise ScriptResourceError("the script's output is too large") from None
        except BaseException:
            self._retire(worker)
            raise
        finally:
            await session.close()
        self._settle(worker, reply)
        return reply

    async def _converse(
        self, worker: WorkerProcess, payload: bytes, session: HostSession
    ) -> dict[str, Any]:
        await worker.send(payload)
        while True:
            message = await worker.receive(self._max_frame)
            op = message.get("op") if isinstance(message, dict) else None
            if op in ("done", "fail"):
                return message  # type: ignore[no-any-return]
            if op != "rpc":
                raise WorkerProtocolError(f"unexpected frame {op!r}")
            await worker.send(await _answer(session, message))

    def _settle(self, worker: WorkerProcess, reply: dict[str, Any]) -> None:
        error = reply.get("error")
        if isinstance(error, dict) and error.get("kind") == "memory":
            self._retire(worker)
        else:
            self._release(worker)

    # -- the idle list ---------------------------------------------------------------

    async def _acquire(self) -> WorkerProcess:
        """A live idle worker; one that died while idle is replaced, not handed out."""
        while True:
            worker = await self._take()
            if worker.process.poll() is None:
                return worker
            self._retire(worker)

    async def _take(self) -> WorkerProcess:
        loop = asyncio.get_running_loop()
        with self._lock:
            if self._closed:
                raise ScriptError("the script engine is shut down")
            if self._idle:
                return self._idle.popleft()
            waiter: asyncio.Future[WorkerProcess] = loop.create_future()
            self._waiters.append((loop, waiter))
        try:
            return await waiter
        except BaseException:
            if waiter.done() and not waiter.cancelled() and waiter.exception() is None:
                self._release(waiter.result())
            raise

    def _release(self, worker: WorkerProcess) -> None:
        with self._lock:
            if self._closed:
                self._alive.discard(worker)
                worker.dispose()
                return
            while self._waiters:
                loop, waiter = self._waiters.popleft()
                if not waiter.done() and _call_soon(loop, self._hand_over, waiter, worker):
                    return
            self._idle.append(worker)

    def _hand_over(self, waiter: "asyncio.Future[WorkerProcess]", worker: WorkerProcess) -> None:
        if waiter.done():
            self._release(worker)
        else:
            waiter.set_result(worker)

    # -- replacing a worker ----------------------------------------------------------

    def _retire(self, worker: WorkerProcess | None) -> None:
        """Kill `worker` now; dispose of it and start its replacement in a thread."""
        if worker is None:
            return
        worker.kill()
        thread = threading.Thread(target=self._replace, args=(worker,), daemon=True)
        with self._lock:
            self._replacing.add(thread)
        thread.start()

    def _replace(self, old: WorkerProcess) -> None:
        try:
            self._respawn(old)
        finally:
            with self._lock:
                self._replacing.discard(threading.current_thread())

    def _respawn(self, old: WorkerProcess) -> None:
        old.dispose()
        with self._lock:
            self._alive.discard(old)
        for delay in _RESPAWN_DELAYS_S * 3:
            time.sleep(delay)
            if self._closed:
                return
            worker = self._start_one()
            if worker is not None:
                self._release(worker)
                return
        logger.error("gave up starting a script worker; the pool is one short")

    def _start_one(self) -> WorkerProcess | None:
        try:
            worker = WorkerProcess.spawn(self._config)
        except OSError:
            logger.exception("starting a script worker failed")
            return None
        try:
            worker.wait_ready(self._spawn_timeout_s)
        except (OSError, WorkerGone, WorkerProtocolError):
            logger.exception("a script worker did not start")
            worker.dispose()
            return None
        with self._lock:
            self._alive.add(worker)
        return worker


async def _answer(session: HostSession, message: dict[str, Any]) -> bytes:
    try:
        value = await session.dispatch(message.get("call"), message.get("args"))
        return protocol.encode({"ok": value})
    except HostCallError as error:
        return protocol.encode({"error": str(error)})


def _outcome(reply: dict[str, Any], started: float) -> ScriptOutcome:
    logs = _logs(reply.get("logs"))
    if reply["op"] == "fail":
        raise _error(reply.get("error"), logs)
    duration_ms = (time.perf_counter() - started) * 1000
    return ScriptOutcome(value=reply.get("value"), logs=logs, duration_ms=duration_ms)


def _error(problem: Any, logs: list[str]) -> Exception:
    """The worker's account of a failure (untrusted data) as our typed error."""
    problem = problem if isinstance(problem, dict) else {}
    kind = problem.get("kind")
    message = _text(problem.get("message")) or "the script failed"
    line = problem.get("line") if type(problem.get("line")) is int else None
    where = _text(problem.get("where")) or None
    if kind == "compile":
        return ScriptCompileError(message, line=line, where=where)
    if kind == "rejected":
        return ScriptRejected(message, logs=logs)
    if kind in ("cpu", "memory", "output"):
        return ScriptResourceError(message, logs=logs)
    error_type = _text(problem.get("type")) or None
    return ScriptRuntimeError(message, line=line, where=where, error_type=error_type, logs=logs)


def _escaped(error: ScriptRuntimeError, refusal: WholeTableWrite | None) -> SluiceError:
    """A whole-table write the script did not catch answers as the refusal it is (400, as
    for a template), not as a script error; its logs stay with it."""
    if refusal is None or error.error_type != "DatabaseError":
        return error
    if refusal.message not in error.message:
        return error
    refusal.logs = error.logs
    return refusal


def _text(value: Any) -> str:
    return value[:_MAX_MESSAGE_CHARS] if isinstance(value, str) else ""


def _logs(value: Any) -> list[str]:
    if not isinstance(value, list):
        return []
    return [_text(line) for line in value[:10_000] if isinstance(line, str)]


def _gone(worker: WorkerProcess | None) -> str:
    if worker is None:  # pragma: no cover - only a worker can be gone
        return "the worker process died"
    return worker.exit_description()


def _call_soon(loop: asyncio.AbstractEventLoop, callback: Any, *args: Any) -> bool:
    try:
        loop.call_soon_threadsafe(callback, *args)
    except RuntimeError:  # that loop is closed
        return False
    return True


def _fail_waiter(waiter: "asyncio.Future[WorkerProcess]") -> None:
    if not waiter.done():
        waiter.set_exception(ScriptError("the script engine is shut down"))
