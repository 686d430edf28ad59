"""The worker process: `python -m sluice.engines.script.child IN_FD OUT_FD CONFIG`.

It imports everything it will ever need, locks itself down (limits.py), says `ready`,
then answers one `run` frame at a time: compile (cached per source), execute with fresh
globals, send back `done` or `fail`. The script's `db`/`tx`/`http`/`cache` calls become
`rpc` frames on the way. It exits when the parent closes its pipe, and after a memory
error (asking the parent to replace it), so a half-broken interpreter never runs twice.
"""

import datetime
import os
import sys
from collections.abc import Callable
from types import CodeType, TracebackType
from typing import Any

import orjson

from sluice.engines.script import protocol
from sluice.engines.script.context import HOST_ERRORS, LogBuffer, context_names
from sluice.engines.script.errors import ScriptCompileError
from sluice.engines.script.limits import (
    CpuLimitExceeded,
    ScriptLimits,
    apply_process_limits,
    arm_cpu,
    disarm_cpu,
)
from sluice.engines.script.sandbox import (
    MACRO_PACKAGE,
    SCRIPT_FILENAME,
    Facade,
    compile_script,
    make_importer,
    module_facades,
    script_globals,
)

MACRO_PREFIX = "<macro:"
_CACHE_SIZE = 512


class Rejected(Exception):
    """A validation script refused the parameters."""


class Channel:
    """Length-prefixed frames over two pipe descriptors (blocking: the worker has nothing
    else to do while it waits)."""

    def __init__(self, read_fd: int, write_fd: int) -> None:
        self._read_fd = read_fd
        self._write_fd = write_fd

    def send(self, payload: bytes) -> None:
        view = memoryview(protocol.frame(payload))
        while view:
            view = view[os.write(self._write_fd, view) :]

    def receive(self) -> Any:
        header = self._read_exactly(protocol.HEADER.size)
        (length,) = protocol.HEADER.unpack(header)
        return protocol.decode(self._read_exactly(length))

    def _read_exactly(self, count: int) -> bytes:
        chunks: list[bytes] = []
        while count:
            chunk = os.read(self._read_fd, min(count, 1 << 20))
            if not chunk:
                raise EOFError
            chunks.append(chunk)
            count -= len(chunk)
        return b"".join(chunks)

    def call(self, name: str, args: list[Any]) -> Any:
        """One RPC to the parent, as a script sees it: the answer or a HostError."""
        try:
            request = protocol.encode({"op": "rpc", "call": name, "args": args})
        except protocol.NotJSON as error:
            raise TypeError(f"{name}: {error}") from None
        self.send(request)
        answer = self.receive()
        if "ok" in answer:
            return answer["ok"]
        error_class = HOST_ERRORS.get(name.split(".")[0], HOST_ERRORS["db"])
        raise error_class(answer["error"])


class Compiler:
    """Compiled code per (file name, source), so a warm worker compiles a script once."""

    def __init__(self, modules: list[str]) -> None:
        self._modules = modules
        self._cache: dict[tuple[str, str], CodeType] = {}

    def __call__(self, source: str, filename: str = SCRIPT_FILENAME) -> CodeType:
        key = (filename, source)
        code = self._cache.get(key)
        if code is None:
            if len(self._cache) >= _CACHE_SIZE:
                self._cache.clear()
            code = self._cache[key] = compile_script(
                source, filename=filename, modules=self._modules
            )
        return code


class Macros:
    """`import macros`, `from macros import name`, `from macros.name import f` for one
    run: each macro is compiled with the script's policy and run once, on first import."""

    def __init__(
        self,
        sources: dict[str, str],
        compiler: Compiler,
        new_scope: Callable[[], dict[str, Any]],
    ) -> None:
        self._sources = sources
        self._compiler = compiler
        self._new_scope = new_scope
        self._loaded: dict[str, Facade] = {}
        self._loading: set[str] = set()
        self.package = MacroPackage(self)

    def __call__(self, name: str, fromlist: tuple[str, ...]) -> Any:
        if name == MACRO_PACKAGE:
            for item in fromlist:  # `from macros import a, b`: load them, with clear errors
                self.load(item)
            return self.package
        leaf = self.load(name[len(MACRO_PACKAGE) + 1 :])
        return leaf if fromlist else self.package

    def load(self, name: str) -> Facade:
        if name in self._loaded:
            return self._loaded[name]
        if name not in self._sources:
            raise ImportError(f"no macro named {name!r}")
        if name in self._loading:
            raise ImportError(f"macro {name!r} imports itself (a cycle)")
        self._loading.add(name)
        code = self._compiler(self._sources[name], f"{MACRO_PREFIX}{name}>")
        scope = self._new_scope()
        given = set(scope)
        exec(code, scope)
        public = {k: v for k, v in scope.items() if k not in given and not k.startswith("_")}
        self._loaded[name] = Facade(f"{MACRO_PACKAGE}.{name}", public)
        self._loading.discard(name)
        return self._loaded[name]


class MacroPackage:
    """`macros` itself: each attribute loads that macro on first use."""

    def __init__(self, macros: Macros) -> None:
        self._macros = macros

    def __getattr__(self, name: str) -> Facade:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self._macros.load(name)
        except ImportError as error:
            raise AttributeError(str(error)) from None

    def __setattr__(self, name: str, value: Any) -> None:
        if name != "_macros":
            raise AttributeError("macros is read-only")
        object.__setattr__(self, name, value)

    def __repr__(self) -> str:
        return "<macros>"


class Worker:
    def __init__(self, channel: Channel, limits: ScriptLimits, modules: list[str]) -> None:
        self.channel = channel
        self.limits = limits
        self.facades = module_facades(modules)
        self.compiler = Compiler(modules)

    def handle(self, message: dict[str, Any]) -> tuple[bytes, bool]:
        """One `run` frame to its `done` or `fail` payload, and whether to retire."""
        logs = LogBuffer(self.limits.max_log_lines, self.limits.max_log_line_chars)
        try:
            arm_cpu(self.limits)
            value = self.execute(message, logs)
            disarm_cpu()
            return self.done(value, logs), False
        except BaseException as error:  # the script's, a limit's: all reported
            disarm_cpu()
            return failure(error, logs), isinstance(error, MemoryError)

    def done(self, value: Any, logs: LogBuffer) -> bytes:
        try:
            payload = protocol.encode({"op": "done", "value": value, "logs": logs.result()})
        except protocol.NotJSON as error:
            problem = {"kind": "runtime", "type": "TypeError", "message": f"the result: {error}"}
            return fail_payload(problem, logs)
        if len(payload) > self.limits.max_output_bytes:
            size = f"{len(payload)} bytes, over the limit of {self.limits.max_output_bytes}"
            return fail_payload({"kind": "output", "message": f"output too large: {size}"}, logs)
        return payload

    def execute(self, message: dict[str, Any], logs: LogBuffer) -> Any:
        code = self.compiler(message["source"])
        inputs: dict[str, Any] = message.get("inputs") or {}
        names = context_names(self.channel.call, inputs, logs)
        if message["kind"] == "transform":
            names["result"] = inputs.get("result")

        def new_scope() -> dict[str, Any]:
            return script_globals(names=names, importer=importer, emit=logs.printed)

        macros = Macros(message.get("macros") or {}, self.compiler, new_scope)
        importer = make_importer(self.facades, macros)
        scope = new_scope()
        exec(code, scope)
        return entry(message["kind"], scope, inputs)


def entry(kind: str, scope: dict[str, Any], inputs: dict[str, Any]) -> Any:
    """The script's answer for its kind: its entry function's value, else `result`."""
    params = scope["req"]
    if kind == "transform":
        function = scope.get("transform")
        return function(inputs.get("result"), params) if callable(function) else scope["result"]
    function = scope.get("validate" if kind == "validate" else "execute")
    value = function(params) if callable(function) else scope.get("result")
    return verdict(value) if kind == "validate" else value


def verdict(value: Any) -> None:
    if value is None or value is True:
        return None
    if value is False:
        raise Rejected("the parameters are not valid")
    if isinstance(value, str):
        raise Rejected(value)
    raise TypeError("validate() must return True, None, False or a message")


def failure(error: BaseException, logs: LogBuffer) -> bytes:
    if isinstance(error, ScriptCompileError):
        problem = {"kind": "compile", "message": error.reason, "line": error.line}
        return fail_payload(problem | {"where": _where(error.where)}, logs)
    if isinstance(error, Rejected):
        return fail_payload({"kind": "rejected", "message": str(error)}, logs)
    if isinstance(error, CpuLimitExceeded):
        return fail_payload({"kind": "cpu", "message": "CPU time limit exceeded"}, logs)
    if isinstance(error, MemoryError):
        return fail_payload({"kind": "memory", "message": "memory limit exceeded"}, logs)
    return fail_payload(runtime_problem(error), logs)


def runtime_problem(error: BaseException) -> dict[str, Any]:
    if isinstance(error, ValueError) and _in_validate(error.__traceback__):
        return {"kind": "rejected", "message": str(error)}
    filename, line = script_position(error.__traceback__)
    name = type(error).__name__
    return {
        "kind": "runtime",
        "type": name,
        "message": f"{name}: {error}",
        "line": line,
        "where": _where(filename),
    }


def script_position(trace: TracebackType | None) -> tuple[str | None, int | None]:
    """The innermost frame of the script or of a macro: where the author should look."""
    found: tuple[str | None, int | None] = (None, None)
    while trace is not None:
        filename = trace.tb_frame.f_code.co_filename
        if filename == SCRIPT_FILENAME or filename.startswith(MACRO_PREFIX):
            found = (filename, trace.tb_lineno)
        trace = trace.tb_next
    return found


def _in_validate(trace: TracebackType | None) -> bool:
    while trace is not None:
        code = trace.tb_frame.f_code
        if code.co_name == "validate" and code.co_filename == SCRIPT_FILENAME:
            return True
        trace = trace.tb_next
    return False


def _where(filename: str | None) -> str | None:
    if filename and filename.startswith(MACRO_PREFIX):
        return f"macro {filename[len(MACRO_PREFIX) : -1]!r}"
    return None


def fail_payload(problem: dict[str, Any], logs: LogBuffer) -> bytes:
    return orjson.dumps({"op": "fail", "error": problem, "logs": logs.result()}, default=str)


def _warm_up() -> None:
    """Load what the standard library would otherwise import lazily (from files)."""
    datetime.datetime.strptime("2000-01-02", "%Y-%m-%d")
    for codec in ("idna", "latin-1", "utf-16", "utf-32", "ascii"):
        "x".encode(codec)
    compile_script("import json\nresult = [x for x in (1, 2)]\nprint(result)")


def main(argv: list[str]) -> None:
    read_fd, write_fd, config = int(argv[1]), int(argv[2]), orjson.loads(argv[3])
    limits = ScriptLimits(**config["limits"])
    worker = Worker(Channel(read_fd, write_fd), limits, list(config["modules"]))
    _warm_up()
    apply_process_limits(limits)
    worker.channel.send(b'{"op":"ready"}')
    serve(worker)


def serve(worker: Worker) -> None:
    while True:
        try:
            message = worker.channel.receive()
        except EOFError:
            return
        payload, retire = worker.handle(message)
        worker.channel.send(payload)
        if retire:
            return


if __name__ == "__main__":
    main(sys.argv)
