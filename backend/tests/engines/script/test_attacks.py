"""The attack corpus: every escape we know of, each refused at compile time or stopped at
run time with a clear error, through the real worker pool."""

import asyncio
import statistics
import time
from dataclasses import dataclass

import pytest

from sluice.engines.script.errors import (
    ScriptCompileError,
    ScriptError,
    ScriptResourceError,
    ScriptRuntimeError,
    ScriptTimeout,
)
from sluice.engines.script.limits import ScriptLimits
from sluice.engines.script.workers import ScriptPool

pytestmark = pytest.mark.anyio


@dataclass(frozen=True)
class Attack:
    name: str
    source: str
    error: type[Exception]
    says: str


def compile_refused(name: str, source: str, says: str = "") -> Attack:
    return Attack(name, source, ScriptCompileError, says)


def run_refused(name: str, source: str, says: str) -> Attack:
    return Attack(name, source, ScriptRuntimeError, says)


ATTACKS = [
    # subclass and mro walks
    compile_refused("subclasses", "result = ().__class__.__bases__[0].__subclasses__()", "_"),
    run_refused(
        "subclasses by computed name",
        "result = getattr(getattr((), '__cla' + 'ss__'), '__subcl' + 'asses__')()",
        "SandboxError",
    ),
    run_refused("computed dunder", "result = getattr((), '__cla' + 'ss__')", "SandboxError"),
    run_refused("type is not a builtin", "result = type(1)", "NameError"),
    compile_refused("mro attribute", "result = int.mro()", "mro"),
    run_refused("mro by computed name", "result = getattr(int, 'm' + 'ro')()", "SandboxError"),
    run_refused("object is not a builtin", "result = object()", "NameError"),
    # frames: generators, coroutines, async generators, tracebacks
    compile_refused("generator frame", "g = (x for x in [])\nresult = g.gi_frame.f_back.f_globals"),
    run_refused(
        "generator frame by name", "g = (x for x in [])\nresult = getattr(g, 'gi_' + 'frame')", ""
    ),
    compile_refused("generator code", "def g():\n    yield 1\nresult = g().gi_code"),
    compile_refused("coroutine", "async def f():\n    pass\nresult = f().cr_frame"),
    compile_refused("async generator", "async def f():\n    yield 1\nresult = f().ag_frame"),
    compile_refused(
        "traceback frame",
        "try:\n    1 / 0\nexcept Exception as e:\n    result = e.__traceback__.tb_frame",
    ),
    run_refused(
        "traceback by computed name",
        "try:\n    1 / 0\nexcept Exception as e:\n    result = getattr(e, '__trace' + 'back__')",
        "SandboxError",
    ),
    compile_refused("function globals", "def f():\n    pass\nresult = f.__globals__"),
    compile_refused("function code", "def f():\n    pass\nresult = f.__code__"),
    compile_refused("bound method self", "result = db.query.__self__"),
    run_refused("facade internals", "result = getattr(db, '_call')", "SandboxError"),
    # introspection builtins
    run_refused("vars", "result = vars()", "NameError"),
    run_refused("globals", "result = globals()", "NameError"),
    run_refused("locals", "result = locals()", "NameError"),
    run_refused("dir", "result = dir(db)", "NameError"),
    compile_refused("builtins dict", "result = __builtins__['open']"),
    # format-string attribute walks
    compile_refused("str.format", "result = '{0.__class__}'.format(1)", "format"),
    compile_refused("format_map", "result = '{x.__class__}'.format_map({'x': 1})", "format_map"),
    compile_refused("unbound str.format", "result = str.format('{0.__class__}', 1)", "format"),
    run_refused(
        "format by computed name", "result = getattr('{0.__class__}', 'for' + 'mat')(1)", ""
    ),
    compile_refused("f-string dunder", "result = f'{db.__class__}'"),
    # imports and modules
    compile_refused("__import__", "result = __import__('os')"),
    compile_refused("importlib", "import importlib", "importlib"),
    compile_refused("os", "import os\nresult = os.environ", "'os'"),
    compile_refused("os via from", "from os import environ", "'os'"),
    compile_refused("subprocess", "import subprocess", "'subprocess'"),
    compile_refused("ctypes", "import ctypes", "'ctypes'"),
    compile_refused("pickle", "import pickle", "'pickle'"),
    compile_refused("marshal", "import marshal", "'marshal'"),
    compile_refused("sys", "import sys\nresult = sys._getframe()", "'sys'"),
    compile_refused("operator.attrgetter", "import operator", "'operator'"),
    compile_refused("string.Formatter", "from string import Formatter", "'string'"),
    compile_refused("relative import", "from . import x"),
    run_refused("json is not a module", "import json\nresult = json.codecs", "AttributeError"),
    run_refused(
        "json function globals by name",
        "import json\nresult = getattr(json.loads, '__glo' + 'bals__')",
        "SandboxError",
    ),
    run_refused("datetime has no sys", "import datetime\nresult = datetime.sys", "AttributeError"),
    # files, processes, code execution
    run_refused("open", "result = open('/etc/passwd').read()", "NameError"),
    compile_refused("exec", "exec('result = 1')", "Exec"),
    compile_refused("eval", "result = eval('1')", "Eval"),
    run_refused("compile", "result = compile('1', 'x', 'eval')", "NameError"),
    compile_refused("fork", "import os\nos.fork()"),
    compile_refused("breakpoint", "breakpoint()", "breakpoint"),
    # classes
    compile_refused(
        "__getattribute__",
        "class A:\n    def __getattribute__(self, name):\n        return 1\nresult = A().x",
    ),
    compile_refused("__reduce__", "class A:\n    def __reduce__(self):\n        return (1, ())"),
    compile_refused("metaclass keyword", "class A(metaclass=dict):\n    pass"),
    run_refused("metaclass by subclassing type", "class M(type):\n    pass", "NameError"),
    run_refused("super", "class A:\n    def f(self):\n        return super()\nA().f()", ""),
    # mutating shared state
    run_refused("patch a facade", "import json\njson.loads = None", "SandboxError"),
    run_refused("patch a builtin type", "dict.x = 1", "SandboxError"),
    run_refused("patch a context object", "db.query = None", "SandboxError"),
    run_refused("print to a file", "print('x', file=db)", "SandboxError"),
    # resources
    run_refused("recursion bomb", "def f():\n    return f()\nresult = f()", "RecursionError"),
]


@pytest.mark.parametrize("attack", ATTACKS, ids=[attack.name for attack in ATTACKS])
async def test_attack_is_refused(pool: ScriptPool, attack: Attack) -> None:
    with pytest.raises(attack.error) as caught:
        await pool.run(attack.source)
    assert attack.says in str(caught.value)


def test_the_corpus_is_large() -> None:
    assert len(ATTACKS) + len(LIMIT_ATTACKS) >= 30


LIMIT_ATTACKS = [
    Attack("infinite loop", "while True:\n    pass", ScriptTimeout, "(1.5 s)"),
    Attack("cpu loop", "n = 0\nwhile True:\n    n += 1", ScriptTimeout, "(1.5 s)"),
    Attack(
        "catch-all cannot hold the deadline",
        "while True:\n    try:\n        while True:\n            pass\n    except:\n        pass",
        ScriptTimeout,
        "",
    ),
    Attack(
        "regex catastrophic backtracking",
        "import re\nresult = re.match('(a+)+$', 'a' * 64 + 'b')",
        ScriptTimeout,
        "",
    ),
    Attack("memory bomb", "result = 'a' * 10**10", ScriptResourceError, "memory"),
    Attack(
        "list growth",
        "x = []\nwhile True:\n    x.append('a' * 1000000)",
        ScriptResourceError,
        "memory",
    ),
    Attack("500 MB result", "result = 'a' * 500_000_000", ScriptResourceError, "memory"),
    Attack("result over the output cap", "result = 'a' * 2_000_000", ScriptResourceError, "output"),
    Attack(
        "log flood is capped, not fatal",
        "for i in range(100000):\n    log.info('x' * 10000)\nresult = 1\nraise ValueError('end')",
        ScriptRuntimeError,
        "ValueError",
    ),
]


@pytest.mark.parametrize("attack", LIMIT_ATTACKS, ids=[attack.name for attack in LIMIT_ATTACKS])
async def test_limit_attack_is_stopped(pool: ScriptPool, attack: Attack) -> None:
    started = time.monotonic()
    with pytest.raises(attack.error) as caught:
        await pool.run(attack.source)
    assert attack.says in str(caught.value)
    assert time.monotonic() - started < 3
    assert (await pool.run("result = 'still fine'")).value == "still fine"


async def test_log_flood_keeps_a_bounded_number_of_lines(pool: ScriptPool) -> None:
    with pytest.raises(ScriptRuntimeError) as caught:
        await pool.run("for i in range(100000):\n    log.info('x' * 10000)\nraise ValueError()")
    logs = caught.value.logs
    assert len(logs) == pool.limits.max_log_lines + 1
    assert logs[-1].endswith("more log lines dropped")
    assert max(len(line) for line in logs) <= pool.limits.max_log_line_chars + 10


async def test_cpu_limit_stops_a_busy_script_and_cannot_be_caught() -> None:
    limits = ScriptLimits(timeout_s=10, cpu_s=1, memory_mb=128)
    cpu_pool = ScriptPool(limits, size=1)
    try:
        source = "while True:\n    try:\n        while True:\n            pass\n    except:\n        pass"
        with pytest.raises(ScriptResourceError, match="CPU time"):
            await cpu_pool.run(source)
        assert (await cpu_pool.run("result = 2")).value == 2
    finally:
        cpu_pool.close()


async def test_module_level_state_does_not_leak_between_calls(pool: ScriptPool) -> None:
    source = (
        "import json\n"
        "try:\n    counter\nexcept NameError:\n    counter = 0\n"
        "counter = counter + 1\n"
        "def execute(params, seen=[]):\n    seen.append(1)\n    return [counter, len(seen)]\n"
    )
    for _ in range(6):  # more calls than workers: each worker sees the script again
        assert (await pool.run(source)).value == [1, 1]


async def test_json_is_a_facade_of_two_functions(pool: ScriptPool) -> None:
    source = "import json\nresult = [repr(json), json.dumps(json.loads('[1, 2]'))]"
    assert (await pool.run(source)).value == ["<json>", "[1, 2]"]


async def test_script_classes_work_but_only_their_own_objects_change(pool: ScriptPool) -> None:
    source = (
        "class Point:\n"
        "    def __init__(self, x):\n        self.x = x\n"
        "    def __eq__(self, other):\n        return self.x == other.x\n"
        "p = Point(2)\np.x = 3\nresult = [p.x, Point(1) == Point(1)]"
    )
    assert (await pool.run(source)).value == [3, True]


async def test_a_hostile_script_does_not_slow_the_others(pool: ScriptPool) -> None:
    hostile = asyncio.ensure_future(pool.run("while True:\n    pass"))
    await asyncio.sleep(0.1)
    latencies = []
    for i in range(50):
        started = time.perf_counter()
        assert (
            await pool.run("def execute(params):\n    return params['i']", params={"i": i})
        ).value == i
        latencies.append(time.perf_counter() - started)
    assert not hostile.done()
    with pytest.raises(ScriptTimeout):
        await hostile
    assert statistics.median(latencies) < 0.02
    assert max(latencies) < 0.5


async def test_hostile_calls_in_parallel_leave_a_worker_for_the_rest(pool: ScriptPool) -> None:
    hostile = [asyncio.ensure_future(pool.run("while True:\n    pass")) for _ in range(2)]
    await asyncio.sleep(0.1)
    started = time.perf_counter()
    assert (await pool.run("result = 'quick'")).value == "quick"
    assert time.perf_counter() - started < 0.5
    for task in hostile:
        with pytest.raises(ScriptError):
            await task
