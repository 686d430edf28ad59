"""Script APIs and result transforms through debug and the gateway, on the real databases."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.factories import make_api, make_module, make_source, publish


@pytest.fixture
def setup(
    client: TestClient, admin_headers: dict[str, str], database: tuple[dict[str, Any], str]
) -> tuple[dict[str, Any], dict[str, Any], str]:
    source, table = database
    return make_source(client, admin_headers, source), make_module(client, admin_headers), table


SCRIPT = """
def execute(params):
    rows = db.query("SELECT name, age FROM TABLE WHERE age > %s ORDER BY id", [params["min_age"]])
    log.info("found %d" % len(rows))
    return {"names": [r["name"] for r in rows], "source": ds["type"]}
"""


def test_a_script_api_queries_its_source_and_logs(
    client: TestClient, admin_headers: dict[str, str], setup: Any
) -> None:
    source, module, table = setup
    params = [{"name": "min_age", "location": "query", "type": "integer", "default": 0}]
    api = make_api(
        client,
        admin_headers,
        module_id=module["id"],
        datasource_id=source["id"],
        path="names",
        engine="script",
        content=SCRIPT.replace("TABLE", table),
        params=params,
    )
    debugged = client.post(
        f"/api/v1/apis/{api['id']}/debug", json={"params": {"min_age": 30}}, headers=admin_headers
    ).json()
    assert debugged["ok"] is True, debugged
    assert debugged["data"] == {"names": ["ada", "cy"], "source": source["type"]}
    assert any("found 2" in line for line in debugged["logs"])
    publish(client, admin_headers, api["id"])
    response = client.get("/shop/names", params={"min_age": 50})
    assert response.status_code == 200
    assert response.json()["data"] == {"names": ["cy"], "source": source["type"]}


def test_a_result_transform_reshapes_sql_rows(
    client: TestClient, admin_headers: dict[str, str], setup: Any
) -> None:
    source, module, table = setup
    transform = "def transform(result, params):\n    return {'count': len(result), 'first': result[0]['name']}\n"
    api = make_api(
        client,
        admin_headers,
        module_id=module["id"],
        datasource_id=source["id"],
        path="summary",
        content=f"SELECT name FROM {table} ORDER BY id",
        result_transform=transform,
    )
    publish(client, admin_headers, api["id"])
    assert client.get("/shop/summary").json()["data"] == {"count": 4, "first": "ada"}


def test_script_failures_are_clear_in_debug_and_opaque_at_the_gateway(
    client: TestClient, admin_headers: dict[str, str], setup: Any
) -> None:
    source, module, _ = setup
    api = make_api(
        client,
        admin_headers,
        module_id=module["id"],
        datasource_id=source["id"],
        path="boom",
        engine="script",
        content="x = 1\nresult = 1 / 0\n",
    )
    debugged = client.post(
        f"/api/v1/apis/{api['id']}/debug", json={"params": {}}, headers=admin_headers
    ).json()
    assert (
        debugged["ok"] is False
        and "line 2" in debugged["error"]
        and "ZeroDivisionError" in debugged["error"]
    )
    publish(client, admin_headers, api["id"])
    response = client.get("/shop/boom")
    assert response.status_code == 500
    assert response.json()["error"] == "script_error" and "ZeroDivision" not in response.text


def test_an_unsafe_script_cannot_be_published(
    client: TestClient, admin_headers: dict[str, str], setup: Any
) -> None:
    _, module, _ = setup
    api = make_api(
        client,
        admin_headers,
        module_id=module["id"],
        path="evil",
        engine="script",
        content="import os\nresult = os.listdir('/')\n",
    )
    response = client.post(f"/api/v1/apis/{api['id']}/publish", json={}, headers=admin_headers)
    assert response.status_code == 422
    assert "os" in response.json()["detail"]


def test_a_validation_script_checks_params_before_the_engine(
    client: TestClient, admin_headers: dict[str, str], setup: Any
) -> None:
    source, module, table = setup
    check = "def validate(params):\n    if params['low'] > params['high']:\n        return 'low must not be above high'\n"
    params = [
        {"name": n, "location": "query", "type": "integer", "required": True}
        for n in ("low", "high")
    ]
    api = make_api(
        client,
        admin_headers,
        module_id=module["id"],
        datasource_id=source["id"],
        path="range",
        content=f"SELECT id FROM {table} WHERE age BETWEEN {{{{ low }}}} AND {{{{ high }}}} ORDER BY id",
        params=params,
        param_validation=check,
    )
    refused = client.post(
        f"/api/v1/apis/{api['id']}/debug",
        json={"params": {"low": 50, "high": 10}},
        headers=admin_headers,
    ).json()
    assert refused["ok"] is False and "low must not be above high" in refused["error"]
    publish(client, admin_headers, api["id"])
    bad = client.get("/shop/range", params={"low": 50, "high": 10})
    assert bad.status_code == 400 and bad.json()["message"] == "low must not be above high"
    assert client.get("/shop/range", params={"low": 30, "high": 40}).json()["data"] == [{"id": 1}]


def test_an_absent_optional_param_is_left_out_of_a_scripts_params(
    client: TestClient, admin_headers: dict[str, str], setup: Any
) -> None:
    """So `params.get('n', 2)` works as in Python; a template still sees it as None."""
    source, module, _ = setup
    params = [
        {"name": "n", "location": "query", "type": "integer"},
        {"name": "k", "location": "query", "type": "integer", "default": 7},
    ]
    script = (
        "def execute(params):\n"
        "    return {'n': int(params.get('n', 2)), 'k': params['k'], 'has_n': 'n' in params}\n"
    )
    check = "def validate(params):\n    return 'n' not in params or params['n'] > 0\n"
    transform = "def transform(result, params):\n    return {'seen': 'n' in params}\n"
    for path, fields in (
        ("script", {"engine": "script", "content": script, "param_validation": check}),
        ("template", {"content": "SELECT {{ n }} AS n, {{ k }} AS k"}),
        ("both", {"content": "SELECT 1 AS one", "result_transform": transform}),
    ):
        api = make_api(
            client,
            admin_headers,
            module_id=module["id"],
            datasource_id=source["id"],
            path=path,
            params=params,
            **fields,
        )
        publish(client, admin_headers, api["id"])
    absent = client.get("/shop/script")
    assert absent.status_code == 200, absent.text
    assert absent.json()["data"] == {"n": 2, "k": 7, "has_n": False}
    given = client.get("/shop/script", params={"n": 5}).json()["data"]
    assert given == {"n": 5, "k": 7, "has_n": True}
    assert client.get("/shop/script", params={"n": -1}).status_code == 400
    assert client.get("/shop/template").json()["data"] == [{"n": None, "k": 7}]
    assert client.get("/shop/both").json()["data"] == {"seen": False}
