"""Loading the demo in process, on each store: what it creates, as the admin API shows it;
a second load that writes nothing; a deleted object that comes back alone; the
`--source` URL and its data source."""

import sqlite3
from contextlib import closing
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from sluice.config import Settings
from sluice.demo.definitions import APIS, AUTHOR
from sluice.demo.load import data_file, load_demo
from sluice.demo.shop import TABLES, generate
from sluice.demo.sources import parse_source, register
from sluice.models.access_record import AuditLog
from sluice.models.api import ApiVersion
from sluice.models.datasource import Datasource
from sluice.security import Keyring
from sluice.services.publication import current


def get(client: TestClient, headers: dict[str, str], path: str) -> Any:
    answer = client.get(f"/api/v1/{path}", headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


def written(session: Session) -> tuple[int, int, int]:
    """What a load may write: versions, audit entries, the published-state counter."""
    versions = session.exec(select(func.count()).select_from(ApiVersion)).one()
    audited = session.exec(select(func.count()).select_from(AuditLog)).one()
    return versions, audited, current(session)


def test_the_demo_loads_and_a_second_load_writes_nothing(
    client: TestClient, session: Session, settings: Settings, admin_headers: dict[str, str]
) -> None:
    report = load_demo(session, settings)

    assert report.client is not None and report.client.client_secret.startswith("cs_")
    assert [api.path for api in report.apis] == [api.path for api in APIS]
    module = get(client, admin_headers, "modules")["data"][0]
    apis = get(client, admin_headers, f"apis?module_id={module['id']}")["data"]
    assert len(apis) == len(APIS) and all(api["is_published"] for api in apis)
    group = get(client, admin_headers, "groups")["data"][0]
    private = {api["id"] for api in apis if api["access"] == "private"}
    assert (group["name"], set(group["api_ids"])) == ("demo", private)
    clients = get(client, admin_headers, "clients")["data"]
    assert [(c["name"], c["group_ids"]) for c in clients] == [("demo", [group["id"]])]
    audit = get(client, admin_headers, "audit-logs?limit=200")["data"]
    assert {entry["actor"] for entry in audit} == {AUTHOR}
    with closing(sqlite3.connect(data_file(settings))) as db:
        held = {
            t.name: db.execute(f"SELECT * FROM {t.name} ORDER BY id").fetchall() for t in TABLES
        }
    assert held == generate()
    assert client.get("/demo/products").status_code == 200  # the gateway serves it

    before = written(session)
    again = load_demo(session, settings)

    assert (again.created, again.apis, again.client) == ([], [], None)
    assert again.client_id == report.client_id
    assert written(session) == before


def test_a_deleted_api_comes_back_alone_and_edits_stay(
    client: TestClient, session: Session, settings: Settings, admin_headers: dict[str, str]
) -> None:
    load_demo(session, settings)
    apis = {(a["method"], a["path"]): a for a in get(client, admin_headers, "apis")["data"]}
    gone, edited = apis[("POST", "orders")], apis[("GET", "products")]
    assert client.delete(f"/api/v1/apis/{gone['id']}", headers=admin_headers).status_code == 204
    changed = {"description": "Our own words"}
    answer = client.patch(f"/api/v1/apis/{edited['id']}", json=changed, headers=admin_headers)
    assert answer.status_code == 200

    report = load_demo(session, settings)

    assert [(api.method, api.path) for api in report.apis] == [("POST", "orders")]
    assert report.created == []
    back = {(a["method"], a["path"]): a for a in get(client, admin_headers, "apis")["data"]}
    assert back[("POST", "orders")]["is_published"]
    group = get(client, admin_headers, "groups")["data"][0]
    assert back[("POST", "orders")]["id"] in group["api_ids"]
    assert back[("GET", "products")]["description"] == "Our own words"


def test_a_source_url_becomes_a_data_source_with_its_password_sealed(
    session: Session, settings: Settings
) -> None:
    wanted = parse_source(
        "shop=postgresql+psycopg://shop:p%40ss@db.internal:6543/sales?sslmode=require"
    )
    assert str(wanted) == "postgres shop@db.internal:6543/sales"
    assert wanted.source.password == "p@ss" and wanted.source.options == {"sslmode": "require"}
    keyring = Keyring.from_settings(settings.secret_key, None)

    assert register(session, wanted.source, keyring, settings) == "created"
    assert register(session, wanted.source, keyring, settings) == "unchanged"
    moved = parse_source("shop=mariadb://root@db.internal/sales")
    assert register(session, moved.source, keyring, settings) == "updated"

    stored = session.exec(select(Datasource).where(Datasource.name == "shop")).one()
    assert (stored.type, stored.port, stored.password_encrypted) == ("mysql", None, None)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("shop", "expected NAME=URL"),
        ("demo=postgresql://db/x", "the demo's own SQLite source"),
        ("shop=sqlite:///shop.db", "only postgresql:// and mysql://"),
        ("shop=nothing", "not a database URL"),
        ("shop=postgresql://db/x?sslmode=a&sslmode=b", "appears twice"),
        ("shop=postgresql:///x", "needs a host"),
    ],
)
def test_a_bad_source_says_what_is_wrong(text: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        parse_source(text)
