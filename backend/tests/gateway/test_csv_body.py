"""A CSV body (`Content-Type: text/csv`) fills a write API's array parameter with one object
per row, on the real PostgreSQL, MariaDB and a SQLite file."""

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI

from tests.conftest import AppFactory
from tests.gateway.test_stream import Exports, exports_on
from tests.tables import KINDS, rows_of

CSV = {"Content-Type": "text/csv; charset=utf-8"}
BATCH_INSERT = """
INSERT INTO TABLE (id, name, amount)
{% for r in rows %}{% if loop.first %}VALUES{% else %},{% endif %}
  ({{ r.id | sql_int }}, {{ r.name }}, {{ r.amount }}){% endfor %}
"""
ROWS = {"name": "rows", "location": "body", "type": "array", "required": True, "max": 1000}


@pytest.fixture(params=KINDS)
def exports(request: pytest.FixtureRequest, app_factory: AppFactory) -> Iterator[Exports]:
    app: FastAPI = app_factory(MAX_REQUEST_BODY_BYTES=4096)
    yield from exports_on(request.param, app, rows=0)


def batch(exports: Exports) -> dict[str, Any]:
    return exports.api("batch", BATCH_INSERT, method="POST", params=[ROWS])


def test_a_csv_body_is_a_batch_of_rows(exports: Exports) -> None:
    batch(exports)
    body = 'id,name,amount\r\n1,ann,1.25\r\n2,"bob, jr",\r\n3,cy,3.50\r\n'
    response = exports.client.post("/exports/batch", content=body.encode(), headers=CSV)
    assert response.status_code == 200, response.text
    assert response.json()["data"] == {"rows_affected": 3}
    found = [row[:2] for row in rows_of(exports.kind, exports.table, exports.folder)]
    assert found == [(1, "ann"), (2, "bob, jr"), (3, "cy")]
    amounts = [row[3] for row in rows_of(exports.kind, exports.table, exports.folder)]
    assert amounts[1] is None  # an empty cell is null


def test_the_same_api_takes_json(exports: Exports) -> None:
    batch(exports)
    rows = [{"id": 7, "name": "json", "amount": "2.00"}]
    response = exports.client.post("/exports/batch", json={"rows": rows})
    assert response.json()["data"] == {"rows_affected": 1}


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (b"id,name\n1,a,extra\n", "has 3 values for 2"),
        (b"id,id\n1,2\n", "name each column once"),
        (b"id,name\n1,caf\xe9\n", "not UTF-8"),
        (b"id,name\n1,a\x00\n", "NUL"),
        (b'id,name\n1,"open\n', "not valid CSV"),
    ],
)
def test_a_bad_csv_body_is_a_400(exports: Exports, body: bytes, says: str) -> None:
    batch(exports)
    response = exports.client.post("/exports/batch", content=body, headers=CSV)
    assert response.status_code == 400
    assert response.json()["error"] == "bad_request"
    assert says in response.json()["message"]


def test_a_csv_body_needs_one_array_parameter(exports: Exports) -> None:
    scalar = {"name": "x", "location": "body", "type": "string"}
    exports.api("scalar", "SELECT {{ x }} AS x", method="POST", params=[scalar])
    refused = exports.client.post("/exports/scalar", content=b"x\n1\n", headers=CSV)
    assert refused.status_code == 400
    assert "has none" in refused.json()["message"]


def test_a_csv_body_is_held_to_the_body_limit(exports: Exports) -> None:
    batch(exports)
    rows = "".join(f"{i},name {i},1.00\n" for i in range(1, 400))
    response = exports.client.post(
        "/exports/batch", content=f"id,name,amount\n{rows}".encode(), headers=CSV
    )
    assert response.status_code == 413
