"""The `sluice` command as a user runs it: a real process, a real port, its console output."""

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx2 as httpx
import psycopg
import pytest
from sqlalchemy import create_engine, text
from sqlmodel import Session

from sluice.config import Settings
from sluice.db import make_engine
from sluice.models.datasource import DatasourceCreate
from sluice.security import Keyring
from sluice.services.datasources import create_datasource
from tests.live import ADMIN, Sluice, private_database, store_url
from tests.servers import free_port, pg_database_url, require_postgres

SLUICE = [sys.executable, "-m", "sluice.cli"]


def clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("FIRST_SUPERUSER", "DATABASE_URL", "SECRET_KEY", "POSTGRES_"))
    }
    return env | {"DATA_DIR": str(tmp_path / "data")} | extra


class Server:
    def __init__(
        self, tmp_path: Path, *, workers: int = 1, start_seconds: float = 90, **env: str
    ) -> None:
        self.port = free_port()
        self.log = tmp_path / f"serve-{self.port}.log"
        options, settings = self.listen(workers)
        with self.log.open("w") as output:
            self.process = subprocess.Popen(
                [*SLUICE, "serve", *options],
                cwd=tmp_path,
                env=clean_env(tmp_path, **env | settings),
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        self.url = f"http://127.0.0.1:{self.port}"
        try:
            self._wait(start_seconds)
        except AssertionError:
            self.stop()
            raise

    def listen(self, workers: int) -> tuple[list[str], dict[str, str]]:
        """The options and settings that give the port and the worker count."""
        return ["--port", str(self.port), "--workers", str(workers)], {}

    def _wait(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/health/live").status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.2)
        raise AssertionError(f"server did not start:\n{self.stop()}")

    def stop(self) -> str:
        self.process.terminate()
        self.process.wait(timeout=15)
        return self.log.read_text()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    server = Server(tmp_path)
    yield server
    if server.process.poll() is None:
        server.stop()


def test_serve_creates_the_first_superuser_and_prints_its_password_once(
    server: Server, tmp_path: Path
) -> None:
    password = next(
        line.split(": ", 1)[1]
        for line in server.log.read_text().splitlines()
        if line.startswith("Password")
    )
    response = httpx.post(
        f"{server.url}/api/v1/login/access-token",
        data={"username": "admin@example.com", "password": password},
    )
    assert response.status_code == 200
    server.stop()

    again = Server(tmp_path)
    output = again.stop()
    assert "Password" not in output


def test_logs_are_json_lines_carrying_the_request_id(server: Server) -> None:
    httpx.get(f"{server.url}/health/ready", headers={"X-Request-ID": "trace-42"})
    output = server.stop()
    records = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    request = next(r for r in records if r.get("request_id") == "trace-42")
    assert request["path"] == "/health/ready"
    assert request["status"] == 200
    assert request["level"] == "INFO"


def test_the_dashboard_root_redirects(server: Server) -> None:
    response = httpx.get(f"{server.url}/")
    assert response.status_code == 307
    assert response.headers["location"] == "/ui/"


def test_create_superuser_and_migrate(tmp_path: Path) -> None:
    env = clean_env(tmp_path)
    done = subprocess.run(
        [*SLUICE, "migrate"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    args = ["create-superuser", "--email", "Root@Example.com", "--password", "root-password-1"]
    done = subprocess.run([*SLUICE, *args], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "Superuser Root@Example.com created" in done.stdout
    engine = create_engine(f"sqlite:///{tmp_path / 'data' / 'sluice.db'}")
    with engine.connect() as connection:
        row = connection.execute(text("SELECT email, is_superuser FROM user")).one()
    engine.dispose()
    assert tuple(row) == ("root@example.com", 1)

    done = subprocess.run([*SLUICE, *args], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 1
    assert "already exists" in done.stderr


def test_rotate_key_re_encrypts_stored_passwords(tmp_path: Path) -> None:
    env = clean_env(tmp_path, SECRET_KEY="cli-secret-key-0123456789")
    store = f"sqlite:///{tmp_path / 'data' / 'sluice.db'}"
    subprocess.run([*SLUICE, "migrate"], cwd=tmp_path, env=env, check=True, capture_output=True)
    engine = make_engine(store)
    with Session(engine) as session:
        settings = Settings(_env_file=None, DATABASE_URL=store, DATA_DIR=tmp_path / "data")
        body = DatasourceCreate(name="pg", type="postgres", host="db", password="pw-1")
        create_datasource(
            session, body, Keyring.from_settings("cli-secret-key-0123456789", None), settings
        )
    engine.dispose()

    generated = subprocess.run(
        [*SLUICE, "rotate-key", "--generate"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    entry = generated.stdout.strip()
    assert entry.startswith("1:") and len(entry) > 40
    rotated = subprocess.run(
        [*SLUICE, "rotate-key"],
        cwd=tmp_path,
        env=env | {"DATASOURCE_ENCRYPTION_KEY": entry},
        capture_output=True,
        text=True,
    )
    assert rotated.returncode == 0, rotated.stderr
    assert rotated.stdout.strip() == (
        "Re-encrypted 1 data-source password(s) and 0 alert webhook secret(s) with key v1"
    )

    wrong = subprocess.run(
        [*SLUICE, "rotate-key"],
        cwd=tmp_path,
        env=env | {"SECRET_KEY": "another", "DATASOURCE_ENCRYPTION_KEY": "2:" + "B" * 43},
        capture_output=True,
        text=True,
    )
    assert wrong.returncode == 1
    assert "no key of version '1'" in wrong.stderr


def test_replicas_started_together_on_a_new_postgres_store_all_come_up(tmp_path: Path) -> None:
    """Compose starts every replica at once: their migrations and first-superuser creation
    must not collide on the empty store."""
    require_postgres()
    folders = [tmp_path / f"replica-{n}" for n in range(3)]
    for folder in folders:
        folder.mkdir()
    with private_database("sluice_replicas") as database, ThreadPoolExecutor(3) as pool:
        starts = [
            pool.submit(Sluice, folder, DATABASE_URL=store_url(database)) for folder in folders
        ]
        failures = [start.exception() for start in starts]
        logs = [start.result().stop() for start in starts if start.exception() is None]
        with psycopg.connect(pg_database_url(database)) as db:
            users = db.execute('SELECT email FROM "user"').fetchall()
    assert failures == [None, None, None]
    assert users == [(ADMIN,)]
    assert not any("Traceback" in log for log in logs), logs
