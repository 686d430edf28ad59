"""Gateway benchmark: a private SQL API over PostgreSQL, against a bare baseline.

`cd backend && .venv/bin/python -m bench.gateway [--duration 10] [--connections 64]`

Starts `sluice serve` (JWT auth, Redis flow control with high limits, access records on)
and the baseline (`bench.baseline`: the same query, same driver, no gateway), drives each
with wrk for the same time and connections, and prints requests/s, p50, p99 and non-2xx
answers. Needs PostgreSQL on 127.0.0.1:5432 (db `test`), Redis on 127.0.0.1:6379 and `wrk`
(Debian package). Everything it starts listens on 127.0.0.1 and is stopped at the end.
"""

import argparse
import os
import re
import shutil
import socket
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


def define_api(base: str) -> str:
    """Data source, module, private API, client; returns a client token."""
    client = httpx.Client(base_url=base, timeout=30)
    token = client.post(
        "/api/v1/login/access-token", data={"username": ADMIN, "password": PASSWORD}
    ).json()["access_token"]
    client.headers["Authorization"] = f"Bearer {token}"
    source = client.post(
        "/api/v1/datasources",
        json={
            "name": "bench",
            "type": "postgres",
            "host": "127.0.0.1",
            "port": 5432,
            "database": "test",
            "username": "postgres",
            "pool_size": 8,
        },
    ).json()
    module = client.post("/api/v1/modules", json={"name": "bench"}).json()
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
        json={"name": "bench", "api_ids": [api["id"]], "rate_limit_per_minute": 10_000_000},
    ).json()
    time.sleep(1.5)  # let every worker's registry see the publish
    answer = httpx.post(
        f"{base}/token/generate",
        json={"client_id": app["client_id"], "client_secret": app["client_secret"]},
    )
    access: str = answer.json()["access_token"]
    check = httpx.get(f"{base}/bench/items/7", headers={"Authorization": f"Bearer {access}"})
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


def report(name: str, result: dict[str, Any]) -> None:
    print(
        f"{name:<9} {result['rps']:9.0f} req/s   p50 {result['p50']:7.2f} ms   p99 {result['p99']:7.2f} ms   non-2xx {result['non2xx']}   socket errors {result['socket_errors']}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=64)
    args = parser.parse_args()
    seed_table()
    data = Path(tempfile.mkdtemp(prefix="sluice-bench-"))
    gateway_port, baseline_port = free_port(), free_port()
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
    sluice = [sys.executable, "-m", "sluice.cli", "serve", "--port", str(gateway_port)]
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
    try:
        with server(sluice, env, gateway_port):
            token = define_api(f"http://127.0.0.1:{gateway_port}")
            wrk(
                f"http://127.0.0.1:{gateway_port}/bench/items/1",
                2,
                args.connections,
                {"Authorization": f"Bearer {token}"},
            )
            gateway = wrk(
                f"http://127.0.0.1:{gateway_port}/bench/items/1",
                args.duration,
                args.connections,
                {"Authorization": f"Bearer {token}"},
            )
        with server(baseline, {"BENCH_PG_DSN": PG}, baseline_port):
            wrk(f"http://127.0.0.1:{baseline_port}/items/1", 2, args.connections, {})
            base = wrk(
                f"http://127.0.0.1:{baseline_port}/items/1", args.duration, args.connections, {}
            )
    finally:
        shutil.rmtree(data, ignore_errors=True)
    print(f"{args.connections} connections, {args.duration} s each, 1 server process each")
    report("baseline", base)
    report("gateway", gateway)
    print(
        f"gateway/baseline: {gateway['rps'] / base['rps']:.2f} of the requests/s, p99 {gateway['p99'] / base['p99']:.2f}x"
    )


if __name__ == "__main__":
    main()
