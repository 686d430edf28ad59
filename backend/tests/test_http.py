"""What any client sees of the HTTP layer: request ids, bad bodies, health, metrics, the UI."""

import gzip
from collections.abc import Iterator
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.conftest import AppFactory, require_redis

USERS = "/api/v1/users"


def test_every_response_carries_a_request_id(client: TestClient) -> None:
    fresh = client.get("/health/live")
    assert len(fresh.headers["x-request-id"]) >= 16
    echoed = client.get("/health/live", headers={"X-Request-ID": "abc-123.trace"})
    assert echoed.headers["x-request-id"] == "abc-123.trace"
    hostile = client.get("/health/live", headers={"X-Request-ID": "bad id\tinjected"})
    assert hostile.headers["x-request-id"] != "bad id\tinjected"
    assert client.get("/nope/nothing").headers["x-request-id"]


def post_raw(client: TestClient, headers: dict[str, str], body: bytes) -> tuple[int, object]:
    response = client.post(
        USERS, content=body, headers=headers | {"Content-Type": "application/json"}
    )
    return response.status_code, response.json()["detail"]


def test_malformed_json_is_422_with_a_message(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    status, detail = post_raw(client, admin_headers, b'{"email": ')
    assert status == 422
    assert isinstance(detail, list) and detail[0]["msg"].startswith("Invalid JSON")


def test_nan_infinity_and_lone_surrogates_are_refused(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    bodies = [
        b'{"email": "n@example.com", "password": "password-1", "role_ids": [NaN]}',
        b'{"email": "n@example.com", "password": "password-1", "role_ids": [Infinity]}',
        b'{"email": "n@example.com", "password": "password-1", "full_name": "\\ud800"}',
        b'{"email": "n@example.com", "password": "password-1", "full_name": "\xff\xfe"}',
    ]
    for body in bodies:
        status, detail = post_raw(client, admin_headers, body)
        assert status == 422, body
        assert isinstance(detail, list) and detail[0]["type"] == "json_invalid"
    assert client.get(USERS, headers=admin_headers).json()["count"] == 1


def test_a_10_mb_body_is_413(client: TestClient, admin_headers: dict[str, str]) -> None:
    big = b'{"email": "big@example.com", "password": "' + b"x" * (10 * 1024 * 1024) + b'"}'
    response = client.post(
        USERS, content=big, headers=admin_headers | {"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert "too large" in response.json()["detail"].lower()


def test_the_body_limit_is_configurable(app_factory: AppFactory) -> None:
    app = app_factory(MAX_REQUEST_BODY_BYTES=64)
    with TestClient(app) as client:
        response = client.post(
            "/api/v1/login/access-token", data={"username": "a" * 100, "password": "b"}
        )
        assert response.status_code == 413


def test_hostile_login_forms_get_4xx(client: TestClient) -> None:
    forms = [
        b"username=%ED%A0%80&password=x",
        b"username=admin%40example.com&password=%ff%fe",
        b"username=&password=",
        b"password=only",
    ]
    for form in forms:
        response = client.post(
            "/api/v1/login/access-token",
            content=form,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert 400 <= response.status_code < 500, form
        assert response.json()["detail"]


def test_wrongly_typed_query_and_path_are_422(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    assert client.get(f"{USERS}/abc", headers=admin_headers).status_code == 422
    assert client.get(f"{USERS}/99999999999999999999999", headers=admin_headers).status_code == 422
    assert client.get(f"{USERS}/0", headers=admin_headers).status_code == 422
    assert client.get(USERS, params={"limit": "NaN"}, headers=admin_headers).status_code == 422
    assert client.get(USERS, params={"limit": 0}, headers=admin_headers).status_code == 422


def test_health(client: TestClient) -> None:
    assert client.get("/health/live").json() == {"status": "ok"}
    ready = client.get("/health/ready")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ok", "checks": {"store": "ok"}}


def test_ready_checks_redis_when_configured(app_factory: AppFactory) -> None:
    with TestClient(app_factory(REDIS_URL=require_redis())) as client:
        assert client.get("/health/ready").json()["checks"]["redis"] == "ok"
    with TestClient(app_factory(REDIS_URL="redis://127.0.0.1:1/0")) as client:
        response = client.get("/health/ready")
        assert response.status_code == 503
        assert response.json()["checks"]["redis"].startswith("error")


def test_metrics_count_requests_per_route(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    client.get(USERS, headers=admin_headers)
    client.get(f"{USERS}/12345", headers=admin_headers)
    text = client.get("/metrics").text
    assert 'sluice_http_requests_total{method="GET",route="/api/v1/users",status="200"} 1.0' in text
    assert 'route="/api/v1/users/{user_id}",status="404"' in text
    assert "sluice_http_request_duration_seconds_bucket" in text


def test_root_redirects_to_the_dashboard(client: TestClient) -> None:
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 307
    assert response.headers["location"] == "/ui/"


def test_the_dashboard_is_served_with_a_client_route_fallback(
    app_factory: AppFactory, tmp_path: Path
) -> None:
    dist = tmp_path / "ui-dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<div id=root>sluice</div>")
    (dist / "assets" / "app.js").write_text("console.log(1)")
    app: FastAPI = app_factory(UI_DIST_DIR=dist)
    with TestClient(app) as client:
        assert "sluice" in client.get("/ui/").text
        assert "sluice" in client.get("/ui/users").text
        assert client.get("/ui/assets/app.js").text == "console.log(1)"
        for escape in ("/ui/../../etc/passwd", "/ui/..%2F..%2F..%2Fetc%2Fpasswd"):
            assert "root:" not in client.get(escape).text


def built_dashboard(tmp_path: Path) -> Path:
    """A dist folder as `npm run build` leaves it: hashed assets with .br and .gz twins."""
    dist = tmp_path / "ui-dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<div id=root>sluice</div>")
    script = b"console.log('sluice');" * 50
    (dist / "assets" / "index-AbC123.js").write_bytes(script)
    (dist / "assets" / "index-AbC123.js.gz").write_bytes(gzip.compress(script))
    (dist / "assets" / "index-AbC123.js.br").write_bytes(b"brotli bytes")
    (dist / "assets" / "index-AbC123.css").write_text("body{}")
    (dist / "assets" / "index-AbC123.css.gz").write_bytes(gzip.compress(b"body{}"))
    return dist


def test_hashed_assets_go_out_precompressed_and_cached_for_good(
    app_factory: AppFactory, tmp_path: Path
) -> None:
    app: FastAPI = app_factory(UI_DIST_DIR=built_dashboard(tmp_path))
    with TestClient(app) as client:
        url = "/ui/assets/index-AbC123.js"
        with client.stream("GET", url, headers={"Accept-Encoding": "gzip, deflate, br"}) as brotli:
            assert b"".join(brotli.iter_raw()) == b"brotli bytes"  # the .br twin as it is
        assert brotli.headers["content-encoding"] == "br"
        assert brotli.headers["content-type"].startswith("text/javascript")
        assert brotli.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert brotli.headers["vary"] == "Accept-Encoding"

        gzipped = client.get(url, headers={"Accept-Encoding": "gzip, br;q=0"})
        assert gzipped.headers["content-encoding"] == "gzip"
        assert gzipped.text == "console.log('sluice');" * 50  # httpx decodes gzip

        plain = client.get(url, headers={"Accept-Encoding": "identity"})
        assert "content-encoding" not in plain.headers
        assert plain.text == "console.log('sluice');" * 50
        assert plain.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert plain.headers["vary"] == "Accept-Encoding"

        # A style sheet with only a gzip twin: a brotli-only browser gets it plain.
        sheet = client.get("/ui/assets/index-AbC123.css", headers={"Accept-Encoding": "br"})
        assert "content-encoding" not in sheet.headers and sheet.text == "body{}"
        assert sheet.headers["content-type"].startswith("text/css")


def test_index_html_is_revalidated_and_a_missing_asset_is_404(
    app_factory: AppFactory, tmp_path: Path
) -> None:
    app: FastAPI = app_factory(UI_DIST_DIR=built_dashboard(tmp_path))
    with TestClient(app) as client:
        for path in ("/ui/", "/ui/apis/7"):
            page = client.get(path)
            assert page.headers["cache-control"] == "no-cache" and "sluice" in page.text
        missing = client.get("/ui/assets/gone-123.js", headers={"Accept-Encoding": "br"})
        assert missing.status_code == 404
        assert "immutable" not in missing.headers.get("cache-control", "")


def test_unbuilt_dashboard_says_how_to_build_it(client: TestClient) -> None:
    response = client.get("/ui/")
    assert response.status_code == 404
    assert "make run" in response.json()["detail"]


def test_a_streamed_body_over_the_limit_is_413(app_factory: AppFactory) -> None:
    app = app_factory(MAX_REQUEST_BODY_BYTES=1000)

    def chunks() -> Iterator[bytes]:
        for _ in range(10):
            yield b"x" * 200

    with TestClient(app) as client:
        response = client.post(
            "/api/v1/login/access-token",
            content=chunks(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert response.status_code == 413
        assert response.json()["detail"] == "Request body too large: the limit is 1000 bytes"
