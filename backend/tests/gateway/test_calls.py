"""Calls through the gateway over HTTP, on the real PostgreSQL and MariaDB."""

from typing import Any

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


class Live:
    """A module on one real database, with a helper to define and publish APIs."""

    def __init__(
        self, client: TestClient, headers: dict[str, str], source: dict[str, Any], table: str
    ) -> None:
        self.client, self.headers, self.table = client, headers, table
        self.kind = source["type"]
        self.source = make_source(client, headers, source)
        self.module = make_module(client, headers)

    def api(
        self, path: str, content: str, params: list[dict[str, Any]] | None = None, **fields: Any
    ) -> dict[str, Any]:
        api = make_api(
            self.client,
            self.headers,
            module_id=self.module["id"],
            datasource_id=self.source["id"],
            path=path,
            content=content.replace("TABLE", self.table),
            params=params or [],
            **fields,
        )
        publish(self.client, self.headers, api["id"])
        return api


@pytest.fixture
def live(
    client: TestClient, admin_headers: dict[str, str], database: tuple[dict[str, Any], str]
) -> Live:
    source, table = database
    return Live(client, admin_headers, source, table)


def q(name: str, type_: str = "string", **rules: Any) -> dict[str, Any]:
    return {"name": name, "location": "query", "type": type_} | rules


def test_query_param_filters_rows(live: Live) -> None:
    live.api(
        "people",
        "SELECT id, name FROM TABLE WHERE age >= {{ min_age }} ORDER BY id",
        [q("min_age", "integer", default=0)],
    )
    response = live.client.get("/shop/people", params={"min_age": 30})
    assert response.status_code == 200
    assert response.json() == {
        "success": True,
        "message": None,
        "data": [{"id": 1, "name": "ada"}, {"id": 3, "name": "cy"}],
    }
    assert len(live.client.get("/shop/people").json()["data"]) == 4


def test_path_param_cannot_be_overridden(live: Live) -> None:
    live.api(
        "people/{id}",
        "SELECT name FROM TABLE WHERE id = {{ id }}",
        [{"name": "id", "location": "path", "type": "integer"}],
    )
    assert live.client.get("/shop/people/3").json()["data"] == [{"name": "cy"}]
    assert live.client.get("/shop/people/3", params={"id": 1}).json()["data"] == [{"name": "cy"}]
    assert live.client.post("/shop/people/3", json={"id": 1}).status_code == 405


def test_body_and_header_params_write_and_read(live: Live) -> None:
    body = [
        {"name": "name", "location": "body", "type": "string", "required": True},
        {"name": "age", "location": "body", "type": "integer", "min": 0, "max": 150},
    ]
    live.api(
        "people",
        "INSERT INTO TABLE (id, name, age, active) VALUES (10, {{ name }}, {{ age }}, true)",
        body,
        method="POST",
    )
    live.api(
        "by-name",
        "SELECT age FROM TABLE WHERE name = {{ x_name }}",
        [{"name": "x_name", "location": "header", "type": "string"}],
    )
    created = live.client.post("/shop/people", json={"name": "eve", "age": 40})
    assert created.json() == {"success": True, "message": None, "data": {"rows_affected": 1}}
    assert live.client.get("/shop/by-name", headers={"X-Name": "eve"}).json()["data"] == [
        {"age": 40}
    ]
    form = live.client.post("/shop/people", data={"name": "zed", "age": "41"})
    assert (
        form.status_code == 500 or form.status_code == 502
    )  # duplicate id 10 on the second insert
    assert form.json()["error"] == "datasource_error"
    assert "INSERT" not in form.json()["message"]


def test_every_type_is_coerced(live: Live) -> None:
    params = [
        q("b", "boolean"),
        q("n", "number"),
        q("d", "date"),
        q("ids", "array"),
        q("since", "datetime"),
    ]
    live.api(
        "typed",
        "SELECT id FROM TABLE WHERE active = {{ b }} AND age > {{ n }} AND id IN {{ ids | in_list('int') }}"
        " AND {{ d }} < {{ since }} ORDER BY id",
        params,
    )
    query = {
        "b": "true",
        "n": "20.5",
        "d": "2020-01-01",
        "ids": ["1", "3", "4"],
        "since": "2021-05-01T10:00:00",
    }
    assert live.client.get("/shop/typed", params=query).json()["data"] == [
        {"id": 1},
        {"id": 3},
        {"id": 4},
    ]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({}, "parameter 'age' is required"),
        ({"age": "old"}, "parameter 'age'"),
        ({"age": "999"}, "parameter 'age'"),
        ({"age": "NaN"}, "parameter 'age'"),
    ],
)
def test_bad_params_are_400_naming_the_param(
    live: Live, query: dict[str, str], message: str
) -> None:
    live.api("check", "SELECT {{ age }} AS age", [q("age", "integer", required=True, max=150)])
    response = live.client.get("/shop/check", params=query)
    assert response.status_code == 400
    body = response.json()
    assert body["success"] is False and body["error"] == "bad_request"
    assert message in body["message"]
    assert body["request_id"] == response.headers["x-request-id"]


def test_a_string_param_refuses_json_numbers(live: Live) -> None:
    """On MariaDB a JSON 0 compared with a string column matches every row."""
    live.api(
        "find",
        "SELECT id FROM TABLE WHERE name = {{ name }}",
        [{"name": "name", "location": "body", "type": "string"}],
        method="POST",
    )
    wrong: list[Any] = [0, True, [], {}]
    for value in wrong:
        response = live.client.post("/shop/find", json={"name": value})
        assert response.status_code == 400
    assert live.client.post("/shop/find", json={"name": "bob"}).json()["data"] == [{"id": 2}]


def test_not_found_and_method_not_allowed(live: Live) -> None:
    live.api("people", "SELECT 1 AS one")
    missing = live.client.get("/shop/nobody")
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"
    assert live.client.get("/nomodule/people").status_code == 404
    wrong = live.client.delete("/shop/people")
    assert wrong.status_code == 405
    assert wrong.json()["error"] == "method_not_allowed"
    assert wrong.headers["allow"] == "GET"


def test_database_errors_are_502_without_sql(live: Live) -> None:
    live.api("broken", "SELECT nothing FROM no_such_table_here WHERE x = {{ x }}", [q("x")])
    response = live.client.get("/shop/broken", params={"x": "secret-value"})
    assert response.status_code == 502
    body = response.json()
    assert body["error"] == "datasource_error"
    assert "no_such_table_here" not in body["message"] and "SELECT" not in body["message"]
    assert "secret-value" not in response.text


def test_a_slow_query_is_504(live: Live) -> None:
    sleep = "SELECT pg_sleep(3)" if live.kind == "postgres" else "SELECT SLEEP(3)"
    live.api("slow", sleep, timeout_ms=300)
    response = live.client.get("/shop/slow")
    assert response.status_code == 504
    assert response.json()["error"] == "timeout"


def test_camel_naming_and_csv(live: Live) -> None:
    live.api("named", "SELECT id AS user_id, name AS full_name FROM TABLE ORDER BY id")
    camel = live.client.get("/shop/named", params={"naming": "camel"}).json()["data"]
    assert camel[0] == {"userId": 1, "fullName": "ada"}
    header = live.client.get("/shop/named", headers={"X-Response-Naming": "camel"}).json()["data"]
    assert header == camel
    csv = live.client.get("/shop/named", params={"format": "csv"})
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text.splitlines() == ["user_id,full_name", "1,ada", "2,bob", "3,cy", "4,d'arcy"]


def test_pagination_by_page_and_by_offset(live: Live) -> None:
    live.api("paged", "SELECT id FROM TABLE ORDER BY id", pagination="page")
    live.api("sliced", "SELECT id FROM TABLE ORDER BY id", pagination="offset")
    page = live.client.get("/shop/paged", params={"page": 2, "page_size": 3}).json()
    assert page["data"] == [{"id": 4}]
    assert page["pagination"] == {
        "limit": 3,
        "offset": 3,
        "total": 4,
        "has_more": False,
        "page": 2,
        "page_size": 3,
    }
    first = live.client.get("/shop/sliced", params={"limit": 2, "offset": 1}).json()
    assert first["pagination"]["has_more"] is True and first["pagination"]["total"] == 4
    assert live.client.get("/shop/paged", params={"page": 0}).status_code == 400


def test_a_page_keeps_the_statements_order(live: Live) -> None:
    """MariaDB and Trino drop an ORDER BY inside a derived table without LIMIT, so a page
    must not lose the template's order by wrapping it."""
    live.api("newest", "SELECT id FROM TABLE ORDER BY id DESC", pagination="page")
    live.api("capped", "SELECT id FROM TABLE ORDER BY id DESC LIMIT 3", pagination="offset")
    first = live.client.get("/shop/newest", params={"page": 1, "page_size": 2}).json()
    assert first["data"] == [{"id": 4}, {"id": 3}]
    assert first["pagination"]["total"] == 4
    second = live.client.get("/shop/newest", params={"page": 2, "page_size": 2}).json()
    assert second["data"] == [{"id": 2}, {"id": 1}]
    capped = live.client.get("/shop/capped", params={"limit": 2, "offset": 1}).json()
    assert capped["data"] == [{"id": 3}, {"id": 2}]
    assert capped["pagination"]["total"] == 3


def test_returning_and_several_statements(live: Live) -> None:
    live.api(
        "add",
        "INSERT INTO TABLE (id, name, age, active) VALUES (20, 'ret', 1, true) RETURNING id, name",
        method="POST",
    )
    assert live.client.post("/shop/add").json()["data"] == [{"id": 20, "name": "ret"}]
    live.api(
        "two",
        "UPDATE TABLE SET age = age + 1 WHERE id = 1; SELECT age FROM TABLE WHERE id = 1",
        method="PATCH",
    )
    assert live.client.patch("/shop/two").json()["data"] == [{"rows_affected": 1}, [{"age": 37}]]


def test_a_failing_statement_rolls_back_the_others(live: Live) -> None:
    live.api(
        "half", "UPDATE TABLE SET age = 0 WHERE id = 2; SELECT * FROM missing_table_x", method="PUT"
    )
    live.api("age", "SELECT age FROM TABLE WHERE id = 2")
    assert live.client.put("/shop/half").status_code == 502
    assert live.client.get("/shop/age").json()["data"] == [{"age": 17}]


def test_private_apis_need_a_token(live: Live) -> None:
    live.api("secret", "SELECT 1 AS one", access="private")
    response = live.client.get("/shop/secret")
    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"


def test_oversized_body_is_413(live: Live) -> None:
    live.api(
        "big",
        "SELECT {{ x }} AS x",
        [{"name": "x", "location": "body", "type": "string"}],
        method="POST",
    )
    response = live.client.post(
        "/shop/big",
        content=b'{"x": "' + b"a" * (2 * 1024 * 1024) + b'"}',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["error"] == "payload_too_large"


def test_an_unreachable_or_inactive_source_is_503(app_factory: Any) -> None:
    with TestClient(app_factory(EXTERNAL_DB_RETRY_DELAYS_MS=[10, 20])) as client:
        headers = login(client, ADMIN_EMAIL, ADMIN_PASSWORD)
        body = {"name": "gone", "type": "postgres", "host": "127.0.0.1", "port": 1, "database": "x"}
        source = make_source(client, headers, body)
        module = make_module(client, headers)
        api = make_api(
            client,
            headers,
            module_id=module["id"],
            datasource_id=source["id"],
            path="p",
            content="SELECT 1 AS one",
        )
        publish(client, headers, api["id"])
        response = client.get("/shop/p")
        assert response.status_code == 503
        assert response.json()["error"] == "datasource_unavailable"
        assert "x" not in response.json()["message"].split()

        client.patch(
            f"/api/v1/datasources/{source['id']}", json={"is_active": False}, headers=headers
        )
        inactive = client.get("/shop/p")
        assert inactive.status_code == 503
        assert "inactive" in inactive.json()["message"]


def test_an_object_param_binds_as_json(live: Live) -> None:
    params = [{"name": "meta", "location": "body", "type": "object", "required": True}]
    live.api("echo", "SELECT {{ meta | json }} AS meta", params, method="POST")
    response = live.client.post("/shop/echo", json={"meta": {"tags": ["a", "b"], "n": 1}})
    assert response.status_code == 200
    echoed = response.json()["data"][0]["meta"]
    assert (echoed if isinstance(echoed, dict) else __import__("json").loads(echoed)) == {
        "tags": ["a", "b"],
        "n": 1,
    }
    assert live.client.post("/shop/echo", json={"meta": [1, 2]}).status_code == 400
