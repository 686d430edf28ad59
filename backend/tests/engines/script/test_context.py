"""Every context object a script sees, against real servers: PostgreSQL and MariaDB for
`db`/`tx`, Redis and the in-memory store for `cache`, a local HTTP server for `http`."""

import asyncio
import json
import threading
import uuid
from collections.abc import AsyncIterator, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import redis.asyncio as aioredis

from sluice.config import Settings
from sluice.connectors import connect
from sluice.connectors.base import ConnectionConfig, Connector
from sluice.engines.script.errors import ScriptRuntimeError
from sluice.engines.script.host import (
    CacheBackend,
    Host,
    HttpPolicy,
    MemoryCache,
    RedisCache,
    describe_datasource,
)
from sluice.engines.script.workers import ScriptPool
from tests.conftest import require_redis

pytestmark = pytest.mark.anyio


@pytest.fixture
async def source(database: tuple[dict[str, Any], str]) -> AsyncIterator[tuple[Connector, str]]:
    """A connector on the real PostgreSQL or MariaDB with a scratch `people` table."""
    body, table = database
    config = ConnectionConfig(
        type=body["type"],
        host=body["host"],
        port=body["port"],
        database=body["database"],
        username=body["username"],
        pool_size=2,
    )
    connector = connect(config, retry_delays_ms=(10,))
    yield connector, table
    await connector.close()


async def test_db_query_query_one_and_execute(
    pool: ScriptPool, source: tuple[Connector, str]
) -> None:
    connector, table = source
    script = f"""
def execute(params):
    adults = db.query("SELECT id, name FROM {table} WHERE age > %s ORDER BY id", [params["age"]])
    first = db.query_one("SELECT name FROM {table} WHERE id = %s", [1])
    missing = db.query_one("SELECT name FROM {table} WHERE id = %s", [99])
    changed = db.execute("UPDATE {table} SET age = age + 1 WHERE age > %s", [30])
    return {{"adults": adults, "first": first, "missing": missing, "changed": changed}}
"""
    outcome = await pool.run(script, params={"age": 18}, host=Host(connector=connector))
    assert outcome.value == {
        "adults": [
            {"id": 1, "name": "ada"},
            {"id": 3, "name": "cy"},
            {"id": 4, "name": "d'arcy"},
        ],
        "first": {"name": "ada"},
        "missing": None,
        "changed": 2,
    }


async def test_tx_commits_and_rolls_back(pool: ScriptPool, source: tuple[Connector, str]) -> None:
    connector, table = source
    script = f"""
tx.begin()
db.execute("INSERT INTO {table} (id, name, age) VALUES (%s, %s, %s)", [10, "gone", 1])
tx.rollback()
tx.begin()
db.execute("INSERT INTO {table} (id, name, age) VALUES (%s, %s, %s)", [11, "kept", 1])
tx.commit()
with tx:
    db.execute("INSERT INTO {table} (id, name, age) VALUES (%s, %s, %s)", [12, "with", 1])
try:
    with tx:
        db.execute("INSERT INTO {table} (id, name, age) VALUES (%s, %s, %s)", [13, "undone", 1])
        raise ValueError("undo")
except ValueError:
    pass
tx.begin()
db.execute("INSERT INTO {table} (id, name, age) VALUES (%s, %s, %s)", [14, "left open", 1])
"""
    await pool.run(script, host=Host(connector=connector))
    result = await connector.execute(f"SELECT id FROM {table} WHERE id >= 10 ORDER BY id")
    assert result.rows == [{"id": 11}, {"id": 12}]


async def test_a_database_error_is_catchable_and_safe(
    pool: ScriptPool, source: tuple[Connector, str]
) -> None:
    connector, _ = source
    script = """
try:
    db.query("SELECT * FROM no_such_table_here")
except DatabaseError as error:
    result = ["caught", str(error)]
"""
    outcome = await pool.run(script, host=Host(connector=connector))
    assert outcome.value[0] == "caught"
    assert outcome.value[1]


async def test_db_without_a_data_source_says_so(pool: ScriptPool) -> None:
    with pytest.raises(ScriptRuntimeError, match="DatabaseError: this API has no data source"):
        await pool.run("result = db.query('SELECT 1')")


async def test_ds_describes_the_source_without_its_password(pool: ScriptPool) -> None:
    config = ConnectionConfig(
        type="postgres", host="db.internal", port=5432, database="shop", password="hunter2"
    )
    ds = describe_datasource("shop", config) | {"password": "hunter2", "api_token": "t"}
    outcome = await pool.run("result = ds", host=Host(ds=ds))
    assert outcome.value["type"] == "postgres"
    assert outcome.value["database"] == "shop"
    assert outcome.value["name"] == "shop"
    assert "hunter2" not in json.dumps(outcome.value)
    assert "api_token" not in outcome.value


# -- cache ---------------------------------------------------------------------------


@pytest.fixture(params=["memory", "redis"])
async def cache(request: pytest.FixtureRequest) -> AsyncIterator[CacheBackend]:
    if request.param == "memory":
        yield MemoryCache()
        return
    client = aioredis.Redis.from_url(require_redis())
    yield RedisCache(client, prefix=f"t{RUN}")
    async for key in client.scan_iter(match=f"t{RUN}:*"):
        await client.delete(key)
    await client.aclose()


RUN = uuid.uuid4().hex[:8]
"""Namespaces carry this run's mark: the test Redis is shared with other runs."""


def namespace(name: str) -> str:
    return f"{RUN}-{name}"


CACHE_SCRIPT = """
cache.set("greeting", {"hello": params["who"]}, 60)
cache.set("short", 1, 0.05)
first = cache.get("greeting")
count = [cache.incr("hits"), cache.incr("hits", 5)]
cache.delete("greeting")
result = [first, cache.get("greeting", "gone"), count]
"""


async def test_cache_set_get_incr_delete(pool: ScriptPool, cache: CacheBackend) -> None:
    outcome = await pool.run(
        "params = req\n" + CACHE_SCRIPT,
        params={"who": "ada"},
        host=Host(cache=cache, namespace=namespace("api-1")),
    )
    assert outcome.value == [{"hello": "ada"}, "gone", [1, 6]]


async def test_cache_keys_are_private_to_their_namespace(
    pool: ScriptPool, cache: CacheBackend
) -> None:
    one, two = (
        Host(cache=cache, namespace=namespace("a1")),
        Host(cache=cache, namespace=namespace("a2")),
    )
    await pool.run("cache.set('k', 'one', None)", host=one)
    other = await pool.run("result = cache.get('k')", host=two)
    same = await pool.run("result = cache.get('k')", host=one)
    assert (other.value, same.value) == (None, "one")


async def test_redis_cache_keys_live_under_the_deployments_prefix(pool: ScriptPool) -> None:
    """Deployments sharing one Redis (each its own REDIS_PREFIX) never share entries."""
    client = aioredis.Redis.from_url(require_redis())
    ours, theirs = (RedisCache(client, prefix=f"{name}{RUN}") for name in ("ours", "theirs"))
    await pool.run("cache.set('k', 'ours', 60)", host=Host(cache=ours, namespace="api:1"))
    seen = await pool.run("result = cache.get('k')", host=Host(cache=theirs, namespace="api:1"))
    keys = [key async for key in client.scan_iter(match=f"*{RUN}:script:*")]
    for key in keys:
        await client.delete(key)
    await client.aclose()
    assert seen.value is None
    assert [key.decode().split(":", 1)[0] for key in keys] == [f"ours{RUN}"]


async def test_cache_entries_expire(pool: ScriptPool, cache: CacheBackend) -> None:
    host = Host(cache=cache, namespace=namespace("ttl"))
    await pool.run("cache.set('brief', 1, 0.05)", host=host)
    await asyncio.sleep(0.1)
    outcome = await pool.run("result = cache.get('brief', 'expired')", host=host)
    assert outcome.value == "expired"


async def test_cache_refuses_bad_keys(pool: ScriptPool) -> None:
    with pytest.raises(ScriptRuntimeError, match="CacheError"):
        await pool.run("cache.set('', 1)")


# -- http ----------------------------------------------------------------------------


class EchoHandler(BaseHTTPRequestHandler):
    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        if self.path.startswith("/big"):
            payload = b"x" * 5000
        elif self.path.startswith("/redirect"):
            self.send_response(302)
            self.send_header("Location", "http://localhost:1/")
            self.end_headers()
            return
        else:
            answer = {"method": self.command, "path": self.path, "body": body}
            answer["header"] = self.headers.get("X-Test") or ""
            payload = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_DELETE = _answer

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def http_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), EchoHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def http_host(max_bytes: int = 1000) -> Host:
    policy = HttpPolicy(allowed_hosts=frozenset({"127.0.0.1"}), timeout_s=2, max_bytes=max_bytes)
    return Host(http=policy)


async def test_http_methods_to_an_allowed_host(pool: ScriptPool, http_server: str) -> None:
    script = f"""
base = "{http_server}"
got = http.get(base + "/items", params={{"q": "1"}}, headers={{"X-Test": "yes"}})
posted = http.post(base + "/items", json={{"a": 1}})
put = http.put(base + "/items/1", data="raw text")
deleted = http.delete(base + "/items/1")
result = [got.status_code, got.ok, got.json(), posted.json()["body"], put.json()["body"],
          deleted.json()["method"], got.headers["content-type"]]
"""
    outcome = await pool.run(script, host=http_host())
    assert outcome.value == [
        200,
        True,
        {"method": "GET", "path": "/items?q=1", "body": "", "header": "yes"},
        '{"a":1}',
        "raw text",
        "DELETE",
        "application/json",
    ]


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("http://localhost:1/", "host 'localhost' is not allowed"),
        ("http://example.com/", "host 'example.com' is not allowed"),
        ("file:///etc/passwd", "not an http(s) URL"),
    ],
)
async def test_http_to_a_refused_host(pool: ScriptPool, url: str, says: str) -> None:
    script = f"try:\n    http.get({url!r})\nexcept HttpError as error:\n    result = str(error)"
    outcome = await pool.run(script, host=http_host())
    assert says in outcome.value


async def test_http_response_size_is_capped(pool: ScriptPool, http_server: str) -> None:
    with pytest.raises(ScriptRuntimeError, match="over 1000 bytes"):
        await pool.run(f"http.get('{http_server}/big')", host=http_host())


async def test_http_does_not_follow_redirects(pool: ScriptPool, http_server: str) -> None:
    outcome = await pool.run(
        f"result = http.get('{http_server}/redirect').status_code", host=http_host()
    )
    assert outcome.value == 302


# -- env, log, req -------------------------------------------------------------------


async def test_env_holds_only_the_allowed_names(
    pool: ScriptPool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SLUICE_TEST_SCRIPT_VAR", "visible")
    monkeypatch.setenv("SLUICE_TEST_HIDDEN_VAR", "hidden")
    settings = Settings(_env_file=None, SCRIPT_ENV_ALLOWED=["SLUICE_TEST_SCRIPT_VAR", "UNSET_X"])
    outcome = await pool.run("result = env", host=Host(env=settings.script_env()))
    assert outcome.value == {"SLUICE_TEST_SCRIPT_VAR": "visible"}


def test_env_may_not_expose_sluice_settings() -> None:
    with pytest.raises(ValueError, match="SECRET_KEY"):
        Settings(_env_file=None, SCRIPT_ENV_ALLOWED=["SECRET_KEY"])


async def test_log_and_print_lines_come_back(pool: ScriptPool) -> None:
    script = (
        "def execute(params):\n"
        "    log.info('hello', params['name'])\n"
        "    log.warning('careful')\n"
        "    print('printed', 1, sep='-')\n"
        "    print('two\\nlines')\n"
        "    return len(req)\n"
    )
    outcome = await pool.run(script, params={"name": "ada"})
    assert outcome.value == 1
    assert outcome.logs == ["INFO: hello ada", "WARNING: careful", "printed-1", "two", "lines"]
    assert outcome.duration_ms > 0


async def test_logs_come_back_with_an_error_too(pool: ScriptPool) -> None:
    with pytest.raises(ScriptRuntimeError) as caught:
        await pool.run("log.info('before')\nraise RuntimeError('boom')")
    assert caught.value.logs == ["INFO: before"]
