"""The real servers tests talk to, and how a test asks for one: it skips when the server
is down, except in CI (`CI=true`), where that fails the run."""

import contextlib
import os
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import psycopg
import pymysql
import pytest
import redis
import uvicorn

from sluice.serving import PROTOCOL

PG_SERVER = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() == "true"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def sqlalchemy_url(libpq_url: str) -> str:
    return libpq_url.replace("postgresql://", "postgresql+psycopg://", 1)


def pg_database_url(name: str) -> str:
    return PG_SERVER.rsplit("/", 1)[0] + "/" + name


def pg_execute(sql: str) -> None:
    with psycopg.connect(PG_SERVER, autocommit=True, connect_timeout=3) as connection:
        connection.execute(sql)


def require_postgres() -> None:
    try:
        pg_execute("SELECT 1")
    except psycopg.OperationalError as exc:
        if IN_CI:
            pytest.fail(f"PostgreSQL is required in CI and unreachable: {exc}")
        pytest.skip(f"PostgreSQL unreachable: {exc}")


REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def require_redis() -> str:
    """The test Redis URL; skip when it is down, except in CI where that fails the run."""
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        if IN_CI:
            pytest.fail(f"Redis is required in CI and unreachable: {exc}")
        pytest.skip(f"Redis unreachable: {exc}")
    return REDIS_URL


MARIADB_HOST, MARIADB_PORT = "127.0.0.1", 3306


def mariadb(**extra: Any) -> "pymysql.connections.Connection[Any]":
    return pymysql.connect(
        host=MARIADB_HOST, port=MARIADB_PORT, user="root", database="test", **extra
    )


def require_mariadb() -> None:
    try:
        mariadb(connect_timeout=3).close()
    except pymysql.MySQLError as exc:
        if IN_CI:
            pytest.fail(f"MariaDB is required in CI and unreachable: {exc}")
        pytest.skip(f"MariaDB unreachable: {exc}")


@contextlib.contextmanager
def serving(app: Any) -> Iterator[tuple[str, int]]:
    """`app` served by a real uvicorn on a free local port, in a thread, with the HTTP
    protocol `sluice serve` uses; yields (host, port)."""
    listener = socket.create_server(("127.0.0.1", 0))
    config = uvicorn.Config(app, http=PROTOCOL, log_config=None, access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield listener.getsockname()
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        listener.close()
