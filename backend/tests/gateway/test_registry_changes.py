"""The registry follows the change log: a process that did not make a change reloads only
the APIs, clients and groups it names, and still sees every change at once.

Two apps on one store, polling every ten minutes and no Redis, so nothing but the second
app's own `rebuild()` (the step every announcement, poll or confirmation runs) brings it up
to date. An API no change touched keeps its loaded object: that is how the test tells the
step reloaded one API and not all.
"""

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session

from sluice.services.registry import RegistryHolder
from tests.factories import ADMIN_EMAIL, ADMIN_PASSWORD, login, make_api, make_module, publish


@dataclass
class World:
    first: TestClient
    second: TestClient
    headers: dict[str, str]
    source: int
    module: int
    items: int
    """A public API no test changes: its loaded object must stay the same."""

    @property
    def holder(self) -> RegistryHolder:
        holder: RegistryHolder = self.second.app.state.registry  # type: ignore[attr-defined]
        return holder

    def untouched(self) -> Any:
        return self.holder.current.by_id[self.items]

    def api(self, path: str, **fields: Any) -> int:
        body = {"path": path, "content": "SELECT id FROM t ORDER BY id"} | fields
        made = make_api(
            self.first, self.headers, module_id=self.module, datasource_id=self.source, **body
        )
        publish(self.first, self.headers, made["id"])
        return int(made["id"])

    def admin(self, method: str, url: str, **body: Any) -> Any:
        answer = self.first.request(method, f"/api/v1{url}", json=body, headers=self.headers)
        assert answer.status_code < 300, answer.text
        return answer.json() if answer.content else None

    def token(self, **grants: Any) -> tuple[int, dict[str, str]]:
        made = self.admin("POST", "/clients", name="app", **grants)
        answer = self.first.post(
            "/token/generate",
            json={"client_id": made["client_id"], "client_secret": made["client_secret"]},
        )
        return made["id"], {"Authorization": f"Bearer {answer.json()['access_token']}"}

    def caught_up(self) -> None:
        """Bring the second app up to date; the untouched API must not have been reloaded."""
        before = self.untouched()
        self.holder.rebuild()
        assert self.untouched() is before
        assert self.second.get("/shop/items").status_code == 200


@pytest.fixture
def world(app_factory: Any, settings: Any) -> Iterator[World]:
    folder = settings.sqlite_datasource_dir
    folder.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(folder / "changes.db") as db:
        db.execute("CREATE TABLE IF NOT EXISTS t (id INTEGER)")
        db.executemany("INSERT INTO t VALUES (?)", [(1,), (2,)])
    db.close()
    quiet = {"REGISTRY_POLL_SECONDS": 600}
    with TestClient(app_factory(**quiet)) as first, TestClient(app_factory(**quiet)) as second:
        headers = login(first, ADMIN_EMAIL, ADMIN_PASSWORD)
        source = first.post(
            "/api/v1/datasources",
            json={"name": "changes", "type": "sqlite", "options": {"path": "changes.db"}},
            headers=headers,
        ).json()["id"]
        module = make_module(first, headers)["id"]
        w = World(first, second, headers, source, module, 0)
        w.items = w.api("items")
        w.holder.rebuild()
        yield w


def test_a_publish_and_an_unpublish_reach_another_process(world: World) -> None:
    other = world.api("others")
    world.caught_up()
    assert world.second.get("/shop/others").json()["data"] == [{"id": 1}, {"id": 2}]
    world.admin("PATCH", f"/apis/{other}", content="SELECT 7 AS id")
    publish(world.first, world.headers, other)
    world.caught_up()
    assert world.second.get("/shop/others").json()["data"] == [{"id": 7}]
    old = world.holder.current
    world.admin("POST", f"/apis/{other}/unpublish")
    world.caught_up()
    assert world.second.get("/shop/others").status_code == 404
    assert old.resolve("shop", "others", "GET")[0].api_id == other  # the old one is intact


def test_a_client_grant_and_a_group_change_reach_another_process(world: World) -> None:
    private = world.api("private", access="private")
    client, auth = world.token(api_ids=[private])
    world.caught_up()
    assert world.second.get("/shop/private", headers=auth).status_code == 200
    world.admin("PATCH", f"/clients/{client}", api_ids=[])
    world.caught_up()
    assert world.second.get("/shop/private", headers=auth).status_code == 403
    group = world.admin("POST", "/groups", name="readers", api_ids=[private])["id"]
    world.admin("PATCH", f"/clients/{client}", group_ids=[group])
    world.caught_up()
    assert world.second.get("/shop/private", headers=auth).status_code == 200
    world.admin("PATCH", f"/groups/{group}", api_ids=[])
    world.caught_up()
    assert world.second.get("/shop/private", headers=auth).status_code == 403
    world.admin("PATCH", f"/groups/{group}", api_ids=[private])
    world.caught_up()
    assert world.second.get("/shop/private", headers=auth).status_code == 200
    world.admin("DELETE", f"/groups/{group}")
    world.caught_up()
    assert world.second.get("/shop/private", headers=auth).status_code == 403
    world.admin("DELETE", f"/clients/{client}")
    world.caught_up()
    assert world.second.get("/shop/private", headers=auth).status_code == 401


def test_a_module_deactivation_and_a_data_source_edit_reach_another_process(
    world: World,
) -> None:
    module = world.admin("POST", "/modules", name="back")["id"]
    made = make_api(
        world.first,
        world.headers,
        module_id=module,
        datasource_id=world.source,
        path="office",
        content="SELECT 1 AS id",
    )
    publish(world.first, world.headers, made["id"])
    world.caught_up()
    assert world.second.get("/back/office").status_code == 200
    world.admin("PATCH", f"/modules/{module}", is_active=False)
    world.caught_up()
    assert world.second.get("/back/office").status_code == 404
    world.admin("PATCH", f"/modules/{module}", is_active=True)
    world.caught_up()
    assert world.second.get("/back/office").status_code == 200

    other = world.admin(
        "POST", "/datasources", name="spare", type="sqlite", options={"path": "changes.db"}
    )
    made = make_api(
        world.first,
        world.headers,
        module_id=world.module,
        datasource_id=other["id"],
        path="spare",
        content="SELECT 1 AS id",
    )
    publish(world.first, world.headers, made["id"])
    world.caught_up()
    assert world.second.get("/shop/spare").status_code == 200
    world.admin("PATCH", f"/datasources/{other['id']}", is_active=False)
    world.caught_up()
    answer = world.second.get("/shop/spare")
    assert answer.status_code == 503 and "data source" in answer.json()["message"]


def test_a_process_the_log_no_longer_reaches_rebuilds_in_full(world: World) -> None:
    world.api("others")
    world.admin("POST", f"/apis/{world.items}/unpublish")
    with Session(world.first.app.state.engine) as session:  # type: ignore[attr-defined]
        session.execute(text("DELETE FROM registry_change"))
        session.commit()
    world.holder.rebuild()
    assert world.second.get("/shop/others").status_code == 200
    assert world.second.get("/shop/items").status_code == 404
    publish(world.first, world.headers, world.items)
    world.holder.rebuild()
    assert world.second.get("/shop/items").status_code == 200
