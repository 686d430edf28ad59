"""Debug runs, the whole define-debug-publish-restore story, and the injection corpus, on
the real PostgreSQL and MariaDB."""

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


def debug(
    client: TestClient, headers: dict[str, str], api_id: int, params: dict[str, Any]
) -> dict[str, Any]:
    response = client.post(f"/api/v1/apis/{api_id}/debug", json={"params": params}, headers=headers)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def test_define_debug_publish_call_restore(
    client: TestClient, admin_headers: dict[str, str], setup: Any
) -> None:
    source, module, table = setup
    api = make_api(
        client,
        admin_headers,
        module_id=module["id"],
        datasource_id=source["id"],
        path="people",
        content=f"SELECT name FROM {table} WHERE age > {{{{ age }}}} ORDER BY id",
        params=[{"name": "age", "location": "query", "type": "integer", "required": True}],
    )
    result = debug(client, admin_headers, api["id"], {"age": 30})
    assert result["ok"] is True
    assert result["data"] == [{"name": "ada"}, {"name": "cy"}]
    assert "age > %s" in result["rendered_sql"] and result["bind_params"] == [30]
    assert result["duration_ms"] > 0

    v1 = publish(client, admin_headers, api["id"], "adults")
    assert client.get("/shop/people", params={"age": 30}).json()["data"] == [
        {"name": "ada"},
        {"name": "cy"},
    ]
    client.patch(
        f"/api/v1/apis/{api['id']}",
        json={"content": f"SELECT id FROM {table} WHERE age > {{{{ age }}}} ORDER BY id"},
        headers=admin_headers,
    )
    assert client.get("/shop/people", params={"age": 30}).json()["data"][0] == {"name": "ada"}
    publish(client, admin_headers, api["id"], "ids")
    assert client.get("/shop/people", params={"age": 30}).json()["data"][0] == {"id": 1}
    versions = client.get(f"/api/v1/apis/{api['id']}/versions", headers=admin_headers).json()
    assert [v["version"] for v in versions["data"]] == [2, 1]
    client.post(f"/api/v1/apis/{api['id']}/versions/{v1['id']}/restore", headers=admin_headers)
    assert client.get("/shop/people", params={"age": 30}).json()["data"][0] == {"name": "ada"}
    client.post(f"/api/v1/apis/{api['id']}/unpublish", headers=admin_headers)
    assert client.get("/shop/people", params={"age": 30}).status_code == 404


def test_debug_errors_are_answers_not_500s(
    client: TestClient, admin_headers: dict[str, str], setup: Any
) -> None:
    source, module, table = setup
    params = [{"name": "n", "location": "query", "type": "integer", "required": True}]
    api = make_api(
        client,
        admin_headers,
        module_id=module["id"],
        datasource_id=source["id"],
        path="p",
        content=f"SELECT nope FROM {table} WHERE id = {{{{ n }}}}",
        params=params,
    )
    missing = debug(client, admin_headers, api["id"], {})
    assert missing["ok"] is False and "parameter 'n' is required" in missing["error"]
    failed = debug(client, admin_headers, api["id"], {"n": 1})
    assert failed["ok"] is False and "nope" in failed["error"]
    assert failed["rendered_sql"] is not None
    client.patch(
        f"/api/v1/apis/{api['id']}",
        json={"content": "SELECT {{ ''.__class__.__mro__ }}"},
        headers=admin_headers,
    )
    sandboxed = debug(client, admin_headers, api["id"], {"n": 1})
    assert sandboxed["ok"] is False and "__class__" in sandboxed["error"]
    client.patch(
        f"/api/v1/apis/{api['id']}",
        json={"content": "SELECT {{ 7 ** 10000000 }}"},
        headers=admin_headers,
    )
    assert debug(client, admin_headers, api["id"], {"n": 1})["ok"] is False
    client.patch(
        f"/api/v1/apis/{api['id']}", json={"content": "SELECT {% if %}"}, headers=admin_headers
    )
    response = client.post(
        f"/api/v1/apis/{api['id']}/debug", json={"params": {}}, headers=admin_headers
    )
    assert response.status_code == 422 and "line 1" in response.json()["detail"]


def test_debug_runs_the_given_draft_without_storing_it(
    client: TestClient, admin_headers: dict[str, str], setup: Any
) -> None:
    source, module, table = setup
    api = make_api(
        client,
        admin_headers,
        module_id=module["id"],
        datasource_id=source["id"],
        path="names",
        content=f"SELECT name FROM {table} ORDER BY id",
    )
    url = f"/api/v1/apis/{api['id']}/debug"
    draft = {
        "content": f"SELECT id FROM {table} WHERE age > {{{{ age }}}} ORDER BY id",
        "params": [{"name": "age", "location": "query", "type": "integer", "required": True}],
        "result_transform": "def transform(result, params):\n    return len(result)",
    }
    response = client.post(url, json={"params": {"age": 30}, "draft": draft}, headers=admin_headers)
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["ok"] is True and result["data"] == 2
    assert "age > %s" in result["rendered_sql"] and result["bind_params"] == [30]

    stored = client.get(f"/api/v1/apis/{api['id']}", headers=admin_headers).json()
    assert stored["content"] == f"SELECT name FROM {table} ORDER BY id"
    assert stored["params"] == [] and stored["result_transform"] is None
    assert stored["updated_at"] == api["updated_at"]
    # The contract form still runs the stored draft.
    assert debug(client, admin_headers, api["id"], {})["data"][0] == {"name": "ada"}


def test_a_bad_draft_is_refused_like_a_save(
    client: TestClient, admin_headers: dict[str, str], setup: Any
) -> None:
    source, module, table = setup
    api = make_api(
        client,
        admin_headers,
        module_id=module["id"],
        datasource_id=source["id"],
        path="checked",
        content=f"SELECT name FROM {table}",
    )
    url = f"/api/v1/apis/{api['id']}/debug"

    def refused(draft: dict[str, Any]) -> tuple[int, str]:
        response = client.post(url, json={"params": {}, "draft": draft}, headers=admin_headers)
        return response.status_code, response.json()["detail"]

    status, detail = refused({"result_transform": "def transform(:"})
    assert status == 422 and detail.startswith("result_transform: line 1")
    twice = {"name": "a", "location": "query", "type": "string"}
    status, detail = refused({"params": [twice, twice]})
    assert status == 422 and "two params share a name" in str(detail)
    status, detail = refused({"datasource_id": 999_999})
    assert status == 404 and detail == "Datasource 999999 not found"
    status, detail = refused({"datasource_id": None})
    assert status == 422 and detail == "Choose a data source for this API first"
    status, detail = refused({"content": "SELECT {% if %}"})
    assert status == 422 and "line 1" in detail
    status, detail = refused({"engine": "script", "content": "import os"})
    assert status == 422 and "os" in detail
    status, detail = refused({"engine": "mongo"})
    assert status == 422
    assert client.get(f"/api/v1/apis/{api['id']}", headers=admin_headers).json()["content"] == (
        f"SELECT name FROM {table}"
    )


def test_a_script_draft_runs_with_its_logs(
    client: TestClient, admin_headers: dict[str, str], setup: Any
) -> None:
    source, module, _ = setup
    api = make_api(
        client, admin_headers, module_id=module["id"], path="hello", content="SELECT 1 AS one"
    )
    script = 'def execute(params):\n    log.info("hi", params["who"])\n    return params["who"]'
    draft = {
        "engine": "script",
        "datasource_id": source["id"],
        "content": script,
        "params": [{"name": "who", "location": "query", "type": "string"}],
    }
    response = client.post(
        f"/api/v1/apis/{api['id']}/debug",
        json={"params": {"who": "ada"}, "draft": draft},
        headers=admin_headers,
    )
    assert response.status_code == 200, response.text
    assert response.json()["data"] == "ada" and response.json()["logs"] == ["INFO: hi ada"]
    assert client.get(f"/api/v1/apis/{api['id']}", headers=admin_headers).json()["engine"] == "sql"


INJECTIONS = [
    "' OR '1'='1",
    "' OR 1=1 --",
    "bob'; DROP TABLE people; --",
    "bob' UNION SELECT name, age FROM information_schema.tables --",
    "\\' OR 1=1 #",
    "bob\\",
    "bob%' OR name LIKE '%",
    "bob/* comment */",
    "bob\u2019 OR \u20181\u2019=\u20181",
    "\u00bf' OR 1=1 --",
    "bob\x00",
    "1; UPDATE people SET age = 0",
    "$$; DELETE FROM people; $$",
]


def test_injection_corpus_changes_nothing(
    client: TestClient, admin_headers: dict[str, str], setup: Any
) -> None:
    source, module, table = setup
    params = [{"name": "name", "location": "query", "type": "string"}]
    content = f"SELECT id, name FROM {table} WHERE name = {{{{ name }}}}; UPDATE {table} SET age = age WHERE name = {{{{ name }}}}"
    api = make_api(
        client,
        admin_headers,
        module_id=module["id"],
        datasource_id=source["id"],
        path="find",
        content=content,
        params=params,
    )
    like = make_api(
        client,
        admin_headers,
        module_id=module["id"],
        datasource_id=source["id"],
        path="like",
        content=f"SELECT id FROM {table} WHERE name LIKE {{{{ name | sql_like_start }}}}",
        params=params,
    )
    count = make_api(
        client,
        admin_headers,
        module_id=module["id"],
        datasource_id=source["id"],
        path="count",
        content=f"SELECT count(*) AS n, sum(age) AS total FROM {table}",
    )
    before = debug(client, admin_headers, count["id"], {})["data"]
    for value in INJECTIONS:
        result = debug(client, admin_headers, api["id"], {"name": value})
        if result["ok"]:
            assert result["data"][0] == [] and result["data"][1] == {"rows_affected": 0}, value
        assert value not in (result["rendered_sql"] or ""), value
        liked = debug(client, admin_headers, like["id"], {"name": value})
        assert not liked["ok"] or liked["data"] == [], value
    assert debug(client, admin_headers, count["id"], {})["data"] == before
    assert debug(client, admin_headers, api["id"], {"name": "d'arcy"})["data"][0] == [
        {"id": 4, "name": "d'arcy"}
    ]
