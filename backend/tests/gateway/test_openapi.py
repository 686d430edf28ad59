import re
from typing import Any

from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from tests.factories import make_api, make_module, make_source, publish


def test_the_gateway_document_describes_every_live_api(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    source = make_source(
        client, admin_headers, {"name": "pg", "type": "postgres", "host": "127.0.0.1"}
    )
    module = make_module(client, admin_headers)
    params: list[dict[str, Any]] = [
        {"name": "id", "location": "path", "type": "integer"},
        {
            "name": "q",
            "location": "query",
            "type": "string",
            "pattern": "^[a-z]+$",
            "description": "search",
        },
        {"name": "x_tenant", "location": "header", "type": "string"},
        {
            "name": "ids",
            "location": "query",
            "type": "array",
            "items": "integer",
            "description": "which ones",
        },
        {
            "name": "size",
            "location": "body",
            "type": "integer",
            "required": True,
            "min": 1,
            "max": 10,
        },
    ]
    private = make_api(
        client,
        admin_headers,
        module_id=module["id"],
        datasource_id=source["id"],
        path="items/{id}",
        method="POST",
        content="SELECT 1",
        params=params,
        access="private",
    )
    public = make_api(
        client,
        admin_headers,
        module_id=module["id"],
        datasource_id=source["id"],
        path="open",
        content="SELECT 1",
    )
    draft = make_api(
        client,
        admin_headers,
        module_id=module["id"],
        datasource_id=source["id"],
        path="draft",
        content="SELECT 1",
    )
    publish(client, admin_headers, private["id"])
    publish(client, admin_headers, public["id"])

    response = client.get("/api/v1/gateway/openapi.json")
    assert response.status_code == 200
    doc = response.json()
    validate(doc)
    assert set(doc["paths"]) == {"/token/generate", "/shop/items/{id}", "/shop/open"}
    operation = doc["paths"]["/shop/items/{id}"]["post"]
    assert operation["security"] == [{"clientToken": []}]
    by_name = {p["name"]: p for p in operation["parameters"]}
    assert by_name["id"]["in"] == "path" and by_name["id"]["required"] is True
    assert by_name["q"]["schema"]["pattern"] == "^[a-z]+$"
    ids = by_name["ids"]
    assert (ids["style"], ids["explode"]) == ("form", True)
    assert ids["schema"]["items"] == {"type": "integer", "format": "int64"}
    assert ids["description"].startswith("which ones\n\n")
    assert "`ids=1,2`" in ids["description"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert body["properties"]["size"]["minimum"] == 1 and body["required"] == ["size"]
    assert "security" not in doc["paths"]["/shop/open"]["get"]
    assert (
        doc["components"]["securitySchemes"]["clientToken"]["flows"]["clientCredentials"][
            "tokenUrl"
        ]
        == "/token/generate"
    )
    assert "/shop/draft" not in doc["paths"] and draft["is_published"] is False
    docs = client.get("/api/v1/gateway/docs")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()


def test_both_swagger_pages_load_swagger_from_sluice_itself(client: TestClient) -> None:
    """On a network without internet a CDN-hosted Swagger UI stays blank (issue 14, defect 6)."""
    for page in ("/api/v1/gateway/docs", "/api/v1/docs"):
        html = client.get(page).text
        sources = re.findall(r'(?:src|href)="([^"]+)"', html)
        assert sources and all(url.startswith("/api/v1/docs/assets/") for url in sources), page
        for url in sources:
            asset = client.get(url)
            assert asset.status_code == 200 and asset.content, url
    script = client.get("/api/v1/docs/assets/swagger-ui-bundle.js")
    assert script.headers["content-type"].startswith("text/javascript")
    assert "SwaggerUIBundle" in script.text
    assert client.get("/api/v1/docs/assets/nothing.js").status_code == 404


def test_operation_ids_come_from_the_api_names_and_do_not_move(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    """Ids like `shop_post_2` turned into unreadable generated function names (issue 15)."""
    source = make_source(
        client, admin_headers, {"name": "pg", "type": "postgres", "host": "127.0.0.1"}
    )
    shop = make_module(client, admin_headers)
    web_shop = make_module(client, admin_headers, name="web-shop")

    def live(module: dict[str, Any], name: str, path: str) -> int:
        api = make_api(
            client,
            admin_headers,
            module_id=module["id"],
            datasource_id=source["id"],
            name=name,
            path=path,
            content="SELECT 1",
        )
        publish(client, admin_headers, api["id"])
        return int(api["id"])

    first = live(shop, "List Items", "items")
    twin = live(shop, "list-items", "items-again")
    other = live(web_shop, "listItems", "items")

    def ids() -> dict[str, str]:
        doc = client.get("/api/v1/gateway/openapi.json").json()
        return {
            path: ops["get"]["operationId"] for path, ops in doc["paths"].items() if "get" in ops
        }

    assert ids() == {
        "/shop/items": "shop_list_items",
        "/shop/items-again": f"shop_list_items_{twin}",
        "/web-shop/items": "web_shop_list_items",
    }
    live(shop, "Items again", "more")
    assert ids()["/shop/items"] == "shop_list_items"  # a newer API never renames an older one
    answer = client.get(f"/api/v1/apis/{first}", headers=admin_headers).json()
    assert answer["operation_id"] == "shop_list_items"
    answer = client.get(f"/api/v1/apis/{other}", headers=admin_headers).json()
    assert answer["operation_id"] == "web_shop_list_items"


def test_a_script_api_declares_the_schema_of_its_data(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    """No database describes a script's answer: its author declares it (issue 15)."""
    module = make_module(client, admin_headers)
    declared = {
        "type": "array",
        "items": {"type": "object", "properties": {"month": {"type": "string"}}},
    }
    fields: dict[str, Any] = {
        "module_id": module["id"],
        "name": "Months",
        "path": "months",
        "engine": "script",
        "content": "def execute(params):\n    return [{'month': '2024-01'}]\n",
        "access": "public",
    }
    refused = client.post(
        "/api/v1/apis", json=fields | {"output_schema": {"type": "nothing"}}, headers=admin_headers
    )
    assert refused.status_code == 422
    assert "not a valid JSON Schema" in refused.text
    api = make_api(client, admin_headers, **fields | {"output_schema": declared})
    assert api["output_schema"] == declared
    publish(client, admin_headers, api["id"])

    doc = client.get("/api/v1/gateway/openapi.json").json()
    operation = doc["paths"]["/shop/months"]["get"]
    success = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert success["properties"]["data"] == declared
    assert client.get("/shop/months").json()["data"] == [{"month": "2024-01"}]


def test_an_echoed_number_param_is_typed_as_calls_answer_it(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    """PostgreSQL types `SELECT %s` by the bound value: described with the default 0 it
    read `int2`, then a call sending 1.5 answered a float against an `integer` schema."""
    source = make_source(
        client, admin_headers, {"name": "pg", "type": "postgres", "host": "127.0.0.1"}
    )
    module = make_module(client, admin_headers)
    api = make_api(
        client,
        admin_headers,
        module_id=module["id"],
        datasource_id=source["id"],
        path="echo",
        access="public",
        content="SELECT {{ price }} AS price, {{ label }} AS label",
        params=[
            {"name": "price", "location": "query", "type": "number", "default": 0},
            {"name": "label", "location": "query", "type": "string"},
        ],
    )
    publish(client, admin_headers, api["id"])
    doc = client.get("/api/v1/gateway/openapi.json").json()
    success = doc["paths"]["/shop/echo"]["get"]["responses"]["200"]["content"]["application/json"][
        "schema"
    ]
    fields = success["properties"]["data"]["items"]["properties"]
    assert fields == {"price": {"type": ["number", "null"]}, "label": {"type": ["string", "null"]}}
    for query in ("", "?price=1.5&label=x", "?price=2"):
        answer = client.get(f"/shop/echo{query}").json()
        assert not list(Draft202012Validator(success).iter_errors(answer)), (query, answer)


def test_an_unreachable_source_leaves_data_untyped_and_publishing_works(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    """Describing never blocks a publish or the document (issue 15)."""
    source = make_source(
        client,
        admin_headers,
        {"name": "gone", "type": "postgres", "host": "127.0.0.1", "port": 1},
    )
    module = make_module(client, admin_headers)
    api = make_api(
        client,
        admin_headers,
        module_id=module["id"],
        datasource_id=source["id"],
        path="gone",
        access="public",
        content="SELECT 1 AS one",
    )
    publish(client, admin_headers, api["id"])
    doc = client.get("/api/v1/gateway/openapi.json")
    assert doc.status_code == 200
    success = doc.json()["paths"]["/shop/gone"]["get"]["responses"]["200"]["content"][
        "application/json"
    ]["schema"]
    assert "type" not in success["properties"]["data"]
