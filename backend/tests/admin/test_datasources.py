import logging
import sqlite3
import time
import uuid
from pathlib import Path
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from sluice.config import Settings
from sluice.errors import Unprocessable
from sluice.models.alert import AlertRule
from sluice.models.datasource import Datasource
from sluice.security import Keyring
from sluice.services import alerts
from sluice.services.datasources import bound_to, sqlite_path
from sluice.services.keys import rotate_keys
from tests.conftest import PG_SERVER, require_postgres
from tests.factories import user_with_role

SOURCES = "/api/v1/datasources"
SECRET = "Sup3r-Secret-Pw!"


def postgres_body(**extra: Any) -> dict[str, Any]:
    return {
        "name": "warehouse",
        "type": "postgres",
        "host": "127.0.0.1",
        "port": 5432,
        "database": "test",
        "username": "postgres",
        "password": SECRET,
    } | extra


def mariadb_body(**extra: Any) -> dict[str, Any]:
    return {
        "name": "shop",
        "type": "mysql",
        "host": "127.0.0.1",
        "port": 3306,
        "database": "test",
        "username": "root",
    } | extra


def test_crud_with_the_password_write_only(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    created = client.post(SOURCES, json=postgres_body(), headers=admin_headers)
    assert created.status_code == 201
    source = created.json()
    assert source["has_password"] is True
    assert "password" not in source and "password_encrypted" not in source
    path = f"{SOURCES}/{source['id']}"

    renamed = client.patch(
        path, json={"name": "dwh", "password": None}, headers=admin_headers
    ).json()
    assert (renamed["name"], renamed["has_password"]) == ("dwh", True)
    cleared = client.patch(path, json={"password": ""}, headers=admin_headers).json()
    assert cleared["has_password"] is False

    listed = client.get(SOURCES, headers=admin_headers).json()
    assert listed["count"] == 1 and listed["data"][0]["name"] == "dwh"
    assert client.delete(path, headers=admin_headers).status_code == 204
    assert client.get(path, headers=admin_headers).status_code == 404


def test_permissions(client: TestClient, session: Session, admin_headers: dict[str, str]) -> None:
    client.post(SOURCES, json=postgres_body(), headers=admin_headers)
    viewer = user_with_role(client, session, "viewer")
    assert client.get(SOURCES, headers=viewer).status_code == 200
    assert client.post(SOURCES, json=postgres_body(name="x"), headers=viewer).status_code == 403
    assert client.post(f"{SOURCES}/test", json=postgres_body(), headers=viewer).status_code == 403
    developer = user_with_role(client, session, "developer")
    assert client.post(SOURCES, json=postgres_body(name="y"), headers=developer).status_code == 201
    assert client.get(SOURCES).status_code == 401


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (mariadb_body(host=None), "needs a host"),
        ({"name": "f", "type": "sqlite"}, "needs options.path"),
        (
            {"name": "f", "type": "sqlite", "options": {"path": "../../etc/passwd"}},
            "must name a file inside",
        ),
        (
            {"name": "f", "type": "sqlite", "options": {"path": "/etc/passwd"}},
            "must name a file inside",
        ),
        (mariadb_body(type="oracle"), "Input should be"),
        (mariadb_body(port=70000), "less than or equal to 65535"),
        (mariadb_body(pool_size=0), "greater than or equal to 1"),
        (mariadb_body(options=[1, 2]), "valid dictionary"),
    ],
)
def test_invalid_sources_are_422_with_the_reason(
    client: TestClient, admin_headers: dict[str, str], body: dict[str, Any], message: str
) -> None:
    response = client.post(SOURCES, json=body, headers=admin_headers)
    assert response.status_code == 422
    assert message in str(response.json()["detail"])


def test_an_edit_that_breaks_the_source_is_422(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    source = client.post(SOURCES, json=mariadb_body(), headers=admin_headers).json()
    response = client.patch(
        f"{SOURCES}/{source['id']}", json={"type": "sqlite"}, headers=admin_headers
    )
    assert response.status_code == 422
    assert response.json()["detail"] == "a sqlite data source needs options.path, the database file"


def test_names_are_unique(client: TestClient, admin_headers: dict[str, str]) -> None:
    client.post(SOURCES, json=mariadb_body(), headers=admin_headers)
    response = client.post(SOURCES, json=mariadb_body(), headers=admin_headers)
    assert response.status_code == 409


def test_the_password_is_never_in_a_response_or_a_log_line(
    client: TestClient,
    session: Session,
    admin_headers: dict[str, str],
    settings: Settings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    texts = []
    created = client.post(SOURCES, json=postgres_body(), headers=admin_headers)
    path = f"{SOURCES}/{created.json()['id']}"
    texts.append(created.text)
    texts.append(client.get(path, headers=admin_headers).text)
    texts.append(client.get(SOURCES, headers=admin_headers).text)
    texts.append(client.post(f"{path}/test", headers=admin_headers).text)
    texts.append(
        client.post(f"{SOURCES}/test", json=postgres_body(port=1), headers=admin_headers).text
    )
    texts.append(
        client.post(
            f"{SOURCES}/test", json=mariadb_body(password=SECRET), headers=admin_headers
        ).text
    )
    texts.append(client.patch(path, json={"password": SECRET + "2"}, headers=admin_headers).text)
    for text in [*texts, caplog.text]:
        assert SECRET not in text

    stored = session.get(Datasource, created.json()["id"])
    assert stored is not None and stored.password_encrypted is not None
    assert SECRET not in stored.password_encrypted
    keyring = Keyring.from_settings(settings.secret_key, None)
    assert keyring.decrypt(stored.password_encrypted, bound_to(stored.id or 0)) == SECRET + "2"


def test_a_password_copied_to_another_row_does_not_decrypt(
    client: TestClient, session: Session, admin_headers: dict[str, str]
) -> None:
    first = client.post(SOURCES, json=postgres_body(), headers=admin_headers).json()
    second = client.post(
        SOURCES, json=postgres_body(name="other", password="x"), headers=admin_headers
    ).json()
    one, two = session.get(Datasource, first["id"]), session.get(Datasource, second["id"])
    assert one is not None and two is not None
    two.password_encrypted = one.password_encrypted
    session.add(two)
    session.commit()
    response = client.post(f"{SOURCES}/{second['id']}/test", headers=admin_headers)
    assert response.status_code == 422
    assert "cannot be decrypted" in response.json()["detail"]


def test_saved_and_unsaved_sources_are_tested(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    require_postgres()
    pretest = client.post(f"{SOURCES}/test", json=postgres_body(), headers=admin_headers).json()
    assert pretest["ok"] is True and pretest["latency_ms"] > 0
    assert client.get(SOURCES, headers=admin_headers).json()["count"] == 0

    source = client.post(SOURCES, json=mariadb_body(), headers=admin_headers).json()
    saved = client.post(f"{SOURCES}/{source['id']}/test", headers=admin_headers).json()
    assert saved["ok"] is True, saved["message"]
    assert saved["message"].startswith("Connected in")


@pytest.mark.parametrize(
    "body", [postgres_body(port=1), mariadb_body(port=1), mariadb_body(host="127.0.0.1", port=9)]
)
def test_an_unreachable_source_is_ok_false_within_seconds(
    client: TestClient, admin_headers: dict[str, str], body: dict[str, Any]
) -> None:
    started = time.monotonic()
    response = client.post(f"{SOURCES}/test", json=body, headers=admin_headers)
    assert time.monotonic() - started < 10
    assert response.status_code == 200
    result = response.json()
    assert result["ok"] is False
    assert result["message"]
    assert result["latency_ms"] is None


def test_wrong_credentials_are_ok_false_with_the_reason(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    result = client.post(
        f"{SOURCES}/test",
        json=mariadb_body(username="nobody", password=SECRET),
        headers=admin_headers,
    ).json()
    assert result["ok"] is False
    assert "nobody" in result["message"] or "denied" in result["message"].lower()


def test_tables_of_postgres_and_sqlite(
    client: TestClient, admin_headers: dict[str, str], settings: Settings
) -> None:
    require_postgres()
    table = f"t_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_SERVER, autocommit=True) as connection:
        connection.execute(f"CREATE TABLE {table} (id integer primary key, label text)")
    try:
        source = client.post(SOURCES, json=postgres_body(), headers=admin_headers).json()
        tables = client.get(f"{SOURCES}/{source['id']}/tables", headers=admin_headers).json()
        found = next(t for t in tables["data"] if t["name"] == table)
        assert [(c["name"], c["type"]) for c in found["columns"]] == [
            ("id", "integer"),
            ("label", "text"),
        ]
    finally:
        with psycopg.connect(PG_SERVER, autocommit=True) as connection:
            connection.execute(f"DROP TABLE {table}")

    folder = settings.sqlite_datasource_dir
    folder.mkdir(parents=True)
    with sqlite3.connect(folder / "shop.db") as db:
        db.execute("CREATE TABLE products (sku TEXT, price REAL)")
    db.close()
    lite = client.post(
        SOURCES,
        json={"name": "lite", "type": "sqlite", "options": {"path": "shop.db"}},
        headers=admin_headers,
    ).json()
    tables = client.get(f"{SOURCES}/{lite['id']}/tables", headers=admin_headers).json()
    assert tables["data"][0]["name"] == "products"
    assert [c["name"] for c in tables["data"][0]["columns"]] == ["sku", "price"]


def test_rotation_re_encrypts_every_sealed_secret_with_the_newest_key(
    client: TestClient, admin_headers: dict[str, str], session: Session, settings: Settings
) -> None:
    source = client.post(SOURCES, json=postgres_body(), headers=admin_headers).json()
    hook = "webhook-secret-0123456789"
    rule = client.post(
        "/api/v1/alerts",
        json={
            "name": "rotated",
            "kind": "records_dropped",
            "webhook_url": "http://127.0.0.1:9/hook",
            "secret": hook,
        },
        headers=admin_headers,
    )
    assert rule.status_code == 201, rule.text
    newer = Keyring.from_settings(settings.secret_key, "1:" + "A" * 43)
    assert rotate_keys(session, newer) == {"datasource": 1, "alert_rule": 1}
    assert rotate_keys(session, newer) == {"datasource": 0, "alert_rule": 0}
    stored = session.get(Datasource, source["id"])
    assert stored is not None and stored.password_encrypted is not None
    assert stored.password_encrypted.startswith("v1:")
    sealed = session.get(AlertRule, rule.json()["id"])
    assert sealed is not None and sealed.secret_encrypted.startswith("v1:")
    assert newer.decrypt(sealed.secret_encrypted, alerts.bound_to(rule.json()["id"])) == hook
    assert newer.decrypt(stored.password_encrypted, bound_to(source["id"])) == SECRET


def test_the_app_store_cannot_be_a_sqlite_source(tmp_path: Path) -> None:
    folder = tmp_path / "sources"
    settings = Settings(
        _env_file=None,
        DATABASE_URL=f"sqlite:///{folder / 'sluice.db'}",
        SQLITE_DATASOURCE_DIR=folder,
    )
    assert sqlite_path("shop.db", settings) == (folder / "shop.db").resolve()
    with pytest.raises(Unprocessable, match="must name a file inside"):
        sqlite_path("sluice.db", settings)
