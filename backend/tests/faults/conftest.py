"""The fault suite's stack: each test gets its own `sluice serve` on a private PostgreSQL
store, a private redis-server it may kill, and a private data-source database (a table
`items`) whose connections it may terminate. The server stops before the databases drop."""

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.live import (
    PrivateRedis,
    Sluice,
    TcpProxy,
    pg_address,
    private_database,
    seed_items,
    store_url,
)
from tests.servers import IN_CI, require_postgres

# limits high enough never to refuse a call, so flow control still runs on Redis
HIGH_LIMITS = {
    "FLOW_CONTROL_RATE_LIMIT_PER_MINUTE": "10000000",
    "FLOW_CONTROL_MAX_CONCURRENT_PER_CLIENT": "1000",
}

Serve = Callable[..., Sluice]


@pytest.fixture
def private_redis() -> Iterator[PrivateRedis]:
    if shutil.which("redis-server") is None:
        message = "redis-server is needed to start a private Redis"
        pytest.fail(message) if IN_CI else pytest.skip(message)
    server = PrivateRedis()
    yield server
    server.stop()


@pytest.fixture
def store_db() -> Iterator[str]:
    require_postgres()
    with private_database("sluice_faults_store") as name:
        yield name


@pytest.fixture
def source_db() -> Iterator[str]:
    require_postgres()
    with private_database("sluice_faults_source") as name:
        seed_items(name)
        yield name


@pytest.fixture
def store_proxy() -> Iterator[TcpProxy]:
    """A proxy in front of PostgreSQL that can refuse; a test lists it before `serve`, so
    the server stops first."""
    proxy = TcpProxy(*pg_address())
    yield proxy
    proxy.close()


@pytest.fixture
def serve(tmp_path: Path, store_db: str, private_redis: PrivateRedis) -> Iterator[Serve]:
    """Start `sluice serve` (store `store_db`, Redis `private_redis`, limits too high to refuse) with
    some settings changed; every server started is stopped at the end."""
    started: list[Sluice] = []

    def start(workers: int = 1, **env: str) -> Sluice:
        settings = {"DATABASE_URL": store_url(store_db), "REDIS_URL": private_redis.url}
        server = Sluice(tmp_path, workers=workers, **HIGH_LIMITS | settings | env)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
