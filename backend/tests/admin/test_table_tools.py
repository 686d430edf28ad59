"""Table tools on the real PostgreSQL, MariaDB and a SQLite file: a table exported whole as
a file, and a CSV file imported into a table in both modes, with its report and audit entry.

The tools do not depend on the app store: these tests run on a SQLite store only."""

import csv
import io
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import orjson
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from sluice.db import migrate
from tests.conftest import AppFactory
from tests.factories import ADMIN_EMAIL, ADMIN_PASSWORD, login, make_source, make_user
from tests.tables import KINDS, expected_row, maria_run, numbered_table, pg_run, rows_of

Headers = dict[str, str]


@pytest.fixture(scope="session")
def store_template(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("tables-store") / "template.db"
    migrate(f"sqlite:///{path}")
    return str(path)


class Tools:
    """An app with a numbered table on one database, and its admin."""

    def __init__(self, kind: str, app: FastAPI, client: TestClient, source: dict[str, Any]):
        self.kind, self.app, self.client = kind, app, client
        self.admin = login(client, ADMIN_EMAIL, ADMIN_PASSWORD)
        self.source = make_source(client, self.admin, source)
        self.folder = app.state.settings.sqlite_datasource_dir
        self.table = ""

    def url(self, action: str, table: str | None = None) -> str:
        return f"/api/v1/datasources/{self.source['id']}/tables/{table or self.table}/{action}"

    def export(self, headers: Headers | None = None, **params: str) -> Any:
        return self.client.get(self.url("export"), params=params, headers=headers or self.admin)

    def upload(
        self, text: str | bytes, mode: str = "all_or_nothing", headers: Headers | None = None
    ) -> Any:
        content = text.encode() if isinstance(text, str) else text
        return self.client.post(
            self.url("import"),
            files={"file": ("people.csv", content, "text/csv")},
            data={"mode": mode},
            headers=headers or self.admin,
        )

    def rows(self) -> list[tuple[Any, ...]]:
        return rows_of(self.kind, self.table, self.folder)


def tools_on(kind: str, app: FastAPI, rows: int) -> Iterator[Tools]:
    with TestClient(app) as client:
        folder = app.state.settings.sqlite_datasource_dir
        with numbered_table(kind, rows, folder) as (source, table):
            tools = Tools(kind, app, client, source)
            tools.table = table
            yield tools


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    kind: str = request.param
    return kind


@pytest.fixture
def tools(kind: str, app: FastAPI) -> Iterator[Tools]:
    yield from tools_on(kind, app, 30)


@pytest.fixture
def empty(kind: str, app: FastAPI) -> Iterator[Tools]:
    yield from tools_on(kind, app, 0)


def parsed(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


# --- export --------------------------------------------------------------------------------


def test_a_table_exports_whole_as_csv(tools: Tools, kind: str) -> None:
    response = tools.export()
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    today = datetime.now(UTC).date().isoformat()
    name = f"{tools.source['name']}-{tools.table}-{today}.csv"
    assert response.headers["content-disposition"] == f'attachment; filename="{name}"'
    lines = parsed(response.text)
    assert lines[0] == ["id", "name", "even", "amount", "day", "note"]
    assert sorted(int(line[0]) for line in lines[1:]) == list(range(1, 31))


def test_ndjson_rows_have_the_json_value_rules(tools: Tools, kind: str) -> None:
    response = tools.export(format="ndjson")
    assert response.headers["content-type"] == "application/x-ndjson"
    rows = sorted(
        (orjson.loads(line) for line in response.text.splitlines()), key=lambda r: r["id"]
    )
    assert rows == [expected_row(kind, i) for i in range(1, 31)]


def test_an_unknown_table_is_a_404(tools: Tools) -> None:
    response = tools.client.get(tools.url("export", "no_such_table"), headers=tools.admin)
    assert response.status_code == 404
    assert "no_such_table" in response.json()["detail"]


STRANGE = 'Mixed "Case`s" %s; --'
"""A table name that breaks out of any quoting that is not done right."""


def strange_table(kind: str, tools: Tools) -> None:
    if kind == "postgres":
        pg_run(f'CREATE TABLE "{STRANGE.replace(chr(34), chr(34) * 2)}" (id int, "Name%" text)')
        pg_run(f"""INSERT INTO "{STRANGE.replace('"', '""')}" VALUES (1, 'one')""")
    elif kind == "mariadb":
        maria_run(f"CREATE TABLE `{STRANGE.replace('`', '``')}` (id int, `Name%` text)")
        maria_run(f"INSERT INTO `{STRANGE.replace('`', '``')}` VALUES (1, 'one')")
    else:
        import sqlite3

        with sqlite3.connect(tools.folder / f"{tools.table}.db") as db:
            db.execute(f'CREATE TABLE "{STRANGE.replace(chr(34), chr(34) * 2)}" (id, "Name%")')
            db.execute(f"""INSERT INTO "{STRANGE.replace('"', '""')}" VALUES (1, 'one')""")
        db.close()


def drop_strange(kind: str) -> None:
    if kind == "postgres":
        pg_run(f'DROP TABLE IF EXISTS "{STRANGE.replace(chr(34), chr(34) * 2)}"')
    elif kind == "mariadb":
        maria_run(f"DROP TABLE IF EXISTS `{STRANGE.replace('`', '``')}`")


def test_names_are_quoted_on_the_way_out_and_in(tools: Tools, kind: str) -> None:
    strange_table(kind, tools)
    try:
        table = STRANGE.replace("%", "%25").replace(" ", "%20").replace('"', "%22")
        exported = tools.client.get(tools.url("export", table), headers=tools.admin)
        assert exported.status_code == 200, exported.text
        assert parsed(exported.text) == [["id", "Name%"], ["1", "one"]]
        imported = tools.client.post(
            tools.url("import", table),
            files={"file": ("x.csv", b"ID,name%\n2,two\n", "text/csv")},
            headers=tools.admin,
        )
        assert imported.status_code == 200, imported.text
        assert imported.json()["inserted"] == 1
    finally:
        drop_strange(kind)


def test_exports_and_imports_are_audited(tools: Tools) -> None:
    tools.export()
    tools.upload("id,name\n900,audited\n900,twice\n", mode="best_effort")
    entries = tools.client.get(
        "/api/v1/audit-logs", params={"resource": "datasource"}, headers=tools.admin
    ).json()["data"]
    by_action = {entry["action"]: entry for entry in entries}
    assert by_action["export"]["after"]["table"] == tools.table
    assert by_action["export"]["actor"] == ADMIN_EMAIL
    imported = by_action["import"]["after"]
    assert imported["table"] == tools.table and imported["file"] == "people.csv"
    assert (imported["inserted"], imported["failed"]) == (1, 1)
    assert imported["errors"][0]["line"] == 3


# --- import --------------------------------------------------------------------------------

GOOD = """ID,Name,EVEN,amount,Day,note
101,"Smith, Ann",true,12.30,2024-02-29,"said ""hi""
twice"
102,bob,0,0.10,2024-03-01,
"""


def test_the_header_maps_case_insensitively_and_values_convert(empty: Tools, kind: str) -> None:
    response = empty.upload(GOOD)
    assert response.status_code == 200, response.text
    report = response.json()
    assert report == {
        "table": empty.table,
        "schema": report["schema"],
        "mode": "all_or_nothing",
        "committed": True,
        "inserted": 2,
        "failed": 0,
        "errors": [],
    }
    first, second = empty.rows()
    assert first[:2] == (101, "Smith, Ann") and second[:2] == (102, "bob")
    assert first[5] == 'said "hi"\ntwice' and second[5] is None
    if kind == "postgres":
        assert first[2:5] == (True, Decimal("12.30"), date(2024, 2, 29))
    elif kind == "mariadb":
        assert first[2:5] == (1, Decimal("12.30"), date(2024, 2, 29))
    else:
        assert first[2:5] == (1, 12.3, "2024-02-29")
        assert second[2:4] == (0, 0.1)


BAD = """id,name,amount
201,fine,1.00
202,,2.00
oops,typo,3.00
203,also fine,not money
1,taken,4.00
204,last,5.00
"""
"""Line 4: an id that is no integer; line 5: an amount that is no number; line 6: an id
the table holds already (the database refuses it). Line 3 has an empty name: NULL, which
the NOT NULL column refuses."""


def test_all_or_nothing_writes_nothing_and_says_why(tools: Tools) -> None:
    before = tools.rows()
    response = tools.upload(BAD, mode="all_or_nothing")
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["committed"], report["inserted"]) == (False, 0)
    lines = [error["line"] for error in report["errors"]]
    assert lines[:2] == [4, 5]  # the values that do not convert, found while reading
    assert "column 'id' must be an integer" in report["errors"][0]["message"]
    assert "column 'amount' must be a decimal number" in report["errors"][1]["message"]
    assert report["failed"] == len(lines)
    assert tools.rows() == before


def test_best_effort_keeps_the_good_rows_and_reports_each_bad_one(tools: Tools) -> None:
    response = tools.upload(BAD, mode="best_effort")
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["committed"], report["inserted"], report["failed"]) == (True, 2, 4)
    errors = {error["line"]: error["message"] for error in report["errors"]}
    assert sorted(errors) == [3, 4, 5, 6]
    assert "must be an integer" in errors[4] and "decimal" in errors[5]
    assert "null" in errors[3].lower() or "NOT NULL" in errors[3]
    assert any(word in errors[6].lower() for word in ("duplicate", "unique"))
    ids = [row[0] for row in tools.rows()]
    assert 201 in ids and 204 in ids and 202 not in ids and ids.count(1) == 1


def test_the_report_lists_at_most_the_limit(kind: str, app_factory: AppFactory) -> None:
    app = app_factory(CSV_IMPORT_MAX_ERRORS=2, CSV_IMPORT_BATCH_ROWS=2)
    for tools in tools_on(kind, app, 5):
        report = tools.upload(BAD, mode="best_effort").json()
        assert (report["failed"], len(report["errors"]), report["inserted"]) == (4, 2, 2)


def test_the_report_downloads_as_csv(tools: Tools) -> None:
    response = tools.client.post(
        tools.url("import"),
        params={"report": "csv"},
        files={"file": ("people.csv", BAD.encode(), "text/csv")},
        data={"mode": "best_effort"},
        headers=tools.admin,
    )
    assert response.status_code == 200
    assert response.headers["content-disposition"].startswith(
        f'attachment; filename="{tools.table}-import-report-'
    )
    assert response.headers["x-import-inserted"] == "2"
    assert response.headers["x-import-failed"] == "4"
    lines = parsed(response.text)
    assert lines[0] == ["line", "message"] and [line[0] for line in lines[1:]] == [
        "3",
        "4",
        "5",
        "6",
    ]


def test_an_export_imports_back_as_it_was(tools: Tools, kind: str) -> None:
    exported = tools.export().text
    before = tools.rows()
    pg_or_maria = {"postgres": pg_run, "mariadb": maria_run}.get(kind)
    if pg_or_maria is not None:
        pg_or_maria(f"DELETE FROM {tools.table}")
    else:
        import sqlite3

        with sqlite3.connect(tools.folder / f"{tools.table}.db") as db:
            db.execute(f"DELETE FROM {tools.table}")
        db.close()
    report = tools.upload(exported).json()
    assert (report["inserted"], report["failed"]) == (30, 0)
    assert tools.rows() == before


# --- refusals ------------------------------------------------------------------------------


def test_unknown_columns_are_refused_before_anything_is_written(tools: Tools) -> None:
    before = tools.rows()
    response = tools.upload("id,name,colour,Size\n500,new,red,9\n")
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert "'colour', 'Size'" in detail and tools.table in detail
    assert tools.rows() == before


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"", "empty"),
        (b"\n\n", "empty"),
        (b"id,name,id\n1,a,1\n", "named twice"),
        (b"id,,name\n1,,a\n", "has no name"),
        (b"id,name\n1,\xe9t\xe9\n", "not UTF-8"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not UTF-8"),
        (b"id,name\n1,a\x00b\n", "NUL"),
        (b"\xff\xfei\x00d\x00\n\x00", "not UTF-8"),
        (b"id,name\n1," + b"x" * (1024 * 1024 + 10) + b"\n", "longer than"),
        (b'id,name\n1,"' + b"x" * 200_000 + b'"\n', "field larger than field limit"),
        (b'id,name\n1,"open\n', "unexpected end of data"),
    ],
    ids=[
        "empty",
        "blank",
        "twice",
        "unnamed",
        "latin-1",
        "png",
        "nul",
        "utf-16",
        "huge-line",
        "huge-field",
        "open-quote",
    ],
)
def test_a_file_that_is_no_csv_is_a_400_and_writes_nothing(
    tools: Tools, content: bytes, says: str
) -> None:
    before = tools.rows()
    response = tools.upload(content, mode="best_effort")
    assert response.status_code == 400, response.text
    assert says in response.json()["detail"]
    assert tools.rows() == before


def test_no_file_is_a_422(tools: Tools) -> None:
    response = tools.client.post(tools.url("import"), data={"mode": "x"}, headers=tools.admin)
    assert response.status_code == 422
    fields = {issue["loc"][-1] for issue in response.json()["detail"]}
    assert "file" in fields


def test_an_upload_may_exceed_the_body_limit_up_to_its_own(
    kind: str, app_factory: AppFactory
) -> None:
    app = app_factory(MAX_REQUEST_BODY_BYTES=64 * 1024, CSV_IMPORT_MAX_BYTES=512 * 1024)
    for tools in tools_on(kind, app, 0):
        rows = "".join(f"{i},{'n' * 20} {i}\n" for i in range(1, 6_000))  # about 170 KB
        report = tools.upload("id,name\n" + rows).json()
        assert report["inserted"] == 5_999
        huge = tools.upload("id,name\n" + rows * 4)
        assert huge.status_code == 413
        assert "524288" in huge.json()["detail"]


# --- who may ---------------------------------------------------------------------------------


def user_with(client: TestClient, app: FastAPI, admin: Headers, *permissions: str) -> Headers:
    name = f"r{uuid.uuid4().hex[:8]}"
    wanted = [dict(zip(("resource", "action"), p.split(":"), strict=True)) for p in permissions]
    role = client.post("/api/v1/roles", json={"name": name, "permissions": wanted}, headers=admin)
    assert role.status_code == 201, role.text
    with Session(app.state.engine) as session:
        make_user(session, f"{name}@example.com", roles=(name,))
    return login(client, f"{name}@example.com")


def test_reading_rows_takes_debug_and_writing_them_write_too(tools: Tools) -> None:
    c, app, admin = tools.client, tools.app, tools.admin
    reader = user_with(c, app, admin, "datasource:read")
    writer = user_with(c, app, admin, "datasource:read", "datasource:write")
    debugger = user_with(c, app, admin, "datasource:debug")
    both = user_with(c, app, admin, "datasource:write", "datasource:debug")
    for who, export_status, import_status in [
        (reader, 403, 403),
        (writer, 403, 403),
        (debugger, 200, 403),
        (both, 200, 200),
    ]:
        assert tools.export(headers=who).status_code == export_status
        assert tools.upload("id,name\n", headers=who).status_code == import_status
    refused = tools.export(headers=reader).json()["detail"]
    assert refused == "Missing permission datasource:debug"


def test_trino_takes_no_import(app: FastAPI) -> None:
    with TestClient(app) as client:
        admin = login(client, ADMIN_EMAIL, ADMIN_PASSWORD)
        source = make_source(
            client,
            admin,
            {"name": "lake", "type": "trino", "host": "127.0.0.1", "port": 1, "options": {}},
        )
        response = client.post(
            f"/api/v1/datasources/{source['id']}/tables/t/import",
            files={"file": ("x.csv", b"a\n1\n", "text/csv")},
            headers=admin,
        )
        assert response.status_code == 400
        assert "Trino" in response.json()["detail"]
