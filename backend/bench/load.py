"""`make load`: the load model (bench/locustfile.py) against a local instance, headless.

`cd backend && .venv/bin/python -m bench.load [--seconds 60] [--users 20] [--workers 1]`

Starts `sluice serve` as `make run` does (the embedded SQLite store, the demo and its
SQLite data source, limits in memory), trusting one proxy so each simulated app has its
own address, and with the token route's throttle raised so every app instance can get a
token at once. Creates two clients through the admin API (a shop app without a rate
limit of its own, and a greedy one limited to 30 calls a minute), runs locust for the
given time with a fixed number of users, and prints locust's summary, then the server's
CPU time per thousand calls and the access records written. Everything listens on
127.0.0.1 and is stopped at the end. The exit status is locust's (non-zero on failures).
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.gateway import cpu_seconds
from tests.live import Sluice, children

LOCUSTFILE = Path(__file__).with_name("locustfile.py")
SERVER = {
    "LOAD_DEMO": "true",
    "TRUSTED_PROXY_COUNT": "1",  # the apps' X-Forwarded-For is their address
    "TOKEN_RATE_LIMIT_PER_CLIENT": "100000/minute",
    "TOKEN_RATE_LIMIT_PER_IP": "100000/minute",
    "LOG_LEVEL": "WARNING",
}


def clients(sluice: Sluice) -> dict[str, str]:
    """The two clients the model uses, as the environment locust reads."""
    admin = sluice.admin
    groups = admin.get("/api/v1/groups").json()["data"]
    demo = next(group["id"] for group in groups if group["name"] == "demo")
    made = {}
    for prefix, name, rate in (
        ("SLUICE", "load-app", 10_000_000),
        ("SLUICE_THROTTLED", "load-greedy", 30),
    ):
        app = admin.create(
            "/api/v1/clients", {"name": name, "group_ids": [demo], "rate_limit_per_minute": rate}
        )
        made[f"{prefix}_CLIENT_ID"] = app["client_id"]
        made[f"{prefix}_CLIENT_SECRET"] = app["client_secret"]
    return made


def server_cpu(sluice: Sluice) -> float:
    """CPU seconds used so far by the server: its workers and their script workers."""
    pids = {sluice.process.pid, *sluice.worker_pids()}
    pids |= {child for pid in list(pids) for child in children(pid)}
    return sum(cpu_seconds(pid) for pid in pids)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--workers", type=int, default=1, help="uvicorn workers of the server")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sluice-load-") as folder:
        sluice = Sluice(Path(folder), workers=args.workers, **SERVER)
        try:
            return run(sluice, args)
        finally:
            sluice.stop()


def run(sluice: Sluice, args: argparse.Namespace) -> int:
    env = os.environ | clients(sluice)
    records_before = sluice.admin.records()
    command = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless"]
    command += ["--host", sluice.url, "--users", str(args.users)]
    command += ["--spawn-rate", str(args.spawn_rate), "--run-time", f"{args.seconds}s"]
    command += ["--only-summary", "--stop-timeout", "5", "--loglevel", "WARNING"]
    print(
        f"Load: {args.users} users for {args.seconds} s against sluice serve "
        f"--workers {args.workers} (SQLite store, demo on SQLite, limits in memory) at {sluice.url}",
        flush=True,
    )
    cpu_before, started = server_cpu(sluice), time.monotonic()
    done = subprocess.run(command, env=env, cwd=Path(__file__).parent.parent)
    cpu, elapsed = server_cpu(sluice) - cpu_before, time.monotonic() - started
    time.sleep(1.5)  # the access records are written in batches
    calls = sluice.admin.records() - records_before
    print(f"\nServer: {calls} gateway calls recorded in {elapsed:.0f} s ({calls / elapsed:.0f}/s)")
    if calls:
        print(
            f"Server CPU: {cpu:.1f} s over {elapsed:.0f} s ({100 * cpu / elapsed:.0f} % of one "
            f"core), {1000 * cpu / calls:.2f} CPU seconds per 1000 calls"
        )
    return done.returncode


if __name__ == "__main__":
    raise SystemExit(main())
