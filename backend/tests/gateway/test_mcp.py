"""`/mcp` against a live `sluice serve`, driven by the `mcp` SDK's own client: a client
sees exactly the APIs it is granted (less the hidden ones and the writes not exposed),
calls them through the gateway's pipeline (limits, parameter checks, access records
marked `mcp`), and a bad or expired token never gets past HTTP."""

import asyncio
import sqlite3
import uuid
from collections.abc import Iterator
from typing import Any

import httpx2
import mcp_types as types
import pytest
from mcp.client.session import ClientSession
from mcp.client.streamable_http import streamable_http_client

from sluice.security import create_client_token, derive_key
from tests.live import Sluice, wait_until

SECRET = "mcp-live-secret-" + uuid.uuid4().hex


@pytest.fixture(scope="module")
def sluice(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sluice]:
    workdir = tmp_path_factory.mktemp("mcp")
    folder = workdir / "data" / "datasources"
    folder.mkdir(parents=True)
    with sqlite3.connect(folder / "shop.db") as db:
        db.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, price REAL)")
        db.executemany("INSERT INTO items VALUES (?, ?, ?)", [(1, "pen", 1.5), (2, "ink", 4.0)])
    server = Sluice(workdir, SECRET_KEY=SECRET)
    yield server
    server.stop()


def tools_call(url: str, token: str, *calls: tuple[str, dict[str, Any]]) -> Any:
    """Through one MCP session: the tools listed, then each call's result in order."""

    async def run() -> tuple[list[types.Tool], list[types.CallToolResult]]:
        headers = {"Authorization": f"Bearer {token}"}
        async with (
            httpx2.AsyncClient(headers=headers, timeout=60) as http,
            streamable_http_client(f"{url}/mcp", http_client=http) as (read, write),
            ClientSession(read, write) as session,
        ):
            await session.initialize()
            listed = (await session.list_tools()).tools
            results = [await session.call_tool(name, arguments) for name, arguments in calls]
        return listed, results

    return asyncio.run(run())


def error_text(result: types.CallToolResult) -> str:
    assert result.is_error, result
    content = result.content[0]
    assert isinstance(content, types.TextContent)
    return content.text


def test_a_client_sees_and_calls_its_granted_apis_through_the_gateway(sluice: Sluice) -> None:
    admin = sluice.admin
    source = admin.create(
        "/api/v1/datasources", {"name": "shop", "type": "sqlite", "options": {"path": "shop.db"}}
    )
    shop = admin.create("/api/v1/modules", {"name": "shop"})
    hidden_module = admin.create("/api/v1/modules", {"name": "back-office", "mcp_hidden": True})
    common = {"module_id": shop["id"], "datasource_id": source["id"]}
    listing = admin.published_api(
        **common,
        name="List items",
        description="Every item, cheapest first",
        path="items",
        content="SELECT id, name, price FROM items ORDER BY price",
        rate_limit_per_minute=4,
        pagination="offset",
    )
    namesake = admin.published_api(
        **common, name="List items!", path="items/all", content="SELECT count(*) AS n FROM items"
    )
    one = admin.published_api(
        **common,
        name="Get item",
        path="items/{id}",
        content="SELECT id, name FROM items WHERE id = {{ id }}",
        params=[{"name": "id", "location": "path", "type": "integer", "required": True}],
    )
    add = admin.published_api(
        **common,
        name="Add item",
        path="items",
        method="POST",
        mcp_writes=True,
        content="INSERT INTO items (name, price) VALUES ({{ name }}, {{ price }})",
        params=[
            {"name": "name", "location": "body", "type": "string", "required": True},
            {"name": "price", "location": "body", "type": "number", "required": True},
        ],
    )
    unexposed_write = admin.published_api(
        **common, name="Clear prices", path="prices", method="DELETE",
        content="UPDATE items SET price = 0 WHERE id > 100",
    )  # fmt: skip
    hidden = admin.published_api(
        **common, name="Costs", path="costs", mcp_hidden=True, content="SELECT 1 AS cost"
    )
    in_hidden_module = admin.published_api(
        module_id=hidden_module["id"], datasource_id=source["id"], name="Ledger",
        path="ledger", content="SELECT 1 AS entry",
    )  # fmt: skip
    not_granted = admin.published_api(
        **common, name="All items", path="all", content="SELECT * FROM items"
    )
    granted = [listing, namesake, one, add, unexposed_write, hidden, in_hidden_module]
    _, token = admin.client_token([api["id"] for api in granted])
    assert not_granted["id"] not in [api["id"] for api in granted]

    listed, results = tools_call(
        sluice.url,
        token,
        ("shop__list_items", {}),
        ("shop__get_item", {"id": 2}),
        ("shop__get_item", {"id": "two"}),
        ("shop__add_item", {"name": "nib", "price": 0.5}),
        ("shop__all_items", {}),
        ("shop__costs", {}),
        ("shop__list_items", {"limit": 2, "offset": 1}),
    )
    tools = {tool.name: tool for tool in listed}
    second = f"shop__list_items_{namesake['id']}"  # the name was taken by an older API
    assert set(tools) == {"shop__list_items", second, "shop__get_item", "shop__add_item"}
    assert {"limit", "offset"} <= set(tools["shop__list_items"].input_schema["properties"])
    assert tools["shop__list_items"].description == "Every item, cheapest first\n\nGET /shop/items"
    assert tools["shop__get_item"].input_schema["required"] == ["id"]
    assert tools["shop__get_item"].input_schema["properties"]["id"]["type"] == "integer"
    assert tools["shop__add_item"].annotations is not None
    assert tools["shop__add_item"].annotations.read_only_hint is False

    rows, item, bad, added, refused, hidden_call, after = results
    assert not rows.is_error and rows.structured_content is not None
    assert rows.structured_content["data"] == [
        {"id": 1, "name": "pen", "price": 1.5},
        {"id": 2, "name": "ink", "price": 4.0},
    ]
    assert item.structured_content is not None
    assert item.structured_content["data"] == [{"id": 2, "name": "ink"}]
    assert error_text(bad).startswith("bad_request: parameter 'id'")
    assert not added.is_error and added.structured_content is not None
    assert error_text(refused).startswith("not_found:")
    assert error_text(hidden_call).startswith("not_found:")
    assert after.structured_content is not None
    assert [row["name"] for row in after.structured_content["data"]] == ["pen", "ink"]

    # The API's rate (4 a minute) is one budget for HTTP and MCP: two MCP calls so far,
    # one over HTTP, then the fourth call (over MCP) is the last one allowed.
    http = httpx2.get(f"{sluice.url}/shop/items", headers={"Authorization": f"Bearer {token}"})
    assert http.status_code == 200
    _, (last, limited) = tools_call(
        sluice.url, token, ("shop__list_items", {}), ("shop__list_items", {})
    )
    assert not last.is_error
    assert error_text(limited).startswith("rate_limited:")
    assert limited.structured_content is not None
    assert limited.structured_content["status"] == 429
    assert limited.structured_content["retry_after"] >= 1
    again = httpx2.get(f"{sluice.url}/shop/items", headers={"Authorization": f"Bearer {token}"})
    assert again.status_code == 429

    def recorded(via: str) -> list[dict[str, Any]]:
        answer = admin.get("/api/v1/access-logs", params={"via": via, "limit": 100})
        data: list[dict[str, Any]] = answer.json()["data"]
        return data

    assert wait_until(lambda: len(recorded("http")) == 2, timeout=10), recorded("http")
    assert [r["status"] for r in recorded("http")] == [429, 200]
    records = recorded("mcp")
    assert len(records) == 7, records
    assert {r["via"] for r in records} == {"mcp"}
    by_api = sorted((r["api_id"], r["status"], r["error"]) for r in records)
    assert by_api == sorted(
        [(listing["id"], 200, None)] * 3
        + [(listing["id"], 429, "rate_limited")]
        + [(one["id"], 200, None), (one["id"], 400, "bad_request"), (add["id"], 200, None)]
    )
    assert {(r["method"], r["path"]) for r in records} == {
        ("GET", "/shop/items"),
        ("GET", "/shop/items/2"),
        ("GET", "/shop/items/two"),
        ("POST", "/shop/items"),
    }


def test_a_bad_or_expired_token_gets_401(sluice: Sluice) -> None:
    credentials, token = sluice.admin.client_token([])
    expired = create_client_token(
        credentials["client_id"], 0, derive_key(SECRET, "client-token"), -60
    )
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}}
    accept = {"Accept": "application/json, text/event-stream"}
    for headers in (
        {},
        {"Authorization": "Bearer nonsense"},
        {"Authorization": f"Bearer {expired}"},
    ):
        answer = httpx2.post(f"{sluice.url}/mcp", json=body, headers=headers | accept)
        assert answer.status_code == 401, answer.text
        assert answer.headers["WWW-Authenticate"] == "Bearer"
        assert answer.json()["error"] == "unauthorized"
    assert "expired" in answer.json()["message"]
    listed, _ = tools_call(sluice.url, token)
    assert listed == []
