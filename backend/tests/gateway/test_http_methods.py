"""HEAD, OPTIONS and compressed bodies at the gateway, as a client app sees them."""

import gzip

import pytest
from fastapi.testclient import TestClient

from tests.factories import make_api, make_module, make_source, publish
from tests.servers import require_postgres


@pytest.fixture
def shop(client: TestClient, admin_headers: dict[str, str]) -> TestClient:
    """Module `shop` with `GET /shop/one` and `POST /shop/one`, both public and live."""
    require_postgres()
    source = make_source(
        client,
        admin_headers,
        {
            "name": "pg",
            "type": "postgres",
            "host": "127.0.0.1",
            "database": "test",
            "username": "postgres",
        },
    )
    module = make_module(client, admin_headers)
    for method, content in (("GET", "SELECT 1 AS one"), ("POST", "SELECT {{ n }} AS n")):
        api = make_api(
            client,
            admin_headers,
            module_id=module["id"],
            datasource_id=source["id"],
            path="one",
            name=f"one-{method}",
            method=method,
            content=content,
            params=[{"name": "n", "location": "body", "type": "integer"}]
            if method == "POST"
            else [],
        )
        publish(client, admin_headers, api["id"])
    return client


def test_head_runs_a_get_api_without_the_body(shop: TestClient) -> None:
    get, head = shop.get("/shop/one"), shop.head("/shop/one")
    assert get.json()["data"] == [{"one": 1}]
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["content-length"] == get.headers["content-length"]
    assert shop.head("/shop/nothing").status_code == 404


def test_options_lists_the_methods_of_a_path(shop: TestClient) -> None:
    response = shop.options("/shop/one")
    assert response.status_code == 204
    assert response.headers["allow"] == "GET, HEAD, OPTIONS, POST"
    assert response.headers["x-request-id"]
    assert shop.options("/shop/nothing").status_code == 404


def test_a_compressed_body_is_415(shop: TestClient) -> None:
    response = shop.post(
        "/shop/one",
        content=gzip.compress(b'{"n": 2}'),
        headers={"Content-Type": "application/json", "Content-Encoding": "gzip"},
    )
    assert response.status_code == 415
    assert response.json()["error"] == "unsupported_media_type"
    plain = shop.post("/shop/one", json={"n": 2}, headers={"Content-Encoding": "identity"})
    assert plain.json()["data"] == [{"n": 2}]
