"""Test cases in definitions: under each API, keyed by name, their client by name; and an
import honours a module's test gate like a publish does (refused, or forced with a
reason)."""

from typing import Any

from sluice.services.exchange.yaml_text import dump_yaml
from tests.exchange.conftest import Side
from tests.exchange.test_import import api, data, issues, module
from tests.exchange.world import build


def cases_of(side: Side, api_id: int) -> dict[str, Any]:
    answer = side.client.get(f"/api/v1/apis/{api_id}/tests", headers=side.admin).json()
    return {t["name"]: t for t in answer["data"]}


def test_test_cases_travel_by_name_with_their_client_by_name(source: Side) -> None:
    world = build(source)
    document = data(source.export())
    items = api(document, "shop/List items")
    assert [t["name"] for t in items["tests"]] == ["as the app", "two by default"]
    assert items["tests"][0]["client"] == "app"
    assert items["tests"][0]["expect"]["schema"] == {"type": "array", "items": {"type": "object"}}

    items["tests"][1]["expect"] = {"rows": 3}
    items["tests"][0] = {"name": "none", "params": {"q": "zz"}, "expect": {"rows": 0}}
    report = source.load(dump_yaml(document))

    assert report["changed"] == ["api shop/List items"] and not report["created"]
    held = cases_of(source, world.apis["shop/List items"])
    assert sorted(held) == ["none", "two by default"]
    assert held["two by default"]["expect"]["rows"] == 3
    assert held["none"]["client_id"] is None
    run = source.client.post(
        f"/api/v1/apis/{world.apis['shop/List items']}/tests/run", json={}, headers=source.admin
    )
    assert run.json()["passed"] == 1 and run.json()["failed"] == 1  # 2 rows, not 3
    entry = source.client.get("/api/v1/audit-logs?limit=1", headers=source.admin).json()["data"][0]
    assert (entry["action"], entry["resource"], list(entry["after"])) == (
        "update",
        "api",
        ["tests"],
    )


def test_a_test_case_names_a_client_the_import_leaves(target: Side) -> None:
    text = """\
format_version: 1
modules:
- name: shop
  apis:
  - name: Items
    path: items
    method: GET
    access: public
    tests:
    - name: as nobody
      client: ghost
"""
    assert issues(target.send(text)) == [
        "test 'as nobody' of api shop/Items: the body line 11: client: no client 'ghost'"
    ]


def gated(source: Side) -> dict[str, Any]:
    """The world's file with shop requiring passing tests, a failing test and a change to
    publish (the two APIs' content)."""
    build(source)
    document = data(source.export())
    module(document, "shop")["require_passing_tests"] = True
    items = api(document, "shop/List items")
    items["content"] = items["content"].replace("ORDER BY id", "ORDER BY id DESC")
    items["tests"][1]["expect"] = {"rows": 3}
    found: dict[str, Any] = document
    return found


def test_an_import_is_held_by_a_modules_test_gate(source: Side) -> None:
    document = gated(source)
    before = source.export()

    refused = issues(source.send(dump_yaml(document)))

    assert len(refused) == 1
    assert refused[0].startswith("test 'two by default' of api shop/List items: the body line ")
    assert refused[0].endswith(
        "fails, and module shop requires passing tests: rows: Expected 3 rows, got 2."
    )
    assert source.export() == before


def test_a_forced_import_publishes_past_the_gate_and_says_why(source: Side) -> None:
    document = gated(source)

    report = source.load(dump_yaml(document), force_reason="the test is being rewritten")

    assert "api shop/List items" in report["changed"]
    assert "module shop" in report["changed"]
    logs = source.client.get("/api/v1/audit-logs?limit=50", headers=source.admin).json()["data"]
    forced = [e for e in logs if e["action"] == "force_publish"]
    assert len(forced) == 1
    assert forced[0]["after"]["reason"] == "the test is being rewritten"
    assert forced[0]["after"]["failed_tests"] == ["two by default"]
    assert forced[0]["actor"] == "admin@example.com"
    answer = source.client.get("/shop/items?size=3").json()["data"]
    assert [row["id"] for row in answer] == [3, 2, 1]
