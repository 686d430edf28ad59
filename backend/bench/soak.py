"""Soak: minutes of mixed load against `sluice serve --workers 2`, watching for leaks.

`cd backend && .venv/bin/python -m bench.soak [--minutes 10] [--interval 30] [--callers 8]
[--workers 2]`

Starts `sluice serve --workers 2` as deployed: the app store on PostgreSQL (a private
database), a private redis-server, a data source on another private PostgreSQL database.
Drives a mix for `--minutes`: token generation, a private, a public, a cached and a script
API, calls that fail (bad parameter, unknown path, wrong token) and admin reads. Every
`--interval` seconds it samples the RSS and open file descriptors of each server process
(the supervisor, each uvicorn worker, the script workers together) and the connections to
the data-source and store databases (pg_stat_activity: `/metrics` has no pool gauge). Then
it prints the table and a verdict per figure: flat when the last third's average is
within the tolerance of the first third's.

Needs PostgreSQL on 127.0.0.1:5432 (db `test`, as the tests) and `redis-server`.
Everything it starts listens on 127.0.0.1 and is stopped at the end.
"""

import argparse
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path

from tests.live import (
    SCRIPT_CHILD,
    Call,
    Load,
    PrivateRedis,
    Sluice,
    Tally,
    children,
    connections_to,
    open_fds,
    private_database,
    rss_bytes,
    seed_items,
    store_url,
)

SCRIPT = """
def execute(params):
    rows = db.query("SELECT price FROM items WHERE id = %s", [params["id"]])
    return {"id": params["id"], "price": rows[0]["price"]}
"""
SQL = "SELECT id, name, price FROM items WHERE id = {{ id }}"
ID_PARAM = [{"name": "id", "location": "path", "type": "integer"}]
HIGH_LIMITS = {
    "FLOW_CONTROL_RATE_LIMIT_PER_MINUTE": "10000000",
    "FLOW_CONTROL_MAX_CONCURRENT_PER_CLIENT": "1000",
    "TOKEN_RATE_LIMIT_PER_CLIENT": "1000000/minute",
    "TOKEN_RATE_LIMIT_PER_IP": "1000000/minute",
}
REPLACED = "] died"  # in uvicorn's log line when it replaces a worker
EXPECTED = {200, 400, 401, 404}  # the mix's own errors; anything else is a failure
TOLERANCE = {"MB": (0.10, 5.0), "fds": (0.10, 3.0), "conns": (0.10, 2.0)}  # (share, floor)


def define(sluice: Sluice, source_db: str) -> list[Call]:
    """The APIs, a client, and the mix of calls the load sends in turn."""
    admin = sluice.admin
    source = admin.postgres_source(source_db, pool_size=4)
    module = admin.create("/api/v1/modules", {"name": "soak"})
    common = {"module_id": module["id"], "datasource_id": source["id"], "params": ID_PARAM}
    apis = [
        admin.published_api(
            name="item", path="items/{id}", content=SQL, access="private", **common
        ),
        admin.published_api(name="pub", path="public/{id}", content=SQL, access="public", **common),
        admin.published_api(
            name="cached", path="cached/{id}", content=SQL, cache_ttl_seconds=30, **common
        ),
        admin.published_api(
            name="price", path="prices/{id}", engine="script", content=SCRIPT, **common
        ),
    ]
    credentials, token = admin.client_token([api["id"] for api in apis])
    auth = {"Authorization": f"Bearer {token}"}
    admin_auth = {"Authorization": admin.headers["Authorization"]}
    time.sleep(1.5)  # every worker's registry hears of the publishes
    calls = []
    for i in range(1, 41):
        calls += [Call("GET", f"/soak/{api['path'].split('/')[0]}/{i}", auth) for api in apis]
        if i % 4 == 0:
            calls += [
                Call("POST", "/token/generate", json=credentials),
                Call("GET", "/soak/items/abc", auth),  # 400: ill-typed param
                Call("GET", "/soak/nowhere", auth),  # 404
                Call("GET", "/soak/items/1", {"Authorization": "Bearer nope"}),  # 401
                Call("GET", "/api/v1/access-logs?limit=20", admin_auth),
                Call("GET", "/api/v1/apis", admin_auth),
            ]
    return calls


def sample(sluice: Sluice, databases: tuple[str, str]) -> dict[str, float]:
    """One row: MB and fds of each server process, connections to each database."""
    mb = 1024 * 1024
    workers = [pid for pid in sorted(sluice.worker_pids()) if pid != sluice.process.pid]
    scripts = [pid for worker in workers for pid in children(worker, SCRIPT_CHILD)]
    row = {"serve MB": rss_bytes(sluice.process.pid) / mb}
    for n, pid in enumerate(workers, 1):
        row[f"w{n} MB"] = rss_bytes(pid) / mb
    row["scripts MB"] = sum(rss_bytes(pid) for pid in scripts) / mb
    row["serve fds"] = open_fds(sluice.process.pid)
    for n, pid in enumerate(workers, 1):
        row[f"w{n} fds"] = open_fds(pid)
    row["ds conns"] = len(connections_to(databases[0]))
    row["store conns"] = len(connections_to(databases[1]))
    return row


def report(rows: list[tuple[float, int, dict[str, float]]], tally: Tally, restarts: int) -> bool:
    """Print the table and the verdicts; True when every figure is flat, every answer was
    one the mix expects and no uvicorn worker had to be replaced."""
    print_table(rows)
    statuses = Counter(tally.statuses())
    unexpected = {s: n for s, n in statuses.items() if s not in EXPECTED}
    print(f"answers {tally.answered}, by status {dict(sorted(statuses.items(), key=str))}")
    print(f"uvicorn workers replaced: {restarts}")
    flat = all([flat_figures(rows), not unexpected, not restarts])
    print(f"verdict: {'flat' if flat else 'NOT flat'}")
    return flat


def print_table(rows: list[tuple[float, int, dict[str, float]]]) -> None:
    names = list(rows[0][2])
    print(f"{'t (s)':>6} {'calls/s':>8} " + " ".join(f"{name:>11}" for name in names))
    previous = (0.0, 0)
    for at, answered, row in rows:
        rate = (answered - previous[1]) / max(at - previous[0], 1e-9)
        previous = (at, answered)
        print(f"{at:6.0f} {rate:8.0f} " + " ".join(f"{row.get(n, 0):11.1f}" for n in names))


def flat_figures(rows: list[tuple[float, int, dict[str, float]]]) -> bool:
    """Each figure's last-third average against its first third's, within TOLERANCE."""
    third = max(1, len(rows) // 3)
    flat = True
    for name in rows[0][2]:
        first = statistics.mean(r[2].get(name, 0) for r in rows[:third])
        last = statistics.mean(r[2].get(name, 0) for r in rows[-third:])
        share, floor = TOLERANCE[name.split()[-1]]
        ok = last <= first + max(first * share, floor)
        flat &= ok
        verdict = "flat" if ok else "GROWING"
        print(f"{name:>12}: first third {first:8.1f}, last third {last:8.1f}  {verdict}")
    return flat


def soak(minutes: float, interval: float, callers: int, workers: int) -> bool:
    redis = PrivateRedis()
    try:
        with (
            private_database("sluice_soak_store") as store,
            private_database("sluice_soak_source") as source,
            tempfile.TemporaryDirectory(prefix="sluice-soak-") as workdir,
        ):
            seed_items(source)
            env = HIGH_LIMITS | {"DATABASE_URL": store_url(store), "REDIS_URL": redis.url}
            sluice = Sluice(Path(workdir), workers=workers, **env)
            try:
                load = Load(
                    sluice.url, define(sluice, source), callers=callers, seconds=minutes * 60
                )
                rows = []
                with load.running() as tally:
                    while time.monotonic() < tally.started + minutes * 60:
                        time.sleep(
                            max(0.0, min(interval, tally.started + minutes * 60 - time.monotonic()))
                        )
                        at = time.monotonic() - tally.started
                        rows.append((at, tally.answered, sample(sluice, (source, store))))
            finally:
                log = sluice.stop()
            return report(rows, tally, log.count(REPLACED))
    finally:
        redis.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--interval", type=float, default=30, help="seconds between samples")
    parser.add_argument("--callers", type=int, default=8, help="concurrent callers")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn workers")
    args = parser.parse_args()
    flat = soak(args.minutes, args.interval, args.callers, args.workers)
    raise SystemExit(0 if flat else 1)


if __name__ == "__main__":
    main()
