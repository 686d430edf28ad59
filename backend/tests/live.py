"""Live processes for the fault suite (`tests/faults/`) and the soak (`bench/soak.py`).

A real `sluice serve`, a private redis-server and PostgreSQL databases the caller owns (so
it may break them), a TCP proxy that can refuse connections, and a bounded load generator.
Everything listens on 127.0.0.1, and every process is stopped by its PID: the shared
servers of the machine are never touched.
"""

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import httpx2 as httpx
import psycopg
import redis
from prometheus_client.parser import text_string_to_metric_families
from psycopg.conninfo import conninfo_to_dict
from sqlalchemy import make_url

from tests.servers import PG_SERVER, free_port, pg_database_url, pg_execute, sqlalchemy_url

ADMIN, PASSWORD = "live@example.com", "live-password-1"
SCRIPT_CHILD = "sluice.engines.script.child"  # in a script worker's command line


def pg_address() -> tuple[str, int]:
    """Host and port of the test PostgreSQL server."""
    info = conninfo_to_dict(PG_SERVER)
    return str(info.get("host", "127.0.0.1")), int(str(info.get("port", 5432)))


# -- processes --------------------------------------------------------------------------


def children(pid: int, marker: str = "") -> list[int]:
    """Live (not zombie) child processes of `pid` whose command line holds `marker`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            state, parent = (entry / "stat").read_text().rsplit(")", 1)[1].split()[:2]
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, ValueError):
            continue
        if int(parent) == pid and state != "Z" and marker in command:
            found.append(int(entry.name))
    return found


def kill(pid: int) -> None:
    """SIGKILL one process we started; it may already be gone."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def _start_time(pid: int) -> int | None:
    """When a live process started (clock ticks since boot); None when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return None if fields[0] == "Z" else int(fields[19])


@dataclass(frozen=True)
class Proc:
    """A process seen once, told apart from a later process given the same PID."""

    pid: int
    started: int | None

    @classmethod
    def of(cls, pid: int) -> "Proc":
        return cls(pid, _start_time(pid))

    def alive(self) -> bool:
        return self.started is not None and _start_time(self.pid) == self.started

    def kill(self) -> None:
        if self.alive():
            kill(self.pid)


class Served(Protocol):
    """A `sluice serve` process we started: `tests.test_cli.Server` or `Sluice`."""

    @property
    def port(self) -> int: ...

    @property
    def process(self) -> "subprocess.Popen[bytes]": ...


def client_port(response: httpx.Response) -> int:
    """The local port of the (still open) connection that carried `response`."""
    port: int = response.extensions["network_stream"].get_extra_info("client_addr")[1]
    return port


def worker_holding(server: Served, port: int) -> int:
    """The pid of the worker of `server` that accepted the connection from local `port`
    (the connection must still be open): its socket's inode in /proc/net/tcp, then the
    worker whose file descriptors hold that inode."""
    wanted = f"{server.port:04X}", f"{port:04X}"
    sockets = {
        f"socket:[{fields[9]}]"
        for line in Path("/proc/net/tcp").read_text().splitlines()[1:]
        if (fields := line.split()) and (fields[1].split(":")[1], fields[2].split(":")[1]) == wanted
    }
    pid = server.process.pid
    for worker in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        for fd in Path(f"/proc/{worker}/fd").iterdir():
            with contextlib.suppress(OSError):
                if os.readlink(fd) in sockets:
                    return int(worker)
    raise AssertionError(f"no worker of port {server.port} holds the connection from {port}")


def rss_bytes(pid: int) -> int:
    """Resident set size of a process (Linux /proc)."""
    pages = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE")


def open_fds(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def wait_until(check: Any, timeout: float, interval: float = 0.2) -> bool:
    """Poll `check()` until it is truthy or `timeout` seconds pass; its last answer."""
    deadline = time.monotonic() + timeout
    while not (answer := check()) and time.monotonic() < deadline:
        time.sleep(interval)
    return bool(answer)


class PrivateRedis:
    """A redis-server of our own on a free port, with no persistence, that a test may
    SIGKILL and start again on the same port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None
        self.start()

    def start(self) -> None:
        command = ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port)]
        command += ["--save", "", "--appendonly", "no", "--loglevel", "warning"]
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
        )
        if not wait_until(self._answers, timeout=10):
            raise AssertionError(f"redis-server did not start on port {self.port}")

    def _answers(self) -> bool:
        try:
            return bool(redis.Redis(port=self.port, socket_connect_timeout=1).ping())
        except redis.ConnectionError:
            return False

    def kill(self) -> None:
        if self.process is not None:
            kill(self.process.pid)
            self.process.wait(timeout=10)
            self.process = None

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@contextlib.contextmanager
def private_database(prefix: str) -> Iterator[str]:
    """A new, empty PostgreSQL database (its name) on the test server, dropped at the end."""
    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    pg_execute(f"CREATE DATABASE {name}")
    try:
        yield name
    finally:
        pg_execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def connections_to(database: str) -> list[int]:
    """Backend PIDs of the connections other than ours to one database."""
    with psycopg.connect(PG_SERVER, autocommit=True) as db:
        rows = db.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            (database,),
        ).fetchall()
    return [row[0] for row in rows]


def terminate_connections(database: str) -> int:
    """`pg_terminate_backend` on every connection to one (private) database; how many."""
    with psycopg.connect(PG_SERVER, autocommit=True) as db:
        rows = db.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = %s AND pid <> pg_backend_pid()",
            (database,),
        ).fetchall()
    return len(rows)


class TcpProxy:
    """A TCP forwarder on a free port that can refuse connections for a while.

    `refuse()` stops listening (a connect is refused) and drops every open connection;
    `restore()` listens again on the same port. It runs on its own event loop thread.
    """

    def __init__(self, target_host: str, target_port: int) -> None:
        self.port = free_port()
        self._target = (target_host, target_port)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.Server | None = None
        self._open: set[asyncio.StreamWriter] = set()
        self._thread.start()
        self.restore()

    def _call(self, coroutine: Any) -> None:
        asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=10)

    def restore(self) -> None:
        self._call(self._listen())

    def refuse(self) -> None:
        self._call(self._close())

    def close(self) -> None:
        self.refuse()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    async def _listen(self) -> None:
        self._server = await asyncio.start_server(
            self._pipe, "127.0.0.1", self.port, reuse_address=True
        )

    async def _close(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        for writer in self._open:
            writer.transport.abort()
        self._open.clear()

    async def _pipe(self, client_in: asyncio.StreamReader, client: asyncio.StreamWriter) -> None:
        try:
            upstream_in, upstream = await asyncio.open_connection(*self._target)
        except OSError:
            client.transport.abort()
            return
        self._open |= {client, upstream}
        await asyncio.gather(_copy(client_in, upstream), _copy(upstream_in, client))
        self._open -= {client, upstream}


async def _copy(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
    try:
        while data := await source.read(65536):
            sink.write(data)
            await sink.drain()
    except OSError:
        pass
    finally:
        sink.transport.abort()


# -- sluice serve -----------------------------------------------------------------------


def clean_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """This process's environment without Sluice's own settings, plus `extra`."""
    own = ("FIRST_SUPERUSER", "DATABASE_URL", "SECRET_KEY", "POSTGRES_", "REDIS_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(own)}
    return env | {"DATA_DIR": str(data_dir)} | extra


class Sluice:
    """`sluice serve` as deployed: a real process (with `workers` uvicorn workers) whose
    first superuser is ADMIN; its log goes to `workdir/serve-PORT.log`."""

    def __init__(self, workdir: Path, *, workers: int = 1, **env: str) -> None:
        self.port, self.workers = free_port(), workers
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = workdir / f"serve-{self.port}.log"
        command = [sys.executable, "-m", "sluice.cli", "serve", "--host", "127.0.0.1"]
        command += ["--port", str(self.port), "--workers", str(workers)]
        settings = {
            "SECRET_KEY": "live-secret-key-" + uuid.uuid4().hex,
            "FIRST_SUPERUSER": ADMIN,
            "FIRST_SUPERUSER_PASSWORD": PASSWORD,
        }
        with self.log.open("w") as output:
            self.process = subprocess.Popen(
                command,
                cwd=workdir,
                env=clean_env(workdir / "data", **settings | env),
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        if not wait_until(self._ready, timeout=120):
            self._terminate()
            raise AssertionError(f"sluice serve did not start:\n{self.log.read_text()}")
        self.admin = Admin(self.url)

    def _ready(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"sluice serve exited:\n{self.log.read_text()}")
        try:
            ready = httpx.get(f"{self.url}/health/ready", timeout=2).status_code == 200
        except httpx.TransportError:
            return False
        return ready and len(self.worker_pids()) == self.workers

    def worker_pids(self) -> list[int]:
        """The uvicorn worker processes (the serve process itself with one worker)."""
        if self.workers == 1:
            return [self.process.pid]
        return children(self.process.pid, "spawn_main")

    def script_worker_pids(self) -> list[int]:
        return [pid for worker in self.worker_pids() for pid in children(worker, SCRIPT_CHILD)]

    def metric(self, name: str) -> float:
        """The sum of a metric's samples on /metrics (of the worker that answers)."""
        text = httpx.get(f"{self.url}/metrics", timeout=5).text
        return sum(
            sample.value
            for family in text_string_to_metric_families(text)
            for sample in family.samples
            if sample.name == name
        )

    def stop(self) -> str:
        """Stop the server (and any process it left behind); its log."""
        if self.process.poll() is None:
            self._terminate()
            self.admin.close()
        return self.log.read_text()

    def _terminate(self) -> None:
        workers = self.worker_pids()
        left = [Proc.of(pid) for worker in workers for pid in [worker, *children(worker)]]
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        for process in left:
            process.kill()


class Admin(httpx.Client):
    """The admin API as the superuser: just what the live suites need to set up."""

    def __init__(self, url: str) -> None:
        super().__init__(base_url=url, timeout=30)
        answer = self.post(
            "/api/v1/login/access-token", data={"username": ADMIN, "password": PASSWORD}
        )
        self.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"

    def create(self, path: str, body: Mapping[str, Any]) -> dict[str, Any]:
        answer = self.post(path, json=body)
        assert answer.status_code in (200, 201), answer.text
        created: dict[str, Any] = answer.json()
        return created

    def postgres_source(self, database: str, pool_size: int = 4) -> dict[str, Any]:
        host, port = pg_address()
        body = {"name": database, "type": "postgres", "host": host, "port": port}
        body |= {"database": database, "username": "postgres", "pool_size": pool_size}
        return self.create("/api/v1/datasources", body)

    def published_api(self, **body: Any) -> dict[str, Any]:
        api = self.create("/api/v1/apis", body)
        self.create(f"/api/v1/apis/{api['id']}/publish", {"message": "live"})
        return api

    def client_token(self, api_ids: Sequence[int], **limits: Any) -> tuple[dict[str, Any], str]:
        """A client reaching `api_ids` (its id and secret) and a gateway token for it."""
        app = self.create(
            "/api/v1/clients", {"name": uuid.uuid4().hex, "api_ids": api_ids} | limits
        )
        credentials = {"client_id": app["client_id"], "client_secret": app["client_secret"]}
        answer = httpx.post(self.base_url.join("/token/generate"), json=credentials)
        assert answer.status_code == 200, answer.text
        return credentials, answer.json()["access_token"]

    def records(self) -> int:
        """Access records written to the store (one per gateway call): the list's count,
        and past its cap (10,000, `count_capped`) the overview's calls of the last 24
        hours, which the rollups written in the same transaction as the records count
        exactly (a test's records are all that recent)."""
        answer = self.get("/api/v1/access-logs", params={"limit": 1})
        answer.raise_for_status()
        listed = answer.json()
        if not listed.get("count_capped"):
            return int(listed["count"])
        overview = self.get("/api/v1/overview")
        overview.raise_for_status()
        return int(overview.json()["last_24h"]["calls"])


def seed_items(database: str, rows: int = 1000) -> None:
    """A table `items (id, name, price)` of `rows` rows in a private database."""
    with psycopg.connect(pg_database_url(database), autocommit=True) as db:
        db.execute("CREATE TABLE items (id int PRIMARY KEY, name text, price numeric(10, 2))")
        db.execute(
            "INSERT INTO items SELECT g, 'item ' || g, g * 1.5 FROM generate_series(1, %s) g",
            (rows,),
        )


def store_url(database: str, port: int | None = None) -> str:
    """The SQLAlchemy URL of a store database, through `port` (a proxy) when given."""
    url = make_url(sqlalchemy_url(pg_database_url(database)))
    if port is not None:
        url = url.set(host="127.0.0.1", port=port)
    return url.render_as_string(hide_password=False)


# -- load -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    """One request the load generator sends."""

    method: str
    path: str
    headers: Mapping[str, str] = field(default_factory=dict)
    json: Any = None


@dataclass
class Tally:
    """What the callers saw: (monotonic time of the outcome, status or None when no
    answer came: a refused or dropped connection, a timeout)."""

    outcomes: list[tuple[float, int | None]] = field(default_factory=list)
    started: float = 0.0
    ended: float = 0.0

    @property
    def answered(self) -> int:
        return sum(1 for _, status in self.outcomes if status is not None)

    def statuses(self, since: float = 0.0, until: float = float("inf")) -> Counter[int | None]:
        return Counter(status for at, status in self.outcomes if since <= at < until)

    def first_success(self, since: float) -> float | None:
        return next((at for at, status in self.outcomes if at >= since and status == 200), None)


class Load:
    """`callers` concurrent callers, each sending `calls` in turn (each caller starting at
    its own offset) for `seconds`: a bounded load through one httpx.AsyncClient."""

    def __init__(
        self, url: str, calls: Sequence[Call], *, callers: int = 8, seconds: float = 8.0
    ) -> None:
        self.url, self.calls, self.callers, self.seconds = url, calls, callers, seconds
        self.tally = Tally()

    def run(self) -> Tally:
        asyncio.run(self._run())
        return self.tally

    @contextlib.contextmanager
    def running(self) -> Iterator[Tally]:
        """Run the load in a thread while the body injects faults; wait for its end."""
        thread = threading.Thread(target=self.run)
        thread.start()
        wait_until(lambda: self.tally.started, timeout=10, interval=0.01)
        try:
            yield self.tally
        finally:
            thread.join()

    async def _run(self) -> None:
        limits = httpx.Limits(max_connections=self.callers)
        async with httpx.AsyncClient(base_url=self.url, timeout=15, limits=limits) as client:
            self.tally.started = time.monotonic()
            stop = self.tally.started + self.seconds
            await asyncio.gather(*(self._caller(client, i, stop) for i in range(self.callers)))
            self.tally.ended = time.monotonic()

    async def _caller(self, client: httpx.AsyncClient, offset: int, stop: float) -> None:
        turn = offset
        while time.monotonic() < stop:
            call = self.calls[turn % len(self.calls)]
            turn += 1
            try:
                response = await client.request(
                    call.method, call.path, headers=call.headers, json=call.json
                )
            except httpx.TransportError:
                self.tally.outcomes.append((time.monotonic(), None))
                await asyncio.sleep(0.05)  # a refused connect fails at once: do not spin
                continue
            self.tally.outcomes.append((time.monotonic(), response.status_code))
