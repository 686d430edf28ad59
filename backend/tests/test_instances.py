"""Several instances, proven: two `sluice serve --workers 2` on one PostgreSQL store and one
Redis, started at the same moment on a fresh store, driven over HTTP as a load balancer
would drive them, every gateway call on a new connection.

What a deployment that scales out must hold, and what is shown here:
- a publish made through instance A is served by every worker of instance B within a
  second (the propagation time is printed);
- a rate limit of N calls a minute admits exactly N calls spread over both instances;
- a concurrency limit holds across both: the calls let in wait on a PostgreSQL advisory
  lock the test holds, so every call admitted is still running when the next one comes,
  and PostgreSQL itself counts how many run at once;
- every call made has its access record in the store, from both instances;
- a regenerated secret or a disabled client is refused by every worker of both
  instances on the first call after the admin answer.

`pytest -n0 -s` shows the figures. The module's tests share the two instances, and the last
one checks the records of every call made before it.
"""

import contextlib
import itertools
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2 as httpx
import psycopg
import pytest
import redis

from tests.live import (
    Sluice,
    client_port,
    private_database,
    store_url,
    wait_until,
    worker_holding,
)
from tests.servers import pg_database_url, require_postgres, require_redis

RATE = 10
"""Calls a minute for the rate test: one every 6 s, far longer than the burst takes, so
what is admitted is the limit's burst and nothing earned back while it runs."""
CONCURRENT = 2
GATE_LOCK = 4242
"""The advisory lock the `gate()` function waits on while the test holds it."""
GATE = f"""
CREATE FUNCTION gate() RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock_shared({GATE_LOCK});
  RETURN 'passed';
END $$
"""
WAITING_AT_GATE = (
    "SELECT count(*) FROM pg_stat_activity"
    " WHERE datname = current_database() AND wait_event = 'advisory'"
)


def report(name: str, value: Any) -> None:
    """Show a figure (`pytest -n0 -s`)."""
    print(f"[instances] {name}: {value}")  # noqa: T201


@dataclass(frozen=True)
class Answer:
    instance: str  # "a" or "b"
    path: str
    worker: int  # pid of the uvicorn worker that answered
    status: int
    body: Any
    request_id: str
    headers: httpx.Headers
    sent: float  # time.monotonic()
    answered: float


class Pair:
    """Instances A and B, and every gateway call made to them."""

    def __init__(self, a: Sluice, b: Sluice, source: dict[str, Any], module_id: int) -> None:
        self.servers = {"a": a, "b": b}
        self.admin = a.admin  # changes are made through A
        self.source, self.module_id = source, module_id
        self.workers = {(name, pid) for name, s in self.servers.items() for pid in s.worker_pids()}
        self.answers: list[Answer] = []
        self._numbers = itertools.count()
        self.http = httpx.Client(timeout=60, limits=httpx.Limits(max_keepalive_connections=0))
        """No connection is kept: each call opens its own, so any worker may take it."""

    def call(self, instance: str, path: str, token: str | None = None, json: Any = None) -> Answer:
        """One call, tagged with a request id that names the instance (its access record
        keeps it); which worker answered is read while the connection is still open."""
        server = self.servers[instance]
        request_id = f"inst-{instance}-{next(self._numbers)}"
        headers = {"X-Request-ID": request_id}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        method = "GET" if json is None else "POST"
        sent = time.monotonic()
        with self.http.stream(method, server.url + path, headers=headers, json=json) as response:
            worker = worker_holding(server, client_port(response))  # while it is open
            response.read()  # the last byte closes the connection
            answered = time.monotonic()
        answer = Answer(
            instance,
            path,
            worker,
            response.status_code,
            response.json(),
            request_id,
            response.headers,
            sent,
            answered,
        )
        self.answers.append(answer)
        return answer

    def answered_since(self, moment: float) -> int:
        """How many calls sent since `moment` (time.monotonic()) have their answer."""
        return sum(1 for a in self.answers if a.sent >= moment)

    def spread(self, count: int, path: str, token: str | None = None) -> list[Answer]:
        """`count` calls at once, alternating between A and B."""
        with ThreadPoolExecutor(count) as pool:
            return list(pool.map(lambda n: self.call("ab"[n % 2], path, token), range(count)))

    def cover(
        self, path: str, token: str | None = None, *, until: Callable[[Answer], bool]
    ) -> list[Answer]:
        """Calls to A and B, four at a time, until every worker of both has given an
        answer that `until` accepts (at most 20 s); every answer, in the order sent."""
        found: list[Answer] = []
        done = threading.Event()
        deadline = time.monotonic() + 20

        def caller(turn: int) -> None:
            while not done.is_set() and time.monotonic() < deadline:
                found.append(self.call("ab"[turn % 2], path, token))
                turn += 1
                if {(a.instance, a.worker) for a in found if until(a)} == self.workers:
                    done.set()

        with ThreadPoolExecutor(4) as pool:
            list(pool.map(caller, range(4)))
        assert done.is_set(), f"not every worker answered as expected: {_seen(found)}"
        return sorted(found, key=lambda a: a.sent)

    def api(self, name: str, content: str, **fields: Any) -> dict[str, Any]:
        """A draft API `/inst/{name}` over the source, private unless said otherwise."""
        body = {"module_id": self.module_id, "datasource_id": self.source["id"], "name": name}
        body |= {"path": name, "content": content, "access": "private"} | fields
        return self.admin.create("/api/v1/apis", body)

    def published(self, name: str, content: str) -> dict[str, Any]:
        api = self.api(name, content)
        self.admin.create(f"/api/v1/apis/{api['id']}/publish", {"message": name})
        return api


def _seen(answers: list[Answer]) -> Counter[tuple[str, int, int]]:
    return Counter((a.instance, a.worker, a.status) for a in answers)


def start_both(root: Path, env: dict[str, str], workers: int = 2) -> list[Sluice]:
    """A and B started at the same moment on the same fresh store, as replicas are."""

    def start(name: str) -> Sluice:
        (root / name).mkdir()
        return Sluice(root / name, workers=workers, **env)

    with ThreadPoolExecutor(2) as pool:
        futures = [pool.submit(start, name) for name in "ab"]
    started = [f.result() for f in futures if f.exception() is None]
    failed = [error for f in futures if (error := f.exception()) is not None]
    if failed:
        for server in started:
            server.stop()
        raise failed[0]
    return started


def forget_keys(url: str, prefix: str) -> None:
    """Remove this run's keys from the shared Redis."""
    with contextlib.closing(redis.Redis.from_url(url)) as client:
        for key in client.scan_iter(match=f"{prefix}:*"):
            client.delete(key)


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:
    require_postgres()
    redis_url = require_redis()
    prefix = f"inst{uuid.uuid4().hex[:10]}"
    with contextlib.ExitStack() as stack:
        store = stack.enter_context(private_database("sluice_inst_store"))
        source_db = stack.enter_context(private_database("sluice_inst_source"))
        with psycopg.connect(pg_database_url(source_db), autocommit=True) as db:
            db.execute(GATE.encode())
        stack.callback(forget_keys, redis_url, prefix)
        env = {"DATABASE_URL": store_url(store), "REDIS_URL": redis_url, "REDIS_PREFIX": prefix}
        env["SECRET_KEY"] = f"instances-{uuid.uuid4().hex}"  # the same on both: one deployment
        a, b = start_both(tmp_path_factory.mktemp("instances"), env)
        stack.callback(b.stop)
        stack.callback(a.stop)
        source = a.admin.postgres_source(source_db)
        module = a.admin.create("/api/v1/modules", {"name": "inst"})
        pair = Pair(a, b, source, module["id"])
        stack.callback(pair.http.close)
        yield pair


def test_a_publish_through_a_is_served_by_every_worker_of_b_within_a_second(pair: Pair) -> None:
    api = pair.api("version", "SELECT 'v1' AS version", access="public")
    assert pair.call("b", "/inst/version").status == 404  # a draft is not served
    publish_and_watch(pair, api["id"], "v1")  # a new route
    changed = pair.admin.patch(
        f"/api/v1/apis/{api['id']}", json={"content": "SELECT 'v2' AS version"}
    )
    assert changed.status_code == 200, changed.text
    publish_and_watch(pair, api["id"], "v2")  # a new version of a route B already serves


def publish_and_watch(pair: Pair, api_id: int, version: str) -> None:
    """Publish through A, then call both until every worker serves `version`."""
    sent = time.monotonic()
    pair.admin.create(f"/api/v1/apis/{api_id}/publish", {"message": version})
    published = time.monotonic()
    probes = pair.cover("/inst/version", until=_serves(version))
    fresh = [a for a in probes if _version(a) == version]
    stale = [a for a in probes if _version(a) != version]
    first_b = min(a.answered for a in fresh if a.instance == "b") - published
    last_stale = max((a.answered - published for a in stale), default=0.0)
    report(f"publish {version}: admin answer (ms)", round((published - sent) * 1000))
    report(
        f"publish {version}: from the publish request to B's first answer (ms)",
        round((published - sent + first_b) * 1000),
    )
    report(
        f"publish {version}: first answer from B after the admin answer (ms)",
        round(first_b * 1000),
    )
    report(f"publish {version}: stale answers after the admin answer", len(stale))
    report(f"publish {version}: calls, by (instance, worker, status)", dict(_seen(probes)))
    assert first_b < 1.0
    assert last_stale < 1.0, stale
    assert all(a.status == 200 for a in fresh)


def _serves(version: str) -> Callable[[Answer], bool]:
    return lambda answer: _version(answer) == version


def _version(answer: Answer) -> str | None:
    data = answer.body.get("data") if answer.status == 200 else None
    return data[0]["version"] if data else None


def test_a_rate_limit_admits_exactly_n_calls_across_both_instances(pair: Pair) -> None:
    ping = pair.published("ping", "SELECT 1 AS one")
    _, token = pair.admin.client_token([ping["id"]], rate_limit_per_minute=RATE)

    answers = pair.spread(3 * RATE, "/inst/ping", token)
    admitted = [a for a in answers if a.status == 200]
    refused = [a for a in answers if a.status != 200]
    burst = max(a.answered for a in answers) - min(a.sent for a in answers)
    report("rate: limit per minute", RATE)
    report("rate: calls made at once, half to A and half to B", len(answers))
    report("rate: admitted", dict(Counter(a.instance for a in admitted)))
    report("rate: refused", dict(Counter(a.instance for a in refused)))
    report("rate: burst took (ms)", round(burst * 1000))
    assert burst < 60 / RATE, "the burst outlasted one rate interval: no exact count to expect"
    assert len(admitted) == RATE
    assert {a.instance for a in answers} == {"a", "b"}
    assert all(a.status == 429 and a.body["error"] == "rate_limited" for a in refused)
    assert all(int(a.headers["retry-after"]) >= 1 for a in refused)


class GateWatch:
    """The gate closed (the test holds its lock) and PostgreSQL's count of the calls
    waiting there, sampled every 10 ms; `peak` is the most seen at once."""

    def __init__(self, database: str) -> None:
        self._lock_holder = psycopg.connect(pg_database_url(database), autocommit=True)
        self._lock_holder.execute("SELECT pg_advisory_lock(%s)", (GATE_LOCK,))
        self._watcher = psycopg.connect(pg_database_url(database), autocommit=True)
        self.waiting = self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch)
        self._thread.start()

    def _watch(self) -> None:
        while not self._stop.wait(0.01):
            row = self._watcher.execute(WAITING_AT_GATE).fetchone()
            self.waiting = int(row[0]) if row else 0
            self.peak = max(self.peak, self.waiting)

    def settle(self, answered: Callable[[], int], count: int, held: int) -> int:
        """Wait until each of `count` calls just sent has been answered or waits at the gate
        beside the `held` ones (at most 20 s); how many wait then."""
        wait_until(lambda: answered() + self.waiting - held >= count, timeout=20, interval=0.01)
        return self.waiting

    def until_waiting(self, count: int) -> None:
        assert wait_until(lambda: self.waiting == count, timeout=20, interval=0.01), (
            f"{self.waiting} calls wait at the gate, not {count}"
        )

    def open(self) -> None:
        """Let the waiting calls through and stop watching."""
        if self._stop.is_set():
            return
        self._lock_holder.execute("SELECT pg_advisory_unlock(%s)", (GATE_LOCK,))
        self._stop.set()
        self._thread.join()
        self._lock_holder.close()
        self._watcher.close()


def test_a_concurrency_limit_holds_across_both_instances(pair: Pair) -> None:
    gate = pair.published("gate", "SELECT gate() AS gate")
    database, path = pair.source["database"], "/inst/gate"
    report("concurrency: limit per client", CONCURRENT)

    # One call in flight on A, then one on B, then six more over both.
    _, token = pair.admin.client_token([gate["id"]], max_concurrent=CONCURRENT)
    watch = GateWatch(database)
    with ThreadPoolExecutor(3) as pool:
        try:
            held = [pool.submit(pair.call, "a", path, token)]
            watch.until_waiting(1)
            held.append(pool.submit(pair.call, "b", path, token))
            watch.until_waiting(CONCURRENT)
            since = time.monotonic()
            extras = pool.submit(pair.spread, 6, path, token)
            running = watch.settle(lambda: pair.answered_since(since), 6, CONCURRENT)
        finally:
            watch.open()
        passed, refused = [future.result() for future in held], extras.result()
    report("concurrency: held on A and B, then refused", dict(_seen(refused)))
    report("concurrency: most calls running at once (held first)", watch.peak)
    assert running == watch.peak == CONCURRENT
    assert [(a.instance, a.status, a.body["data"]) for a in passed] == [
        ("a", 200, [{"gate": "passed"}]),
        ("b", 200, [{"gate": "passed"}]),
    ]
    assert all(a.status == 429 and a.body["error"] == "concurrency_limited" for a in refused)
    assert {a.instance for a in refused} == {"a", "b"}

    # Eight calls at once, four on each instance, from another client with the same limit.
    _, token = pair.admin.client_token([gate["id"]], max_concurrent=CONCURRENT)
    watch = GateWatch(database)
    with ThreadPoolExecutor(1) as pool:
        try:
            since = time.monotonic()
            burst = pool.submit(pair.spread, 8, path, token)
            running = watch.settle(lambda: pair.answered_since(since), 8, 0)
        finally:
            watch.open()
        answers = burst.result()
    admitted = Counter(a.instance for a in answers if a.status == 200)
    refused = [a for a in answers if a.status != 200]
    report("concurrency: burst of 8, admitted by instance", dict(admitted))
    report(
        "concurrency: burst of 8, refused by instance", dict(Counter(a.instance for a in refused))
    )
    report("concurrency: most calls running at once (burst)", watch.peak)
    assert running == watch.peak == CONCURRENT
    assert sum(admitted.values()) == CONCURRENT
    assert all(a.status == 429 and a.body["error"] == "concurrency_limited" for a in refused)


def test_a_revoked_secret_is_refused_by_every_worker_of_both_at_once(pair: Pair) -> None:
    api = pair.published("who", "SELECT 1 AS one")
    made = pair.admin.create("/api/v1/clients", {"name": "revoked", "api_ids": [api["id"]]})
    old = {"client_id": made["client_id"], "client_secret": made["client_secret"]}
    token = pair.call("b", "/token/generate", json=old).body["access_token"]
    assert {a.status for a in pair.cover("/inst/who", token, until=_ok)} == {200}

    renewed = pair.admin.post(f"/api/v1/clients/{made['id']}/secret")
    assert renewed.status_code == 200, renewed.text
    after_secret = pair.cover("/inst/who", token, until=_refused)
    assert pair.call("b", "/token/generate", json=old).status == 401
    new = old | {"client_secret": renewed.json()["client_secret"]}
    token = pair.call("b", "/token/generate", json=new).body["access_token"]
    assert {a.status for a in pair.cover("/inst/who", token, until=_ok)} == {200}

    disabled = pair.admin.patch(f"/api/v1/clients/{made['id']}", json={"is_active": False})
    assert disabled.status_code == 200, disabled.text
    after_disable = pair.cover("/inst/who", token, until=_refused)
    assert pair.call("a", "/token/generate", json=new).status == 401

    report("revocation: calls with the old token after the new secret", dict(_seen(after_secret)))
    report("revocation: calls after the client was disabled", dict(_seen(after_disable)))
    assert [a.status for a in after_secret] == [401] * len(after_secret)
    assert [a.status for a in after_disable] == [401] * len(after_disable)


def _ok(answer: Answer) -> bool:
    return answer.status == 200


def _refused(answer: Answer) -> bool:
    return answer.status == 401


def test_every_call_has_its_access_record_from_both_instances(pair: Pair) -> None:
    """Last in the module: the calls of the tests before it are checked too."""
    pair.spread(4, "/inst/nothing-here")
    calls = {a.request_id: a for a in pair.answers if a.path != "/token/generate"}

    def recorded() -> dict[str, int]:
        return {
            row["request_id"]: row["status"] for row in _records(pair) if row["request_id"] in calls
        }

    wait_until(lambda: len(recorded()) == len(calls), timeout=20, interval=0.5)
    found = recorded()
    by_worker = Counter((calls[r].instance, calls[r].worker) for r in found)
    report("records: calls made", len(calls))
    report("records: records found", len(found))
    report("records: by instance", dict(Counter(calls[r].instance for r in found)))
    report("records: by (instance, worker)", dict(by_worker))
    assert found == {r: a.status for r, a in calls.items()}
    assert set(by_worker) == pair.workers


def _records(pair: Pair) -> list[dict[str, Any]]:
    """Every access record in the store, through the admin API."""
    rows: list[dict[str, Any]] = []
    while True:
        page = pair.admin.get("/api/v1/access-logs", params={"limit": 1000, "offset": len(rows)})
        page.raise_for_status()
        rows += page.json()["data"]
        if len(rows) >= page.json()["count"] or not page.json()["data"]:
            return rows
