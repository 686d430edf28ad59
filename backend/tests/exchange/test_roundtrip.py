"""Round trips: a store exported, imported into an empty store and exported again gives
the same bytes, and the copy's APIs answer every call exactly as the original's."""

import shutil
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session

from sluice.config import Settings
from sluice.demo.definitions import APIS
from sluice.demo.load import data_file, load_demo
from tests.exchange.conftest import Side
from tests.exchange.world import build, sqlite_file


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    private: bool = False
    json: Any = None
    ignore: tuple[str, ...] = field(default=())
    """Fields of the answer's rows that may differ (a timestamp written by the call)."""


def token(side: Side, client_id: str, secret: str) -> str:
    answer = side.client.post(
        "/token/generate", json={"client_id": client_id, "client_secret": secret}
    )
    assert answer.status_code == 200, answer.text
    value: str = answer.json()["access_token"]
    return value


def answer(side: Side, call: Call, bearer: str) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {bearer}"} if call.private else {}
    response = side.client.request(call.method, call.path, json=call.json, headers=headers)
    body = response.json()
    body.pop("request_id", None)
    rows = body.get("data")
    if call.ignore and isinstance(rows, list):
        body["data"] = [{k: v for k, v in row.items() if k not in call.ignore} for row in rows]
    return response.status_code, body


def assert_same_answers(calls: list[Call], one: tuple[Side, str], other: tuple[Side, str]) -> None:
    """Each call made to both, in turn: the same status and the same body."""
    for call in calls:
        first, second = answer(one[0], call, one[1]), answer(other[0], call, other[1])
        assert first == second, call
        assert first[0] < 500, (call, first)


DEMO_CALLS = [
    Call("GET", "/demo/products?q=tent&in_stock=true&page_size=2"),
    Call("GET", "/demo/products?category=books&page=2&page_size=3"),
    Call("GET", "/demo/products?max_price_cents=abc"),
    Call("GET", "/demo/products/3", private=True),
    Call("GET", "/demo/products/99999", private=True),
    Call("GET", "/demo/products/3"),
    Call("GET", "/demo/customers?country=SE&limit=2&offset=1", private=True),
    Call("GET", "/demo/customers/7/orders", private=True),
    Call("GET", "/demo/orders?since=2024-06-01&until=2024-06-08&page=2&page_size=5", private=True),
    Call("GET", "/demo/orders?since=2024-06-08&until=2024-06-01", private=True),
    Call("POST", "/demo/orders", private=True, json={"customer_id": 5}, ignore=("ordered_at",)),
    Call("POST", "/demo/orders", private=True, json={"customer_id": 99999}),
    Call("POST", "/demo/orders", private=True, json={"status": "lost"}),
    Call("GET", "/demo/stats/monthly?year=2024", private=True),
    Call("GET", "/demo/stats/categories", private=True),
    Call("GET", "/demo/stats/categories", private=True),
]


def test_the_demo_round_trips_byte_for_byte_and_answers_alike(
    source: Side, target: Side, settings: Settings
) -> None:
    routes = {(c.method, c.path.split("?")[0].removeprefix("/demo/")) for c in DEMO_CALLS}
    assert {(a.method, a.path.replace("{id}", "3").replace("/3/", "/7/")) for a in APIS} <= routes
    with Session(source.app.state.engine) as session:
        loaded = load_demo(session, source.settings)
    assert loaded.client is not None
    copy = data_file(target.settings)
    shutil.copy(data_file(source.settings), copy)  # the same rows behind both

    exported = source.export()
    assert source.export() == exported  # twice, the same bytes
    report = target.load(exported)

    assert target.export() == exported
    assert report["changed"] == report["deleted"] == report["unchanged"] == []
    assert "api demo/List orders" in report["created"]
    [new] = report["new_clients"]
    original = (source, token(source, loaded.client.client_id, loaded.client.client_secret))
    imported = (target, token(target, new["client_id"], new["client_secret"]))
    assert_same_answers(DEMO_CALLS, original, imported)


WORLD_CALLS = [
    Call("GET", "/shop/items"),
    Call("GET", "/shop/items?q=b&size=3"),
    Call("GET", "/shop/items?size=9"),
    Call("GET", "/shop/items/2", private=True),
    Call("GET", "/shop/items/101", private=True),
    Call("GET", "/shop/items/2"),
    Call("GET", "/shop/report?tag=a", private=True),
    Call("GET", "/shop/report?tag=c", private=True),
    Call("POST", "/shop/wip", private=True),
    Call("GET", "/ops/now", private=True),
]


CREATED = [
    "datasource lite",
    "datasource pg",
    "module ops",
    "module shop",
    "macro fmt",
    "macro paging",
    "macro shop_columns",
    "macro unused",
    "api ops/Now",
    "api shop/Get an item",
    "api shop/List items",
    "api shop/Report",
    "api shop/Work in progress",
    "group readers",
    "client app",
    "client retired",
]


def test_every_kind_of_object_round_trips_and_answers_alike(source: Side, target: Side) -> None:
    world = build(source)
    exported = source.export()
    sqlite_file(target)  # the rows behind the copy (data is not part of definitions)

    report = target.load(exported)

    assert target.export() == exported
    assert report["created"] == CREATED and not report["unchanged"]
    assert [c["name"] for c in report["new_clients"]] == ["app", "retired"]
    app = report["new_clients"][0]
    original = (source, token(source, client_id(source, "app"), world.client_secret))
    imported = (target, token(target, app["client_id"], app["client_secret"]))
    assert_same_answers(WORLD_CALLS, original, imported)


def client_id(side: Side, name: str) -> str:
    clients = side.client.get("/api/v1/clients", headers=side.admin).json()["data"]
    value: str = next(c["client_id"] for c in clients if c["name"] == name)
    return value


def test_no_secret_appears_in_an_export(source: Side) -> None:
    world = build(source)
    stored = stored_secrets(source)

    exported = source.export()

    for secret in world.secrets + stored:
        assert secret not in exported
    assert "password" not in exported.replace("password_env", "")
    assert "secret" not in exported.replace("secret_env", "")


def stored_secrets(side: Side) -> list[str]:
    """The sealed passwords and hashed secrets as the store holds them."""
    from sqlmodel import select

    from sluice.models.client import Client
    from sluice.models.datasource import Datasource

    with Session(side.app.state.engine) as session:
        sealed = [s.password_encrypted for s in session.exec(select(Datasource)).all()]
        hashes = [c.secret_hash for c in session.exec(select(Client)).all()]
    return [value for value in sealed + hashes if value]
