"""Client mistakes are 4xx naming what is wrong, never a server fault; an unreachable
database is 503. Through the gateway, on the real PostgreSQL and MariaDB."""

import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.factories import ADMIN_EMAIL, ADMIN_PASSWORD, login, make_api, make_module, make_source
from tests.factories import publish as publish_api
from tests.gateway.test_calls import Live, q
from tests.proxy import TcpProxy
from tests.servers import pg_execute, require_postgres


@pytest.fixture
def shop(
    client: TestClient, admin_headers: dict[str, str], database: tuple[dict[str, Any], str]
) -> Live:
    source, table = database
    return Live(client, admin_headers, source, table)


def assert_bad_request(response: Any, *words: str) -> None:
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["success"] is False and body["error"] == "bad_request"
    for word in words:
        assert word in body["message"]


# --- item 11: values the database refuses are the caller's fault -------------------------


def test_a_nul_in_a_string_param_is_400_naming_it(shop: Live) -> None:
    shop.api("find", "SELECT id FROM TABLE WHERE name = {{ name }}", [q("name")])
    shop.api(
        "add",
        "INSERT INTO TABLE (id, name, age, active) VALUES (60, {{ name }}, 1, true)",
        [{"name": "name", "location": "body", "type": "string"}],
        method="POST",
    )
    assert_bad_request(shop.client.get("/shop/find", params={"name": "a\x00b"}), "'name'", "NUL")
    assert_bad_request(shop.client.post("/shop/add", json={"name": "a\x00b"}), "'name'", "NUL")
    assert_bad_request(shop.client.post("/shop/add", data={"name": "a\x00b"}), "'name'", "NUL")
    assert shop.client.get("/shop/find", params={"name": "bob"}).json()["data"] == [{"id": 2}]


def test_a_value_the_database_refuses_is_400(shop: Live) -> None:
    shop.api(
        "set-age",
        "UPDATE TABLE SET age = {{ age }} WHERE id = 1",
        [q("age", required=True)],
        method="PATCH",
    )
    days = {
        "postgres": "CAST({{ day }} AS DATE) - DATE '2020-01-01'",
        "mysql": "DATEDIFF({{ day }}, '2020-01-01')",
    }
    shop.api(
        "born",
        f"UPDATE TABLE SET age = {days[shop.kind]} WHERE id = 1",
        [q("day", required=True)],
        method="PATCH",
    )
    for response in (
        shop.client.patch("/shop/set-age", params={"age": "old"}),
        shop.client.patch("/shop/set-age", params={"age": "99999999999999999999"}),
        shop.client.patch("/shop/born", params={"day": "2020-13-45"}),
    ):
        assert_bad_request(response, "invalid value")
        assert "UPDATE" not in response.text and "old" not in response.text
    assert shop.client.patch("/shop/set-age", params={"age": "40"}).status_code == 200


# --- item 18: strict parsing of text values ----------------------------------------------


def test_a_path_integer_is_plain_ascii_digits(shop: Live) -> None:
    shop.api(
        "people/{id}",
        "SELECT name FROM TABLE WHERE id = {{ id }}",
        [{"name": "id", "location": "path", "type": "integer"}],
    )
    assert shop.client.get("/shop/people/3").json()["data"] == [{"name": "cy"}]
    for text in ("+3", "%203", "3%20", "0_3", "%EF%BC%93", "3.0"):
        assert_bad_request(shop.client.get(f"/shop/people/{text}"), "'id'", "must be an integer")


def test_form_arrays_take_one_item_per_key_typed_strictly(shop: Live) -> None:
    params = [{"name": "ids", "location": "body", "type": "array", "items": "integer"}]
    shop.api(
        "pick",
        "SELECT name FROM TABLE WHERE id IN {{ ids | in_list }} ORDER BY id",
        params,
        method="POST",
    )
    assert shop.client.post("/shop/pick", data={"ids": "3"}).json()["data"] == [{"name": "cy"}]
    both = shop.client.post("/shop/pick", data={"ids": ["1", "3"]}).json()["data"]
    assert both == [{"name": "ada"}, {"name": "cy"}]
    assert shop.client.post("/shop/pick", json={"ids": [2]}).json()["data"] == [{"name": "bob"}]
    for refused in (
        shop.client.post("/shop/pick", data={"ids": "AAA"}),
        shop.client.post("/shop/pick", data={"ids": "1,3"}),
        shop.client.post("/shop/pick", json={"ids": ["1"]}),
    ):
        assert_bad_request(refused, "'ids'", "item 1 must be an integer")


# --- item 19: query arrays as repeated keys or comma-separated ----------------------------


def test_query_arrays_take_repeated_keys_and_commas(shop: Live) -> None:
    shop.api(
        "some",
        "SELECT name FROM TABLE WHERE id IN {{ ids | in_list }} OR name IN {{ names | in_list }}"
        " ORDER BY id",
        [q("ids", "array", items="integer", default=[]), q("names", "array", default=[])],
    )
    expected = [{"name": "ada"}, {"name": "cy"}, {"name": "d'arcy"}]
    for query in ("ids=1,3,4", "ids=1&ids=3&ids=4", "ids=1,3&ids=4", "ids=[1,3,4]"):
        assert shop.client.get(f"/shop/some?{query}").json()["data"] == expected, query
    by_name = shop.client.get("/shop/some?names=ada,bob").json()["data"]
    assert by_name == [{"name": "ada"}, {"name": "bob"}]
    assert shop.client.get("/shop/some?ids=").json()["data"] == []
    assert_bad_request(shop.client.get("/shop/some?ids=1,x"), "'ids'", "item 2 must be an integer")


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def gateway_on(
    app_factory: Any, source_body: dict[str, Any], apis: dict[str, tuple[str, str]]
) -> Iterator[TestClient]:
    """An app with short retries and one published API per path (method, SQL) on a
    data source made from `source_body`."""
    with TestClient(app_factory(EXTERNAL_DB_RETRY_DELAYS_MS=[10, 20])) as client:
        headers = login(client, ADMIN_EMAIL, ADMIN_PASSWORD)
        source = make_source(client, headers, source_body)
        module = make_module(client, headers)
        for path, (method, content) in apis.items():
            api = make_api(
                client,
                headers,
                module_id=module["id"],
                datasource_id=source["id"],
                path=path,
                content=content,
                method=method,
            )
            publish_api(client, headers, api["id"])
        yield client


def assert_unavailable(response: Any) -> None:
    assert response.status_code == 503, response.text
    assert response.json()["error"] == "datasource_unavailable"


ONE = {"p": ("GET", "SELECT 1 AS one")}


@pytest.mark.parametrize("kind", ["postgres", "mysql"])
def test_a_refused_connection_is_503_after_the_retries(app_factory: Any, kind: str) -> None:
    body = {"name": "closed", "type": kind, "host": "127.0.0.1", "port": _closed_port()}
    with gateway_on(app_factory, body | {"database": "test", "username": "root"}, ONE) as client:
        assert_unavailable(client.get("/shop/p"))


def test_a_server_refusing_connections_for_now_is_503(app_factory: Any) -> None:
    """PostgreSQL refusing a connection over a limit (`too many connections for role`) is
    unavailable, not a rejected login."""
    require_postgres()
    role = f"limited_{uuid.uuid4().hex[:8]}"
    pg_execute(f"CREATE ROLE {role} LOGIN CONNECTION LIMIT 0")
    body = {"name": "full", "type": "postgres", "host": "127.0.0.1", "port": 5432}
    try:
        with gateway_on(app_factory, body | {"database": "test", "username": role}, ONE) as client:
            assert_unavailable(client.get("/shop/p"))
    finally:
        pg_execute(f"DROP ROLE {role}")


def test_a_source_that_goes_down_is_503(
    app_factory: Any, database: tuple[dict[str, Any], str]
) -> None:
    source_body, table = database
    proxy = TcpProxy("127.0.0.1", source_body["port"])
    apis = {
        "r": ("GET", f"SELECT id FROM {table} WHERE id = 1"),
        "w": ("PATCH", f"UPDATE {table} SET age = 1 WHERE id = 1"),
    }
    try:
        with gateway_on(app_factory, source_body | {"port": proxy.port}, apis) as client:
            assert client.get("/shop/r").status_code == 200
            assert client.patch("/shop/w").status_code == 200
            proxy.close()
            assert_unavailable(client.get("/shop/r"))
            assert_unavailable(client.patch("/shop/w"))
    finally:
        proxy.close()
