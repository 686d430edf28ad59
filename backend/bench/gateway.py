"""Gateway benchmark: a private SQL API over PostgreSQL, against a bare baseline.

`cd backend && .venv/bin/python -m bench.gateway [--duration 10] [--connections 64]`

Starts `sluice serve` as deployed with Redis: the app store on PostgreSQL (a fresh
database `sluice_bench`), JWT auth, Redis flow control with high limits (rate and
concurrency), access records on. And the baseline (`bench.baseline`: the same query with
the same driver and pool, in one round trip as the gateway reads, no gateway). Drives
each with wrk for the same time and connections, and prints requests/s, p50, p99,
non-2xx answers and the server process's CPU time per request. `--store sqlite` runs the
gateway on the embedded SQLite store instead.

Needs PostgreSQL on 127.0.0.1:5432 (db `test`), Redis on 127.0.0.1:6379 and `wrk`
(Debian package; `make bench` installs it). Everything it starts listens on 127.0.0.1
and is stopped at the end.
"""

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx2 as httpx
import psycopg

PG = os.environ.get("BENCH_PG_DSN", "postgresql://postgres@127.0.0.1:5432/test")
STORE_DB = "sluice_bench"
REDIS = "redis://127.0.0.1:6379/0"
ADMIN, PASSWORD = "bench@example.com", "bench-password-1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def seed_table() -> None:
    with psycopg.connect(PG, autocommit=True) as db:
        db.execute(
            "CREATE TABLE IF NOT EXISTS bench_items (id int PRIMARY KEY, name text, price numeric(10,2))"
        )
        db.execute(
            "INSERT INTO bench_items SELECT g, 'item ' || g, g * 1.5 FROM generate_series(1, 1000) g ON CONFLICT DO NOTHING"
        )


def fresh_store(name: str = STORE_DB) -> str:
    """A new, empty PostgreSQL database for the app store; its SQLAlchemy URL."""
    with psycopg.connect(PG, autocommit=True) as db:
        db.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        db.execute(f"CREATE DATABASE {name}")
    url = PG.rsplit("/", 1)[0] + "/" + name
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def server(command: list[str], env: dict[str, str], port: int) -> Iterator[subprocess.Popen[bytes]]:
    process = subprocess.Popen(
        command, env=os.environ | env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                httpx.get(f"http://127.0.0.1:{port}/", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        yield process
    finally:
        process.terminate()
        process.wait(timeout=20)


def admin_client(base: str) -> httpx.Client:
    """An HTTP client logged in to the admin API as the bench's superuser."""
    client = httpx.Client(base_url=base, timeout=30)
    token = client.post(
        "/api/v1/login/access-token", data={"username": ADMIN, "password": PASSWORD}
    ).json()["access_token"]
    client.headers["Authorization"] = f"Bearer {token}"
    return client


def define_api(base: str, name: str = "bench") -> str:
    """Data source, module `name` (the API at `/{name}/items/{id}`), private API, client;
    returns a client token."""
    client = admin_client(base)
    source = client.post(
        "/api/v1/datasources",
        json={
            "name": name,
            "type": "postgres",
            "host": "127.0.0.1",
            "port": 5432,
            "database": "test",
            "username": "postgres",
            "pool_size": 8,
        },
    ).json()
    module = client.post("/api/v1/modules", json={"name": name}).json()
    api = client.post(
        "/api/v1/apis",
        json={
            "module_id": module["id"],
            "datasource_id": source["id"],
            "name": "item",
            "path": "items/{id}",
            "content": "SELECT id, name, price FROM bench_items WHERE id = {{ id }}",
            "access": "private",
            "params": [{"name": "id", "location": "path", "type": "integer"}],
        },
    ).json()
    client.post(f"/api/v1/apis/{api['id']}/publish", json={"message": "bench"})
    app = client.post(
        "/api/v1/clients",
        json={"name": name, "api_ids": [api["id"]], "rate_limit_per_minute": 10_000_000},
    ).json()
    time.sleep(1.5)  # let every worker's registry see the publish
    answer = httpx.post(
        f"{base}/token/generate",
        json={"client_id": app["client_id"], "client_secret": app["client_secret"]},
    )
    access: str = answer.json()["access_token"]
    check = httpx.get(f"{base}/{name}/items/7", headers={"Authorization": f"Bearer {access}"})
    assert check.status_code == 200, check.text
    return access


def wrk(url: str, seconds: int, connections: int, headers: dict[str, str]) -> dict[str, Any]:
    script = Path(tempfile.mkdtemp()) / "ids.lua"
    prefix = "/" + url.split("/", 3)[3].rsplit("/", 1)[0] + "/"
    script.write_text(
        "counter = 0\nrequest = function()\n  counter = counter % 1000 + 1\n"
        f'  return wrk.format(nil, "{prefix}" .. counter)\nend\n'
    )
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script)]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(
        [*command, url.rsplit("/", 1)[0] + "/1"], capture_output=True, text=True, check=True
    ).stdout
    shutil.rmtree(script.parent)
    return parse(output)


def parse(output: str) -> dict[str, Any]:
    def latency(percent: str) -> float:
        match = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)", output, re.MULTILINE)
        assert match, output
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    return {
        "rps": rps,
        "p50": latency("50"),
        "p99": latency("99"),
        "non2xx": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else "none",
    }


def measure(
    process: subprocess.Popen[bytes], url: str, args: argparse.Namespace, headers: dict[str, str]
) -> dict[str, Any]:
    """One wrk run, with the server's CPU time per request."""
    before = cpu_seconds(process.pid)
    result = wrk(url, args.duration, args.connections, headers)
    used = cpu_seconds(process.pid) - before
    result["cpu_us"] = used / (result["rps"] * args.duration) * 1e6
    return result


def report(name: str, result: dict[str, Any]) -> None:
    print(
        f"{name:<9} {result['rps']:7.0f} req/s   p50 {result['p50']:6.2f} ms   p99 {result['p99']:6.2f} ms"
        f"   server CPU {result['cpu_us']:5.0f} us/req   non-2xx {result['non2xx']}"
        f"   socket errors {result['socket_errors']}"
    )


def serve_env(data: Path, database_url: str | None) -> dict[str, str]:
    """`sluice serve`'s environment as deployed with Redis: high flow-control limits,
    access records on; the store at `database_url` (SQLite in `data` when None)."""
    env = {
        "DATA_DIR": str(data),
        "SECRET_KEY": "bench-secret-key-" + uuid.uuid4().hex,
        "FIRST_SUPERUSER": ADMIN,
        "FIRST_SUPERUSER_PASSWORD": PASSWORD,
        "REDIS_URL": REDIS,
        "REDIS_PREFIX": f"bench{uuid.uuid4().hex[:8]}",
        "FLOW_CONTROL_RATE_LIMIT_PER_MINUTE": "10000000",
        "FLOW_CONTROL_MAX_CONCURRENT_PER_CLIENT": "1000",
        "LOG_LEVEL": "WARNING",
    }
    return env | ({"DATABASE_URL": database_url} if database_url else {})


def serve_command(port: int) -> list[str]:
    return [sys.executable, "-m", "sluice.cli", "serve", "--port", str(port)]


def median(results: list[dict[str, Any]], key: str) -> float:
    return float(statistics.median(r[key] for r in results))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duration", type=int, default=8, help="seconds per run")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument(
        "--rounds", type=int, default=5, help="baseline and gateway runs, interleaved"
    )
    parser.add_argument("--store", choices=["postgres", "sqlite"], default="postgres")
    args = parser.parse_args()
    seed_table()
    data = Path(tempfile.mkdtemp(prefix="sluice-bench-"))
    gateway_port, baseline_port = free_port(), free_port()
    env = serve_env(data, fresh_store() if args.store == "postgres" else None)
    sluice = serve_command(gateway_port)
    baseline = [
        sys.executable,
        "-m",
        "uvicorn",
        "bench.baseline:app",
        "--port",
        str(baseline_port),
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    gateway_url = f"http://127.0.0.1:{gateway_port}/bench/items/1"
    baseline_url = f"http://127.0.0.1:{baseline_port}/items/1"
    bases: list[dict[str, Any]] = []
    gateways: list[dict[str, Any]] = []
    try:
        with (
            server(sluice, env, gateway_port) as gateway_process,
            server(baseline, {"BENCH_PG_DSN": PG}, baseline_port) as baseline_process,
        ):
            auth = {"Authorization": f"Bearer {define_api(f'http://127.0.0.1:{gateway_port}')}"}
            wrk(baseline_url, 2, args.connections, {})
            wrk(gateway_url, 2, args.connections, auth)
            for _ in range(args.rounds):
                bases.append(measure(baseline_process, baseline_url, args, {}))
                gateways.append(measure(gateway_process, gateway_url, args, auth))
            metrics = httpx.get(f"http://127.0.0.1:{gateway_port}/metrics").text
            assert "sluice_limiter_redis_up 1.0" in metrics, "flow control did not run on Redis"
    finally:
        shutil.rmtree(data, ignore_errors=True)
    print(
        f"{args.connections} connections, {args.rounds} interleaved rounds of {args.duration} s,"
        f" one server process each, store {args.store}"
    )
    for base, gateway in zip(bases, gateways, strict=True):
        report("baseline", base)
        report("gateway", gateway)
    rps = median(gateways, "rps") / median(bases, "rps")
    p99 = median(gateways, "p99") / median(bases, "p99")
    errors = sum(g["non2xx"] for g in gateways)
    print(
        f"median: baseline {median(bases, 'rps'):.0f} req/s p99 {median(bases, 'p99'):.2f} ms;"
        f" gateway {median(gateways, 'rps'):.0f} req/s p99 {median(gateways, 'p99'):.2f} ms"
    )
    print(f"gateway/baseline: {rps:.2f} of the requests/s, p99 {p99:.2f}x, {errors} errors")
    print(
        f"target (>= 0.50, < 3x, 0 errors): {'met' if rps >= 0.5 and p99 < 3 and not errors else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
