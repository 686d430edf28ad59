"""Gateway benchmark: the gateway's call shapes against bare endpoints, side by side.

`cd backend && .venv/bin/python -m bench.gateway [--duration 5] [--rounds 4] [--connections 64]`

Starts `sluice serve` as deployed with Redis: the app store on PostgreSQL (a fresh
database `sluice_bench`), JWT auth, Redis flow control with high limits (rate and
concurrency), access records on, one process. It defines private APIs over PostgreSQL: one
row by id, a 200-row list, the one-row query with a response cache, and a script that
returns a small dict. Beside it run the baseline (`bench.baseline`: bare Starlette +
psycopg endpoints doing the same one-row and 200-row queries with the same pool, no
gateway) and the same gateway with its PostgreSQL connector on asyncpg
(`bench.asyncpg_serve`, the driver comparison). Each round drives every endpoint with wrk
in turn, for the same time and connections; each target is the median over the rounds of
that round's ratio (requests/s, p99), so the machine's drift cancels out. Then py-spy
samples the gateway under the 200-row list and prints where its time goes.
`--store sqlite` runs the gateway on the embedded SQLite store instead.

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
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any, NamedTuple

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


SCRIPT = 'def execute(params):\n    return {"id": params["id"], "name": "item", "ok": True}\n'
APIS = (
    # name, path, engine, content, cache_ttl_seconds
    (
        "item",
        "items/{id}",
        "sql",
        "SELECT id, name, price FROM bench_items WHERE id = {{ id }}",
        None,
    ),
    (
        "list",
        "list/{id}",
        "sql",
        "SELECT id, name, price FROM bench_items WHERE id >= {{ id }} ORDER BY id LIMIT 200",
        None,
    ),
    (
        "cached",
        "cached/{id}",
        "sql",
        "SELECT id, name, price FROM bench_items WHERE id = {{ id }}",
        3600,
    ),
    ("script", "script/{id}", "script", SCRIPT, None),
)


def admin_client(base: str) -> httpx.Client:
    """An HTTP client logged in to the admin API as the bench's superuser."""
    client = httpx.Client(base_url=base, timeout=30)
    token = client.post(
        "/api/v1/login/access-token", data={"username": ADMIN, "password": PASSWORD}
    ).json()["access_token"]
    client.headers["Authorization"] = f"Bearer {token}"
    return client


def define_api(base: str, name: str = "bench") -> str:
    """Data source, module `name` (the API at `/{name}/items/{id}`), the one-row private
    API, client; returns a client token (for `bench.scale_*`)."""
    return define_apis(base, name, APIS[:1])


def define_apis(base: str, name: str = "bench", apis: tuple[Any, ...] = APIS) -> str:
    """Data source, module `name`, the private APIs of `apis`, a client; returns a client
    token."""
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
    api_ids = []
    for api_name, path, engine, content, ttl in apis:
        api = client.post(
            "/api/v1/apis",
            json={
                "module_id": module["id"],
                "datasource_id": source["id"] if engine == "sql" else None,
                "name": api_name,
                "path": path,
                "engine": engine,
                "content": content,
                "access": "private",
                "cache_ttl_seconds": ttl,
                "params": [{"name": "id", "location": "path", "type": "integer"}],
            },
        )
        assert api.status_code < 300, api.text
        published = client.post(f"/api/v1/apis/{api.json()['id']}/publish", json={"message": "b"})
        assert published.status_code < 300, published.text
        api_ids.append(api.json()["id"])
    app = client.post(
        "/api/v1/clients",
        json={"name": name, "api_ids": api_ids, "rate_limit_per_minute": 10_000_000},
    ).json()
    time.sleep(1.5)  # let every worker's registry see the publish
    answer = httpx.post(
        f"{base}/token/generate",
        json={"client_id": app["client_id"], "client_secret": app["client_secret"]},
    )
    access: str = answer.json()["access_token"]
    return access


def check_answers(base: str, token: str) -> None:
    """Each API answers 200, the list 200 rows, the cached one a hit the second time."""
    headers = {"Authorization": f"Bearer {token}"}
    for name, path, *_ in APIS:
        answer = httpx.get(f"{base}/bench/{path.replace('{id}', '7')}", headers=headers)
        assert answer.status_code == 200, (name, answer.text)
        if name == "list":
            assert len(answer.json()["data"]) == 200, answer.text
    again = httpx.get(f"{base}/bench/cached/7", headers=headers)
    assert again.headers.get("X-Cache") == "HIT", again.headers
    with httpx.Client(base_url=base, headers=headers) as client:  # every id wrk asks for
        for number in range(1, 1001):
            assert client.get(f"/bench/cached/{number}").status_code == 200


def wrk(
    url: str, seconds: int, connections: int, headers: dict[str, str], span: int = 1000
) -> dict[str, Any]:
    """wrk at `url` (`.../items/1`), its last segment an id cycling over 1..span."""
    script = Path(tempfile.mkdtemp()) / "ids.lua"
    prefix = "/" + url.split("/", 3)[3].rsplit("/", 1)[0] + "/"
    script.write_text(
        "counter = 0\nrequest = function()\n"
        f"  counter = counter % {span} + 1\n"
        f'  return wrk.format(nil, "{prefix}" .. counter)\nend\n'
    )
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script)]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
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


class Run(NamedTuple):
    """One kind of wrk run: which server, which URL prefix, ids 1..span."""

    name: str
    server: str  # "baseline", "gateway" (psycopg) or "asyncpg" (the gateway on asyncpg)
    prefix: str
    span: int
    auth: bool


RUNS = (
    Run("bare 1 row", "baseline", "/items/", 1000, False),
    Run("gateway 1 row", "gateway", "/bench/items/", 1000, True),
    Run("bare 200 rows", "baseline", "/list/", 800, False),
    Run("gateway 200 rows", "gateway", "/bench/list/", 800, True),
    Run("gateway cache hit", "gateway", "/bench/cached/", 1000, True),
    Run("gateway script", "gateway", "/bench/script/", 1000, True),
    Run("asyncpg 1 row", "asyncpg", "/bench/items/", 1000, True),
    Run("asyncpg 200 rows", "asyncpg", "/bench/list/", 800, True),
)


class Target(NamedTuple):
    """A paired ratio: `run` over `against`, per round, then the median."""

    name: str
    run: str
    against: str
    min_rps: float | None  # the least requests/s ratio
    max_p99: float | None  # the most p99 ratio


TARGETS = (
    Target("one-row private API vs bare psycopg", "gateway 1 row", "bare 1 row", 0.75, 2.0),
    Target("200-row list vs bare psycopg", "gateway 200 rows", "bare 200 rows", 0.90, 1.5),
    Target("cache hit vs bare psycopg 1 row", "gateway cache hit", "bare 1 row", 1.3, None),
    Target("script API vs bare psycopg 1 row", "gateway script", "bare 1 row", 0.40, None),
    Target("driver, 1 row: asyncpg vs psycopg", "asyncpg 1 row", "gateway 1 row", None, None),
    Target(
        "driver, 200 rows: asyncpg vs psycopg", "asyncpg 200 rows", "gateway 200 rows", None, None
    ),
)
ADOPT_IF_FASTER = 1.15
"""The driver comparison: the other driver is adopted only when more than 15% faster."""


def measure(
    process: subprocess.Popen[bytes],
    url: str,
    args: argparse.Namespace,
    headers: dict[str, str],
    span: int = 1000,
) -> dict[str, Any]:
    """One wrk run, with the server's CPU time per request."""
    before = cpu_seconds(process.pid)
    result = wrk(url, args.duration, args.connections, headers, span)
    used = cpu_seconds(process.pid) - before
    result["cpu_us"] = used / max(1.0, result["rps"] * args.duration) * 1e6
    return result


def report(name: str, result: dict[str, Any]) -> None:
    print(
        f"  {name:<18} {result['rps']:7.0f} req/s   p50 {result['p50']:6.2f} ms"
        f"   p99 {result['p99']:6.2f} ms   server CPU {result['cpu_us']:5.0f} us/req"
        f"   non-2xx {result['non2xx']}   socket errors {result['socket_errors']}"
    )


def paired(results: list[dict[str, dict[str, Any]]], run: str, against: str, key: str) -> float:
    """The median over the rounds of each round's ratio."""
    return float(statistics.median(r[run][key] / r[against][key] for r in results))


def profile(
    pid: int, url: str, headers: dict[str, str], span: int, args: argparse.Namespace
) -> None:
    """py-spy samples the gateway while wrk drives `url`; prints where its time goes: the
    functions that use it themselves, and the share of the stages that include them.
    Only the thread holding the GIL is sampled (`--gil`), so a thread waiting on a socket
    (the access-record writer waiting for its INSERT) counts for nothing and the shares
    are of the process's Python CPU."""
    out = Path(tempfile.mkdtemp()) / "profile.txt"
    spy = subprocess.Popen(
        [str(Path(sys.executable).parent / "py-spy"), "record", "--pid", str(pid), "--duration", str(args.duration),
         "--rate", "250", "--format", "raw", "--nonblocking", "--gil", "--output", str(out)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    wrk(url, args.duration, args.connections, headers, span)
    spy.wait(timeout=60)
    if not out.exists():
        print("  (py-spy could not sample the gateway: it needs ptrace permission)")
        return
    own: Counter[str] = Counter()
    within: Counter[str] = Counter()
    total = 0
    for line in out.read_text().splitlines():
        stack, _, counted = line.rpartition(" ")
        if not stack or not counted.isdigit():
            continue
        frames = [frame_name(f) for f in stack.split(";")]
        samples = int(counted)
        total += samples
        own[frames[-1]] += samples
        for stage, needles in STAGES.items():
            if any(any(n in f for n in needles) for f in frames):
                within[stage] += samples
    if args.profile_out:
        kept = Path(f"{args.profile_out}-{url.rsplit('/', 2)[-2]}.txt")
        shutil.copy(out, kept)
        print(f"  (py-spy's collapsed stacks: {kept})")
    shutil.rmtree(out.parent, ignore_errors=True)
    if not total:
        return
    print(f"  {total} samples holding the GIL; share of them (a stage includes what it calls):")
    for stage, count in within.most_common():
        print(f"    {100 * count / total:5.1f}%  {stage}")
    print("  functions by their own samples:")
    for name, count in own.most_common(18):
        print(f"    {100 * count / total:5.1f}%  {name}")


def frame_name(frame: str) -> str:
    """`function (path/to/module.py:line)` as `function (module.py)`."""
    name, _, where = frame.partition(" (")
    return f"{name} ({where.rsplit('/', 1)[-1].split(':')[0]})" if where else name


STAGES = {
    "uvicorn HTTP (parse, write)": ("httptools_impl.py",),
    "pipeline (everything of the gateway)": ("run (pipeline.py)",),
    "flow control (Redis limits)": (
        "take (limits.py)",
        "give_back (limits.py)",
        "_release (limits.py)",
    ),
    "auth (JWT, access)": ("admit (pipeline.py)",),
    "params": ("read_params (params.py)",),
    "connector (driver call, pool)": (
        "_execute_once (postgres.py)",
        "_execute_once (asyncpg_connector.py)",
    ),
    "  of which value conversion": ("rows (values.py)",),
    "respond (envelope + orjson)": ("respond (respond.py)",),
    "  of which serialisation (orjson)": ("render (http.py)",),
    "send the answer": ("__call__ (responses.py)",),
    "access record (queue)": ("record (access_log.py)",),
    "access record (write to the store)": ("_write (access_log.py)", "_insert (access_log.py)"),
    "metrics": ("observe_gateway_call",),
    "redis client": ("redis_link.py",),
}
"""What the profile sums, by substrings of its frames."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duration", type=int, default=5, help="seconds per run")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=4, help="rounds of every run, interleaved")
    parser.add_argument("--store", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--no-asyncpg", action="store_true", help="skip the driver comparison")
    parser.add_argument(
        "--profile",
        default="gateway 200 rows",
        help="the runs py-spy samples after the rounds, comma-separated names ('' for none)",
    )
    parser.add_argument("--runs", help="only these runs, comma-separated names (default: all)")
    parser.add_argument("--profile-out", help="keep the profiles' stacks in PREFIX-<path>.txt")
    args = parser.parse_args()
    print(
        f"python -m bench.gateway {' '.join(sys.argv[1:])}   ({os.cpu_count()} cores)", flush=True
    )
    seed_table()
    data = Path(tempfile.mkdtemp(prefix="sluice-bench-"))
    ports = {"gateway": free_port(), "baseline": free_port(), "asyncpg": free_port()}
    env = serve_env(data, fresh_store() if args.store == "postgres" else None)
    sluice = serve_command(ports["gateway"])
    on_asyncpg = [
        sys.executable, "-m", "bench.asyncpg_serve", "serve", "--port", str(ports["asyncpg"])
    ]  # fmt: skip
    baseline = [
        sys.executable, "-m", "uvicorn", "bench.baseline:app", "--port", str(ports["baseline"]),
        "--log-level", "warning", "--no-access-log",
    ]  # fmt: skip
    chosen = args.runs.split(",") if args.runs else [r.name for r in RUNS]
    args.no_asyncpg = args.no_asyncpg or not any(n.startswith("asyncpg") for n in chosen)
    runs = [r for r in RUNS if r.name in chosen and not (args.no_asyncpg and r.server == "asyncpg")]
    names = {r.name for r in runs}
    targets = [t for t in TARGETS if t.run in names and t.against in names]
    results: list[dict[str, dict[str, Any]]] = []
    started = time.monotonic()
    try:
        with ExitStack() as stack:
            processes = {
                "gateway": stack.enter_context(server(sluice, env, ports["gateway"])),
                "baseline": stack.enter_context(
                    server(baseline, {"BENCH_PG_DSN": PG}, ports["baseline"])
                ),
            }
            token = define_apis(f"http://127.0.0.1:{ports['gateway']}")
            if not args.no_asyncpg:  # after the psycopg one has migrated the store
                processes["asyncpg"] = stack.enter_context(
                    server(on_asyncpg, env, ports["asyncpg"])
                )
            for name in processes:
                if name != "baseline":
                    check_answers(f"http://127.0.0.1:{ports[name]}", token)
            auth = {"Authorization": f"Bearer {token}"}

            def url(run: Run) -> str:
                return f"http://127.0.0.1:{ports[run.server]}{run.prefix}1"

            for run in runs:  # warm up: pools, prepared statements, the cache's entries
                wrk(url(run), 2, args.connections, auth if run.auth else {}, run.span)
            for _ in range(args.rounds):
                results.append(
                    {
                        run.name: measure(
                            processes[run.server],
                            url(run),
                            args,
                            auth if run.auth else {},
                            run.span,
                        )
                        for run in runs
                    }
                )
            metrics = httpx.get(f"http://127.0.0.1:{ports['gateway']}/metrics").text
            assert "sluice_limiter_redis_up 1.0" in metrics, "flow control did not run on Redis"
            measured = time.monotonic() - started
            for run in (r for r in runs if r.name in args.profile.split(",")):
                print(f"py-spy profile of the {run.server} process under '{run.name}':")
                headers = auth if run.auth else {}
                profile(processes[run.server].pid, url(run), headers, run.span, args)
    finally:
        shutil.rmtree(data, ignore_errors=True)
    if results:
        summarize(results, targets, args, measured)


def summarize(
    results: list[dict[str, dict[str, Any]]],
    targets: list[Target],
    args: argparse.Namespace,
    measured: float,
) -> None:
    print(
        f"\n{os.cpu_count()} cores; {args.connections} connections, {args.rounds} interleaved"
        f" rounds of {args.duration} s, one server process each, store {args.store};"
        f" measured in {measured:.0f} s"
    )
    for number, result in enumerate(results, 1):
        print(f"round {number}")
        for name, figures in result.items():
            report(name, figures)
    errors = sum(r[name]["non2xx"] for r in results for name in r)
    print(f"\npaired ratios (median of the rounds' ratios); {errors} non-2xx answers in all")
    print("  (server CPU/req: the process's CPU time per answer, less sensitive to the load of")
    print("  other processes than requests/s on a shared machine)")
    for target in targets:
        rps = paired(results, target.run, target.against, "rps")
        p99 = paired(results, target.run, target.against, "p99")
        cpu = paired(results, target.run, target.against, "cpu_us")
        wanted = []
        met = not errors
        if target.min_rps is not None:
            wanted.append(f">= {target.min_rps:.2f}x")
            met = met and rps >= target.min_rps
        if target.max_p99 is not None:
            wanted.append(f"p99 <= {target.max_p99:.1f}x")
            met = met and p99 <= target.max_p99
        verdict = f"target {', '.join(wanted)}: {'met' if met else 'NOT met'}" if wanted else ""
        print(
            f"  {target.name:<40} {rps:5.2f}x req/s   p99 {p99:5.2f}x"
            f"   server CPU/req {cpu:5.2f}x   {verdict}"
        )
    if any("asyncpg" in t.run for t in targets):
        driver = [paired(results, t.run, t.against, "rps") for t in targets if "asyncpg" in t.run]
        low, high = min(driver), max(driver)
        if low > ADOPT_IF_FASTER:
            decision = "asyncpg is faster by more than 15% on both: adopt it"
        elif high < 1 / ADOPT_IF_FASTER:
            decision = "psycopg is faster by more than 15% on both: keep it"
        else:
            decision = "neither driver is faster by more than 15% on both: keep psycopg"
        print(f"  driver decision: {decision}")


if __name__ == "__main__":
    main()
