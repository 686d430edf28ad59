"""Streamed exports at the gateway (`?format=csv`, `?format=ndjson`) on the real PostgreSQL,
MariaDB and a SQLite file: every row, in order, in the right format, with the values of the
JSON answer, past GATEWAY_MAX_RESPONSE_ROWS and up to GATEWAY_MAX_STREAM_ROWS, recorded in
the access log. The hang-up test is `test_stream_hangup.py` (it needs a real server)."""

import csv
import io
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import orjson
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from sluice.services.exports import cell
from tests.conftest import AppFactory
from tests.factories import ADMIN_EMAIL, ADMIN_PASSWORD, login, make_api, make_module, make_source
from tests.factories import publish as publish_api
from tests.tables import KINDS, expected_row, numbered_table

ROWS = 2_500
"""More than two batches of a stream (1,000 rows each)."""


class Exports:
    """An app with a numbered table on one database, and APIs over it."""

    def __init__(
        self, kind: str, app: FastAPI, client: TestClient, source: dict[str, Any], table: str
    ):
        self.kind, self.app, self.client, self.table = kind, app, client, table
        self.folder = app.state.settings.sqlite_datasource_dir
        self.admin = login(client, ADMIN_EMAIL, ADMIN_PASSWORD)
        self.source = make_source(client, self.admin, source)
        self.module = make_module(client, self.admin, "exports")

    def api(self, name: str, content: str, **fields: Any) -> dict[str, Any]:
        api = make_api(
            self.client,
            self.admin,
            module_id=self.module["id"],
            datasource_id=self.source["id"],
            name=name,
            path=fields.pop("path", name),
            content=content.replace("TABLE", self.table),
            **fields,
        )
        publish_api(self.client, self.admin, api["id"])
        return api

    def records(self, api_id: int) -> list[dict[str, Any]]:
        """The API's access records, once the writer has flushed them."""
        deadline = time.monotonic() + 10
        while True:
            answer = self.client.get(
                "/api/v1/access-logs", params={"api_id": api_id}, headers=self.admin
            )
            data: list[dict[str, Any]] = answer.json()["data"]
            if data or time.monotonic() > deadline:
                return data
            time.sleep(0.2)


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    kind: str = request.param
    return kind


def exports_on(kind: str, app: FastAPI, rows: int = ROWS) -> Iterator[Exports]:
    with numbered_table(kind, rows, app.state.settings.sqlite_datasource_dir) as (source, table):
        with TestClient(app) as client:
            yield Exports(kind, app, client, source, table)


@pytest.fixture
def exports(kind: str, app: FastAPI) -> Iterator[Exports]:
    yield from exports_on(kind, app)


ORDERED = "SELECT id, name, even, amount, day, note FROM TABLE ORDER BY id"


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def test_csv_streams_every_row_in_order(exports: Exports, kind: str) -> None:
    exports.api("all numbers", ORDERED, path="numbers")
    response = exports.client.get("/exports/numbers", params={"format": "csv"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    today = datetime.now(UTC).date().isoformat()
    assert response.headers["content-disposition"] == (
        f'attachment; filename="all-numbers-{today}.csv"'
    )
    lines = csv_rows(response.text)
    assert lines[0] == ["id", "name", "even", "amount", "day", "note"]
    assert len(lines) == ROWS + 1
    assert [int(line[0]) for line in lines[1:]] == list(range(1, ROWS + 1))
    for i in (1, 2, 1234, ROWS):
        assert lines[i] == [str(cell(value)) for value in expected_row(kind, i).values()]
    assert lines[2][:3] == ["2", "name 2", "true" if kind == "postgres" else "1"]
    assert response.text.endswith("\r\n")


def test_ndjson_rows_are_the_json_answer_rows(exports: Exports, kind: str) -> None:
    exports.api("numbers", ORDERED)
    whole = exports.client.get("/exports/numbers", params={"format": "ndjson"})
    assert whole.status_code == 200, whole.text
    assert whole.headers["content-type"] == "application/x-ndjson"
    assert whole.headers["content-disposition"].endswith('.ndjson"')
    rows = [orjson.loads(line) for line in whole.text.splitlines()]
    assert rows == [expected_row(kind, i) for i in range(1, ROWS + 1)]
    answer = exports.client.get("/exports/numbers").json()["data"]
    assert rows == answer


def test_streams_are_not_capped_by_the_response_row_limit(
    kind: str, app_factory: AppFactory
) -> None:
    app = app_factory(GATEWAY_MAX_RESPONSE_ROWS=100)
    for exports in exports_on(kind, app):
        exports.api("numbers", ORDERED)
        answer = exports.client.get("/exports/numbers")
        assert answer.json()["truncated"] is True and len(answer.json()["data"]) == 100
        streamed = exports.client.get("/exports/numbers", params={"format": "ndjson"})
        assert len(streamed.text.splitlines()) == ROWS
        assert streamed.headers["x-max-rows"] == "1000000"


def test_a_stream_stops_at_its_own_limit_and_says_so(kind: str, app_factory: AppFactory) -> None:
    app = app_factory(GATEWAY_MAX_STREAM_ROWS=1_000)
    for exports in exports_on(kind, app):
        api = exports.api("numbers", ORDERED)
        response = exports.client.get("/exports/numbers", params={"format": "csv"})
        assert response.status_code == 200
        assert response.headers["x-max-rows"] == "1000"
        lines = csv_rows(response.text)
        assert len(lines) == 1_001 and lines[-1][0] == "1000"
        [record] = exports.records(api["id"])
        assert (record["rows"], record["error"], record["status"]) == (
            1_000,
            "row_limit_reached",
            200,
        )


def test_the_access_record_counts_the_rows(exports: Exports) -> None:
    api = exports.api("numbers", ORDERED)
    exports.client.get("/exports/numbers", params={"format": "ndjson"})
    [record] = exports.records(api["id"])
    assert (record["rows"], record["error"], record["status"]) == (ROWS, None, 200)


def test_exactly_the_limit_is_not_cut(kind: str, app_factory: AppFactory) -> None:
    app = app_factory(GATEWAY_MAX_STREAM_ROWS=ROWS)
    for exports in exports_on(kind, app):
        api = exports.api("numbers", ORDERED)
        response = exports.client.get("/exports/numbers", params={"format": "csv"})
        assert len(csv_rows(response.text)) == ROWS + 1
        [record] = exports.records(api["id"])
        assert (record["rows"], record["error"]) == (ROWS, None)


def test_camel_naming_and_pages_apply_to_streams(exports: Exports) -> None:
    exports.api(
        "page",
        "SELECT id AS row_id, name AS full_name FROM TABLE ORDER BY id",
        pagination="offset",
    )
    response = exports.client.get(
        "/exports/page", params={"format": "csv", "naming": "camel", "limit": 3, "offset": 10}
    )
    assert csv_rows(response.text) == [
        ["rowId", "fullName"],
        ["11", "name 11"],
        ["12", "name 12"],
        ["13", "name 13"],
    ]


def test_an_empty_result_is_a_header_only(exports: Exports) -> None:
    exports.api("none", "SELECT id, name FROM TABLE WHERE id < 0")
    response = exports.client.get("/exports/none", params={"format": "csv"})
    assert response.status_code == 200
    assert response.text == "id,name\r\n"
    assert exports.client.get("/exports/none", params={"format": "ndjson"}).text == ""


def test_a_failing_query_is_an_ordinary_error(exports: Exports) -> None:
    exports.api("broken", "SELECT no_such_column FROM TABLE")
    response = exports.client.get("/exports/broken", params={"format": "csv"})
    assert response.status_code == 502
    assert response.json()["error"] == "datasource_error"


def test_apis_that_cannot_stream_still_answer_files(exports: Exports) -> None:
    """A write, several statements or a script run as usual; their rows come as a file."""
    exports.api(
        "two",
        "SELECT id FROM TABLE WHERE id = 1; SELECT name FROM TABLE WHERE id = 2",
    )
    script = "def execute(params):\n    return [{'a': 1, 'b': None}, {'a': 2}]\n"
    exports.api("scripted", script, engine="script")
    scripted = exports.client.get("/exports/scripted", params={"format": "csv"})
    assert scripted.status_code == 200, scripted.text
    assert scripted.text == "a,b\r\n1,\r\n2,\r\n"
    assert scripted.headers["content-disposition"].startswith('attachment; filename="scripted-')
    lines = exports.client.get("/exports/scripted", params={"format": "ndjson"}).text
    assert lines == '{"a":1,"b":null}\n{"a":2}\n'
    two = exports.client.get("/exports/two", params={"format": "csv"})
    assert two.status_code == 400
    assert "format=csv needs a row result" in two.json()["message"]
