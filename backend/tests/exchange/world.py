"""A store with one object of every kind and shape the file format has, made through the
admin API with the test factories: data sources with and without a password, an inactive
module, SQL and Python macros (one whose draft moved on after publishing), APIs live,
never published, and live with a draft that differs, a script API, a transform, a param
check, test cases (one run as a client), groups and clients with grants, attributes and
address ranges."""

import sqlite3
from dataclasses import dataclass, field
from typing import Any

from tests.exchange.conftest import Side
from tests.factories import make_api, make_module, make_source, publish

PG_PASSWORD = "pg-password-never-exported-1"
"""The PostgreSQL of the tests trusts local logins, so any password connects."""

ITEMS = [(1, "ada", 3.5), (2, "bob", 7.0), (3, "cy", 1.25)]


@dataclass
class World:
    secrets: list[str] = field(default_factory=list)
    """Every secret set, which no export may show."""
    client_secret: str = ""
    """The secret of the client `app`, which reaches every private API."""
    apis: dict[str, int] = field(default_factory=dict)


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def sqlite_file(side: Side, name: str = "shop.db") -> None:
    folder = side.settings.sqlite_datasource_dir
    folder.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(folder / name) as db:
        db.execute(
            "CREATE TABLE IF NOT EXISTS items (id INTEGER PRIMARY KEY, name TEXT, price REAL)"
        )
        db.executemany("INSERT OR REPLACE INTO items VALUES (?, ?, ?)", ITEMS)
    db.close()


PAGING = """\
{% macro limit(n) -%}
LIMIT {{ n|sql_int }}
{%- endmacro %}
"""
COLUMNS = "{% macro columns() %}id, name{% endmacro %}\n"
FORMAT = "def money(value):\n    return '%.2f' % value\n"
ITEMS_SQL = """\
{% import 'paging' as p %}
SELECT id, name, price FROM items
{% where %}
  {% if q %}AND name LIKE {{ q|sql_like }}{% endif %}
{% endwhere %}
ORDER BY id {{ p.limit(size) }}
"""
REPORT = """\
from macros.fmt import money

def execute(params):
    rows = db.query("SELECT price FROM items ORDER BY id")
    return {"total": money(sum(row["price"] for row in rows)), "tag": params.get("tag")}
"""
TRANSFORM = "def transform(result, params):\n\treturn [dict(r, tagged=True) for r in result]  \n"
CHECK = "def validate(params):\n    if params['id'] > 100:\n        return 'id too large'\n"


def build(side: Side) -> World:
    """Build the world on `side`; what the tests need to call and grep."""
    c, h = side.client, side.admin
    world = World(secrets=[PG_PASSWORD])
    sqlite_file(side)
    lite = make_source(c, h, {"name": "lite", "type": "sqlite", "options": {"path": "shop.db"}})
    pg = make_source(
        c,
        h,
        {
            "name": "pg",
            "type": "postgres",
            "host": "127.0.0.1",
            "port": 5432,
            "database": "test",
            "username": "postgres",
            "password": PG_PASSWORD,
            "options": {"sslmode": "disable"},
            "pool_size": 2,
            "description": "The tests' PostgreSQL",
        },
    )
    shop = make_module(c, h, "shop")["id"]
    ops = make_module(c, h, "ops")["id"]
    c.patch(f"/api/v1/modules/{ops}", json={"mcp_hidden": True}, headers=h).raise_for_status()
    _ok(
        c.patch(
            f"/api/v1/modules/{ops}", json={"is_active": False, "description": "Ops"}, headers=h
        )
    )
    _macros(side, shop)
    _apis(side, world, shop, ops, lite["id"], pg["id"])
    _grants(side, world)
    return world


def _macro(side: Side, body: dict[str, Any], publish_it: bool = True) -> int:
    c, h = side.client, side.admin
    macro = _ok(c.post("/api/v1/macros", json=body, headers=h), 201)
    if publish_it:
        _ok(c.post(f"/api/v1/macros/{macro['id']}/publish", json={}, headers=h), 201)
    return int(macro["id"])


def _macros(side: Side, shop: int) -> None:
    _macro(side, {"name": "paging", "content": PAGING, "description": "LIMIT n"})
    _macro(side, {"name": "fmt", "kind": "python", "content": FORMAT})
    columns = _macro(side, {"name": "shop_columns", "content": COLUMNS, "module_id": shop})
    draft = {"content": COLUMNS.replace("id, name", "id, name, price")}
    _ok(side.client.patch(f"/api/v1/macros/{columns}", json=draft, headers=side.admin))
    _macro(side, {"name": "unused", "content": ""}, publish_it=False)


def _apis(side: Side, world: World, shop: int, ops: int, lite: int, pg: int) -> None:
    c, h = side.client, side.admin
    query = {"location": "query"}
    items = make_api(
        c,
        h,
        module_id=shop,
        datasource_id=lite,
        name="List items",
        path="items",
        content=ITEMS_SQL,
        cache_ttl_seconds=60,
        params=[
            query | {"name": "q", "type": "string", "max": 20, "description": "Part of a name"},
            query | {"name": "size", "type": "integer", "min": 1, "max": 3, "default": 2},
        ],
    )
    item = make_api(
        c,
        h,
        module_id=shop,
        datasource_id=lite,
        name="Get an item",
        path="items/{id}",
        access="private",
        content="SELECT id, name FROM items WHERE id = {{ id }}",
        result_transform=TRANSFORM,
        param_validation=CHECK,
        params=[{"name": "id", "location": "path", "type": "integer", "required": True}],
    )
    report = make_api(
        c,
        h,
        module_id=shop,
        datasource_id=lite,
        name="Report",
        path="report",
        engine="script",
        access="private",
        content=REPORT,
        rate_limit_per_minute=100,
        params=[query | {"name": "tag", "type": "string", "enum": ["a", "b"]}],
    )
    draft = make_api(
        c,
        h,
        module_id=shop,
        name="Work in progress",
        path="wip",
        method="POST",
        allow_whole_table_writes=True,
        mcp_writes=True,
        mcp_hidden=True,
        content="SELECT {{ unfinished",
    )
    now = make_api(
        c,
        h,
        module_id=ops,
        datasource_id=pg,
        name="Now",
        path="now",
        access="private",
        timeout_ms=5000,
        content="SELECT 1 AS one",
    )
    for api in (items, item, report, now):
        publish(c, h, api["id"])
    edited = {"content": "SELECT id, name, price FROM items WHERE id = {{ id }}"}
    _ok(c.patch(f"/api/v1/apis/{item['id']}", json=edited, headers=h))
    world.apis = {
        "shop/List items": items["id"],
        "shop/Get an item": item["id"],
        "shop/Report": report["id"],
        "shop/Work in progress": draft["id"],
        "ops/Now": now["id"],
    }


def _grants(side: Side, world: World) -> None:
    c, h = side.client, side.admin
    group = _ok(
        c.post(
            "/api/v1/groups",
            json={"name": "readers", "api_ids": [world.apis["shop/Get an item"]]},
            headers=h,
        ),
        201,
    )
    app = _ok(
        c.post(
            "/api/v1/clients",
            json={
                "name": "app",
                "group_ids": [group["id"]],
                "api_ids": [world.apis["shop/Report"], world.apis["ops/Now"]],
                "attributes": {"tenant": "north", "tiers": [1, 2]},
                "rate_limit_per_minute": 1000,
            },
            headers=h,
        ),
        201,
    )
    retired = {"name": "retired", "is_active": False, "allowed_ips": ["10.0.0.0/8", "192.0.2.1"]}
    other = _ok(c.post("/api/v1/clients", json=retired, headers=h), 201)
    world.client_secret = app["client_secret"]
    world.secrets += [app["client_secret"], other["client_secret"]]
    _tests(side, world, app["id"])


def _tests(side: Side, world: World, client: int) -> None:
    """Test cases: one plain, one as a client with every kind of expectation."""
    c, h = side.client, side.admin
    cases: dict[str, list[dict[str, Any]]] = {
        "shop/List items": [
            {"name": "two by default", "expect": {"rows": 2, "max_ms": 5000}},
            {
                "name": "as the app",
                "params": {"q": "a", "size": 3},
                "client_id": client,
                "expect": {
                    "status": 200,
                    "rows_min": 1,
                    "rows_max": 3,
                    "fields": [{"row": 0, "field": "name", "equals": "ada"}],
                    "schema": {"type": "array", "items": {"type": "object"}},
                },
            },
        ],
        "shop/Get an item": [
            {"name": "too large", "params": {"id": 101}, "expect": {"code": "bad_request"}}
        ],
    }
    for key, tests in cases.items():
        for test in tests:
            _ok(c.post(f"/api/v1/apis/{world.apis[key]}/tests", json=test, headers=h), 201)
