"""The HTTP layer under hostile or unlucky conditions, as a client sees it: a huge request
head, a store that goes away, an unexpected error on a kept-alive connection, HEAD and
OPTIONS, compressed bodies, and the error answers the admin OpenAPI document promises."""

import gzip
import http.client
import os
import re
import select
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx2 as httpx
import orjson
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from sluice.app import create_app
from sluice.config import Settings
from sluice.db import migrate
from sluice.errors import ADMIN_ERRORS
from sluice.services.publish_gate import GateRefused
from sluice.services.versions import NothingToPublish
from tests.conftest import AppFactory
from tests.factories import ADMIN_EMAIL, ADMIN_PASSWORD, login, make_user
from tests.proxy import TcpProxy
from tests.servers import (
    PG_SERVER,
    pg_execute,
    require_postgres,
    serving,
    sqlalchemy_url,
)
from tests.test_cli import Server

USERS = "/api/v1/users"


@pytest.fixture(scope="session")
def store_template(tmp_path_factory: pytest.TempPathFactory) -> str:
    """What these tests check does not depend on the store's kind: SQLite only (the store
    that goes away is a PostgreSQL of its own, below)."""
    path = tmp_path_factory.mktemp("http-store") / "template.db"
    migrate(f"sqlite:///{path}")
    return str(path)


# --- the request head ------------------------------------------------------------------


def exchange(port: int, data: bytes, piece: int = 16384) -> bytes:
    """Send `data` on a new connection, piece by piece until the server answers or stops
    reading, and return what it answered (b"" if it only reset the connection)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        for start in range(0, len(data), piece):
            try:
                sock.sendall(data[start : start + piece])
            except OSError:
                break
            if select.select([sock], [], [], 0)[0]:
                break
        answer = b""
        try:
            while chunk := sock.recv(65536):
                answer += chunk
        except ConnectionResetError:
            pass
        return answer


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_sluice_serve_answers_431_to_a_huge_request_head(tmp_path: Path) -> None:
    server = Server(tmp_path)
    try:
        start = b"GET /health/live HTTP/1.1\r\nHost: x\r\nX-Big: "
        for head in (start + b"a" * 70_000, start + b"a" * 200_000 + b"\r\n\r\n"):
            answer = exchange(server.port, head)
            assert answer.startswith(b"HTTP/1.1 431 "), answer[:200]
            assert b"connection: close" in answer
            assert orjson.loads(answer.split(b"\r\n\r\n", 1)[1])["code"] == "header_too_large"

        # A client streaming a 100 MiB header is cut off within the limit: no CPU burnt.
        used = cpu_seconds(server.process.pid)
        started = time.monotonic()
        answer = exchange(server.port, start + b"a" * (100 * 1024 * 1024), piece=1024 * 1024)
        assert answer == b"" or answer.startswith(b"HTTP/1.1 431 ")
        assert time.monotonic() - started < 5
        assert cpu_seconds(server.process.pid) - used < 1

        # The server serves on, a head within the limit passes, and so does a large body.
        fits = httpx.get(f"{server.url}/health/live", headers={"X-Fits": "a" * 60_000})
        assert fits.status_code == 200
        body = httpx.post(f"{server.url}{USERS}", content=b"x" * 900_000)
        assert body.status_code == 401
    finally:
        server.stop()


# --- the store goes away -----------------------------------------------------------------


@pytest.fixture
def store_behind_proxy(tmp_path: Path) -> Iterator[tuple[Settings, TcpProxy]]:
    """A PostgreSQL store reached through a proxy the test can cut."""
    require_postgres()
    server = urlsplit(PG_SERVER)
    name = f"sluice_away_{os.getpid()}"
    pg_execute(f"DROP DATABASE IF EXISTS {name}")
    pg_execute(f"CREATE DATABASE {name}")
    proxy = TcpProxy(server.hostname or "127.0.0.1", server.port or 5432)
    url = sqlalchemy_url(f"postgresql://{server.username}@127.0.0.1:{proxy.port}/{name}")
    migrate(url)
    settings = Settings(
        _env_file=None,
        DATABASE_URL=url,
        SECRET_KEY="test-secret-key-of-a-decent-length-0123456789",
        DATA_DIR=tmp_path / "data",
        REDIS_URL=None,
    )
    yield settings, proxy
    proxy.close()
    pg_execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_admin_api_and_login_answer_503_while_the_store_is_away(
    store_behind_proxy: tuple[Settings, TcpProxy],
) -> None:
    settings, proxy = store_behind_proxy
    app = create_app(settings)
    with Session(app.state.engine) as session:
        make_user(session, ADMIN_EMAIL, ADMIN_PASSWORD, superuser=True)
    try:
        with TestClient(app) as client:
            headers = login(client, ADMIN_EMAIL, ADMIN_PASSWORD)
            assert client.get(USERS, headers=headers).status_code == 200
            proxy.close()
            answers = [
                client.get(USERS, headers=headers),
                client.post(USERS, json={"email": "n@example.com"}, headers=headers),
                client.post(
                    "/api/v1/login/access-token",
                    data={"username": ADMIN_EMAIL, "password": ADMIN_PASSWORD},
                ),
            ]
            for answer in answers:
                assert answer.status_code == 503, answer.text
                assert answer.headers["retry-after"] == "5"
                assert answer.json()["code"] == "store_unavailable"
            assert client.get("/health/ready").status_code == 503
    finally:
        app.state.engine.dispose()


# --- an unexpected error -----------------------------------------------------------------


def boom() -> None:
    raise RuntimeError("a bug")


def test_an_unexpected_error_answers_500_and_the_connection_serves_on(
    app_factory: AppFactory,
) -> None:
    app = app_factory()
    app.add_api_route("/boom", boom)
    with serving(app) as (host, port):
        connection = http.client.HTTPConnection(host, port, timeout=10)
        connection.request("GET", "/boom")
        failed = connection.getresponse()
        body = orjson.loads(failed.read())
        assert failed.status == 500
        assert body["code"] == "internal_error" and "a bug" not in str(body)
        assert body["request_id"] == failed.getheader("x-request-id")
        assert failed.getheader("connection") != "close"
        kept = connection.sock
        connection.request("GET", "/health/live")
        assert connection.getresponse().status == 200
        assert connection.sock is kept
        connection.close()


# --- HEAD and OPTIONS --------------------------------------------------------------------


def test_head_answers_like_get_without_the_body(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    for path, headers in (("/health/live", {}), (USERS, admin_headers), ("/api/v1/nope", {})):
        get, head = client.get(path, headers=headers), client.head(path, headers=headers)
        assert head.status_code == get.status_code, path
        assert head.content == b""
        assert head.headers["content-length"] == get.headers["content-length"]
    assert client.head(USERS).status_code == 401


def test_a_plain_options_answers_204_with_allow(client: TestClient) -> None:
    for path, allow in (
        ("/health/live", "GET, HEAD, OPTIONS"),
        (USERS, "GET, HEAD, OPTIONS, POST"),
        (f"{USERS}/1", "DELETE, GET, HEAD, OPTIONS, PATCH"),
        ("/api/v1/login/access-token", "OPTIONS, POST"),
    ):
        response = client.options(path)
        assert (response.status_code, response.headers["allow"]) == (204, allow), path
        assert response.content == b""
    assert client.options("/api/v1/nope").status_code == 404


def test_a_cors_preflight_is_still_answered_by_cors(app_factory: AppFactory) -> None:
    app: FastAPI = app_factory(BACKEND_CORS_ORIGINS=["http://localhost:5173"])
    preflight = {"Origin": "http://localhost:5173", "Access-Control-Request-Method": "POST"}
    with TestClient(app) as client:
        response = client.options(USERS, headers=preflight)
        assert response.status_code == 200
        assert response.headers["access-control-allow-origin"] == "http://localhost:5173"


# --- bodies ------------------------------------------------------------------------------


def test_a_compressed_body_is_415(client: TestClient, admin_headers: dict[str, str]) -> None:
    body = gzip.compress(orjson.dumps({"email": "z@example.com", "password": "password-1"}))
    response = client.post(
        USERS,
        content=body,
        headers=admin_headers | {"Content-Type": "application/json", "Content-Encoding": "gzip"},
    )
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"
    assert "gzip" in response.json()["detail"]
    assert client.get(USERS, headers=admin_headers).json()["count"] == 1


def test_a_streamed_body_over_the_limit_answers_like_a_declared_one(
    app_factory: AppFactory,
) -> None:
    app = app_factory(MAX_REQUEST_BODY_BYTES=1000)
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    with TestClient(app) as client:
        declared = client.post("/api/v1/login/access-token", content=b"x" * 2000, headers=form)
        streamed = client.post(
            "/api/v1/login/access-token", content=iter([b"x" * 200] * 10), headers=form
        )
    assert declared.status_code == streamed.status_code == 413
    assert declared.json() == streamed.json()
    assert streamed.json()["code"] == "payload_too_large"


def test_http_errors_carry_a_code(client: TestClient, admin_headers: dict[str, str]) -> None:
    assert client.get("/api/v1/nope").json() == {"detail": "Not Found", "code": "not_found"}
    invalid = client.post(USERS, json={}, headers=admin_headers).json()
    assert invalid["code"] == "validation_error" and invalid["detail"][0]["loc"]


def test_the_admin_openapi_documents_the_error_answers(client: TestClient) -> None:
    document = client.get("/api/v1/openapi.json").json()
    error = {"$ref": "#/components/schemas/ErrorBody"}

    def errors(path: str, method: str) -> dict[str, object]:
        responses = document["paths"][path][method]["responses"]
        return {
            status: answer["content"]["application/json"]["schema"]
            for status, answer in responses.items()
            if int(status) >= 400
        }

    assert errors("/api/v1/clients", "post") == dict.fromkeys(
        ("401", "403", "409", "413", "415", "422", "503"), error
    )
    assert errors("/api/v1/clients/{client_id}", "get") == dict.fromkeys(
        ("401", "403", "404", "422", "503"), error
    )
    schema = document["components"]["schemas"]["ErrorBody"]
    assert set(schema["required"]) == {"detail", "code"}
    admin = [path for path in document["paths"] if path.startswith("/api/v1/")]
    every = [op for path in admin for op in document["paths"][path].values()]
    assert all("503" in op["responses"] for op in every)


def test_every_admin_code_is_documented_with_its_status() -> None:
    text = Path(__file__).resolve().parents[2].joinpath("docs", "TECHNICAL.md").read_text()
    documented = re.findall(r"^\| (\d{3}) \| `([a-z_]+)` \|", text, re.MULTILINE)
    codes = {error.code: error.status for error in ADMIN_ERRORS}
    codes |= {"header_too_large": 431, "internal_error": 500}
    for own in (GateRefused, NothingToPublish):  # 409s with codes of their own
        codes |= {own.code: own.status}
    assert {code: int(status) for status, code in documented} == codes
