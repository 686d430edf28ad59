"""Registry at production size: 10,000 published APIs in 500 modules, 5,000 clients in 200
groups, against the same gateway with one API.

`cd backend && .venv/bin/python -m bench.scale_registry [--duration 5] [--rounds 3]`
`cd backend && .venv/bin/python -m bench.scale_registry --only startup [--starts 3]`

Two `sluice serve --workers 2` (PostgreSQL store, Redis), each on a store database of its
own (`registry_one`, `registry_scale`). Both get the one bench API through the admin API
(`bench.gateway.define_api`); the large registry is then added to the second store
directly in SQL (INSERT ... SELECT over generate_series, copying the bench API's row, its
published version, its module and its client: a few seconds, where the admin API would
take minutes) and that server is restarted, which measures startup to /health/ready.
Then, interleaved: gateway throughput with one API against the large registry; one
publish's answer time and the time until every new connection sees the new version; the
gateway's p99 under a light load with publishes running against none; each worker's
resident memory. `--only startup` builds only the large store and measures its startup,
with 2 workers and with 1, `--starts` times each (interleaved), and the full load in one
process.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx2 as httpx
import psycopg

from bench.gateway import (
    ADMIN,
    PASSWORD,
    PG,
    REDIS,
    cpu_seconds,
    define_api,
    frame_name,
    free_port,
    fresh_store,
    seed_table,
    wrk,
)

APIS, MODULES, CLIENTS, GROUPS = 10_000, 500, 5_000, 200


def store_dsn(name: str) -> str:
    return PG.rsplit("/", 1)[0] + "/" + name


def columns(db: psycopg.Connection[Any], table: str) -> list[str]:
    rows = db.execute(
        "SELECT column_name FROM information_schema.columns"
        " WHERE table_name = %s AND column_name <> 'id' ORDER BY ordinal_position",
        (table,),
    ).fetchall()
    return [str(r[0]) for r in rows]


def clone(
    db: psycopg.Connection[Any], table: str, where: str, series: str, overrides: dict[str, str]
) -> None:
    """Copy the row of `table` matching `where` once per `g` in `series`, with `overrides`
    (SQL expressions over `t`, the row, and `g`) for some columns."""
    names = columns(db, table)
    values = ", ".join(overrides.get(n, f't."{n}"') for n in names)
    quoted = ", ".join(f'"{n}"' for n in names)
    db.execute(
        f'INSERT INTO "{table}" ({quoted}) SELECT {values} FROM "{table}" t,'
        f" generate_series({series}) g WHERE {where}"
    )


def grow(name: str) -> None:
    """Add the large registry to the store `name` (which holds the bench API)."""
    with psycopg.connect(store_dsn(name), autocommit=False) as db:
        per_module, per_group = APIS // MODULES, APIS // GROUPS
        clone(db, "module", "t.name = 'bench'", f"1, {MODULES}", {"name": "'m' || g"})
        clone(
            db,
            "api",
            "t.name = 'item'",
            f"0, {APIS - 1}",
            {
                "module_id": f"(SELECT id FROM module WHERE name = 'm' || (g / {per_module} + 1))",
                "name": "'api' || g",
                "path": "'items' || g || '/{id}'",
                "is_published": "false",
                "published_version_id": "NULL",
            },
        )
        kind = db.execute(
            "SELECT data_type FROM information_schema.columns"
            " WHERE table_name = 'api_version' AND column_name = 'snapshot'"
        ).fetchone()
        cast = "jsonb" if kind and kind[0] == "jsonb" else "json"
        names = columns(db, "api_version")
        over = {
            "api_id": "a.id",
            "version": "1",
            "snapshot": "jsonb_set(jsonb_set(v.snapshot::jsonb, '{path}', to_jsonb(a.path)),"
            f" '{{name}}', to_jsonb(a.name))::{cast}",
        }
        db.execute(
            f"INSERT INTO api_version ({', '.join(names)})"
            f" SELECT {', '.join(over.get(n, f'v.{n}') for n in names)}"
            " FROM api a, api_version v, api b"
            " WHERE a.name LIKE 'api%%' AND b.name = 'item' AND v.id = b.published_version_id"
        )
        db.execute(
            "UPDATE api SET is_published = true, published_version_id = v.id FROM api_version v"
            " WHERE v.api_id = api.id AND api.name LIKE 'api%%'"
        )
        db.execute(
            "INSERT INTO apigroup (name, description, created_at, updated_at)"
            f" SELECT 'g' || g, NULL, now(), now() FROM generate_series(0, {GROUPS - 1}) g"
        )
        db.execute(
            "INSERT INTO group_api (group_id, api_id) SELECT gr.id, a.id FROM api a"
            f" JOIN apigroup gr ON gr.name = 'g' || (substr(a.name, 4)::int / {per_group})"
            " WHERE a.name LIKE 'api%%'"
        )
        clone(
            db,
            "client",
            "t.name = 'bench'",
            f"0, {CLIENTS - 1}",
            {"name": "'c' || g", "client_id": "'cid' || g"},
        )
        db.execute(
            "INSERT INTO client_group (client_id, group_id) SELECT c.id, gr.id FROM client c"
            f" JOIN apigroup gr ON gr.name = 'g' || (substr(c.client_id, 4)::int % {GROUPS})"
            " WHERE c.client_id LIKE 'cid%%'"
        )
        db.execute("UPDATE registry_state SET version = version + 1 WHERE id = 1")
        db.execute(
            "INSERT INTO registry_change (version, kind) SELECT version, 'all'"
            " FROM registry_state WHERE id = 1"
        )
        db.commit()


class Serve:
    """`sluice serve --workers 2` on one store; restartable."""

    def __init__(self, name: str, data: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.command = self.serve_command(2)
        self.env = {
            "DATA_DIR": str(data / name),
            "DATABASE_URL": fresh_store(name),
            "SECRET_KEY": "bench-secret-key-" + uuid.uuid4().hex,
            "FIRST_SUPERUSER": ADMIN,
            "FIRST_SUPERUSER_PASSWORD": PASSWORD,
            "REDIS_URL": REDIS,
            "REDIS_PREFIX": f"registry{uuid.uuid4().hex[:8]}",
            "FLOW_CONTROL_RATE_LIMIT_PER_MINUTE": "10000000",
            "FLOW_CONTROL_MAX_CONCURRENT_PER_CLIENT": "1000",
            "LOG_LEVEL": "WARNING",
        }
        self.process: subprocess.Popen[bytes] | None = None

    def serve_command(self, workers: int) -> list[str]:
        return [
            sys.executable, "-m", "sluice.cli", "serve", "--workers", str(workers),
            "--port", str(self.port),
        ]  # fmt: skip

    def start(self) -> float:
        """Start it; seconds until /health/ready answers 200."""
        started = time.monotonic()
        self.process = subprocess.Popen(
            self.command,
            env=os.environ | self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        while time.monotonic() - started < 300:
            try:
                if httpx.get(f"{self.base}/health/ready", timeout=1).status_code == 200:
                    return time.monotonic() - started
            except httpx.TransportError:
                pass
            time.sleep(0.02)
        raise RuntimeError("sluice serve did not get ready in 300 s")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)
            self.process = None

    def cpu_seconds(self) -> float:
        """CPU time the serve process and its workers have used so far."""
        assert self.process is not None
        pid = self.process.pid
        children = [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        return sum(cpu_seconds(p) for p in [pid, *children])

    def worker_pids(self) -> list[int]:
        assert self.process is not None
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        pids = children.read_text().split()
        return [int(p) for p in pids if b"spawn_main" in Path(f"/proc/{p}/cmdline").read_bytes()]

    def worker_rss_mb(self) -> list[float]:
        return [rss_mb(pid) for pid in self.worker_pids()]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


@contextmanager
def admin(base: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base, timeout=60) as client:
        token = client.post(
            "/api/v1/login/access-token", data={"username": ADMIN, "password": PASSWORD}
        ).json()["access_token"]
        client.headers["Authorization"] = f"Bearer {token}"
        yield client


def probe_api(client: httpx.Client) -> int:
    """A public API answering its version's number, in the bench module."""
    module = client.get("/api/v1/modules", params={"q": "bench"}).json()["data"][0]
    source = client.get("/api/v1/datasources").json()["data"][0]
    api = client.post(
        "/api/v1/apis",
        json={
            "module_id": module["id"],
            "datasource_id": source["id"],
            "name": "probe",
            "path": "probe",
            "content": "SELECT 0 AS v",
            "access": "public",
        },
    ).json()
    return int(api["id"])


def publish(client: httpx.Client, api_id: int, number: int) -> tuple[float, float]:
    """Publish `SELECT number`: seconds until the admin API answered, and until the first
    of 20 calls in a row on new connections (landing on either worker) that all answered
    the new number."""
    client.patch(f"/api/v1/apis/{api_id}", json={"content": f"SELECT {number} AS v"})
    started = time.monotonic()
    answer = client.post(f"/api/v1/apis/{api_id}/publish", json={"message": "probe"})
    answered = time.monotonic() - started
    assert answer.status_code == 201, answer.text
    url = str(client.base_url).rstrip("/") + "/bench/probe"
    seen, since = 0, 0.0
    while seen < 20 and time.monotonic() - started < 30:
        asked = time.monotonic()
        body = httpx.get(url, timeout=10).json()
        if body["data"][0]["v"] != number:
            seen = 0
        elif not seen:
            seen, since = 1, asked
        else:
            seen += 1
    return answered, since - started


def light_load(base: str, token: str, seconds: int, during: Any = None) -> dict[str, Any]:
    """wrk with 8 connections; `during` runs alongside (publishes)."""
    thread = threading.Thread(target=during) if during else None
    if thread:
        thread.start()
    result = wrk(f"{base}/bench/items/1", seconds, 8, {"Authorization": f"Bearer {token}"})
    if thread:
        thread.join()
    return result


def in_process(serve: Serve) -> str:
    """A full load and one incremental step of the large registry in this process, timed
    without the server's process start around them."""
    from sqlmodel import Session

    from sluice.config import Settings
    from sluice.db import make_engine
    from sluice.security import Keyring
    from sluice.services import publication, registry

    settings = Settings(**serve.env)  # type: ignore[arg-type]
    engine = make_engine(settings.database_url)
    keyring = Keyring.from_settings(settings.secret_key, settings.DATASOURCE_ENCRYPTION_KEY)
    with Session(engine) as session:
        started = time.monotonic()
        loaded = registry.build(session, settings, keyring)
        full = time.monotonic() - started
        publication.bump(session, "api", [next(iter(loaded.by_id))])
        session.commit()
        started = time.monotonic()
        registry.update(session, settings, keyring, loaded, publication.current(session))
        step = time.monotonic() - started
    engine.dispose()
    return (
        f"in one process: loading {len(loaded.by_id)} APIs and {len(loaded.clients)} clients"
        f" takes {full * 1000:.0f} ms; applying one API's change {step * 1000:.1f} ms"
    )


def throughput(
    one: Serve, scale: Serve, tokens: dict[int, str], args: argparse.Namespace
) -> dict[str, list[dict[str, Any]]]:
    """wrk against each server in turn, `rounds` times (after a warm-up run each)."""
    runs: dict[str, list[dict[str, Any]]] = {"one": [], "scale": []}
    for s in (one, scale):  # every worker compiles the API it serves on its first call
        wrk(f"{s.base}/bench/items/1", 2, args.connections, auth(tokens[s.port]))
    for _ in range(args.rounds):
        for key, s in (("one", one), ("scale", scale)):
            url = f"{s.base}/bench/items/1"
            runs[key].append(wrk(url, args.duration, args.connections, auth(tokens[s.port])))
    return runs


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def publishes(
    scale: Serve, token: str, args: argparse.Namespace
) -> tuple[list[float], list[float], list[dict[str, Any]], list[dict[str, Any]]]:
    """Publish answer times, times until every worker serves it, and light-load wrk runs
    without and with publishes going on."""
    answers: list[float] = []
    reached: list[float] = []
    counter = iter(range(1, 10_000))
    with admin(scale.base) as client:
        probe = probe_api(client)
        publish(client, probe, next(counter))  # the first version of the probe
        for _ in range(args.publishes):
            answered, seen = publish(client, probe, next(counter))
            answers.append(answered)
            reached.append(seen)

        def publishing() -> None:
            for _ in range(3):
                time.sleep(args.duration / 4)
                publish(client, probe, next(counter))

        quiet: list[dict[str, Any]] = []
        busy: list[dict[str, Any]] = []
        for last in (False, True):
            quiet.append(light_load(scale.base, token, args.duration))
            with sampled(scale.worker_pids() if last and args.profile_publishes else [], args):
                busy.append(light_load(scale.base, token, args.duration, publishing))
    return answers, reached, quiet, busy


PUBLISH_STAGES = {
    "gateway calls": ("Gateway.serve (router.py)",),
    "the publish request (admin route, ORM, audit)": ("publish_api (apis.py)",),
    "the registry step (update, in a thread)": ("rebuild (registry.py)",),
    "of which the store's queries": ("execute (base.py)", "exec (session.py)"),
}
"""What `--profile-publishes` sums, by substrings of the sampled frames."""


@contextmanager
def sampled(pids: list[int], args: argparse.Namespace) -> Iterator[None]:
    """py-spy (only the thread holding the GIL: the CPU) on each of `pids` for one run;
    prints the share of the samples in each of PUBLISH_STAGES, per worker."""
    if not pids:
        yield
        return
    folder = Path(tempfile.mkdtemp())
    spy = [
        subprocess.Popen(
            [
                str(Path(sys.executable).parent / "py-spy"),
                "record",
                "--pid",
                str(pid),
                "--duration",
                str(args.duration),
                "--rate",
                "500",
                "--format",
                "raw",
                "--gil",
                "--nonblocking",
                "--output",
                str(folder / f"{pid}.txt"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        for pid in pids
    ]
    try:
        yield
    finally:
        for process in spy:
            process.wait(timeout=60)
    print("py-spy on each worker during a run with 3 publishes (samples holding the GIL):")
    for pid in pids:
        within: Counter[str] = Counter()
        total = 0
        out = folder / f"{pid}.txt"
        for line in out.read_text().splitlines() if out.exists() else ():
            raw, _, counted = line.rpartition(" ")
            if counted.isdigit():
                stack = ";".join(frame_name(f) for f in raw.split(";"))
                total += int(counted)
                for stage, needles in PUBLISH_STAGES.items():
                    if any(n in stack for n in needles) and (
                        stage != "of which the store's queries" or "rebuild (registry.py)" in stack
                    ):
                        within[stage] += int(counted)
        shares = ", ".join(
            f"{stage} {100 * within[stage] / max(1, total):.1f}%" for stage in PUBLISH_STAGES
        )
        print(f"  worker {pid}: {total} samples; {shares}")
    shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--publishes", type=int, default=5)
    parser.add_argument(
        "--only", choices=["startup"], help="only build the large store and measure startup"
    )
    parser.add_argument("--starts", type=int, default=3, help="startups per worker count")
    parser.add_argument(
        "--profile-publishes",
        action="store_true",
        help="py-spy each worker during the last run with publishes, and print where it went",
    )
    args = parser.parse_args(argv)
    seed_table()
    if args.only == "startup":
        startup_only(args.starts)
        return
    data = Path(tempfile.mkdtemp(prefix="sluice-registry-"))
    one, scale = Serve("registry_one", data), Serve("registry_scale", data)
    print(
        f"command: {' '.join(scale.command[2:])} (PostgreSQL store, Redis); cores {os.cpu_count()}"
    )
    rss: dict[str, list[float]] = {}
    try:
        started = [one.start(), scale.start()]
        tokens = {s.port: define_api(s.base) for s in (one, scale)}
        started.append(time.monotonic())
        grow("registry_scale")
        print(
            f"sizes: {APIS} published APIs in {MODULES} modules, {CLIENTS} clients in"
            f" {GROUPS} groups, built in SQL in {time.monotonic() - started[-1]:.1f} s"
        )
        scale.stop()
        ready = scale.start()
        print(
            f"startup to /health/ready: {ready:.2f} s with the large registry (target < 3 s),"
            f" {started[1]:.2f} s with an empty store"
        )
        print(in_process(scale))
        rss["one API"], rss["large registry"] = one.worker_rss_mb(), scale.worker_rss_mb()
        runs = throughput(one, scale, tokens, args)
        answers, reached, quiet, busy = publishes(scale, tokens[scale.port], args)
        rss["large registry, after the runs"] = scale.worker_rss_mb()
    finally:
        one.stop()
        scale.stop()
    summary(args, runs, answers, reached, quiet, busy, rss)


def startup_only(starts: int) -> None:
    """Build the large store and time `sluice serve` to /health/ready on it, `starts` times
    with 2 workers and with 1 (interleaved), and the full load in one process."""
    data = Path(tempfile.mkdtemp(prefix="sluice-registry-"))
    scale = Serve("registry_scale", data)
    print(
        f"command: {' '.join(scale.command[2:])} (PostgreSQL store, Redis); cores {os.cpu_count()}"
    )
    try:
        empty = scale.start()
        define_api(scale.base)
        grow("registry_scale")
    finally:
        scale.stop()
    print(f"startup to /health/ready with an empty store, 2 workers: {empty:.2f} s")
    times: dict[int, list[float]] = {2: [], 1: []}
    cpu: dict[int, list[float]] = {2: [], 1: []}
    for _ in range(starts):
        for workers in times:
            scale.command = scale.serve_command(workers)
            try:
                times[workers].append(scale.start())
                cpu[workers].append(scale.cpu_seconds())
            finally:
                scale.stop()
    for workers, values in times.items():
        print(
            f"startup to /health/ready with the large registry, {workers} worker(s): median"
            f" {statistics.median(values):.2f} s ({', '.join(f'{v:.2f}' for v in values)};"
            f" target < 3 s), CPU used by then {statistics.median(cpu[workers]):.2f} s;"
            f" load average {os.getloadavg()[0]:.2f}"
        )
    print(in_process(scale))


def summary(
    args: argparse.Namespace,
    runs: dict[str, list[dict[str, Any]]],
    answers: list[float],
    reached: list[float],
    quiet: list[dict[str, Any]],
    busy: list[dict[str, Any]],
    rss: dict[str, list[float]],
) -> None:
    for key in ("one", "scale"):
        for r in runs[key]:
            print(
                f"  {key:<6} {r['rps']:7.0f} req/s  p50 {r['p50']:6.2f} ms"
                f"  p99 {r['p99']:6.2f} ms  non-2xx {r['non2xx']}"
            )
    rps_one = statistics.median(r["rps"] for r in runs["one"])
    rps_scale = statistics.median(r["rps"] for r in runs["scale"])
    print(
        f"gateway throughput ({args.connections} connections, {args.rounds} interleaved rounds"
        f" of {args.duration} s): one API {rps_one:.0f} req/s, large registry {rps_scale:.0f}"
        f" req/s = {rps_scale / rps_one:.3f}x (target >= 0.95)"
    )
    print(
        f"publish answer: median {statistics.median(answers) * 1000:.0f} ms, max"
        f" {max(answers) * 1000:.0f} ms (target < 100 ms); every worker serves the new"
        f" version after median {statistics.median(reached) * 1000:.0f} ms, max"
        f" {max(reached) * 1000:.0f} ms (target < 1 s)"
    )
    p99_quiet = statistics.median(r["p99"] for r in quiet)
    p99_busy = statistics.median(r["p99"] for r in busy)
    print(
        f"gateway p99 under 8 connections: {p99_quiet:.2f} ms without publishes,"
        f" {p99_busy:.2f} ms with 3 publishes per run ({p99_busy / p99_quiet:.2f}x)"
    )
    for key, values in rss.items():
        print(f"worker RSS, {key}: {', '.join(f'{v:.0f} MB' for v in values)} (target < 300 MB)")


if __name__ == "__main__":
    main()
