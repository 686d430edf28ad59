"""Importing: all or nothing, a dry run that changes nothing, a second import that reports
no change, --prune (whole files and partial ones), one audit entry per change, and every
problem of a file named by object and line."""

from typing import Any

from sqlmodel import Session, func, select

from sluice.models.access_record import AuditLog
from sluice.models.api import ApiVersion
from sluice.services.exchange.yaml_text import dump_yaml, load_yaml
from tests.exchange.conftest import Side
from tests.exchange.world import build
from tests.factories import make_api


def data(text: str) -> Any:
    return load_yaml(text).data


def counts(side: Side) -> tuple[int, int]:
    """Audit entries and API versions: what an import that changes nothing must not add."""
    with Session(side.app.state.engine) as session:
        entries = session.exec(select(func.count()).select_from(AuditLog)).one()
        versions = session.exec(select(func.count()).select_from(ApiVersion)).one()
    return entries, versions


def module(document: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = next(m for m in document["modules"] if m["name"] == name)
    return found


def api(document: dict[str, Any], key: str) -> dict[str, Any]:
    module_name, name = key.split("/", 1)
    found: dict[str, Any] = next(
        a for a in module(document, module_name)["apis"] if a["name"] == name
    )
    return found


def issues(response: Any) -> list[str]:
    """Each problem as `object: place: rule`."""
    assert response.status_code == 422, response.text
    return [f"{i['loc'][0]}: {i['msg']}" for i in response.json()["detail"]]


def test_a_file_with_one_broken_template_changes_nothing_and_names_it(
    source: Side, target: Side
) -> None:
    build(source)
    exported = source.export()
    broken = exported.replace("{% endwhere %}", "{% endwher %}")
    line = next(i for i, text in enumerate(broken.splitlines(), 1) if "name: List items" in text)
    empty = target.export()
    before = counts(source)

    for side in (target, source):
        found = issues(side.send(broken))
        assert len(found) == 1, found
        assert found[0].startswith("api shop/List items: the body line ")
        assert int(found[0].split("line ")[1].split(":")[0]) > line  # the content's own line
        assert "content: line 5: " in found[0] and "endwher" in found[0]

    assert target.export() == empty
    assert source.export() == exported and counts(source) == before


def test_a_dry_run_reports_the_plan_a_second_import_no_change(source: Side) -> None:
    world = build(source)
    original = data(source.export())
    changed = data(source.export())
    api(changed, "shop/List items")["cache_ttl_seconds"] = 30
    changed["groups"].append({"name": "writers", "apis": ["shop/Report"]})
    changed["clients"] = [c for c in changed["clients"] if c["name"] != "retired"]
    text = dump_yaml(changed)
    before = counts(source)

    plan = source.load(text, dry_run="true", prune="true")

    assert (plan["created"], plan["changed"], plan["deleted"]) == (
        ["group writers"],
        ["api shop/List items"],
        ["client retired"],
    )
    assert plan["dry_run"] and len(plan["unchanged"]) == 14
    assert data(source.export()) == original and counts(source) == before

    done = source.load(text, prune="true")

    assert {k: done[k] for k in ("created", "changed", "deleted")} == {
        k: plan[k] for k in ("created", "changed", "deleted")
    }
    assert data(source.export()) == changed
    assert counts(source) == (before[0] + 3, before[1] + 1)  # a new live version
    again = source.load(text, prune="true")
    assert again["created"] == again["changed"] == again["deleted"] == []
    assert counts(source) == (before[0] + 3, before[1] + 1)
    items = world.apis["shop/List items"]
    versions = source.client.get(f"/api/v1/apis/{items}/versions", headers=source.admin).json()
    assert (versions["data"][0]["message"], versions["data"][0]["created_by"]) == (
        "Imported",
        "admin@example.com",
    )


def test_each_change_is_one_audit_entry_in_the_files_terms(source: Side) -> None:
    build(source)
    changed = data(source.export())
    api(changed, "shop/List items")["cache_ttl_seconds"] = 30
    changed["groups"].append({"name": "writers", "apis": ["shop/Report"]})
    changed["clients"] = [c for c in changed["clients"] if c["name"] != "retired"]
    source.load(dump_yaml(changed), prune="true")

    entries = source.client.get(
        "/api/v1/audit-logs", params={"limit": 3}, headers=source.admin
    ).json()["data"]

    found = {(e["action"], e["resource"]): (e["before"], e["after"]) for e in entries}
    assert {e["actor"] for e in entries} == {"admin@example.com"}
    assert found[("update", "api")] == ({"cache_ttl_seconds": 60}, {"cache_ttl_seconds": 30})
    assert found[("create", "group")] == (
        None,
        {"name": "writers", "description": None, "apis": ["shop/Report"]},
    )
    before, after = found[("delete", "client")]
    assert before is not None and before["name"] == "retired" and after is None


def test_prune_with_a_partial_file_touches_only_its_modules(source: Side) -> None:
    world = build(source)
    partial = source.export("shop")
    document = data(partial)
    assert document["partial"] is True
    assert [m["name"] for m in document["modules"]] == ["shop"]
    assert [s["name"] for s in document["datasources"]] == ["lite"]
    assert [m["name"] for m in document["macros"]] == ["fmt", "paging"]  # what shop imports
    assert "groups" not in document and "clients" not in document
    modules = source.client.get("/api/v1/modules", headers=source.admin).json()["data"]
    ids = {m["name"]: m["id"] for m in modules}
    for module_name, name in (("shop", "Extra"), ("ops", "Other")):
        make_api(source.client, source.admin, module_id=ids[module_name], name=name, path=name)

    report = source.load(partial, prune="true")

    assert report["deleted"] == ["api shop/Extra"]
    assert not report["created"] and not report["changed"]
    after = data(source.export())
    assert [a["name"] for a in module(after, "ops")["apis"]] == ["Now", "Other"]
    assert [c["name"] for c in after["clients"]] == ["app", "retired"]
    assert len(module(after, "shop")["apis"]) == len(world.apis) - 1


def test_every_problem_is_named_by_object_and_line(target: Side) -> None:
    text = """\
format_version: 1
datasources:
- name: lite
  type: sqlite
  options: {path: x.db}
  colour: blue
groups:
- name: g
  apis: [shop/Nothing]
clients:
- name: c
  groups: [nobody]
modules:
- name: shop
  apis:
  - name: A
    path: a
    method: GETT
    access: public
  - name: B
    path: b/../c
    method: GET
    access: public
"""
    found = issues(target.send(text))

    assert found == [
        "datasource lite: the body line 6: colour: is not a key of this object",
        'api shop/A: the body line 18: method: must be one of "GET", "POST", "PUT", "PATCH", "DELETE"',
    ]
    text = text.replace("  colour: blue\n", "").replace("GETT", "GET")
    found = issues(target.send(text))
    assert found == [
        "api shop/B: the body line 20: path: has the dot segment '..'; . and .. are not allowed"
    ]
    found = issues(target.send(text.replace("b/../c", "b")))
    assert found == [
        "group g: the body line 8: apis: no API 'shop/Nothing'",
        "client c: the body line 11: groups: no group 'nobody'",
    ]


def test_a_file_of_another_format_or_shape_is_refused(target: Side) -> None:
    assert issues(target.send("format_version: 2\n")) == [
        "file: the body line 1: format_version 2 is not one this Sluice reads (1)"
    ]
    assert issues(target.send("modules: []\n")) == [
        "file: the body line 1: needs format_version: 1 at the top"
    ]
    assert issues(target.send("- a\n- b\n")) == ["file: must be a mapping (key: value lines)"]


def test_an_api_may_take_the_route_another_api_leaves_in_the_same_import(source: Side) -> None:
    build(source)
    document = data(source.export())
    shop = module(document, "shop")
    api(document, "shop/List items")["path"] = "goods"
    taker = dict(api(document, "shop/List items"), name="A new list", path="items")
    shop["apis"].insert(0, taker)

    report = source.load(dump_yaml(document))

    assert (report["created"], report["changed"]) == (
        ["api shop/A new list"],
        ["api shop/List items"],
    )
    assert source.client.get("/shop/goods").status_code == 200
    assert source.client.get("/shop/items").status_code == 200
