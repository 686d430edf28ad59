"""`sluice serve --workers 2` as a real process: `/metrics` adds up every worker's counts,
those of a worker that was killed included."""

import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx2

from tests.factories import ADMIN_EMAIL
from tests.scrape import sample
from tests.test_cli import Server


def get(url: str, **options: Any) -> httpx2.Response:
    """One request on a fresh connection, patient with a loaded host."""
    return httpx2.get(url, timeout=30, **options)


PASSWORD = "workers-password-1"
CALLS = 'sluice_gateway_calls_total{api_id="none",status="404"}'
DROPPED = 'sluice_access_records_dropped_total{reason="queue_full"}'


def workers(server: Server) -> set[int]:
    """The server's worker processes (spawned by uvicorn; the resource tracker is not one)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            command = (stat.parent / "cmdline").read_bytes()
        except (OSError, IndexError, ValueError):
            continue
        if parent == server.process.pid and b"spawn_main" in command:
            found.add(int(stat.parent.name))
    return found


def serving(server: Server, old: set[int]) -> set[int]:
    """Two workers, none of them in `old`, both answering; waits up to 90 s (a worker
    takes half a minute to start on a loaded 2-core host)."""
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        now = workers(server)
        if len(now) == 2 and not now & old:
            ready = [get(f"{server.url}/health/live").status_code for _ in range(8)]
            if ready == [200] * 8:
                return now
        time.sleep(0.2)
    raise AssertionError(f"workers did not come back:\n{server.log.read_text()}")


def test_metrics_add_up_every_worker_and_keep_a_killed_workers_counts(tmp_path: Path) -> None:
    """100 gateway calls on fresh connections spread over two workers whose queue holds
    one record, so most records are dropped. Every call is then either recorded or
    counted as dropped, whichever worker answers the scrape, and that still holds once
    both workers that answered the calls have been killed."""
    server = Server(
        tmp_path,
        workers=2,
        start_seconds=150,  # workers take half a minute or more to start on a loaded host
        FIRST_SUPERUSER_PASSWORD=PASSWORD,
        GATEWAY_ACCESS_LOG_QUEUE_SIZE="1",
    )
    try:
        first = serving(server, set())
        with ThreadPoolExecutor(8) as pool:
            statuses = list(
                pool.map(lambda n: get(f"{server.url}/shop/missing-{n}").status_code, range(100))
            )
        assert statuses == [404] * 100
        time.sleep(1.5)  # each worker writes its queued record
        recorded = _recorded(server)
        before = [_scrape(server) for _ in range(6)]
        assert all(calls == 100 for calls, _ in before)
        dropped = before[0][1] or 0.0
        assert dropped > 0 and all(d == dropped for _, d in before)
        assert recorded + dropped == 100

        for pid in first:
            os.kill(pid, signal.SIGKILL)
        serving(server, first)
        assert [_scrape(server) for _ in range(6)] == [(100, dropped)] * 6

        for n in range(10):
            get(f"{server.url}/shop/again-{n}")
        assert _scrape(server)[0] == 110
    finally:
        server.stop()


def _scrape(server: Server) -> tuple[float | None, float | None]:
    metrics = get(f"{server.url}/metrics").text
    return sample(metrics, CALLS), sample(metrics, DROPPED)


def _recorded(server: Server) -> int:
    token = httpx2.post(
        f"{server.url}/api/v1/login/access-token",
        data={"username": ADMIN_EMAIL, "password": PASSWORD},
        timeout=30,
    ).json()["access_token"]
    found = get(
        f"{server.url}/api/v1/access-logs", headers={"Authorization": f"Bearer {token}"}
    ).json()
    count: int = found["count"]
    return count


class ServerFromEnvironment(Server):
    """A bare `sluice serve`, as the container image runs it."""

    def listen(self, workers: int) -> tuple[list[str], dict[str, str]]:
        return [], {"PORT": str(self.port), "WEB_CONCURRENCY": str(workers)}


def test_the_port_and_the_worker_count_come_from_the_environment(tmp_path: Path) -> None:
    server = ServerFromEnvironment(tmp_path, workers=2, start_seconds=150)
    try:
        assert len(serving(server, set())) == 2
    finally:
        server.stop()
