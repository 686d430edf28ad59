"""A live Sluice for the SDK's tests: `sluice serve` from the Python running the tests
(the backend's virtual environment, where the SDK is installed too), on a free port of
127.0.0.1, its store and files in a temporary DATA_DIR, the demo loaded, and what the
tests need added through the admin API as a user would: a module of APIs that fail in
each way the gateway can fail, and client apps with the limits the tests exercise.
"""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2
import pytest

from sluice_client import Client

ADMIN, PASSWORD = "sdk@example.com", "sdk-password-1"

SERVER_SETTINGS = {
    "FIRST_SUPERUSER": ADMIN,
    "FIRST_SUPERUSER_PASSWORD": PASSWORD,
    "LOAD_DEMO": "true",
    "SCRIPT_EXEC_TIMEOUT": "1",  # sdk/spin times out after a second
    "SCRIPT_MAX_OUTPUT_BYTES": "100000",  # sdk/huge answers more
    "MAX_REQUEST_BODY_BYTES": "65536",
    "EXTERNAL_DB_RETRY_DELAYS_MS": "20",  # sdk/offline fails fast
    "TOKEN_RATE_LIMIT_PER_CLIENT": "1000/minute",  # the tests make many clients
    "TOKEN_RATE_LIMIT_PER_IP": "1000/minute",
    "LOG_LEVEL": "WARNING",
}

SLOW_SQL = """\
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1500000)
SELECT count(*) AS counted FROM n
"""

SDK_APIS: list[dict[str, Any]] = [
    {"path": "broken", "content": "SELECT missing FROM no_such_table"},
    {"path": "slow", "content": SLOW_SQL},
    {"path": "products", "content": "SELECT id, name, category FROM products ORDER BY id"},
    {
        "path": "tricky",
        "content": "SELECT 1 AS id, 'say \"hi\", then' || char(10) || 'go' AS note, NULL AS gone",
    },
    {"path": "offline", "content": "SELECT 1 AS one", "datasource": "offline"},
    {
        "path": "spin",
        "engine": "script",
        "content": "def execute(params):\n    while True:\n        pass\n",
    },
    {"path": "fails", "engine": "script", "content": "def execute(params):\n    return 1 / 0\n"},
    {
        "path": "huge",
        "engine": "script",
        "content": "def execute(params):\n    return 'x' * 200000\n",
    },
    {
        "path": "echo",
        "method": "POST",
        "engine": "script",
        "content": "def execute(params):\n    return {'day': params['day'], 'tags': params.get('tags')}\n",
        "params": [
            {"name": "day", "location": "body", "type": "date", "required": True},
            {"name": "tags", "location": "body", "type": "array", "items": "string"},
        ],
    },
    {
        "path": "odd/{from}",
        "name": "Odd names: keywords, a header, an array",
        "method": "PUT",
        "engine": "script",
        "content": "NAMES = ['from', 'class', 'self', 'at', 'x_tenant', 'tags', 'note']\n"
        "def execute(params):\n    return {name: params.get(name) for name in NAMES}\n",
        "params": [
            {"name": "from", "location": "path", "type": "integer", "required": True},
            {"name": "class", "location": "query", "type": "string", "enum": ["a", "b"]},
            {"name": "self", "location": "query", "type": "integer", "enum": [1, 2, 3]},
            {"name": "at", "location": "query", "type": "datetime"},
            {"name": "x_tenant", "location": "header", "type": "string", "required": True},
            {"name": "tags", "location": "body", "type": "array", "items": "integer"},
            {
                "name": "note",
                "location": "body",
                "type": "string",
                "description": 'Say """hi""" \\o/',
            },
        ],
    },
]
"""The `sdk` module's APIs: every one private, each for one behaviour under test."""

CLIENTS: dict[str, dict[str, Any]] = {
    "main": {},
    "limited": {"rate_limit_per_minute": 60},
    "single": {"max_concurrent": 1},
    "expiring": {"token_expire_seconds": 60},
    "narrow": {"grant": False},
}
"""Client apps by name; each reaches every `sdk` API and the demo's group unless `grant`
is False."""


@dataclass
class Credentials:
    client_id: str
    client_secret: str
    id: int


@dataclass
class Live:
    url: str
    data_dir: Path
    env: dict[str, str]
    admin: httpx2.Client
    clients: dict[str, Credentials] = field(default_factory=dict)

    def credentials(self, name: str) -> tuple[str, str]:
        found = self.clients[name]
        return found.client_id, found.client_secret

    def new_client(self, name: str, **settings: Any) -> Credentials:
        """A client app reaching every `sdk` API and the demo's private APIs."""
        grant = settings.pop("grant", True)
        body = {"name": name, **settings}
        if grant:
            body |= {"api_ids": self._sdk_api_ids(), "group_ids": [self._id("groups", "demo")]}
        created = _ok(self.admin.post("/api/v1/clients", json=body))
        return Credentials(created["client_id"], created["client_secret"], created["id"])

    def _sdk_api_ids(self) -> list[int]:
        apis = _ok(self.admin.get("/api/v1/apis", params={"limit": 1000}))["data"]
        module = self._id("modules", "sdk")
        return [api["id"] for api in apis if api["module_id"] == module]

    def _id(self, resource: str, name: str) -> int:
        rows = _ok(self.admin.get(f"/api/v1/{resource}", params={"limit": 1000}))["data"]
        return int(next(row["id"] for row in rows if row["name"] == name))


def _ok(response: httpx2.Response) -> Any:
    assert response.status_code < 300, f"{response.request.url}: {response.text}"
    return response.json() if response.content else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def server_env(data_dir: Path, **settings: str) -> dict[str, str]:
    """The environment of `sluice serve` and of the CLI run against its store: the test
    process's own, less any Sluice setting that would point elsewhere."""
    kept = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("FIRST_SUPERUSER", "DATABASE_URL", "POSTGRES_", "REDIS_"))
        and key not in ("SECRET_KEY", "LOAD_DEMO", "DATA_DIR")
    }
    return kept | {"DATA_DIR": str(data_dir)} | settings


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    folder = tmp_path_factory.mktemp("sluice")
    port = free_port()
    env = server_env(folder / "data", **SERVER_SETTINGS)
    log = folder / "serve.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "sluice.cli", "serve", "--port", str(port)],
            cwd=folder,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(url, process, log)
        with httpx2.Client(base_url=url, timeout=30) as admin:
            token = _ok(
                admin.post(
                    "/api/v1/login/access-token", data={"username": ADMIN, "password": PASSWORD}
                )
            )["access_token"]
            admin.headers["Authorization"] = f"Bearer {token}"
            world = Live(url, folder / "data", env, admin)
            _add_sdk_module(world)
            world.clients = {
                name: world.new_client(f"sdk-{name}", **settings)
                for name, settings in CLIENTS.items()
            }
            yield world
    finally:
        process.terminate()
        process.wait(timeout=30)


def _wait_ready(url: str, process: "subprocess.Popen[bytes]", log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"sluice serve exited:\n{log.read_text()}")
        try:
            if httpx2.get(f"{url}/health/ready").status_code == 200:
                return
        except httpx2.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"sluice serve did not start:\n{log.read_text()}")


def _add_sdk_module(world: Live) -> None:
    admin = world.admin
    demo = world._id("datasources", "demo")
    offline = _ok(
        admin.post(
            "/api/v1/datasources",
            json={
                "name": "offline",
                "type": "postgres",
                "host": "127.0.0.1",
                "port": free_port(),  # nothing listens there
                "database": "nothing",
                "username": "nobody",
                "password": "never-used-1",
            },
        )
    )["id"]
    module = _ok(admin.post("/api/v1/modules", json={"name": "sdk"}))["id"]
    for spec in SDK_APIS:
        source = offline if spec.get("datasource") == "offline" else demo
        body = {
            "module_id": module,
            "name": spec.get("name", spec["path"]),
            "path": spec["path"],
            "method": spec.get("method", "GET"),
            "engine": spec.get("engine", "sql"),
            "datasource_id": source,
            "content": spec["content"],
            "params": spec.get("params", []),
        }
        api = _ok(admin.post("/api/v1/apis", json=body))["id"]
        _ok(admin.post(f"/api/v1/apis/{api}/publish", json={"message": "sdk tests"}))


@dataclass
class Calls:
    """What an httpx2 client sent and got, recorded by its event hook: a seam httpx2
    offers, so the tests see the SDK's traffic without replacing any of it."""

    seen: list[tuple[str, str, int]] = field(default_factory=list)
    opened: list[httpx2.Client] = field(default_factory=list)

    def hook(self, response: httpx2.Response) -> None:
        self.seen.append((response.request.method, response.request.url.path, response.status_code))

    async def async_hook(self, response: httpx2.Response) -> None:
        self.hook(response)

    def sync_client(self) -> httpx2.Client:
        client = httpx2.Client(timeout=30, event_hooks={"response": [self.hook]})
        self.opened.append(client)
        return client

    def async_client(self) -> httpx2.AsyncClient:
        """To be closed by the test, inside its event loop (`async with`)."""
        return httpx2.AsyncClient(timeout=30, event_hooks={"response": [self.async_hook]})

    def statuses(self, path: str) -> list[int]:
        return [status for _, seen_path, status in self.seen if seen_path == path]


@pytest.fixture
def calls() -> Iterator[Calls]:
    recorder = Calls()
    yield recorder
    for client in recorder.opened:  # an http_client given to the SDK is its owner's to close
        client.close()


@dataclass
class EarlyToken:
    """A client whose token came at the start of the suite and whose clock stands still,
    so it will send that token after the server has let it expire."""

    client: Client
    calls: Calls
    fetched_at: float


@pytest.fixture(scope="session", autouse=True)
def early_token(live: Live) -> Iterator[EarlyToken]:
    calls = Calls()
    frozen = time.monotonic()
    http = calls.sync_client()
    sluice = Client(live.url, *live.credentials("expiring"), http_client=http, clock=lambda: frozen)
    sluice.call("demo/orders", {"page_size": 1})
    yield EarlyToken(sluice, calls, time.monotonic())
    http.close()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked `last` run after the others, so the time they wait for overlaps the
    rest of the suite."""
    items.sort(key=lambda item: item.get_closest_marker("last") is not None)
