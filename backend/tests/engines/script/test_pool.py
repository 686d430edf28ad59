"""The pool and the script language: entry points, results, errors with line numbers,
macros, extra modules, and workers that die, time out or are shut down."""

import asyncio
import os
import signal
import threading
import time

import pytest

from sluice.config import Settings
from sluice.engines.script.errors import (
    ScriptCompileError,
    ScriptConfigError,
    ScriptCrashed,
    ScriptError,
    ScriptRejected,
    ScriptRuntimeError,
    ScriptTimeout,
)
from sluice.engines.script.workers import ScriptPool
from tests.engines.script.conftest import TEST_LIMITS

pytestmark = pytest.mark.anyio


# -- entry points --------------------------------------------------------------------


async def test_execute_gets_the_params(pool: ScriptPool) -> None:
    source = "def execute(params):\n    return {'sum': params['a'] + params['b']}"
    assert (await pool.run(source, params={"a": 1, "b": 2})).value == {"sum": 3}


async def test_a_script_may_assign_result_instead(pool: ScriptPool) -> None:
    assert (await pool.run("result = req['x'] * 2", params={"x": 21})).value == 42


async def test_a_script_without_an_answer_answers_none(pool: ScriptPool) -> None:
    assert (await pool.run("x = 1")).value is None


async def test_transform_gets_the_result_and_params(pool: ScriptPool) -> None:
    source = "def transform(result, params):\n    return [r['n'] * params['k'] for r in result]"
    outcome = await pool.run(source, kind="transform", result=[{"n": 1}, {"n": 2}], params={"k": 3})
    assert outcome.value == [3, 6]


async def test_transform_may_rewrite_result(pool: ScriptPool) -> None:
    outcome = await pool.run("result = len(result)", kind="transform", result=[1, 2, 3])
    assert outcome.value == 3


@pytest.mark.parametrize("answer", ["True", "None"])
async def test_validate_accepts(pool: ScriptPool, answer: str) -> None:
    source = f"def validate(params):\n    return {answer}"
    assert (await pool.run(source, kind="validate", params={"a": 1})).value is None


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("return 'age must be positive'", "age must be positive"),
        ("return False", "the parameters are not valid"),
        ("raise ValueError('too young')", "too young"),
    ],
)
async def test_validate_rejects(pool: ScriptPool, body: str, message: str) -> None:
    source = f"def validate(params):\n    log.info('checked')\n    {body}"
    with pytest.raises(ScriptRejected) as caught:
        await pool.run(source, kind="validate", params={"age": -1})
    assert caught.value.message == message
    assert caught.value.status == 400
    assert caught.value.logs == ["INFO: checked"]


async def test_validate_bug_is_a_script_error(pool: ScriptPool) -> None:
    with pytest.raises(ScriptRuntimeError, match="KeyError"):
        await pool.run("def validate(params):\n    return params['nope']", kind="validate")


async def test_an_unknown_kind_is_refused(pool: ScriptPool) -> None:
    with pytest.raises(ValueError):
        await pool.run("result = 1", kind="other")  # type: ignore[arg-type]


# -- results -------------------------------------------------------------------------


async def test_results_become_json_data(pool: ScriptPool) -> None:
    source = (
        "import datetime, decimal\n"
        "result = {'d': decimal.Decimal('1.10'), 'day': datetime.date(2024, 5, 1),"
        " 't': (1, 2), 's': {3}, 'big': 2 ** 70, 1: 'int key', 'f': 1.5, 'n': None}"
    )
    assert (await pool.run(source)).value == {
        "d": "1.10",
        "day": "2024-05-01",
        "t": [1, 2],
        "s": [3],
        "big": str(2**70),
        "1": "int key",
        "f": 1.5,
        "n": None,
    }


async def test_a_result_with_no_json_form_is_an_error(pool: ScriptPool) -> None:
    with pytest.raises(ScriptRuntimeError, match="function has no JSON form"):
        await pool.run("def f():\n    pass\nresult = {'f': f}")


async def test_allowed_modules_work(pool: ScriptPool) -> None:
    source = (
        "import math, re, hashlib, base64, uuid, random\n"
        "from datetime import timedelta\n"
        "result = [math.sqrt(16), re.sub('a', 'b', 'aa'), hashlib.sha256(b'x').hexdigest()[:8],"
        " base64.b64encode(b'hi').decode(), len(str(uuid.uuid4())),"
        " timedelta(hours=1).total_seconds(), 0 <= random.random() < 1]"
    )
    assert (await pool.run(source)).value == [4.0, "bb", "2d711642", "aGk=", 36, 3600.0, True]


# -- errors carry the line -----------------------------------------------------------


async def test_a_runtime_error_names_the_line_type_and_message(pool: ScriptPool) -> None:
    source = "def execute(params):\n    x = 1\n    return x / params['zero']\n"
    with pytest.raises(ScriptRuntimeError) as caught:
        await pool.run(source, params={"zero": 0})
    error = caught.value
    assert (error.line, error.error_type) == (3, "ZeroDivisionError")
    assert error.message == "line 3: ZeroDivisionError: division by zero"
    assert error.status == 500


async def test_a_syntax_error_names_the_line(pool: ScriptPool) -> None:
    with pytest.raises(ScriptCompileError) as caught:
        await pool.run("x = 1\ny = (\n")
    assert caught.value.line == 2
    assert caught.value.status == 422


def test_check_compiles_in_the_parent(pool: ScriptPool) -> None:
    pool.check("result = 1")
    with pytest.raises(ScriptCompileError, match="line 3"):
        pool.check("a = 1\nb = 2\nc = a._secret")


# -- macros --------------------------------------------------------------------------

MACROS = {
    "money": "def fmt(amount):\n    return '%.2f EUR' % amount\nRATE = 2\n",
    "report": "from macros import money\ndef line(x):\n    return 'total: ' + money.fmt(x)\n",
    "broken": "def explode():\n    x = 1\n    return x / 0\n",
    "loop_a": "from macros import loop_b\n",
    "loop_b": "from macros import loop_a\n",
    "bad": "x = ().__class__\n",
}


async def test_macros_are_importable(pool: ScriptPool) -> None:
    source = (
        "from macros import money\n"
        "from macros.report import line\n"
        "import macros\n"
        "result = [money.fmt(3), line(1.5), macros.money.RATE]"
    )
    outcome = await pool.run(source, macros=MACROS)
    assert outcome.value == ["3.00 EUR", "total: 1.50 EUR", 2]


async def test_an_error_in_a_macro_names_the_macro_and_its_line(pool: ScriptPool) -> None:
    with pytest.raises(ScriptRuntimeError) as caught:
        await pool.run("from macros.broken import explode\nexplode()", macros=MACROS)
    assert caught.value.message == "macro 'broken' line 3: ZeroDivisionError: division by zero"


async def test_a_macro_is_compiled_with_the_same_policy(pool: ScriptPool) -> None:
    with pytest.raises(ScriptCompileError, match="macro 'bad' line 1"):
        await pool.run("from macros import bad", macros=MACROS)


@pytest.mark.parametrize(
    ("source", "says"),
    [("from macros import loop_a", "cycle"), ("from macros import nothing", "no macro named")],
)
async def test_macro_import_errors(pool: ScriptPool, source: str, says: str) -> None:
    with pytest.raises(ScriptRuntimeError, match=says):
        await pool.run(source, macros=MACROS)


# -- extra modules -------------------------------------------------------------------


def test_dangerous_extra_modules_are_refused() -> None:
    for name in ("os", "sys", "subprocess", "operator", "string", "os.path", "io"):
        with pytest.raises(ScriptConfigError):
            ScriptPool(TEST_LIMITS, extra_modules=[name])


async def test_an_extra_module_is_a_facade_without_submodules() -> None:
    settings = Settings(_env_file=None, SCRIPT_EXTRA_MODULES=["statistics"], SCRIPT_WORKERS=1)
    extra = ScriptPool.from_settings(settings)
    try:
        source = "import statistics\nresult = [statistics.mean([1, 2, 3]), repr(statistics)]"
        assert (await extra.run(source)).value == [2, "<statistics>"]
        with pytest.raises(ScriptRuntimeError, match="AttributeError"):
            await extra.run("import statistics\nresult = statistics.math")
    finally:
        extra.close()


# -- workers dying, pools closing ----------------------------------------------------


async def wait_for(condition: object, timeout_s: float = 5.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.01)


async def test_a_worker_killed_mid_call_is_replaced(own_pool: ScriptPool) -> None:
    before = own_pool.worker_pids()
    call = asyncio.ensure_future(own_pool.run("while True:\n    pass"))
    await wait_for(lambda: own_pool.busy_pids())
    (victim,) = own_pool.busy_pids()
    os.kill(victim, signal.SIGKILL)
    with pytest.raises(ScriptCrashed, match="signal 9"):
        await call
    await wait_for(
        lambda: len(own_pool.worker_pids()) == 2 and victim not in own_pool.worker_pids()
    )
    assert len(set(own_pool.worker_pids()) - set(before)) == 1
    results = await asyncio.gather(*(own_pool.run(f"result = {i}") for i in range(6)))
    assert [outcome.value for outcome in results] == list(range(6))


async def test_a_worker_that_died_idle_is_not_handed_out(own_pool: ScriptPool) -> None:
    for pid in own_pool.worker_pids():
        os.kill(pid, signal.SIGKILL)
    await asyncio.sleep(0.05)
    assert (await own_pool.run("result = 'fresh'")).value == "fresh"


async def test_a_timed_out_worker_is_replaced_and_the_pool_keeps_its_size(
    own_pool: ScriptPool,
) -> None:
    with pytest.raises(ScriptTimeout) as caught:
        await own_pool.run("while True:\n    pass")
    assert (caught.value.status, caught.value.code) == (504, "timeout")
    await wait_for(lambda: len(own_pool.worker_pids()) == 2 and not own_pool.busy_pids())


async def test_waiting_for_a_busy_pool_counts_against_the_deadline(own_pool: ScriptPool) -> None:
    hostile = [asyncio.ensure_future(own_pool.run("while True:\n    pass")) for _ in range(2)]
    await asyncio.sleep(0.1)
    started = time.monotonic()
    with pytest.raises(ScriptTimeout, match=r"\(0.5 s\)"):
        await own_pool.run("result = 1", timeout_s=0.5)
    assert 0.45 < time.monotonic() - started < 1.0
    for task in hostile:
        with pytest.raises(ScriptTimeout):
            await task


async def test_close_ends_calls_in_flight_and_every_worker() -> None:
    closing = ScriptPool(TEST_LIMITS, size=1)
    closing.start()
    pids = closing.worker_pids()
    call = asyncio.ensure_future(closing.run("while True:\n    pass"))
    waiting = asyncio.ensure_future(closing.run("result = 1"))
    await wait_for(lambda: closing.busy_pids())
    closing.close()
    with pytest.raises(ScriptCrashed):
        await call
    with pytest.raises(ScriptError, match="shut down"):
        await waiting
    await wait_for(lambda: not any(os.path.exists(f"/proc/{pid}/cmdline") for pid in pids))
    with pytest.raises(ScriptError, match="shut down"):
        await closing.run("result = 1")


def test_the_pool_serves_several_threads_and_event_loops(pool: ScriptPool) -> None:
    answers: list[object] = []

    def in_a_thread(i: int) -> None:
        outcome = asyncio.run(pool.run("result = req['i']", params={"i": i}))
        answers.append(outcome.value)

    threads = [threading.Thread(target=in_a_thread, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == list(range(8))  # type: ignore[type-var]


def test_the_worker_imports_no_driver_http_client_or_redis() -> None:
    import subprocess
    import sys

    code = (
        "import sys, sluice.engines.script.child\n"
        "print(sorted({m.split('.')[0] for m in sys.modules}"
        " & {'psycopg', 'asyncmy', 'pymysql', 'trino', 'httpx2', 'redis', 'sqlalchemy',"
        " 'fastapi', 'pydantic', 'socket'}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"
