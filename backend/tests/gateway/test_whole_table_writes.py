"""An UPDATE or DELETE rendered without WHERE is refused at the gateway and in debug runs,
unless the API allows whole-table writes: on PostgreSQL, MariaDB, SQLite and Trino."""

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from sluice.config import Settings
from tests.connectors.fake_trino import FakeTrino
from tests.factories import publish
from tests.gateway.test_calls import Live
from tests.targets import KINDS, Target, target, trino_server

__all__ = ["trino_server"]

PURGE = """\
DELETE FROM TABLE
{% where %}
  {% if id is not none %}AND id = {{ id }}{% endif %}
  {% if name %}AND name = {{ name }}{% endif %}
{% endwhere %}"""
RENAME = "UPDATE TABLE SET name = {{ name }} {% where %}{% if id %}id = {{ id }}{% endif %}{% endwhere %}"
SCRIPT = """\
def execute(params):
    table = params["table"]
    if params.get("catch"):
        try:
            db.execute("DELETE FROM " + table)
        except DatabaseError as error:
            return {"refused": str(error)}
    log.info("about to delete")
    return db.execute("DELETE FROM " + table)
"""


@pytest.fixture(params=KINDS)
def place(
    request: pytest.FixtureRequest, settings: Settings, trino_server: tuple[FakeTrino, int]
) -> Iterator[Target]:
    with target(request.param, settings.sqlite_datasource_dir, trino_server) as made:
        yield made


class World(Live):
    """A people table of three rows on one database, its source and a module."""

    def __init__(self, client: TestClient, headers: dict[str, str], place: Target) -> None:
        table = place.table("people")
        quoted = place.quote(table)
        place.run(f"CREATE TABLE {quoted} (id INTEGER PRIMARY KEY, name VARCHAR(20))")
        place.run(f"INSERT INTO {quoted} VALUES (1, 'ada'), (2, 'bob'), (3, 'cy')")
        super().__init__(client, headers, place.source, table)
        self.api("count", "SELECT count(*) AS n FROM TABLE", name="count people")

    def rows(self) -> int:
        answer = self.client.get("/shop/count")
        assert answer.status_code == 200, answer.text
        return int(answer.json()["data"][0]["n"])

    def allow(self, api: dict[str, Any]) -> None:
        changed = self.client.patch(
            f"/api/v1/apis/{api['id']}",
            json={"allow_whole_table_writes": True},
            headers=self.headers,
        )
        assert changed.status_code == 200 and changed.json()["allow_whole_table_writes"]
        publish(self.client, self.headers, api["id"], "allow whole-table writes")

    def debug(self, api: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
        url = f"/api/v1/apis/{api['id']}/debug"
        answer = self.client.post(url, json={"params": params}, headers=self.headers)
        assert answer.status_code == 200, answer.text
        result: dict[str, Any] = answer.json()
        return result


@pytest.fixture
def world(client: TestClient, admin_headers: dict[str, str], place: Target) -> World:
    return World(client, admin_headers, place)


def q(name: str, kind: str, location: str = "query") -> dict[str, Any]:
    return {"name": name, "location": location, "type": kind}


def test_a_delete_whose_where_rendered_empty_is_refused(world: World) -> None:
    purge = world.api("people", PURGE, [q("id", "integer")], method="DELETE", name="purge people")
    refused = world.client.delete("/shop/people")
    assert refused.status_code == 400, refused.text
    body = refused.json()
    assert body["success"] is False and body["error"] == "bad_request"
    assert "'purge people'" in body["message"] and "DELETE without a WHERE" in body["message"]
    assert world.rows() == 3

    one = world.client.delete("/shop/people", params={"id": 2})
    assert one.status_code == 200 and one.json()["data"] == {"rows_affected": 1}

    debugged = world.debug(purge, {})
    assert debugged["ok"] is False and debugged["error_code"] == "bad_request"
    assert "'purge people'" in debugged["error"]
    assert debugged["rendered_sql"].strip() == f"DELETE FROM {world.table}"
    assert world.rows() == 2

    world.allow(purge)
    everything = world.client.delete("/shop/people")
    assert everything.status_code == 200 and everything.json()["data"] == {"rows_affected": 2}
    assert world.rows() == 0


def test_an_update_without_where_is_refused_until_allowed(world: World) -> None:
    params = [q("id", "integer"), q("name", "string")]
    rename = world.api("people", RENAME, params, method="PATCH", name="rename")
    refused = world.client.patch("/shop/people", params={"name": "zed"})
    assert refused.status_code == 400 and "UPDATE without a WHERE" in refused.json()["message"]
    assert world.debug(rename, {"name": "zed", "id": 1})["data"] == {"rows_affected": 1}
    world.allow(rename)
    everyone = world.client.patch("/shop/people", params={"name": "max"})
    assert everyone.json()["data"] == {"rows_affected": 3}


def test_scripts_writes_go_through_the_same_check(world: World) -> None:
    params = [q("table", "string"), q("catch", "boolean")]
    script = world.api("purge", SCRIPT, params, method="DELETE", engine="script")
    table = {"table": world.table}
    refused = world.client.delete("/shop/purge", params=table)
    assert refused.status_code == 400, refused.text
    assert refused.json()["error"] == "bad_request" and "DELETE" in refused.json()["message"]

    caught = world.client.delete("/shop/purge", params=table | {"catch": "true"})
    assert caught.status_code == 200 and "refused" in caught.json()["data"]["refused"]
    debugged = world.debug(script, table)
    assert debugged["error_code"] == "bad_request" and "about to delete" in debugged["logs"][0]
    assert world.rows() == 3

    world.allow(script)
    assert world.client.delete("/shop/purge", params=table).json()["data"] == 3
    assert world.rows() == 0
