"""The built image, started as a container engine would start it, then used.

`make image-test` (tests/image/run.sh) builds the image and runs this file, naming the
image in SLUICE_IMAGE; `make pytest` does not collect it (the name does not start with
`test_`). `podman run` is refused by these machines' rlimits, so the image's file system
is mounted read-only (`podman image mount`), its entry command runs in a chroot as its
user, with its environment and working directory, and a private mount namespace gives it
/proc, /dev, a tmpfs /tmp and a writable DATA_DIR, as a container with a read-only root
and a data volume has. It shares the host's network: it listens on 127.0.0.1 and uses
this machine's PostgreSQL (a fresh database, dropped afterwards) and Redis.
"""

import json
import os
import re
import secrets
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
import redis

from tests.live import (
    ADMIN,
    PASSWORD,
    Admin,
    Proc,
    children,
    private_database,
    store_url,
    wait_until,
)
from tests.servers import REDIS_URL, free_port, require_postgres, require_redis

WORKERS = 2

MOUNT_AND_RUN = """
set -e
root=$1 data=$2 data_dir=$3 user=$4; shift 4
mount -t proc proc "$root/proc"
mount --rbind /dev "$root/dev"
mount -t tmpfs -o mode=1777 tmpfs "$root/tmp"
mount --bind "$data" "$root$data_dir"
exec chroot --userspec="$user" "$root" "$@"
"""
"""Run by `unshare --mount` (so these mounts vanish with the server): the arguments are
the image's root, the host folder for DATA_DIR, DATA_DIR, the user, then the command."""


@dataclass(frozen=True)
class ImageConfig:
    """What a container engine reads from the image to start it."""

    command: list[str]
    env: dict[str, str]
    user: str
    workdir: str
    healthcheck: list[str]

    @classmethod
    def of(cls, image: str) -> "ImageConfig":
        found = podman("image", "inspect", image)
        inspected: dict[str, Any] = json.loads(found)[0]
        config = inspected["Config"]
        env = dict(item.split("=", 1) for item in config.get("Env", []))
        health = inspected["Healthcheck"]["Test"]
        check = health[1:] if health[0] == "CMD" else ["/bin/sh", "-c", *health[1:]]
        command = [*(config.get("Entrypoint") or []), *(config.get("Cmd") or [])]
        return cls(command, env, config["User"], config.get("WorkingDir") or "/", check)

    def inside(self, env: dict[str, str], command: list[str]) -> list[str]:
        """`command` as the image runs it once in its root: in its working directory,
        with only its environment and `env`."""
        variables = [f"{key}={value}" for key, value in (self.env | env).items()]
        return ["/usr/bin/env", "-i", "-C", self.workdir, *variables, *command]


def podman(*args: str) -> str:
    return subprocess.run(["podman", *args], check=True, capture_output=True, text=True).stdout


@dataclass
class Started:
    url: str
    root: Path
    config: ImageConfig
    env: dict[str, str]
    process: subprocess.Popen[bytes]
    log: Path

    def stop(self) -> str:
        left = [Proc.of(pid) for pid in children(self.process.pid)]
        left += [Proc.of(pid) for worker in left for pid in children(worker.pid)]
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        for process in left:
            process.kill()
        return self.log.read_text()


@pytest.fixture(scope="module")
def image() -> str:
    name = os.environ.get("SLUICE_IMAGE")
    if not name:
        pytest.fail("SLUICE_IMAGE names the image to check: run `make image-test`")
    return name


@pytest.fixture(scope="module")
def root(image: str) -> Iterator[Path]:
    """The image's file system, mounted read-only."""
    mounted = Path(podman("image", "mount", image).strip())
    try:
        yield mounted
    finally:
        podman("image", "unmount", image)


@pytest.fixture(scope="module")
def started(image: str, root: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Started]:
    """The image's entry command running against a fresh store database and Redis."""
    require_postgres()
    require_redis()
    config = ImageConfig.of(image)
    data = tmp_path_factory.mktemp("data")
    os.chown(data, *(int(part) for part in config.user.split(":")))
    log = tmp_path_factory.mktemp("log") / "serve.log"
    port = free_port()
    with private_database("sluice_image") as database:
        env = {
            "ENVIRONMENT": "production",
            "HOST": "127.0.0.1",
            "PORT": str(port),
            "WEB_CONCURRENCY": str(WORKERS),
            "DATABASE_URL": store_url(database),
            "REDIS_URL": REDIS_URL,
            "REDIS_PREFIX": f"image-test-{secrets.token_hex(4)}",
            "SECRET_KEY": secrets.token_urlsafe(32),
            "FIRST_SUPERUSER": ADMIN,
            "FIRST_SUPERUSER_PASSWORD": PASSWORD,
        }
        command = config.inside(env, config.command)
        mounts = [str(root), str(data), config.env["DATA_DIR"], config.user]
        unshare = ["unshare", "--mount", "--propagation", "private", "sh", "-c", MOUNT_AND_RUN]
        with log.open("wb") as output:
            process = subprocess.Popen(
                [*unshare, "sh", *mounts, *command], stdout=output, stderr=subprocess.STDOUT
            )
        server = Started(f"http://127.0.0.1:{port}", root, config, env, process, log)
        try:
            if not wait_until(lambda: ready(server), timeout=180, interval=0.5):
                raise AssertionError(f"the image did not get ready:\n{server.stop()}")
            yield server
        finally:
            server.stop()
            forget(env["REDIS_PREFIX"])


def forget(prefix: str) -> None:
    """Delete the keys the server wrote to the shared Redis."""
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)
    client.close()


def ready(server: Started) -> bool:
    if server.process.poll() is not None:
        raise AssertionError(f"the image's command exited:\n{server.log.read_text()}")
    try:
        answer = httpx.get(f"{server.url}/health/ready", timeout=5)
    except httpx.TransportError:
        return False
    return answer.status_code == 200 and len(children(server.process.pid, "spawn_main")) == WORKERS


def test_it_is_ready_on_the_store_and_redis(started: Started) -> None:
    answer = httpx.get(f"{started.url}/health/ready", timeout=10)
    assert answer.status_code == 200
    body = answer.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"store", "redis"}


def test_it_runs_as_the_images_user_with_the_workers_from_the_environment(
    started: Started,
) -> None:
    workers = children(started.process.pid, "spawn_main")
    assert len(workers) == WORKERS
    uid = started.config.user.split(":")[0]
    for pid in [started.process.pid, *workers]:
        status = Path(f"/proc/{pid}/status").read_text()
        real_uid = next(line for line in status.splitlines() if line.startswith("Uid:"))
        assert real_uid.split()[1:] == [uid] * 4
    assert uid != "0"


def test_the_images_own_healthcheck_passes(started: Started) -> None:
    config = started.config
    check = config.inside({"PORT": started.env["PORT"]}, config.healthcheck)
    command = ["chroot", f"--userspec={config.user}", str(started.root), *check]
    done = subprocess.run(command, capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr


def test_it_serves_the_dashboard(started: Started) -> None:
    page = httpx.get(f"{started.url}/ui/", timeout=10)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert '<div id="root">' in page.text
    scripts = re.findall(r'<script type="module"[^>]* src="(/ui/assets/[^"]+\.js)"', page.text)
    assert len(scripts) == 1, page.text
    script = scripts[0]
    bundle = httpx.get(f"{started.url}{script}", timeout=10)
    assert bundle.status_code == 200
    assert "javascript" in bundle.headers["content-type"]


def test_a_published_api_answers_a_client_at_the_gateway(started: Started) -> None:
    """An admin registers a data source (the store's own database), publishes a private
    API and creates a client; the client gets a token and calls the API."""
    database = started.env["DATABASE_URL"].rsplit("/", 1)[1]
    admin = Admin(started.url)
    try:
        source = admin.postgres_source(database)
        module = admin.create("/api/v1/modules", {"name": "image"})
        api = admin.published_api(
            module_id=module["id"],
            datasource_id=source["id"],
            name="next",
            path="next",
            access="private",
            content="SELECT {{ n }} + 1 AS next",
            params=[{"name": "n", "location": "query", "type": "integer", "required": True}],
        )
        _, token = admin.client_token([api["id"]])
    finally:
        admin.close()
    answer = httpx.get(
        f"{started.url}/image/next",
        params={"n": 41},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"success": True, "message": None, "data": [{"next": 42}]}
