"""Generated CRUD APIs, published, pass their own round trip through the gateway: on real
PostgreSQL, MariaDB and SQLite tables with a composite key, quoted mixed-case names and a
column called `order`; a table without a key gets list only; on Trino, list and get."""

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient

from sluice.config import Settings
from tests.connectors.fake_trino import FakeTrino
from tests.factories import make_source, publish
from tests.targets import Target, target, trino_server

__all__ = ["trino_server"]

COLUMNS = (
    "{OrderId} INTEGER NOT NULL, {line no} INTEGER NOT NULL, {order} VARCHAR(40), "
    "{Qty} INTEGER DEFAULT 1 NOT NULL, price DECIMAL(10,2), shipped DATE, note VARCHAR(100), "
    "PRIMARY KEY ({OrderId}, {line no})"
)
AUTO_KEY = {
    "postgres": "id SERIAL PRIMARY KEY",
    "mariadb": "id INTEGER AUTO_INCREMENT PRIMARY KEY",
    "sqlite": "id INTEGER PRIMARY KEY",
}


@pytest.fixture(params=["postgres", "mariadb", "sqlite"])
def place(
    request: pytest.FixtureRequest, settings: Settings, trino_server: tuple[FakeTrino, int]
) -> Iterator[Target]:
    with target(request.param, settings.sqlite_datasource_dir, trino_server) as made:
        yield made


def create_table(place: Target, prefix: str, columns: str) -> str:
    name = place.table(prefix)
    quoted = columns.format(**{n: place.quote(n) for n in ("OrderId", "line no", "order", "Qty")})
    place.run(f"CREATE TABLE {place.quote(name)} ({quoted})")
    return name


class Generated:
    """Generated and published APIs, called through the gateway by operation."""

    def __init__(self, client: TestClient, headers: dict[str, str], result: dict[str, Any]):
        self.client, self.result = client, result
        self.urls = {api["operation"]: api["url"] for api in result["apis"]}
        for api in result["apis"]:
            publish(client, headers, api["id"])

    def call(self, method: str, url: str, **kwargs: Any) -> Any:
        answer = self.client.request(method, url, **kwargs)
        assert answer.status_code == 200, answer.text
        return answer.json()["data"]

    def list(self, **query: Any) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = self.call("GET", self.urls["list"], params=query)
        return rows

    def keyed(self, operation: str, *key: Any) -> str:
        url: str = self.urls[operation]
        for value in key:
            url = url[: url.index("{")] + str(value) + url[url.index("}") + 1 :]
        return url


def generate(
    client: TestClient, headers: dict[str, str], source_id: int, table: str, **body: Any
) -> dict[str, Any]:
    url = f"/api/v1/datasources/{source_id}/tables/{table}/generate"
    answer = client.post(url, json={"access": "public"} | body, headers=headers)
    assert answer.status_code == 201, answer.text
    result: dict[str, Any] = answer.json()
    return result


def lines(rows: list[dict[str, Any]]) -> list[tuple[int, int]]:
    return [(row["OrderId"], row["line no"]) for row in rows]


def test_the_generated_apis_round_trip(
    client: TestClient, admin_headers: dict[str, str], place: Target
) -> None:
    table = create_table(place, "Order Lines", COLUMNS)
    source = make_source(client, admin_headers, place.source)
    result = generate(
        client,
        admin_headers,
        source["id"],
        table,
        module_name="crud",
        filter_columns=["order", "Qty", "shipped", "note"],
    )
    assert result["primary_key"] == ["OrderId", "line no"]
    assert [api["operation"] for api in result["apis"]] == [
        "list",
        "get",
        "create",
        "update",
        "delete",
    ]
    apis = Generated(client, admin_headers, result)
    prefix = apis.urls["list"]
    assert apis.urls["get"] == f"{prefix}/{{OrderId}}/{{line_no}}"

    made = apis.call(
        "POST",
        prefix,
        json={"OrderId": 1, "line_no": 1, "order": "First", "price": 9.5, "shipped": "2024-01-02"},
    )
    (row,) = made  # RETURNING: PostgreSQL, SQLite 3.35+, MariaDB 10.5+
    assert (row["OrderId"], row["line no"], row["order"], row["Qty"]) == (1, 1, "First", 1)
    assert Decimal(str(row["price"])) == Decimal("9.5")
    for order_id, line, order, qty, shipped in [
        (1, 2, "second", 5, "2024-02-10"),
        (2, 1, "third", 3, "2024-03-01"),
        (2, 2, "Firstly", 8, None),
    ]:
        body = {"OrderId": order_id, "line_no": line, "order": order, "Qty": qty}
        apis.call("POST", prefix, json=body | ({"shipped": shipped} if shipped else {}))

    assert lines(apis.list()) == [(1, 1), (1, 2), (2, 1), (2, 2)]
    assert lines(apis.list(order="second")) == [(1, 2)]
    assert lines(apis.list(order_in="third,second")) == [(1, 2), (2, 1)]
    assert lines(apis.list(Qty_min=3, Qty_max=5)) == [(1, 2), (2, 1)]
    assert lines(apis.list(shipped_min="2024-02-01")) == [(1, 2), (2, 1)]
    assert lines(apis.list(q="FIRST")) == [(1, 1), (2, 2)]
    assert lines(apis.list(sort="Qty", sort_dir="desc")) == [(2, 2), (1, 2), (2, 1), (1, 1)]
    assert lines(apis.list(sort="order", limit=2, offset=1)) == [(2, 2), (1, 2)]
    refused = client.get(prefix, params={"sort": "price; DROP TABLE x"})
    assert refused.status_code == 400 and "sort" in refused.json()["message"]

    assert lines(apis.call("GET", apis.keyed("get", 2, 1))) == [(2, 1)]
    assert apis.call("GET", apis.keyed("get", 9, 9)) == []

    patch = apis.keyed("update", 1, 2)
    apis.call("PATCH", patch, json={"note": "fragile"})
    (row,) = apis.call("GET", apis.keyed("get", 1, 2))
    assert (row["note"], row["order"], row["Qty"]) == ("fragile", "second", 5)
    apis.call("PATCH", patch, json={"set_null": ["order"], "Qty": 6})
    apis.call("PATCH", patch, json={})  # nothing to change: the row stays as it is
    (row,) = apis.call("GET", apis.keyed("get", 1, 2))
    assert (row["note"], row["order"], row["Qty"]) == ("fragile", None, 6)

    gone = apis.call("DELETE", apis.keyed("delete", 1, 2))
    assert lines(gone) == [(1, 2)]  # every database here has DELETE ... RETURNING
    assert apis.call("GET", apis.keyed("get", 1, 2)) == []
    assert lines(apis.list()) == [(1, 1), (2, 1), (2, 2)]


def test_a_generated_key_is_filled_by_the_database(
    client: TestClient, admin_headers: dict[str, str], place: Target
) -> None:
    table = create_table(place, "Notes", f"{AUTO_KEY[place.kind]}, body VARCHAR(50) NOT NULL")
    source = make_source(client, admin_headers, place.source)
    result = generate(client, admin_headers, source["id"], table, module_name="notes")
    apis = Generated(client, admin_headers, result)
    create = next(api for api in result["apis"] if api["operation"] == "create")
    assert {p["name"]: p.get("required") for p in create["params"]} == {
        "id": False,
        "body": True,
    }
    first = apis.call("POST", apis.urls["create"], json={"body": "hello"})
    second = apis.call("POST", apis.urls["create"], json={"body": "again"})
    assert (first[0]["id"], second[0]["id"]) == (1, 2)
    assert [row["body"] for row in apis.list(sort_dir="desc")] == ["again", "hello"]


def test_a_table_without_a_key_gets_list_only(
    client: TestClient, admin_headers: dict[str, str], place: Target
) -> None:
    table = create_table(place, "log", "at VARCHAR(30), message VARCHAR(99)")
    place.run(f"INSERT INTO {place.quote(table)} VALUES ('monday', 'up'), ('tuesday', 'down')")
    source = make_source(client, admin_headers, place.source)
    result = generate(
        client, admin_headers, source["id"], table, module_name="logs", filter_columns=["message"]
    )
    assert [api["operation"] for api in result["apis"]] == ["list"]
    assert result["messages"] == [
        f"The table {table!r} has no primary key, so only list is generated (get, create,"
        " update and delete need a key that identifies one row): name the columns that do"
        " in key_columns to get them"
    ]
    apis = Generated(client, admin_headers, result)
    assert apis.list(message="down") == [{"at": "tuesday", "message": "down"}]
    assert [row["at"] for row in apis.list(sort="at", sort_dir="desc")] == ["tuesday", "monday"]


def test_trino_gets_list_and_get(
    client: TestClient,
    admin_headers: dict[str, str],
    settings: Settings,
    trino_server: tuple[FakeTrino, int],
) -> None:
    with target("trino", settings.sqlite_datasource_dir, trino_server) as place:
        table = place.table("Orders")
        place.run(f'CREATE TABLE "{table}" (id INTEGER, "order" VARCHAR(20), total DOUBLE)')
        place.run(f"INSERT INTO \"{table}\" VALUES (1, 'a', 2.5), (2, 'b', 7.0), (3, 'a', 1.0)")
        source = make_source(client, admin_headers, place.source)
        url = f"/api/v1/datasources/{source['id']}/tables/{table}/generate"
        plain = client.post(url, json={"module_name": "lake"}, headers=admin_headers)
        assert plain.status_code == 201, plain.text
        assert [api["operation"] for api in plain.json()["apis"]] == ["list"]
        assert any("Trino" in message for message in plain.json()["messages"])

        result = generate(
            client,
            admin_headers,
            source["id"],
            table,
            module_name="warehouse",
            key_columns=["id"],
            filter_columns=["order", "total"],
        )
        assert [api["operation"] for api in result["apis"]] == ["list", "get"]
        assert "OFFSET {{ offset }} LIMIT {{ limit }}" in result["apis"][0]["sql"]
        apis = Generated(client, admin_headers, result)
        assert [row["id"] for row in apis.list(order="a", sort="total")] == [3, 1]
        assert [row["id"] for row in apis.list(total_min=2, limit=1, offset=1)] == [2]
        assert apis.call("GET", apis.keyed("get", 2)) == [{"id": 2, "order": "b", "total": 7.0}]
