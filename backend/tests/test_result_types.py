"""Exact response types (issue 15): the demo's APIs, published on its SQLite file and on
PostgreSQL and MariaDB databases `sluice demo --source` fills, get typed `data` in the
gateway's OpenAPI document, and every real answer of the gateway fits the schema the
document publishes for it."""

import importlib
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from jsonschema import Draft202012Validator

from sluice.demo.definitions import APIS
from tests.servers import (
    MARIADB_HOST,
    MARIADB_PORT,
    mariadb,
    pg_database_url,
    pg_execute,
    require_mariadb,
    require_postgres,
)
from tests.test_cli import Server
from tests.test_demo import DEBUG_PARAMS, PASSWORD, admin, credentials, run_demo

SOURCES = ("demo", "shop-pg", "shop-maria")
SCRIPTED = {("GET", "stats/monthly")}
"""Script APIs: their answer is what the script returns, untyped unless declared."""
TRANSFORMED = {("GET", "products/{id}")}
"""A result transform reshapes the rows: untyped unless declared."""
SQLITE_UNTYPED = {
    ("GET", "customers/{id}/orders"): {"total_cents"},
    ("GET", "orders"): {"total_cents"},
    ("GET", "stats/categories"): {"orders", "units", "revenue_cents"},
}
"""SQLite types a column read straight from a table (its declared type), never an
expression: its values' types are no promise."""


@dataclass
class Demo:
    server: Server
    token: str
    headers: dict[str, str]
    sources: dict[str, int]
    apis: dict[tuple[str, str], dict[str, Any]]

    def move(self, source: str) -> None:
        """Every demo API published again on `source` (its draft moved there first)."""
        for api in self.apis.values():
            url = f"{self.server.url}/api/v1/apis/{api['id']}"
            patch = {"datasource_id": self.sources[source]}
            moved = httpx.patch(url, json=patch, headers=self.headers)
            assert moved.status_code == 200, moved.text
            published = httpx.post(f"{url}/publish", json={}, headers=self.headers, timeout=60)
            assert published.status_code in (201, 409), published.text

    def document(self) -> dict[str, Any]:
        answer = httpx.get(f"{self.server.url}/api/v1/gateway/openapi.json", timeout=60)
        assert answer.status_code == 200, answer.text
        doc: dict[str, Any] = answer.json()
        return doc

    def call(self, method: str, path: str) -> httpx.Response:
        params = DEBUG_PARAMS[(method, path)]
        route = path.replace("{id}", str(params.get("id", 3)))
        options: dict[str, Any] = {"json": params} if method == "POST" else {"params": params}
        headers = {"Authorization": f"Bearer {self.token}"}
        return httpx.request(method, f"{self.server.url}/demo/{route}", headers=headers, **options)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    require_postgres()
    require_mariadb()
    name = f"sluice_types_test_{uuid.uuid4().hex[:10]}"
    pg_execute(f"CREATE DATABASE {name}")
    maria = mariadb(autocommit=True)
    with maria.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {name}")
    folder = tmp_path_factory.mktemp("types")
    urls = {
        "shop-pg": pg_database_url(name),
        "shop-maria": f"mysql://root@{MARIADB_HOST}:{MARIADB_PORT}/{name}",
    }
    try:
        output = run_demo(folder, *[a for n, u in urls.items() for a in ("--source", f"{n}={u}")])
        server = Server(folder, FIRST_SUPERUSER_PASSWORD=PASSWORD)
        try:
            client_id, secret = credentials(output)
            token = httpx.post(
                f"{server.url}/token/generate",
                json={"client_id": client_id, "client_secret": secret},
            ).json()["access_token"]
            headers = admin(server)
            listed = httpx.get(f"{server.url}/api/v1/datasources", headers=headers).json()
            sources = {s["name"]: s["id"] for s in listed["data"]}
            apis = httpx.get(f"{server.url}/api/v1/apis?limit=100", headers=headers).json()
            by_route = {(a["method"], a["path"]): a for a in apis["data"]}
            yield Demo(server, token, headers, sources, by_route)
        finally:
            server.stop()
    finally:
        with maria.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {name}")
        maria.close()
        pg_execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def success_schema(doc: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    operation = doc["paths"][f"/demo/{path}"][method.lower()]
    schema: dict[str, Any] = operation["responses"]["200"]["content"]["application/json"]["schema"]
    return schema


def row_types(doc: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    data = success_schema(doc, method, path)["properties"]["data"]
    assert data.get("type") == "array", (method, path, data)
    return {name: field.get("type") for name, field in data["items"]["properties"].items()}


@pytest.mark.parametrize("source", SOURCES)
def test_demo_apis_have_typed_rows_and_answer_as_documented(demo: Demo, source: str) -> None:
    demo.move(source)
    doc = demo.document()
    # a write with RETURNING is never run to be described (sequences and AUTO_INCREMENT
    # do not roll back), so its rows stay untyped
    returning = {("POST", "orders")}
    skipped = SCRIPTED | TRANSFORMED | returning
    sql_apis = [a for a in APIS if (a.method, a.path) not in skipped]
    for api in sql_apis:
        types = row_types(doc, api.method, api.path)
        untyped = {name for name, kind in types.items() if not kind}
        allowed = SQLITE_UNTYPED.get((api.method, api.path), set()) if source == "demo" else set()
        assert types and untyped <= allowed, (source, api.path, types)
    products = row_types(doc, "GET", "products")
    assert set(products) == {"id", "name", "category", "price_cents", "stock"}
    assert products["id"] in ("integer", ["integer", "null"]), products
    assert "string" in products["name"], products
    created = success_schema(doc, "POST", "orders")["properties"]["data"]
    assert "type" not in created, created
    paged = success_schema(doc, "GET", "products")
    assert "pagination" in paged["required"]

    for api in APIS:  # every real answer fits its published schema
        answer = demo.call(api.method, api.path)
        assert answer.status_code == 200, (source, api.path, answer.text)
        schema = success_schema(doc, api.method, api.path)
        errors = list(Draft202012Validator(schema).iter_errors(answer.json()))
        assert not errors, (source, api.path, [e.message for e in errors[:3]])


def test_sqlite_typed_schema_rejects_a_wrong_answer(demo: Demo) -> None:
    """The schema is exact enough to catch a wrong type, not just `{}` everywhere."""
    demo.move("demo")
    schema = success_schema(demo.document(), "GET", "products")
    wrong: dict[str, Any] = {
        "success": True,
        "message": None,
        "data": [{"id": "3"}],
        "pagination": {},
    }
    assert list(Draft202012Validator(schema).iter_errors(wrong))


def test_a_column_change_shows_in_the_version_diff_as_breaking(demo: Demo) -> None:
    """Dropping `stock` and sending `price_cents` as text breaks clients; `sku` does not."""
    demo.move("shop-pg")
    api = demo.apis[("GET", "customers")]
    url = f"{demo.server.url}/api/v1/apis/{api['id']}"
    before = httpx.get(f"{url}/versions", headers=demo.headers).json()["data"][0]
    content = (
        "SELECT id, name, email, length(country) AS country, 'x' AS segment FROM customers"
        " ORDER BY id"
    )
    assert httpx.patch(url, json={"content": content}, headers=demo.headers).status_code == 200
    published = httpx.post(f"{url}/publish", json={}, headers=demo.headers, timeout=60)
    assert published.status_code == 201, published.text
    after = published.json()["id"]

    diff = httpx.get(
        f"{url}/versions/{after}/diff", params={"against": before["id"]}, headers=demo.headers
    ).json()
    changes = {c["column"]: (c["change"], c["breaking"]) for c in diff["result_changes"]}
    assert changes == {
        "created_at": ("removed", True),
        "country": ("type_changed", True),
        "segment": ("added", False),
    }
    assert diff["breaking"] is True


def test_a_generated_python_client_calls_a_demo_api(demo: Demo, tmp_path: Path) -> None:
    """openapi-python-client builds a client from the live document without a warning,
    with functions named after the APIs, and its typed models read a real answer."""
    demo.move("shop-pg")
    document = tmp_path / "gateway.json"
    document.write_text(json.dumps(demo.document()))
    generator = Path(sys.executable).with_name("openapi-python-client")
    done = subprocess.run(
        [str(generator), "generate", "--path", str(document), "--meta", "none"]
        + ["--output-path", str(tmp_path / "demo_client")],
        capture_output=True,
        text=True,
        timeout=120,
        env=os.environ | {"PATH": f"{generator.parent}{os.pathsep}{os.environ['PATH']}"},
    )  # its post-hooks run ruff, which the backend's venv has
    assert done.returncode == 0, done.stdout + done.stderr
    assert "warning" not in (done.stdout + done.stderr).lower(), done.stdout + done.stderr

    sys.path.insert(0, str(tmp_path))
    try:
        client_module = importlib.import_module("demo_client")
        products = importlib.import_module("demo_client.api.demo.demo_list_products")
        authorized = importlib.import_module("demo_client.api.demo.demo_list_orders")
        category = importlib.import_module("demo_client.models.demo_list_products_category")
        status = importlib.import_module("demo_client.models.demo_list_orders_status")
        books = category.DemoListProductsCategory("books")
        with client_module.Client(base_url=demo.server.url) as client:
            answer = products.sync(client=client, category=books, page_size=2)
        assert answer.success is True
        assert [type(row.id) for row in answer.data] == [int, int]
        assert all(isinstance(row.name, str) for row in answer.data)
        assert answer.pagination.page_size == 2
        paid = status.DemoListOrdersStatus("paid")
        token = demo.token
        with client_module.AuthenticatedClient(base_url=demo.server.url, token=token) as client:
            orders = authorized.sync(client=client, status=paid)
        assert orders.data and {row.status for row in orders.data} == {"paid"}
    finally:
        sys.path.remove(str(tmp_path))
        for name in [m for m in sys.modules if m.split(".")[0] == "demo_client"]:
            del sys.modules[name]


def test_a_debug_run_shows_the_result_columns(demo: Demo) -> None:
    """What publishing will store, seen while editing: names, database and JSON types."""
    demo.move("shop-maria")
    api = demo.apis[("GET", "stats/categories")]
    url = f"{demo.server.url}/api/v1/apis/{api['id']}/debug"
    run = httpx.post(url, json={"params": {}}, headers=demo.headers, timeout=60).json()
    assert run["ok"], run
    columns = {c["name"]: c for c in run["result_columns"]}
    assert list(columns) == ["category", "orders", "units", "revenue_cents"]
    assert columns["orders"]["json_schema"]["type"] == "integer"  # COUNT is never NULL
    assert columns["orders"]["nullable"] is False
    assert columns["revenue_cents"]["json_schema"]["format"] == "decimal"  # MariaDB's SUM
    assert all(isinstance(row["revenue_cents"], str) for row in run["data"])
    script = demo.apis[("GET", "stats/monthly")]
    url = f"{demo.server.url}/api/v1/apis/{script['id']}/debug"
    run = httpx.post(url, json={"params": {"year": 2024}}, headers=demo.headers).json()
    assert run["ok"] and run["result_columns"] is None
