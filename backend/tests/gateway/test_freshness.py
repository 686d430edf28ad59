"""Read-your-writes across processes: once the admin API has answered, a call that starts
afterwards sees the change on every worker and every instance, in both directions (a new
client, grant or API works at once; a revoked secret, a disabled client, a removed grant
or an unpublished API stops at once).

Real `sluice serve` processes on a private PostgreSQL store and a private Redis prefix,
each process reached through its own keep-alive connection, no sleeps. Polling is set to
ten minutes so only the announcement (or the check on a miss) can explain what is seen.
"""

import os
import sqlite3
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from fastapi.testclient import TestClient

from tests.factories import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    login,
    make_api,
    make_module,
    make_source,
    publish,
)
from tests.live import client_port, worker_holding
from tests.servers import (
    pg_database_url,
    pg_execute,
    require_postgres,
    require_redis,
    sqlalchemy_url,
)
from tests.test_cli import Server

ROUNDS = 30


@pytest.fixture
def store() -> Iterator[str]:
    """A private, empty PostgreSQL store (`sluice serve` migrates it)."""
    require_postgres()
    name = f"sluice_fresh_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    pg_execute(f"CREATE DATABASE {name}")
    yield sqlalchemy_url(pg_database_url(name))
    pg_execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def serve_env(tmp_path: Path, store: str, redis: bool) -> dict[str, str]:
    sources = tmp_path / "sources"
    sources.mkdir(exist_ok=True)
    sqlite3.connect(sources / "fresh.db").close()
    env = {
        "DATABASE_URL": store,
        "SECRET_KEY": "freshness-secret-key-0123456789-abcdef",
        "FIRST_SUPERUSER": ADMIN_EMAIL,
        "FIRST_SUPERUSER_PASSWORD": ADMIN_PASSWORD,
        "SQLITE_DATASOURCE_DIR": str(sources),
        "REGISTRY_POLL_SECONDS": "600",
        "TOKEN_RATE_LIMIT_PER_CLIENT": "100000/minute",
        "TOKEN_RATE_LIMIT_PER_IP": "100000/minute",
        "FLOW_CONTROL_RATE_LIMIT_ENABLED": "false",
    }
    if redis:
        env |= {"REDIS_URL": require_redis(), "REDIS_PREFIX": f"fresh{uuid.uuid4().hex[:10]}"}
    return env


@dataclass
class Peer:
    """One keep-alive connection to one gateway process, logged in as the superuser."""

    url: str
    http: httpx.Client = field(init=False)
    headers: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.http = httpx.Client(
            base_url=self.url, limits=httpx.Limits(max_connections=1), timeout=30
        )

    def login(self) -> None:
        form = {"username": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
        answer = self.http.post("/api/v1/login/access-token", data=form)
        assert answer.status_code == 200, answer.text
        self.headers = {"Authorization": f"Bearer {answer.json()['access_token']}"}

    def admin(self, method: str, path: str, body: Any = None) -> Any:
        answer = self.http.request(method, f"/api/v1{path}", json=body, headers=self.headers)
        assert answer.status_code < 300, answer.text
        return answer.json()

    def local_port(self) -> int:
        return client_port(self.http.get("/health/live"))


def one_peer_per_worker(server: Server) -> tuple[Peer, Peer]:
    """Keep-alive connections until two of them reach different workers."""
    found: dict[int, Peer] = {}
    for _ in range(40):
        peer = Peer(server.url)
        pid = worker_holding(server, peer.local_port())
        if pid in found:
            peer.http.close()
            continue
        found[pid] = peer
        if len(found) == 2:
            first, second = found.values()
            return first, second
    raise AssertionError("every connection reached the same worker")


class Rounds:
    """Writes through one peer, and at once through the other the call a user would make."""

    def __init__(self, peers: tuple[Peer, Peer]) -> None:
        self.peers = peers
        self.failures: list[str] = []
        for peer in peers:
            peer.login()
        writer = peers[0]
        source = writer.admin(
            "POST",
            "/datasources",
            {"name": "fresh", "type": "sqlite", "options": {"path": "fresh.db"}},
        )
        self.source_id = source["id"]
        self.module_id = writer.admin("POST", "/modules", {"name": "fresh"})["id"]

    def expect(self, step: str, answer: httpx.Response, status: int) -> None:
        if answer.status_code != status:
            self.failures.append(f"{step}: {answer.status_code} {answer.text}")

    def play(self, n: int) -> None:
        writer, reader = self.peers if n % 2 == 0 else self.peers[::-1]
        api = writer.admin(
            "POST",
            "/apis",
            {
                "module_id": self.module_id,
                "datasource_id": self.source_id,
                "name": f"n{n}",
                "path": f"n{n}",
                "content": "SELECT 1 AS one",
                "access": "private",
            },
        )
        path = f"/fresh/n{n}"
        writer.admin("POST", f"/apis/{api['id']}/publish", {"message": "go"})
        self.expect(f"{n} published, called without a token", reader.http.get(path), 401)

        client = writer.admin("POST", "/clients", {"name": f"c{n}", "api_ids": [api["id"]]})
        clients = f"/clients/{client['id']}"
        token = self.token(f"{n} new client", reader, client)

        def call(step: str, status: int, bearer: str | None = None) -> None:
            auth = {"Authorization": f"Bearer {bearer or token}"}
            self.expect(f"{n} {step}", reader.http.get(path, headers=auth), status)

        call("granted", 200)
        writer.admin("PATCH", clients, {"api_ids": []})
        call("grant removed", 403)
        writer.admin("PATCH", clients, {"api_ids": [api["id"]]})
        call("grant given back", 200)
        renewed = writer.admin("POST", f"{clients}/secret")
        call("secret regenerated, old token", 401)
        fresh = self.token(f"{n} regenerated secret", reader, renewed)
        call("new token", 200, fresh)
        writer.admin("POST", f"/apis/{api['id']}/unpublish")
        call("unpublished", 404, fresh)
        writer.admin("POST", f"/apis/{api['id']}/publish", {"message": "again"})
        call("published again", 200, fresh)
        writer.admin("PATCH", clients, {"is_active": False})
        call("client disabled", 401, fresh)

    def token(self, step: str, peer: Peer, client: dict[str, Any]) -> str:
        body = {"client_id": client["client_id"], "client_secret": client["client_secret"]}
        answer = peer.http.post("/token/generate", json=body)
        self.expect(f"{step}: token", answer, 200)
        return str(answer.json().get("access_token", "none"))

    def run(self) -> None:
        try:
            for n in range(ROUNDS):
                self.play(n)
        finally:
            for peer in self.peers:
                peer.http.close()
        assert self.failures == []


def stop(*servers: Server) -> None:
    for server in servers:
        if server.process.poll() is None:
            server.stop()


def test_two_workers_read_their_writes(tmp_path: Path, store: str) -> None:
    server = Server(tmp_path, workers=2, start_seconds=90, **serve_env(tmp_path, store, redis=True))
    try:
        Rounds(one_peer_per_worker(server)).run()
    finally:
        stop(server)


def test_two_instances_read_their_writes(tmp_path: Path, store: str) -> None:
    env = serve_env(tmp_path, store, redis=True)
    first = Server(tmp_path, workers=1, start_seconds=90, **env)
    try:
        second = Server(tmp_path, workers=1, start_seconds=90, **env)
        try:
            Rounds((Peer(first.url), Peer(second.url))).run()
        finally:
            stop(second)
    finally:
        stop(first)


def test_without_redis_a_grant_made_elsewhere_holds_at_once(app_factory: Any) -> None:
    """No announcement at all: the refusal is confirmed against the store first."""
    slow = {"REGISTRY_POLL_SECONDS": 600}
    with TestClient(app_factory(**slow)) as first, TestClient(app_factory(**slow)) as second:
        headers = login(first, ADMIN_EMAIL, ADMIN_PASSWORD)
        body = {"name": "late", "type": "sqlite", "options": {"path": "late.db"}}
        folder = first.app.state.settings.sqlite_datasource_dir  # type: ignore[attr-defined]
        folder.mkdir(parents=True)
        sqlite3.connect(folder / "late.db").close()
        source = make_source(first, headers, body)
        module = make_module(first, headers, "late")
        api = make_api(
            first,
            headers,
            module_id=module["id"],
            datasource_id=source["id"],
            path="one",
            content="SELECT 1 AS one",
            access="private",
        )
        publish(first, headers, api["id"])
        assert second.get("/late/one").status_code == 401  # known there, needs a token
        made = first.post(
            "/api/v1/clients", json={"name": "late", "api_ids": [api["id"]]}, headers=headers
        ).json()
        credentials = {"client_id": made["client_id"], "client_secret": made["client_secret"]}
        answer = second.post("/token/generate", json=credentials)
        assert answer.status_code == 200, answer.text
        bearer = {"Authorization": f"Bearer {answer.json()['access_token']}"}
        called = second.get("/late/one", headers=bearer)
        assert called.json()["data"] == [{"one": 1}], called.text
        assert second.get("/late/two", headers=bearer).status_code == 404
