"""Access records at production size: 10 million in a PostgreSQL store, read and written
through the real server.

`cd backend && .venv/bin/python -m bench.scale_records [--records 10000000] [--calls 15]
[--only reads|prune|write]...`

Fills a PostgreSQL database of its own (`sluice_scale_records`, kept between runs: a
rerun finds the rows and skips the fill) with `--records` access records spread over the
last 30 days (`bench.overview`'s `generate_series` fill, a million rows a transaction)
and the hourly rollups the overview reads. Then starts `sluice serve` on it (one
process, Redis flow control, as `bench.gateway` does) and measures over HTTP:

- the admin access-log list with a few filter combinations, first page and a deep
  keyset page (`?before=`), one call's detail, the overview and its charts (`/overview`,
  `/overview/stats` for 24 h and 30 days): median and p95 of `--calls` calls each;
- pruning by retention (half a million records older than the retention, added first)
  while writers insert batches, and the writers' slowest batch during the prune;
- the access-record path: while wrk drives the gateway, an `AccessLog` in this process
  (the gateway's own queue and writer) is handed records as fast as it takes them and
  writes them to the same store: records stored per second, and its CPU per record
  (queueing on the call's path, and the background write) against the gateway's CPU
  per call.

Needs PostgreSQL on 127.0.0.1:5432, Redis on 127.0.0.1:6379 and `wrk`. `--drop` removes
the kept database.
"""

import argparse
import asyncio
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx2 as httpx
import psycopg
from sqlalchemy import Engine, text

from bench.gateway import (
    PG,
    admin_client,
    cpu_seconds,
    define_api,
    free_port,
    measure,
    seed_table,
    serve_command,
    serve_env,
    server,
)
from bench.overview import FILL
from sluice.db import make_engine, migrate
from sluice.gateway.access_log import AccessLog, Call
from sluice.gateway.rollups import rollup_sqls
from sluice.observability.metrics import Metrics

STORE_DB = "sluice_scale_records"
CHUNK = 1_000_000
TARGET_MS = 200.0
TARGET_RECORDS_S = 20_000


def store_url() -> str:
    return PG.rsplit("/", 1)[0] + "/" + STORE_DB


def sqlalchemy_url(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


def fill(records: int) -> Engine:
    """The kept store with at least `records` access records and their rollups; only what
    is missing is added (a million records a transaction, so an interrupted fill resumes)."""
    with psycopg.connect(PG, autocommit=True) as db:
        if not db.execute("SELECT 1 FROM pg_database WHERE datname = %s", (STORE_DB,)).fetchone():
            db.execute(f"CREATE DATABASE {STORE_DB}")
    url = sqlalchemy_url(store_url())
    migrate(url)
    engine = make_engine(url)
    with engine.begin() as db:
        db.exec_driver_sql("CREATE TABLE IF NOT EXISTS bench_fill (filled bigint NOT NULL)")
        filled = db.exec_driver_sql("SELECT max(filled) FROM bench_fill").scalar() or 0
    if filled >= records:
        print(f"store {STORE_DB}: kept from an earlier run ({filled:,} records filled)")
        return engine
    started, newest = time.perf_counter(), datetime.now(UTC)
    while filled < records:
        last = min(filled + CHUNK, records)
        with engine.begin() as db:
            db.execute(
                text(FILL), {"first": filled + 1, "last": last, "total": records, "newest": newest}
            )
            db.exec_driver_sql("INSERT INTO bench_fill VALUES (%s)", (last,))
        filled = last
        print(f"  {filled:,} records ({time.perf_counter() - started:.0f} s)", flush=True)
    with engine.begin() as db:  # every stored record, summed afresh
        db.exec_driver_sql("TRUNCATE access_rollup, access_client_rollup, access_client_day")
        for statement in rollup_sqls("postgresql"):
            db.exec_driver_sql(statement)
    with engine.connect() as db:
        db.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
            "VACUUM ANALYZE access_record, access_rollup, access_client_rollup, access_client_day"
        )
    print(
        f"store {STORE_DB}: filled to {records:,} records in {time.perf_counter() - started:.0f} s"
    )
    return engine


def timings(work: Callable[[], Any], calls: int) -> tuple[float, float]:
    """Median and p95 of `calls` runs (after one unmeasured), in ms."""
    work()
    took = []
    for _ in range(calls):
        started = time.perf_counter()
        work()
        took.append((time.perf_counter() - started) * 1000)
    took.sort()
    return statistics.median(took), took[min(len(took) - 1, round(0.95 * (len(took) - 1)))]


def reads(client: httpx.Client, engine: Engine, calls: int) -> list[str]:
    """The admin API's reads on the records; those whose p95 is over the target."""
    with engine.connect() as db:
        middle = db.exec_driver_sql(
            "SELECT id FROM access_record WHERE id >= (SELECT max(id) / 2 FROM access_record)"
            " ORDER BY id LIMIT 1"
        ).scalar()
    day_ago = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    month_ago = (datetime.now(UTC) - timedelta(days=30)).isoformat()
    cases: list[tuple[str, str, dict[str, Any]]] = [
        ("list, no filter", "/api/v1/access-logs", {}),
        ("list, last 24 h", "/api/v1/access-logs", {"since": day_ago}),
        ("list, api_id", "/api/v1/access-logs", {"api_id": 3}),
        ("list, client_id", "/api/v1/access-logs", {"client_id": "client-17"}),
        ("list, status 502", "/api/v1/access-logs", {"status": 502}),
        ("list, api_id + status 404", "/api/v1/access-logs", {"api_id": 20, "status": 404}),
        (
            "list, api_id + status, none match, 24 h",
            "/api/v1/access-logs",
            {"api_id": 3, "status": 404, "since": day_ago},
        ),
        (
            "list, api_id + status, none match, all time",
            "/api/v1/access-logs",
            {"api_id": 3, "status": 404},
        ),
        (
            "list, client + status + 24 h",
            "/api/v1/access-logs",
            {"client_id": "client-17", "status": 400, "since": day_ago},
        ),
        ("list, via mcp (none)", "/api/v1/access-logs", {"via": "mcp"}),
        ("deep keyset page, no filter", "/api/v1/access-logs", {"before": middle}),
        ("deep keyset page, api_id", "/api/v1/access-logs", {"api_id": 3, "before": middle}),
        ("one call's detail", f"/api/v1/access-logs/{middle}", {}),
        ("overview", "/api/v1/overview", {}),
        ("overview charts, 24 h", "/api/v1/overview/stats", {}),
        ("overview charts, 30 d", "/api/v1/overview/stats", {"since": month_ago}),
    ]
    print(f"\nadmin API over HTTP, {calls} calls each (ms)           median     p95   count")
    slow: list[str] = []
    for label, path, params in cases:
        params = {"limit": 25, **params} if path.endswith("access-logs") else params
        answers: list[httpx.Response] = []

        def call(
            path: str = path, params: dict[str, Any] = params, seen: list[Any] = answers
        ) -> None:
            answer = client.get(path, params=params)
            assert answer.status_code == 200, answer.text
            seen.append(answer)

        median, p95 = timings(call, calls)
        body = answers[-1].json()
        shown = f"{body['count']:>7,}" if "count" in body else ""
        print(f"  {label:<46}{median:>8.1f}{p95:>8.1f} {shown}")
        slow += [] if p95 < TARGET_MS else [label]
    return slow


def bench_call(n: int) -> Call:
    """A call as the gateway records it (one of 20 APIs, 200 clients, a query string)."""
    return Call(
        method="GET",
        path=f"/bench/api-{n % 20 + 1}",
        module="bench",
        api_id=n % 20 + 1,
        client_id=f"client-{n % 200}",
        ip="10.0.0.1",
        query=b"naming=camel&limit=10",
    )


def prune_with_writers(engine: Engine, old: int, writers: int = 2, rate: int = 10_000) -> None:
    """`old` records older than the retention are added; then `writers` threads write
    `rate` records a second each (batches of 500 through an `AccessLog`, as the gateway's
    writer does) while the prune runs: its time, and the writers' slowest batch."""
    newest = datetime.now(UTC) - timedelta(days=400)
    with engine.begin() as db:
        db.execute(text(FILL), {"first": 1, "last": old, "total": old, "newest": newest})
    stop, pruning = threading.Event(), threading.Event()
    before: list[float] = []
    during: list[float] = []

    def write() -> None:
        log, n, pace = AccessLog(engine, Metrics(), size=100_000), 0, 500 / rate
        while not stop.is_set():
            started = time.perf_counter()
            for _ in range(500):
                log.record(bench_call(n), 200, None)
                n += 1
            asyncio.run(log.flush())
            took = time.perf_counter() - started
            (during if pruning.is_set() else before).append(took * 1000)
            time.sleep(max(0.0, pace - took))

    threads = [threading.Thread(target=write) for _ in range(writers)]
    for thread in threads:
        thread.start()
    time.sleep(3)
    pruning.set()
    started = time.perf_counter()
    deleted = asyncio.run(AccessLog(engine, Metrics()).prune(365))
    took = time.perf_counter() - started
    pruning.clear()
    time.sleep(1)
    stop.set()
    for thread in threads:
        thread.join()
    written = len(before) + len(during)
    print(
        f"\nprune by retention: {deleted:,} records older than 365 days deleted in {took:.1f} s"
        f" ({deleted / took:,.0f}/s) while {writers} writers stored {rate * writers:,} records/s"
        f" target ({written * 500:,} records in batches of 500)"
    )
    print(
        f"  writers' batch latency before the prune: median {statistics.median(before):.1f} ms,"
        f" max {max(before):.1f} ms; during it: median {statistics.median(during):.1f} ms,"
        f" max {max(during):.1f} ms ({len(during)} batches)"
    )


def backends_cpu(since: dict[int, float] | None = None) -> dict[int, float]:
    """CPU seconds of every PostgreSQL backend connected to the store (those already
    there at `since`: used since then)."""
    with psycopg.connect(store_url(), autocommit=True) as db:
        pids = [
            row[0]
            for row in db.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ]
    used = {}
    for pid in pids:
        try:
            used[pid] = cpu_seconds(pid) - (since or {}).get(pid, 0.0)
        except OSError:  # gone meanwhile
            continue
    return used


def record_path(
    engine: Engine,
    process: subprocess.Popen[bytes],
    url: str,
    auth: dict[str, str],
    duration: int,
    connections: int,
) -> bool:
    """While wrk drives the gateway (a private one-row API), an `AccessLog` in this process
    is handed records 10,000 at a time and writes them to the same store: records stored
    per second, CPU per record queued and written, against the gateway's CPU per call."""
    load: dict[str, Any] = {}
    args = argparse.Namespace(duration=duration, connections=connections)
    driver = threading.Thread(target=lambda: load.update(measure(process, url, args, auth)))
    driver.start()
    time.sleep(1)
    log = AccessLog(engine, Metrics(), size=1_000_000)
    store_cpu = backends_cpu()
    stored, n, queue_cpu, write_cpu = 0, 0, 0.0, 0.0
    started = time.perf_counter()
    while time.perf_counter() - started < duration - 2:
        cpu = time.thread_time()
        for _ in range(10_000):
            log.record(bench_call(n), 200, None)
            n += 1
        queue_cpu += time.thread_time() - cpu
        cpu = time.process_time()
        asyncio.run(log.flush())
        write_cpu += time.process_time() - cpu
        stored += 10_000
    took = time.perf_counter() - started
    store_used = sum(backends_cpu(store_cpu).values())
    driver.join()
    rate = stored / took
    recorded = stored + load["rps"] * took  # with the gateway's own records
    database = store_used / recorded * 1e6
    per_call = load["cpu_us"]
    queued, written = queue_cpu / stored * 1e6, write_cpu / stored * 1e6
    print(
        f"\naccess-record path under load: gateway {load['rps']:,.0f} calls/s"
        f" (p99 {load['p99']:.1f} ms, {load['non2xx']} non-2xx) with wrk -c{connections}"
        f" for {duration} s; meanwhile an AccessLog stored {stored:,} records in {took:.1f} s:"
        f" {rate:,.0f} records/s (target >= {TARGET_RECORDS_S:,})"
    )
    print(
        f"  CPU per record: {queued:.1f} us queueing it (on the call's path) + {written:.1f} us"
        f" writing it (background) = {queued + written:.1f} us, against {per_call:.0f} us of"
        f" gateway CPU per call: {(queued + written) / per_call:.1%} of a call"
    )
    print(
        f"  PostgreSQL's CPU on the store meanwhile: {database:.0f} us per record written"
        f" (insert with its indexes, and the two rollup upserts): {1e6 / database:,.0f}"
        " records/s for a whole core"
    )
    return rate >= TARGET_RECORDS_S


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=10_000_000)
    parser.add_argument("--calls", type=int, default=15, help="timed calls per admin read")
    parser.add_argument("--old", type=int, default=500_000, help="records for the prune")
    parser.add_argument("--duration", type=int, default=15, help="seconds of wrk load")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--drop", action="store_true", help="drop the kept database and stop")
    parser.add_argument(
        "--only",
        choices=("reads", "prune", "write"),
        action="append",
        help="measure only these parts (repeatable; all by default)",
    )
    args = parser.parse_args(argv)
    if args.drop:
        with psycopg.connect(PG, autocommit=True) as db:
            db.execute(f"DROP DATABASE IF EXISTS {STORE_DB} WITH (FORCE)")
        return
    command = shlex.join(
        ["python", "-m", "bench.scale_records", *(sys.argv[1:] if argv is None else argv)]
    )
    print(f"{command}   (os.cpu_count() = {os.cpu_count()})")
    engine = fill(args.records)
    seed_table()
    data = Path(tempfile.mkdtemp(prefix="sluice-bench-records-"))
    port = free_port()
    env = serve_env(data, sqlalchemy_url(store_url())) | {"ACCESS_LOG_RETENTION_DAYS": "3650"}
    try:
        with server(serve_command(port), env, port) as process:
            base = f"http://127.0.0.1:{port}"
            print(
                f"`sluice serve` on the store, one process, admin API and gateway over HTTP ({base})"
            )
            name = f"rec{uuid.uuid4().hex[:6]}"
            auth = {"Authorization": f"Bearer {define_api(base, name)}"}
            parts = args.only or ("reads", "prune", "write")
            slow = reads(admin_client(base), engine, args.calls) if "reads" in parts else []
            if "prune" in parts:
                prune_with_writers(engine, args.old)
            path_met = "write" in parts and record_path(
                engine, process, f"{base}/{name}/items/1", auth, args.duration, args.connections
            )
    finally:
        shutil.rmtree(data, ignore_errors=True)
        engine.dispose()
    print(
        f"\ntargets: reads p95 < {TARGET_MS:.0f} ms {'NOT met by ' + '; '.join(slow) if slow else 'met'};"
        f" record path >= {TARGET_RECORDS_S:,} records/s {'met' if path_met else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
