"""Test cases run through the admin API on the real databases: passing, failing on each
kind of expectation with a sentence that says why, and never changing data."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.databases import count_rows
from tests.factories import make_api, make_module, make_source, publish

Headers = dict[str, str]


def add_test(client: TestClient, headers: Headers, api_id: int, **body: Any) -> dict[str, Any]:
    response = client.post(f"/api/v1/apis/{api_id}/tests", json=body, headers=headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def run(client: TestClient, headers: Headers, api_id: int, **body: Any) -> dict[str, Any]:
    response = client.post(f"/api/v1/apis/{api_id}/tests/run", json=body, headers=headers)
    assert response.status_code == 200, response.text
    report: dict[str, Any] = response.json()
    return report


def by_name(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {result["name"]: result for result in report["results"]}


def messages(result: dict[str, Any]) -> list[tuple[str, str]]:
    return [(f["expectation"], f["message"]) for f in result["failures"]]


SLEEP = {"postgres": "pg_sleep(0.05) IS NULL", "mysql": "SLEEP(0.05)"}
AGE = [{"name": "age", "location": "query", "type": "integer", "required": True}]
PASSING = {
    "status": 200,
    "rows": 2,
    "rows_min": 1,
    "rows_max": 2,
    "fields": [
        {"row": 0, "field": "name", "equals": "ada"},
        {"row": 1, "field": "age", "equals": 52},
    ],
    "schema": {
        "type": "array",
        "items": {
            "type": "object",
            "required": ["name", "age"],
            "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
        },
    },
    "max_ms": 60_000,
}


@pytest.fixture
def people(
    client: TestClient, admin_headers: Headers, database: tuple[dict[str, Any], str]
) -> tuple[dict[str, Any], dict[str, Any], str]:
    """(source, API listing people older than `age`, table) on PostgreSQL and MariaDB."""
    body, table = database
    source = make_source(client, admin_headers, body)
    module = make_module(client, admin_headers)
    api = make_api(
        client,
        admin_headers,
        module_id=module["id"],
        datasource_id=source["id"],
        path="people",
        content=f"SELECT name, age FROM {table} WHERE age > {{{{ age }}}} ORDER BY id",
        params=AGE,
    )
    return source, api, table


def test_each_kind_of_expectation_passes_or_fails_with_a_clear_message(
    client: TestClient, admin_headers: Headers, people: Any
) -> None:
    _, api, _ = people
    cases = {
        "adults": ({"age": 30}, PASSING),
        "status": ({"age": 30}, {"status": 404}),
        "code": ({"age": 30}, {"code": "bad_request"}),
        "rows": ({"age": 30}, {"rows": 3}),
        "rows_min": ({"age": 30}, {"rows_min": 3}),
        "rows_max": ({"age": 30}, {"rows_max": 1}),
        "schema": ({"age": 30}, {"schema": {"items": {"properties": {"age": {"type": "string"}}}}}),
        "refused as expected": ({"age": "old"}, {"status": 400, "code": "bad_request"}),
        "refused unexpectedly": ({"age": "old"}, {}),
        "refused without data": ({"age": "old"}, {"status": 400, "rows": 1}),
    }
    for name, (params, expect) in cases.items():
        add_test(client, admin_headers, api["id"], name=name, params=params, expect=expect)
    fields = [
        {"row": 0, "field": "name", "equals": "bob"},
        {"row": 5, "field": "name", "equals": "x"},
        {"row": 0, "field": "nickname", "equals": "x"},
        {"row": 1, "field": "age", "equals": "52"},
    ]
    add_test(
        client,
        admin_headers,
        api["id"],
        name="fields",
        params={"age": 30},
        expect={"fields": fields},
    )

    report = run(client, admin_headers, api["id"])
    assert (report["passed"], report["failed"]) == (2, 9)
    results = by_name(report)
    for result in report["results"]:
        assert result["api_id"] == api["id"] and result["api_name"] == "people"
        assert result["module"] == "shop" and result["duration_ms"] > 0
    assert results["adults"]["passed"] and results["adults"]["failures"] == []
    assert (results["adults"]["status"], results["adults"]["code"]) == (200, None)
    assert results["refused as expected"]["passed"]
    assert (results["refused as expected"]["status"], results["refused as expected"]["code"]) == (
        400,
        "bad_request",
    )
    assert messages(results["status"]) == [("status", "Expected status 404, got 200.")]
    assert messages(results["code"]) == [("code", "Expected error bad_request, got a success.")]
    assert messages(results["rows"]) == [("rows", "Expected 3 rows, got 2.")]
    assert messages(results["rows_min"]) == [("rows_min", "Expected at least 3 rows, got 2.")]
    assert messages(results["rows_max"]) == [("rows_max", "Expected at most 1 row, got 2.")]
    assert results["rows"]["failures"][0] | {"message": ""} == {
        "expectation": "rows",
        "expected": 3,
        "got": 2,
        "message": "",
    }
    assert messages(results["fields"]) == [
        ("fields", 'Row 0, field \'name\': expected "bob", got "ada".'),
        ("fields", "Row 5 does not exist: the data has 2 rows."),
        ("fields", "Row 0, field 'nickname': no such field (the row has: name, age)."),
        ("fields", "Row 1, field 'age': expected \"52\", got 52."),
    ]
    assert results["fields"]["failures"][0]["expected"] == {
        "row": 0,
        "field": "name",
        "equals": "bob",
    }
    assert results["fields"]["failures"][0]["got"] == "ada"
    (schema,) = messages(results["schema"])
    assert schema == (
        "schema",
        "The data does not match the schema: at $[0].age: 36 is not of type 'string';"
        " at $[1].age: 52 is not of type 'string'.",
    )
    ((what, why),) = messages(results["refused unexpectedly"])
    assert what == "status"
    assert why.startswith("Expected status 200, got 400 (bad_request: ") and "age" in why
    assert messages(results["refused without data"]) == [
        ("rows", "Expects rows, but the run answered 400 bad_request and no data.")
    ]


def test_a_database_error_and_a_slow_run_fail_saying_why(
    client: TestClient, admin_headers: Headers, people: Any
) -> None:
    source, api, table = people
    broken = make_api(
        client,
        admin_headers,
        module_id=api["module_id"],
        datasource_id=source["id"],
        path="broken",
        content=f"SELECT no_such_column FROM {table}",
    )
    add_test(client, admin_headers, broken["id"], name="works")
    slow = make_api(
        client,
        admin_headers,
        module_id=api["module_id"],
        datasource_id=source["id"],
        path="slow",
        content=f"SELECT {SLEEP[source['type']]} AS slept",
    )
    add_test(client, admin_headers, slow["id"], name="fast enough", expect={"max_ms": 10})

    (failed,) = run(client, admin_headers, broken["id"])["results"]
    assert (failed["status"], failed["code"]) == (502, "datasource_error")
    ((what, why),) = messages(failed)
    assert what == "status" and why.startswith("Expected status 200, got 502 (datasource_error: ")
    assert "no_such_column" in why  # the database's own words, as in a debug run

    (late,) = run(client, admin_headers, slow["id"])["results"]
    ((what, why),) = messages(late)
    assert what == "max_ms" and why.endswith(" ms, over the 10 ms allowed.")
    assert late["failures"][0]["got"] >= 50 and late["status"] == 200


def test_selected_tests_run_alone_and_runs_cover_modules_and_apis(
    client: TestClient, admin_headers: Headers, people: Any
) -> None:
    _, api, _ = people
    good = add_test(client, admin_headers, api["id"], name="good", params={"age": 30})
    add_test(client, admin_headers, api["id"], name="bad", params={"age": 30}, expect={"rows": 0})
    report = run(client, admin_headers, api["id"], test_ids=[good["id"]])
    assert [r["name"] for r in report["results"]] == ["good"]

    everything = client.post("/api/v1/tests/run", json={}, headers=admin_headers).json()
    assert (everything["passed"], everything["failed"]) == (1, 1)
    by_module = client.post("/api/v1/tests/run", json={"module": "shop"}, headers=admin_headers)
    assert by_module.json() == everything | {"results": by_module.json()["results"]}
    assert [r["name"] for r in by_module.json()["results"]] == ["bad", "good"]
    unknown = client.post("/api/v1/tests/run", json={"module": "nope"}, headers=admin_headers)
    assert unknown.status_code == 404 and "nope" in unknown.json()["detail"]
    live = client.post("/api/v1/tests/run", json={"published": True}, headers=admin_headers)
    assert live.json() == {"passed": 0, "failed": 0, "results": []}  # nothing is published
    not_live = client.post(
        f"/api/v1/apis/{api['id']}/tests/run", json={"published": True}, headers=admin_headers
    )
    assert not_live.status_code == 409 and "not published" in not_live.json()["detail"]


INSERT = "INSERT INTO {table} (id, name, age) VALUES ({{{{ id }}}}, {{{{ name }}}}, 40)"
WRITE_PARAMS = [
    {"name": "id", "location": "body", "type": "integer", "required": True},
    {"name": "name", "location": "body", "type": "string", "required": True},
]


def test_an_insert_is_rolled_back_on_every_database(
    client: TestClient, admin_headers: Headers, any_database: Any, settings: Any
) -> None:
    body, table = any_database
    source = make_source(client, admin_headers, body)
    module = make_module(client, admin_headers)
    insert = make_api(
        client,
        admin_headers,
        module_id=module["id"],
        datasource_id=source["id"],
        path="people",
        method="POST",
        content=INSERT.format(table=table),
        params=WRITE_PARAMS,
    )
    add_test(
        client,
        admin_headers,
        insert["id"],
        name="adds eve",
        params={"id": 10, "name": "eve"},
        expect={"rows": 1},
    )
    add_test(
        client,
        admin_headers,
        insert["id"],
        name="refuses a taken id",
        params={"id": 1, "name": "again"},
        expect={"status": 502, "code": "datasource_error"},
    )
    counted = make_api(
        client,
        admin_headers,
        module_id=module["id"],
        datasource_id=source["id"],
        path="people/counted",
        method="POST",
        content=INSERT.format(table=table) + f"; SELECT count(*) AS n FROM {table}",
        params=WRITE_PARAMS,
    )
    sees_its_write = {
        "type": "array",
        "prefixItems": [{"const": {"rows_affected": 1}}, {"const": [{"n": 5}]}],
    }
    add_test(
        client,
        admin_headers,
        counted["id"],
        name="sees its own write",
        params={"id": 11, "name": "fay"},
        expect={"schema": sees_its_write},
    )
    for _ in range(2):  # the same ids again: the first run left nothing behind
        report = client.post(
            "/api/v1/tests/run", json={"module": "shop"}, headers=admin_headers
        ).json()
        assert report["failed"] == 0, report
        assert report["passed"] == 3
        assert count_rows(body, table, settings) == 4


SCRIPT = """
def execute(params):
    mark = "%s" if ds["paramstyle"] == "format" else "?"
    insert = "INSERT INTO TABLE (id, name, age) VALUES (" + mark + ", 'x', 1)"
    db.execute(insert, [20])
    try:
        db.execute(insert, [20])
    except DatabaseError:
        log.info("the taken id was refused")
    with tx:
        db.execute(insert, [21])
    seen = cache.get("runs", 0)
    cache.set("runs", seen + 1)
    return db.query("SELECT count(*) AS n FROM TABLE") + [{"seen": seen}]
"""


def test_a_script_s_writes_are_rolled_back_and_its_cache_is_its_own(
    client: TestClient, admin_headers: Headers, any_database: Any, settings: Any
) -> None:
    body, table = any_database
    source = make_source(client, admin_headers, body)
    module = make_module(client, admin_headers)
    api = make_api(
        client,
        admin_headers,
        module_id=module["id"],
        datasource_id=source["id"],
        path="scripted",
        engine="script",
        content=SCRIPT.replace("TABLE", table),
    )
    expect = {
        "fields": [{"row": 0, "field": "n", "equals": 6}, {"row": 1, "field": "seen", "equals": 0}]
    }
    add_test(client, admin_headers, api["id"], name="writes twice", expect=expect)
    for _ in range(2):
        (result,) = run(client, admin_headers, api["id"])["results"]
        assert result["passed"], result
        assert count_rows(body, table, settings) == 4


def test_statements_that_would_commit_are_refused_and_fail_the_test(
    client: TestClient, admin_headers: Headers, any_database: Any, settings: Any
) -> None:
    body, table = any_database
    source = make_source(client, admin_headers, body)
    module = make_module(client, admin_headers)
    committing = make_api(
        client,
        admin_headers,
        module_id=module["id"],
        datasource_id=source["id"],
        path="committing",
        method="POST",
        content=f"INSERT INTO {table} (id, name, age) VALUES (30, 'z', 1); COMMIT",
    )
    add_test(client, admin_headers, committing["id"], name="commits", expect={"status": 200})
    sneaky = make_api(
        client,
        admin_headers,
        module_id=module["id"],
        datasource_id=source["id"],
        path="sneaky",
        engine="script",
        content=(
            "def execute(params):\n"
            f"    db.execute(\"INSERT INTO {table} (id, name, age) VALUES (31, 'z', 1)\")\n"
            "    try:\n"
            "        db.execute('COMMIT')\n"
            "    except DatabaseError:\n"
            "        pass\n"
            "    return []\n"
        ),
    )
    add_test(client, admin_headers, sneaky["id"], name="hides a commit")

    report = client.post("/api/v1/tests/run", json={}, headers=admin_headers).json()
    results = by_name(report)
    assert messages(results["commits"]) == [
        ("run", "Not run in a test: 'COMMIT' would end the test's transaction, keeping its writes")
    ]
    assert (results["commits"]["status"], results["commits"]["code"]) == (0, None)
    assert not results["hides a commit"]["passed"]  # the script swallowed the refusal
    assert messages(results["hides a commit"])[0][0] == "run"
    assert "'COMMIT'" in messages(results["hides a commit"])[0][1]
    assert count_rows(body, table, settings) == 4


@pytest.fixture
def lite(
    client: TestClient, admin_headers: Headers, settings: Any
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(source, module) on a SQLite data source with a three-row table `t`."""
    import sqlite3

    folder = settings.sqlite_datasource_dir
    folder.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(folder / "lite.db") as db:
        db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, tenant TEXT)")
        db.executemany("INSERT INTO t VALUES (?, ?)", [(1, "acme"), (2, "acme"), (3, "zeta")])
    db.close()
    body = {"name": "lite", "type": "sqlite", "options": {"path": "lite.db"}}
    return make_source(client, admin_headers, body), make_module(client, admin_headers)


def test_a_test_runs_as_its_client_would_and_fails_once_the_client_is_gone(
    client: TestClient, admin_headers: Headers, lite: Any
) -> None:
    source, module = lite
    api = make_api(
        client,
        admin_headers,
        module_id=module["id"],
        datasource_id=source["id"],
        path="mine",
        content="SELECT id FROM t WHERE tenant = {{ client.attributes.tenant if client else '' }}",
    )
    app = client.post(
        "/api/v1/clients",
        json={"name": "acme app", "attributes": {"tenant": "acme"}},
        headers=admin_headers,
    ).json()
    add_test(
        client, admin_headers, api["id"], name="as acme", client_id=app["id"], expect={"rows": 2}
    )
    add_test(client, admin_headers, api["id"], name="as nobody", expect={"rows": 0})
    assert run(client, admin_headers, api["id"])["failed"] == 0

    client.delete(f"/api/v1/clients/{app['id']}", headers=admin_headers)
    gone = by_name(run(client, admin_headers, api["id"]))["as acme"]
    assert messages(gone) == [
        ("client", f"Client {app['id']} no longer exists: pick another client or none.")
    ]
    assert gone["status"] == 0
    missing = client.post(
        f"/api/v1/apis/{api['id']}/tests",
        json={"name": "ghost", "client_id": app["id"]},
        headers=admin_headers,
    )
    assert missing.status_code == 404 and f"Client {app['id']}" in missing.json()["detail"]


def test_drafts_and_live_versions_are_tested_apart(
    client: TestClient, admin_headers: Headers, lite: Any
) -> None:
    source, module = lite
    api = make_api(
        client,
        admin_headers,
        module_id=module["id"],
        datasource_id=source["id"],
        path="all",
        content="SELECT id FROM t",
    )
    add_test(client, admin_headers, api["id"], name="three", expect={"rows": 3})
    publish(client, admin_headers, api["id"])
    client.patch(
        f"/api/v1/apis/{api['id']}",
        json={"content": "SELECT id FROM t {% if %}"},
        headers=admin_headers,
    )
    (draft,) = run(client, admin_headers, api["id"])["results"]
    ((what, why),) = messages(draft)
    assert what == "run" and draft["status"] == 0
    assert why.startswith("The draft cannot run: line 1: Expected an expression")
    (live,) = run(client, admin_headers, api["id"], published=True)["results"]
    assert live["passed"], live
    everything = client.post("/api/v1/tests/run", json={"published": True}, headers=admin_headers)
    assert everything.json()["passed"] == 1


def test_test_cases_are_kept_with_their_api(
    client: TestClient, admin_headers: Headers, lite: Any
) -> None:
    source, module = lite
    api = make_api(
        client,
        admin_headers,
        module_id=module["id"],
        datasource_id=source["id"],
        path="t",
        content="SELECT id FROM t",
    )
    created = add_test(
        client,
        admin_headers,
        api["id"],
        name="three",
        params={"x": [1, {"y": None}]},
        expect={"rows": 3, "schema": {"type": "array"}},
    )
    assert created["expect"] == {
        "status": None,
        "code": None,
        "rows": 3,
        "rows_min": None,
        "rows_max": None,
        "fields": [],
        "schema": {"type": "array"},
        "max_ms": None,
    }
    assert created["params"] == {"x": [1, {"y": None}]} and created["client_id"] is None
    base = f"/api/v1/apis/{api['id']}/tests"
    taken = client.post(base, json={"name": "three"}, headers=admin_headers)
    assert taken.status_code == 409 and "three" in taken.json()["detail"]
    patched = client.patch(
        f"{base}/{created['id']}",
        json={"name": "renamed", "expect": {"rows_min": 1}},
        headers=admin_headers,
    ).json()
    assert patched["name"] == "renamed" and patched["expect"]["rows_min"] == 1
    assert patched["expect"]["rows"] is None and patched["params"] == created["params"]
    listed = client.get(base, headers=admin_headers).json()
    assert listed["count"] == 1 and listed["data"][0]["id"] == created["id"]
    other = make_api(client, admin_headers, module_id=module["id"], path="other")
    elsewhere = client.get(
        f"/api/v1/apis/{other['id']}/tests/{created['id']}", headers=admin_headers
    )
    assert elsewhere.status_code == 404
    audit = client.get("/api/v1/audit-logs?resource=api_test", headers=admin_headers).json()
    assert {entry["action"] for entry in audit["data"]} == {"create", "update"}
    client.delete(f"/api/v1/apis/{api['id']}", headers=admin_headers)
    assert client.get(f"{base}/{created['id']}", headers=admin_headers).status_code == 404
