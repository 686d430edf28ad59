"""Faults under load: a real `sluice serve`, callers calling its published APIs, and one
fault injected mid-run (Redis killed, data-source connections terminated, the store
refusing connections, a uvicorn worker or script workers killed).

After each fault, with no restart of Sluice, calls succeed again within a bounded time,
and every answer the callers received is accounted for: an access record written, or a
record counted as dropped in `sluice_access_records_dropped_total`. Each run is 2 s of
steady load, 3 s of fault, then 4 s of recovery.
"""

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx2 as httpx

from sluice.cli import WORKER_HEALTHCHECK_SECONDS
from tests.faults.conftest import Serve
from tests.live import (
    SCRIPT_CHILD,
    Call,
    Load,
    PrivateRedis,
    Proc,
    Sluice,
    Tally,
    TcpProxy,
    children,
    kill,
    store_url,
    terminate_connections,
    wait_until,
)

STEADY_S, FAULT_S, AFTER_S = 2.0, 3.0, 4.0
RECOVERY_S = 3.0  # a call succeeds at most this long after the fault ends
SETTLE_S = 20.0  # records still queued or retried are written within this
DROPPED = "sluice_access_records_dropped_total"

SQL = "SELECT id, name, price FROM items WHERE id = {{ id }}"
SCRIPT = """
def execute(params):
    rows = db.query("SELECT price FROM items WHERE id = %s", [params["id"]])
    return {"id": params["id"], "price": rows[0]["price"]}
"""


@dataclass
class Published:
    calls: list[Call]
    warm_up: int = 0  # calls answered before the load, each with its record too


def publish(sluice: Sluice, source_db: str, *, script: bool = False) -> Published:
    """A private SQL API `faults/items/{id}` (and a script API `faults/prices/{id}`) over
    the source's `items`, a client that reaches them, and the calls the load sends."""
    admin = sluice.admin
    source = admin.postgres_source(source_db)
    module = admin.create("/api/v1/modules", {"name": "faults"})
    common: dict[str, Any] = {"module_id": module["id"], "datasource_id": source["id"]}
    common |= {
        "access": "private",
        "params": [{"name": "id", "location": "path", "type": "integer"}],
    }
    apis = [admin.published_api(name="item", path="items/{id}", content=SQL, **common)]
    if script:
        apis.append(
            admin.published_api(
                name="price", path="prices/{id}", engine="script", content=SCRIPT, **common
            )
        )
    _, token = admin.client_token([api["id"] for api in apis])
    headers = {"Authorization": f"Bearer {token}"}
    calls = [
        Call("GET", f"/faults/{api['path'].split('/')[0]}/{i}", headers)
        for i in range(1, 51)
        for api in apis
    ]
    published = Published(calls)
    first = calls[: len(apis)]
    assert wait_until(lambda: all(_served(sluice, published, call) for call in first), 10)
    return published


def _served(sluice: Sluice, published: Published, call: Call, times: int = 10) -> bool:
    """Answered 200 on `times` new connections (so by every worker, most likely)."""
    for _ in range(times):
        published.warm_up += 1
        if httpx.get(sluice.url + call.path, headers=call.headers).status_code != 200:
            return False
    return True


@dataclass
class Run:
    tally: Tally
    began: float  # when the fault began and ended (monotonic clock)
    ended: float


def under_load(
    sluice: Sluice,
    published: Published,
    fault: Callable[[], object],
    *,
    every: float = FAULT_S,
    restore: Callable[[], object] = lambda: None,
) -> Run:
    """Load for STEADY_S + FAULT_S + AFTER_S; in the fault phase `fault()` runs every
    `every` seconds (once by default), then `restore()`."""
    load = Load(sluice.url, published.calls, seconds=STEADY_S + FAULT_S + AFTER_S)
    with load.running() as tally:
        time.sleep(STEADY_S)
        began = time.monotonic()
        while (left := began + FAULT_S - time.monotonic()) > 0:
            fault()
            time.sleep(max(0.0, min(every, left)))
        restore()
        ended = time.monotonic()
    return Run(tally, began, ended)


def assert_recovered(sluice: Sluice, run: Run) -> None:
    """The same server (no restart) answers 200 again soon after the fault, and every
    call of the last second succeeded."""
    assert sluice.process.poll() is None
    first = run.tally.first_success(run.ended)
    assert first is not None and first - run.ended < RECOVERY_S, run.tally.statuses(run.ended)
    last_second = run.tally.statuses(since=run.tally.ended - 1.0)
    assert set(last_second) == {200}, last_second


def settled_records(sluice: Sluice, published: Published, answered: int) -> tuple[int, int]:
    """(records written, records dropped) once they account for `answered` calls, or as
    they stand after SETTLE_S: records may still be queued or retried."""
    figures = (0, 0)

    def settled() -> bool:
        nonlocal figures
        try:
            written = sluice.admin.records()
            figures = (written, int(sluice.metric(DROPPED)))
        except httpx.HTTPError:  # the store just came back: ask again
            return False
        return sum(figures) >= answered

    wait_until(settled, timeout=SETTLE_S, interval=0.5)
    time.sleep(1.0)  # two more flushes: a batch written twice would show now
    settled()
    return figures


def assert_every_answer_recorded(
    name: str, sluice: Sluice, published: Published, tally: Tally, lost: int = 0
) -> tuple[int, int]:
    """Records written + dropped == calls answered, the warm-up's included (less `lost`,
    the most a killed process may take with it); the figures are printed for the report."""
    answered = published.warm_up + tally.answered
    written, dropped = settled_records(sluice, published, answered - lost)
    statuses = dict(sorted(tally.statuses().items(), key=str))
    sys.stdout.write(
        f"\n{name}: answered {answered} ({published.warm_up} before the load),"
        f" written {written}, dropped {dropped}, load outcomes {statuses}\n"
    )
    assert answered - lost <= written + dropped <= answered
    return written, dropped


def test_redis_killed_and_restarted_during_load(
    serve: Serve, private_redis: PrivateRedis, source_db: str
) -> None:
    sluice = serve()
    published = publish(sluice, source_db)
    run = under_load(sluice, published, private_redis.kill, restore=private_redis.start)
    assert set(run.tally.statuses()) == {200}  # flow control and cache fall back to memory
    assert_recovered(sluice, run)
    assert_every_answer_recorded("redis killed", sluice, published, run.tally)


def test_data_source_connections_terminated_during_load(serve: Serve, source_db: str) -> None:
    sluice = serve()
    published = publish(sluice, source_db)
    run = under_load(sluice, published, lambda: terminate_connections(source_db), every=0.5)
    assert set(run.tally.statuses()) <= {200, 502, 503}  # all answered, in the contract's terms
    assert_recovered(sluice, run)
    assert_every_answer_recorded("data source terminated", sluice, published, run.tally)


def test_store_refusing_connections_during_load(
    store_proxy: TcpProxy, serve: Serve, store_db: str, source_db: str
) -> None:
    sluice = serve(DATABASE_URL=store_url(store_db, store_proxy.port))
    published = publish(sluice, source_db)
    run = under_load(sluice, published, store_proxy.refuse, restore=store_proxy.restore)
    assert set(run.tally.statuses()) == {200}  # the gateway never reads the store on a call
    assert_recovered(sluice, run)
    _, dropped = assert_every_answer_recorded("store refusing", sluice, published, run.tally)
    assert dropped == 0  # a store away for seconds costs no record: they wait in the queue


def test_a_uvicorn_worker_killed_during_load(serve: Serve, source_db: str) -> None:
    sluice = serve(workers=2)
    published = publish(sluice, source_db, script=True)
    victim = sluice.worker_pids()[0]
    orphans = [Proc.of(pid) for pid in children(victim, SCRIPT_CHILD)]
    try:
        run = under_load(sluice, published, lambda: kill(victim))
        # uvicorn starts a new worker; a kill that lands during a health check is seen
        # only once that check times out (WORKER_HEALTHCHECK_SECONDS), plus the start-up
        replaced = wait_until(
            lambda: len(sluice.worker_pids()) == 2, timeout=WORKER_HEALTHCHECK_SECONDS + 20
        )
        assert replaced
        assert victim not in sluice.worker_pids()
        assert_recovered(sluice, run)
        # the victim's queued records die with it: at most a flush interval of its answers
        lost = sum(run.tally.statuses(since=run.began - 1.0, until=run.began).values())
        assert_every_answer_recorded("uvicorn worker killed", sluice, published, run.tally, lost)
        assert wait_until(lambda: not any(orphan.alive() for orphan in orphans), timeout=5)
    finally:
        for orphan in orphans:
            orphan.kill()


def test_script_workers_killed_during_load(serve: Serve, source_db: str) -> None:
    sluice = serve(SCRIPT_WORKERS="2")
    published = publish(sluice, source_db, script=True)
    first = sluice.script_worker_pids()
    assert len(first) == 2

    def kill_script_workers() -> None:
        for pid in sluice.script_worker_pids():
            kill(pid)

    run = under_load(sluice, published, kill_script_workers, every=1.0)
    assert_recovered(sluice, run)
    assert_every_answer_recorded("script workers killed", sluice, published, run.tally)
    assert wait_until(lambda: len(sluice.script_worker_pids()) == 2, timeout=10)
    assert not set(sluice.script_worker_pids()) & set(first)
