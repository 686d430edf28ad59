"""`sluice demo` as a user runs it: the real command in a fresh folder, then `sluice serve`,
the printed curl commands run as printed, every demo API called through the gateway, a
second run that changes nothing, `--source` into real PostgreSQL and MariaDB databases,
and `sluice serve` with LOAD_DEMO."""

import hashlib
import json
import shutil
import sqlite3
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from itertools import takewhile
from pathlib import Path
from typing import Any

import httpx2 as httpx
import psycopg
import pytest
from sqlalchemy import create_engine, inspect, text

from sluice.demo.definitions import APIS
from sluice.demo.shop import TABLES, generate
from tests.servers import (
    MARIADB_HOST,
    MARIADB_PORT,
    mariadb,
    pg_database_url,
    pg_execute,
    require_mariadb,
    require_postgres,
)
from tests.test_cli import SLUICE, Server, clean_env

PASSWORD = "demo-admin-password-1"
PRINTED_URL = "http://127.0.0.1:8000"


def run_demo(folder: Path, *args: str) -> str:
    done = subprocess.run(
        [*SLUICE, "demo", *args],
        cwd=folder,
        env=clean_env(folder),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def data_file(folder: Path) -> Path:
    return folder / "data" / "datasources" / "demo.sqlite3"


def file_rows(folder: Path, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(data_file(folder))) as db:
        return db.execute(sql, params).fetchall()


def file_counts(folder: Path) -> dict[str, int]:
    return {t.name: file_rows(folder, f"SELECT count(*) FROM {t.name}")[0][0] for t in TABLES}


def printed_commands(output: str) -> list[str]:
    """The indented lines under "Try it", as a user would copy them."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Try it")) + 1
    return [line[2:] for line in takewhile(lambda line: line.startswith("  "), lines[start:])]


def run_printed(commands: list[str]) -> list[Any]:
    """Run the commands in bash, exactly as printed; the JSON documents they print."""
    assert shutil.which("curl") and shutil.which("python3")
    script = "set -euo pipefail\n" + "\n".join(commands)
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    documents, decoder, rest = [], json.JSONDecoder(), done.stdout.strip()
    while rest:
        document, end = decoder.raw_decode(rest)
        documents.append(document)
        rest = rest[end:].strip()
    return documents


def credentials(output: str) -> tuple[str, str]:
    fields = dict(
        line.strip().split(":", 1) for line in output.splitlines() if line.startswith("  client_")
    )
    return fields["client_id"].strip(), fields["client_secret"].strip()


@dataclass
class Loaded:
    folder: Path
    output: str
    counts: dict[str, int]
    """The demo file's rows per table right after loading."""
    digest: str
    """The demo file's sha256 right after loading."""
    server: Server
    token: str


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Loaded]:
    folder = tmp_path_factory.mktemp("demo")
    output = run_demo(folder)
    digest = hashlib.sha256(data_file(folder).read_bytes()).hexdigest()
    counts = file_counts(folder)
    server = Server(folder, FIRST_SUPERUSER_PASSWORD=PASSWORD)
    try:
        client_id, secret = credentials(output)
        answer = httpx.post(
            f"{server.url}/token/generate", json={"client_id": client_id, "client_secret": secret}
        )
        assert answer.status_code == 200, answer.text
        yield Loaded(folder, output, counts, digest, server, answer.json()["access_token"])
    finally:
        server.stop()


def call(loaded: Loaded, method: str, path: str, token: bool = True, **options: Any) -> Any:
    headers = {"Authorization": f"Bearer {loaded.token}"} if token else {}
    return httpx.request(method, f"{loaded.server.url}/demo/{path}", headers=headers, **options)


def data(response: Any) -> Any:
    assert response.status_code == 200, response.text
    return response.json()["data"]


def test_the_first_run_prints_the_client_once_and_curl_commands_that_return_demo_rows(
    loaded: Loaded,
) -> None:
    assert loaded.counts == {name: len(rows) for name, rows in generate().items()}
    assert 2000 < sum(loaded.counts.values()) < 10_000
    commands = printed_commands(loaded.output)
    assert commands[0] == f"SLUICE={PRINTED_URL}"
    assert any("/token/generate" in c for c in commands)
    commands[0] = f"SLUICE={loaded.server.url}"  # the test's server listens elsewhere

    public, private = run_printed(commands)

    books = file_rows(loaded.folder, "SELECT id FROM products WHERE category = 'books'")
    assert [row["id"] for row in public["data"]] == [row[0] for row in books[:3]]
    assert public["pagination"]["total"] == len(books)
    assert {row["status"] for row in private["data"]} == {"shipped"}
    shipped = file_rows(loaded.folder, "SELECT count(*) FROM orders WHERE status = 'shipped'")
    assert private["pagination"]["total"] == shipped[0][0] > 0


def test_every_demo_api_answers_as_documented(loaded: Loaded) -> None:
    checks = {
        ("GET", "products"): check_products,
        ("GET", "products/{id}"): check_product,
        ("GET", "customers"): check_customers,
        ("GET", "customers/{id}/orders"): check_customer_orders,
        ("GET", "orders"): check_orders,
        ("POST", "orders"): check_create_order,
        ("GET", "stats/monthly"): check_monthly,
        ("GET", "stats/categories"): check_categories,
    }
    assert set(checks) == {(api.method, api.path) for api in APIS}  # a new API needs a check
    for api in APIS:
        example = api.path.replace("{id}", "3")
        refused = call(loaded, api.method, example, token=False)
        if api.access == "public":
            assert refused.status_code == 200, api.path
        else:
            assert refused.status_code == 401, api.path
            assert refused.json()["error"] == "unauthorized"
        checks[(api.method, api.path)](loaded)


def check_products(loaded: Loaded) -> None:
    answer = call(loaded, "GET", "products?q=TENT&in_stock=true&page_size=2", token=False)
    found = file_rows(
        loaded.folder, "SELECT id FROM products WHERE name LIKE '%tent%' AND stock > 0 ORDER BY id"
    )
    assert [row["id"] for row in data(answer)] == [row[0] for row in found[:2]]
    assert answer.json()["pagination"]["total"] == len(found)
    assert answer.headers["X-RateLimit-Limit"] == "120"


def check_product(loaded: Loaded) -> None:
    name, cents, stock = file_rows(
        loaded.folder, "SELECT name, price_cents, stock FROM products WHERE id = 3"
    )[0]
    product = data(call(loaded, "GET", "products/3"))
    assert product["name"] == name
    assert product["price"] == f"{cents // 100}.{cents % 100:02d}"
    assert product["in_stock"] is (stock > 0)
    assert "price_cents" not in product
    assert data(call(loaded, "GET", "products/99999")) is None


def check_customers(loaded: Loaded) -> None:
    answer = call(loaded, "GET", "customers?country=SE&limit=2&offset=1")
    swedes = file_rows(loaded.folder, "SELECT id FROM customers WHERE country = 'SE' ORDER BY id")
    assert [row["id"] for row in data(answer)] == [row[0] for row in swedes[1:3]]
    assert answer.json()["pagination"] == {
        "limit": 2,
        "offset": 1,
        "total": len(swedes),
        "has_more": len(swedes) > 3,
    }


def check_customer_orders(loaded: Loaded) -> None:
    orders = data(call(loaded, "GET", "customers/7/orders"))
    expected = file_rows(
        loaded.folder,
        "SELECT o.id, (SELECT sum(quantity * unit_price_cents) FROM order_lines"
        " WHERE order_id = o.id) FROM orders o WHERE customer_id = 7"
        " ORDER BY ordered_at DESC, id DESC",
    )
    assert [(o["id"], o["total_cents"]) for o in orders] == expected


def check_orders(loaded: Loaded) -> None:
    answer = call(loaded, "GET", "orders?since=2024-06-01&until=2024-06-08&page=2&page_size=5")
    week = file_rows(
        loaded.folder,
        "SELECT id FROM orders WHERE ordered_at >= '2024-06-01' AND ordered_at < '2024-06-08'"
        " ORDER BY ordered_at DESC, id DESC",
    )
    assert [row["id"] for row in data(answer)] == [row[0] for row in week[5:10]]
    assert answer.json()["pagination"]["page"] == 2
    backwards = call(loaded, "GET", "orders?since=2024-06-08&until=2024-06-01")
    assert backwards.status_code == 400
    assert backwards.json()["message"] == "until must be a later day than since"


def check_create_order(loaded: Loaded) -> None:
    last = file_rows(loaded.folder, "SELECT max(id) FROM orders")[0][0]
    created = data(call(loaded, "POST", "orders", json={"customer_id": 5}))
    assert len(created) == 1
    assert created[0]["id"] == last + 1
    assert (created[0]["customer_id"], created[0]["status"]) == (5, "new")
    assert file_rows(loaded.folder, "SELECT customer_id FROM orders WHERE id = ?", (last + 1,))
    assert data(call(loaded, "POST", "orders", json={"customer_id": 99999})) == []


def check_monthly(loaded: Loaded) -> None:
    months = data(call(loaded, "GET", "stats/monthly?year=2024"))
    assert [m["month"] for m in months] == [f"2024-{n:02d}" for n in range(1, 13)]
    revenue = file_rows(
        loaded.folder,
        "SELECT sum(quantity * unit_price_cents) FROM order_lines l JOIN orders o"
        " ON o.id = l.order_id WHERE status <> 'cancelled' AND ordered_at LIKE '2024-%'",
    )[0][0]
    assert sum(m["revenue_cents"] for m in months) == revenue
    assert months[0]["growth_pct"] is None and isinstance(months[1]["growth_pct"], float)


def check_categories(loaded: Loaded) -> None:
    first = call(loaded, "GET", "stats/categories")
    second = call(loaded, "GET", "stats/categories")
    assert (first.headers["X-Cache"], second.headers["X-Cache"]) == ("MISS", "HIT")
    assert data(first) == data(second)
    assert {row["category"] for row in data(first)} == {
        row[0] for row in file_rows(loaded.folder, "SELECT DISTINCT category FROM products")
    }


def store_contents(folder: Path) -> dict[str, list[str]]:
    """Every row of every table of the app store, in a comparable form."""
    engine = create_engine(f"sqlite:///{folder / 'data' / 'sluice.db'}")
    try:
        with engine.connect() as connection:
            names = inspect(connection).get_table_names()
            return {
                name: sorted(
                    repr(tuple(row)) for row in connection.execute(text(f'SELECT * FROM "{name}"'))
                )
                for name in names
            }
    finally:
        engine.dispose()


def test_a_second_run_changes_nothing(tmp_path: Path, loaded: Loaded) -> None:
    first = run_demo(tmp_path)
    store, digest = store_contents(tmp_path), hashlib.sha256(data_file(tmp_path).read_bytes())
    assert digest.hexdigest() == loaded.digest  # another run, the same data, byte for byte
    assert len(store["api_version"]) == len(APIS)

    again = run_demo(tmp_path)

    assert store_contents(tmp_path) == store
    assert hashlib.sha256(data_file(tmp_path).read_bytes()).hexdigest() == loaded.digest
    assert "client_secret" not in again and "Try it" not in again
    assert "left as they are" in again
    assert f"client_id {credentials(first)[0]}" in again
    assert "Regenerate secret" in again


@pytest.fixture
def databases() -> Iterator[str]:
    """A PostgreSQL and a MariaDB database of this test's own (the same name on both)."""
    require_postgres()
    require_mariadb()
    name = f"sluice_demo_test_{uuid.uuid4().hex[:10]}"
    pg_execute(f"CREATE DATABASE {name}")
    maria = mariadb(autocommit=True)
    try:
        with maria.cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {name}")
        yield name
    finally:
        with maria.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {name}")
        maria.close()
        pg_execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_sources_fill_postgres_and_mariadb(loaded: Loaded, databases: str) -> None:
    urls = {
        "shop-pg": pg_database_url(databases),
        "shop-maria": f"mysql://root@{MARIADB_HOST}:{MARIADB_PORT}/{databases}",
    }
    args = [arg for name, url in urls.items() for arg in ("--source", f"{name}={url}")]
    output = run_demo(loaded.folder, *args)
    assert '"shop-pg" (postgres ' in output and "created)" in output

    headers = admin(loaded.server)
    sources = httpx.get(f"{loaded.server.url}/api/v1/datasources", headers=headers).json()
    ids = {s["name"]: s["id"] for s in sources["data"]}
    for name in urls:
        tables = httpx.get(
            f"{loaded.server.url}/api/v1/datasources/{ids[name]}/tables", headers=headers
        )
        assert tables.status_code == 200, tables.text
        listed = {t["name"] for t in tables.json()["data"]}
        assert {t.name for t in TABLES} <= listed
    rows = generate()
    for reader in (pg_rows(databases), maria_rows(databases)):
        assert {name: len(found) for name, found in reader.items()} == loaded.counts
        assert reader == {name: [tuple(r) for r in found] for name, found in rows.items()}

    again = run_demo(loaded.folder, *args)
    lines = [line for line in again.splitlines() if line.startswith('Data source "shop-')]
    assert len(lines) == 2
    assert not [line for line in lines if ", created)" in line or ", updated)" in line]
    assert {name: len(found) for name, found in pg_rows(databases).items()} == loaded.counts

    for name in urls:  # the demo's APIs, pointed at the filled database, answer the same
        for api, params in DEBUG_PARAMS.items():
            on_file, there = debug_on(loaded.server, headers, api, params, ids["demo"], ids[name])
            if api == ("POST", "orders"):
                assert [row["customer_id"] for row in there] == [5], name
            else:
                assert on_file and comparable(there) == comparable(on_file), (name, api)


DEBUG_PARAMS: dict[tuple[str, str], dict[str, Any]] = {
    ("GET", "products"): {"category": "books", "q": "o", "in_stock": True},
    ("GET", "products/{id}"): {"id": 3},
    ("GET", "customers"): {"country": "SE", "q": "an"},
    ("GET", "customers/{id}/orders"): {"id": 7},
    ("GET", "orders"): {"status": "paid", "since": "2024-12-01", "until": "2024-12-15"},
    ("POST", "orders"): {"customer_id": 5},
    ("GET", "stats/monthly"): {"year": 2024},
    ("GET", "stats/categories"): {},
}


def debug_on(
    server: Server,
    headers: dict[str, str],
    route: tuple[str, str],
    params: dict[str, Any],
    *sources: int,
) -> list[Any]:
    """The API's draft run on each source in turn (a debug run); the draft is put back on
    the first source."""
    listed = httpx.get(f"{server.url}/api/v1/apis?limit=100", headers=headers).json()["data"]
    api = next(a for a in listed if (a["method"], a["path"]) == route)
    results = []
    for source in (*sources, sources[0]):
        url = f"{server.url}/api/v1/apis/{api['id']}"
        moved = httpx.patch(url, json={"datasource_id": source}, headers=headers)
        assert moved.status_code == 200, moved.text
        run = httpx.post(f"{url}/debug", json={"params": params}, headers=headers).json()
        assert run["ok"], run
        results.append(run["data"])
    return results[:-1]


def comparable(value: Any) -> Any:
    """Data as each database types it, made alike: MySQL sums are decimals (strings in
    JSON), PostgreSQL and MySQL timestamps carry a T."""
    if isinstance(value, list):
        return [comparable(item) for item in value]
    if isinstance(value, dict):
        return {key: comparable(item) for key, item in value.items()}
    text = str(value)
    return text.replace("T", " ") if len(text) == 19 and text[10] == "T" else text


def admin(server: Server) -> dict[str, str]:
    answer = httpx.post(
        f"{server.url}/api/v1/login/access-token",
        data={"username": "admin@example.com", "password": PASSWORD},
    )
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def plain(value: Any) -> Any:
    return value.strftime("%Y-%m-%d %H:%M:%S") if isinstance(value, datetime) else value


def pg_rows(name: str) -> dict[str, list[tuple[Any, ...]]]:
    with psycopg.connect(pg_database_url(name)) as db:
        return {
            t.name: [
                tuple(map(plain, r)) for r in db.execute(f"SELECT * FROM {t.name} ORDER BY id")
            ]
            for t in TABLES
        }


def maria_rows(name: str) -> dict[str, list[tuple[Any, ...]]]:
    db = mariadb()
    try:
        found = {}
        with db.cursor() as cursor:
            for table in TABLES:
                cursor.execute(f"SELECT * FROM {name}.{table.name} ORDER BY id")
                found[table.name] = [tuple(map(plain, r)) for r in cursor.fetchall()]
        return found
    finally:
        db.close()


def test_serve_loads_the_demo_on_an_empty_store_once(tmp_path: Path) -> None:
    server = Server(tmp_path, workers=2, start_seconds=150, LOAD_DEMO="true")
    try:
        log = server.log.read_text()
        assert log.count("client_secret:") == 1 and log.count("Password (shown once") == 1
        assert log.index("Password (shown once") < log.index("client_secret:")
        commands = printed_commands(log)
        assert commands[0] == f"SLUICE={server.url}"
        public, private = run_printed(commands)
        assert public["success"] and len(public["data"]) == 3
        assert private["success"] and {row["status"] for row in private["data"]} == {"shipped"}
    finally:
        server.stop()


def test_serve_leaves_a_store_in_use_without_the_demo(tmp_path: Path) -> None:
    env = clean_env(tmp_path)
    subprocess.run(
        [*SLUICE, "create-superuser", "--email", "me@example.com", "--password", "me-password-1"],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
    )
    server = Server(tmp_path, LOAD_DEMO="true")
    try:
        assert httpx.get(f"{server.url}/demo/products").status_code == 404
    finally:
        log = server.stop()
    assert "Demo client" not in log and "Try it" not in log
    assert not data_file(tmp_path).exists()


def test_serve_starts_when_the_demo_cannot_be_loaded(tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("a file where the data-source folder should be")
    server = Server(tmp_path, LOAD_DEMO="true", SQLITE_DATASOURCE_DIR=str(tmp_path / "taken"))
    try:
        assert httpx.get(f"{server.url}/health/ready").status_code == 200
    finally:
        log = server.stop()
    assert "Password (shown once" in log
    assert "The demo was not loaded (Cannot create the demo's file" in log
    assert "run `sluice demo` to load it" in log
