"""The table browser's preview: a table's columns with their key and nullability, and its
first rows, on the real PostgreSQL and MariaDB, a SQLite file and the fake Trino. The name
is found in the source's catalogue (never pasted into SQL) and the route needs
`datasource:debug`, as reading rows does."""

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from sluice.config import Settings
from tests.connectors.fake_trino import FakeTrino
from tests.factories import login, make_source, make_user
from tests.targets import KINDS, Target, target, trino_server

__all__ = ["trino_server"]

Headers = dict[str, str]


@pytest.fixture(params=KINDS)
def place(
    request: pytest.FixtureRequest, settings: Settings, trino_server: tuple[FakeTrino, int]
) -> Iterator[Target]:
    with target(request.param, settings.sqlite_datasource_dir, trino_server) as made:
        yield made


def people(place: Target, rows: int) -> str:
    """A table `people_<hex>` (id key, a NOT NULL name, a nullable note) of `rows` rows."""
    name = place.table("people")
    key = "" if place.kind == "trino" else " PRIMARY KEY"
    place.run(
        f"CREATE TABLE {place.quote(name)} (id INTEGER NOT NULL{key},"
        " name VARCHAR(40) NOT NULL, note VARCHAR(100))"
    )
    if rows:
        values = ", ".join(f"({i}, 'person {i}', NULL)" for i in range(1, rows + 1))
        place.run(f"INSERT INTO {place.quote(name)} VALUES {values}")
    return name


def preview(
    client: TestClient, headers: Headers, source: dict[str, Any], table: str, **params: Any
) -> Any:
    url = f"/api/v1/datasources/{source['id']}/tables/{table}/preview"
    return client.get(url, params=params, headers=headers)


def test_preview_shows_keys_nullability_types_and_the_first_rows(
    client: TestClient, admin_headers: Headers, place: Target
) -> None:
    table = people(place, 30)
    source = make_source(client, admin_headers, place.source)
    response = preview(client, admin_headers, source, table)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["name"] == table and body["limit"] == 20
    columns = {c["name"]: c for c in body["columns"]}
    assert list(columns) == ["id", "name", "note"]
    assert [columns[n]["nullable"] for n in columns] == [False, False, True]
    has_keys = place.kind != "trino"  # Trino does not report keys
    assert columns["id"]["primary_key"] is has_keys
    assert body["primary_key"] == (["id"] if has_keys else [])
    assert not columns["note"]["primary_key"]
    assert "char" in columns["name"]["type"].lower()
    assert len(body["rows"]) == 20
    assert {"id": 1, "name": "person 1", "note": None} in body["rows"]


def test_limit_is_obeyed_and_bounded(
    client: TestClient, admin_headers: Headers, place: Target
) -> None:
    table = people(place, 5)
    source = make_source(client, admin_headers, place.source)
    three = preview(client, admin_headers, source, table, limit=3).json()
    assert len(three["rows"]) == 3 and three["limit"] == 3
    assert len(preview(client, admin_headers, source, table, limit=100).json()["rows"]) == 5
    for bad in (0, 101, "many"):
        assert preview(client, admin_headers, source, table, limit=bad).status_code == 422


def test_an_empty_table_previews_with_no_rows(
    client: TestClient, admin_headers: Headers, place: Target
) -> None:
    table = people(place, 0)
    source = make_source(client, admin_headers, place.source)
    body = preview(client, admin_headers, source, table).json()
    assert body["rows"] == [] and len(body["columns"]) == 3


def test_a_name_not_in_the_catalogue_is_a_404_and_never_sql(
    client: TestClient, admin_headers: Headers, place: Target
) -> None:
    table = people(place, 2)
    source = make_source(client, admin_headers, place.source)
    for name in ("no_such_table", f"{table} --", f"{table}; DROP TABLE {table}"):
        response = preview(client, admin_headers, source, name)
        assert response.status_code == 404, response.text
        assert "No table or view named" in response.json()["detail"]
    assert len(preview(client, admin_headers, source, table).json()["rows"]) == 2


def test_preview_needs_datasource_debug(
    client: TestClient,
    admin_headers: Headers,
    session: Session,
    settings: Settings,
    trino_server: tuple[FakeTrino, int],
) -> None:
    with target("sqlite", settings.sqlite_datasource_dir, trino_server) as place:
        table = people(place, 1)
        source = make_source(client, admin_headers, place.source)
        make_user(session, "dev@example.com", roles=("developer",))
        make_user(session, "viewer@example.com", roles=("viewer",))
        developer, viewer = login(client, "dev@example.com"), login(client, "viewer@example.com")
        assert preview(client, developer, source, table).status_code == 200
        refused = preview(client, viewer, source, table)
        assert refused.status_code == 403
        assert refused.json()["detail"] == "Missing permission datasource:debug"
