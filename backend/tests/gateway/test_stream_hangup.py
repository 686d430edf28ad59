"""A client that hangs up in the middle of a streamed export stops the query: it leaves
PostgreSQL's pg_stat_activity and MariaDB's process list shortly after, the call's
concurrency slot is free again, and its access record says how far it got.

The app runs in a real server (uvicorn, as `sluice serve` runs it), since hanging up is a
closed socket; the query makes each row past the 1,000th wait, so the stream (which sends
its first 1,000 rows at once) is still running when the client leaves."""

import socket
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx2 as httpx
import pytest

from tests.conftest import AppFactory
from tests.factories import ADMIN_EMAIL, ADMIN_PASSWORD
from tests.servers import require_mariadb, require_postgres, serving
from tests.tables import MARIADB_SOURCE, PG_SOURCE, maria_run, pg_run

SLOW = {
    "postgres": "SELECT i AS n, CASE WHEN i > 1000 THEN pg_sleep(0.5) END AS pause"
    " FROM generate_series(1, {{ n }}) i",
    # MariaDB sends a result in 16 KiB packets: the padding flushes the first rows out
    "mariadb": "SELECT seq AS MARK, IF(seq > 1000, SLEEP(0.2), 0) AS pause,"
    " REPEAT('x', 4000) AS pad FROM seq_1_to_100000 WHERE seq <= {{ n }}",
}


def running(kind: str, mark: str) -> int:
    """How many statements of the test's query the database is running now."""
    if kind == "postgres":
        rows = pg_run(
            "SELECT count(*) FROM pg_stat_activity"
            f" WHERE application_name = '{mark}' AND state = 'active'"
        )
    else:
        rows = maria_run(
            "SELECT count(*) FROM information_schema.PROCESSLIST"
            f" WHERE INFO LIKE '%{mark}%' AND INFO NOT LIKE '%PROCESSLIST%'"
        )
    return int(str(rows[0][0]))


def wait_for(check: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


@contextmanager
def slow_api(kind: str, base: str, mark: str) -> Iterator[tuple[httpx.Client, int]]:
    """An admin client of the served app and a published public API running the slow
    query, on a source whose connections PostgreSQL knows by `mark`."""
    with httpx.Client(base_url=base, timeout=30) as admin:
        token = admin.post(
            "/api/v1/login/access-token",
            data={"username": ADMIN_EMAIL, "password": ADMIN_PASSWORD},
        ).json()["access_token"]
        admin.headers["Authorization"] = f"Bearer {token}"
        source = PG_SOURCE | {"options": {"application_name": mark}}
        if kind == "mariadb":
            source = dict(MARIADB_SOURCE)
        made = admin.post("/api/v1/datasources", json=source | {"name": mark})
        module = admin.post("/api/v1/modules", json={"name": "slow"})
        api = admin.post(
            "/api/v1/apis",
            json={
                "module_id": module.json()["id"],
                "datasource_id": made.json()["id"],
                "name": "rows",
                "path": "rows",
                "access": "public",
                "content": SLOW[kind].replace("MARK", mark),
                "params": [{"name": "n", "location": "query", "type": "integer", "default": 10**5}],
            },
        )
        published = admin.post(f"/api/v1/apis/{api.json()['id']}/publish", json={"message": "x"})
        assert published.status_code == 201, published.text
        yield admin, api.json()["id"]


def start_download(host: str, port: int) -> socket.socket:
    """A raw connection that asks for the export and reads its first rows."""
    sock = socket.create_connection((host, port), timeout=30)
    sock.sendall(b"GET /slow/rows?format=csv HTTP/1.1\r\nHost: test\r\n\r\n")
    received = b""
    while received.count(b"\n") < 1_000:
        chunk = sock.recv(65536)
        assert chunk, received[:300]
        received += chunk
    assert received.startswith(b"HTTP/1.1 200")
    return sock


@pytest.mark.parametrize("kind", ["postgres", "mariadb"])
def test_hanging_up_stops_the_query(kind: str, app_factory: AppFactory) -> None:
    require_postgres() if kind == "postgres" else require_mariadb()
    mark = f"sluice_hangup_{uuid.uuid4().hex[:10]}"
    app = app_factory(FLOW_CONTROL_MAX_CONCURRENT_PER_CLIENT=1)
    with serving(app) as (host, port):
        with slow_api(kind, f"http://{host}:{port}", mark) as (admin, api_id):
            sock = start_download(host, port)
            assert wait_for(lambda: running(kind, mark) == 1, 10), "the query is not running"
            busy = admin.get("/slow/rows", params={"n": 5})
            assert busy.status_code == 429 and busy.json()["error"] == "concurrency_limited"
            sock.close()
            hung_up = time.monotonic()
            assert wait_for(lambda: running(kind, mark) == 0, 5), "the query kept running"
            print(f"{kind}: the query ended {time.monotonic() - hung_up:.2f} s after the hang-up")  # noqa: T201
            record = recorded(admin, api_id)
            assert record["status"] == 200
            assert record["error"] == "client_disconnected"
            assert record["rows"] == 1_000
            assert admin.get("/slow/rows", params={"n": 5}).status_code == 200  # the slot is free


def recorded(admin: httpx.Client, api_id: int) -> dict[str, Any]:
    """The stream's access record (the refused call's is a 429)."""
    found: list[dict[str, Any]] = []

    def written() -> bool:
        answer = admin.get("/api/v1/access-logs", params={"api_id": api_id, "status": 200})
        found[:] = answer.json()["data"]
        return bool(found)

    assert wait_for(written, 10), "no access record"
    return found[0]
