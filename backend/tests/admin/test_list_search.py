"""Lists people can search: `q` (a case-insensitive substring, LIKE wildcards literal) and
each list's filters narrow `data` and `count` alike, with `limit`/`offset` paging the
matches. Run through HTTP on both app stores (SQLite and PostgreSQL)."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.factories import make_api, make_module, make_source, make_user, publish

Headers = dict[str, str]
UNREACHABLE = {"type": "mysql", "host": "127.0.0.1", "port": 1, "database": "x"}


def listed(client: TestClient, headers: Headers, url: str, **params: Any) -> tuple[list[Any], int]:
    response = client.get(url, params=params, headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    return body["data"], body["count"]


def names(client: TestClient, headers: Headers, url: str, key: str = "name", **params: Any) -> Any:
    data, count = listed(client, headers, url, **params)
    assert count == len(data) or "limit" in params
    return [row[key] for row in data]


@pytest.fixture
def apis(client: TestClient, admin_headers: Headers) -> dict[str, Any]:
    shop = make_module(client, admin_headers, "shop")
    lake = make_module(client, admin_headers, "lake")
    source = make_source(client, admin_headers, UNREACHABLE | {"name": "db"})
    common = {"datasource_id": source["id"], "content": "SELECT 1 AS v"}
    made = {
        "orders": make_api(
            client, admin_headers, module_id=shop["id"], name="Orders", path="orders", **common
        ),
        "refunds": make_api(
            client,
            admin_headers,
            module_id=shop["id"],
            name="Refunds",
            path="refunds",
            method="POST",
            description="Money back: 100% sure",
            **common,
        ),
        "script": make_api(
            client,
            admin_headers,
            module_id=lake["id"],
            name="Order stats",
            path="stats_by_day",
            engine="script",
            content="def main(ctx):\n    return 1\n",
            datasource_id=source["id"],
        ),
    }
    publish(client, admin_headers, made["orders"]["id"])
    return {"shop": shop, "lake": lake, **made}


def test_apis_search_name_path_and_description(
    client: TestClient, admin_headers: Headers, apis: dict[str, Any]
) -> None:
    url = "/api/v1/apis"
    assert names(client, admin_headers, url, q="ORDER") == ["Orders", "Order stats"]
    assert names(client, admin_headers, url, q="stats_by") == ["Order stats"]
    assert names(client, admin_headers, url, q="money back") == ["Refunds"]
    assert names(client, admin_headers, url, q="nothing like it") == []


def test_like_wildcards_in_q_are_literal(
    client: TestClient, admin_headers: Headers, apis: dict[str, Any]
) -> None:
    url = "/api/v1/apis"
    assert names(client, admin_headers, url, q="100%") == ["Refunds"]
    assert names(client, admin_headers, url, q="%") == ["Refunds"]
    assert names(client, admin_headers, url, q="s_b") == ["Order stats"]
    assert names(client, admin_headers, url, q="_") == ["Order stats"]
    assert names(client, admin_headers, url, q="\\") == []


def test_apis_filter_by_module_engine_method_and_publication(
    client: TestClient, admin_headers: Headers, apis: dict[str, Any]
) -> None:
    url = "/api/v1/apis"
    shop = apis["shop"]["id"]
    assert names(client, admin_headers, url, module_id=shop) == ["Orders", "Refunds"]
    assert names(client, admin_headers, url, engine="script") == ["Order stats"]
    assert names(client, admin_headers, url, method="POST") == ["Refunds"]
    assert names(client, admin_headers, url, published="true") == ["Orders"]
    assert names(client, admin_headers, url, published="false") == ["Refunds", "Order stats"]
    assert names(client, admin_headers, url, module_id=shop, q="order") == ["Orders"]


def test_count_is_of_the_matches_and_pages_walk_them(
    client: TestClient, admin_headers: Headers
) -> None:
    for i in range(7):
        body = {"name": f"team-{i}", "description": "blue" if i % 2 else "red"}
        assert client.post("/api/v1/groups", json=body, headers=admin_headers).status_code == 201
    url = "/api/v1/groups"
    first, count = listed(client, admin_headers, url, q="RED", limit=2)
    assert count == 4
    assert [g["name"] for g in first] == ["team-0", "team-2"]
    rest, count = listed(client, admin_headers, url, q="red", limit=2, offset=2)
    assert count == 4
    assert [g["name"] for g in rest] == ["team-4", "team-6"]
    assert listed(client, admin_headers, url, q="red", limit=2, offset=4) == ([], 4)
    assert listed(client, admin_headers, url)[1] == 7


def test_clients_search_name_and_client_id_and_filter_active(
    client: TestClient, admin_headers: Headers
) -> None:
    made = {}
    for name, active in [("Billing app", True), ("Old billing", False), ("Reports", True)]:
        body = {"name": name, "is_active": active}
        response = client.post("/api/v1/clients", json=body, headers=admin_headers)
        assert response.status_code == 201, response.text
        made[name] = response.json()
    url = "/api/v1/clients"
    assert names(client, admin_headers, url, q="billing") == ["Billing app", "Old billing"]
    assert names(client, admin_headers, url, q="billing", active="true") == ["Billing app"]
    assert names(client, admin_headers, url, active="false") == ["Old billing"]
    its_id = made["Reports"]["client_id"]
    assert names(client, admin_headers, url, q=its_id[2:10].upper()) == ["Reports"]


def test_users_search_email_and_full_name(
    client: TestClient, admin_headers: Headers, session: Session
) -> None:
    make_user(session, "ada@example.com")
    body = {"email": "grace@example.org", "password": "user-password-1", "full_name": "Grace H"}
    assert client.post("/api/v1/users", json=body, headers=admin_headers).status_code == 201
    url = "/api/v1/users"
    assert names(client, admin_headers, url, key="email", q="ADA@") == ["ada@example.com"]
    assert names(client, admin_headers, url, key="email", q="grace h") == ["grace@example.org"]
    assert names(client, admin_headers, url, key="email", q=".org") == ["grace@example.org"]


def test_macros_search_and_filter_kind(client: TestClient, admin_headers: Headers) -> None:
    for name, kind, description in [
        ("paging", "sql", "LIMIT and OFFSET"),
        ("money", "python", "formats amounts"),
        ("tenant_filter", "sql", "rows of the caller's tenant"),
    ]:
        body = {"name": name, "kind": kind, "content": "x = 1\n", "description": description}
        if kind == "sql":
            body["content"] = "{% macro m() %}1{% endmacro %}"
        response = client.post("/api/v1/macros", json=body, headers=admin_headers)
        assert response.status_code == 201, response.text
    url = "/api/v1/macros"
    assert names(client, admin_headers, url, q="offset") == ["paging"]
    assert names(client, admin_headers, url, kind="sql") == ["paging", "tenant_filter"]
    assert names(client, admin_headers, url, kind="python", q="TENANT") == []


def test_datasources_search_name_type_host_and_filter_type(
    client: TestClient, admin_headers: Headers
) -> None:
    make_source(client, admin_headers, UNREACHABLE | {"name": "orders-db", "host": "10.0.0.7"})
    pg = {"type": "postgres", "host": "warehouse.internal", "port": 5432, "database": "dw"}
    make_source(client, admin_headers, pg | {"name": "dw"})
    url = "/api/v1/datasources"
    assert names(client, admin_headers, url, q="ORDERS") == ["orders-db"]
    assert names(client, admin_headers, url, q="warehouse") == ["dw"]
    assert names(client, admin_headers, url, q="postgres") == ["dw"]
    assert names(client, admin_headers, url, q="10.0.0") == ["orders-db"]
    assert names(client, admin_headers, url, type="mysql") == ["orders-db"]


@pytest.mark.parametrize(
    ("params", "problem"),
    [
        ({"q": "x" * 201}, "200"),
        ({"q": "a\x00b"}, "NUL"),
        ({"engine": "cobol"}, "engine"),
        ({"method": "TRACE"}, "method"),
        ({"published": "perhaps"}, "published"),
        ({"limit": 0}, "limit"),
        ({"offset": -1}, "offset"),
    ],
)
def test_bad_list_input_is_a_422_naming_it(
    client: TestClient, admin_headers: Headers, params: dict[str, Any], problem: str
) -> None:
    response = client.get("/api/v1/apis", params=params, headers=admin_headers)
    assert response.status_code == 422, response.text
    assert problem in response.text


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("/api/v1/clients", {"active": "sometimes"}),
        ("/api/v1/datasources", {"type": "oracle"}),
        ("/api/v1/macros", {"kind": "lua"}),
        ("/api/v1/users", {"q": "y" * 201}),
        ("/api/v1/groups", {"q": "y" * 201}),
    ],
)
def test_each_list_refuses_its_bad_filters(
    client: TestClient, admin_headers: Headers, url: str, params: dict[str, Any]
) -> None:
    response = client.get(url, params=params, headers=admin_headers)
    assert response.status_code == 422, response.text


def test_a_blank_q_finds_everything(client: TestClient, admin_headers: Headers) -> None:
    make_module(client, admin_headers, "shop")
    assert listed(client, admin_headers, "/api/v1/modules")[1] == 1
    assert listed(client, admin_headers, "/api/v1/users", q="   ")[1] == 1
