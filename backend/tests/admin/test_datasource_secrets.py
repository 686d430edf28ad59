"""A stored data-source password only ever goes to the server it was saved for, and only
those who may edit a source may use it."""

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from sluice.models.datasource import Datasource
from tests.admin.fake_postgres import FakePostgres, fake_postgres
from tests.admin.test_datasources import SECRET, SOURCES, mariadb_body, postgres_body
from tests.factories import user_with_role


@pytest.fixture
def listener() -> Iterator[FakePostgres]:
    with fake_postgres() as server:
        yield server


def saved(client: TestClient, headers: dict[str, str], **extra: Any) -> str:
    response = client.post(SOURCES, json=postgres_body(**extra), headers=headers)
    assert response.status_code == 201, response.text
    return f"{SOURCES}/{response.json()['id']}"


@pytest.mark.parametrize(
    "change",
    [
        {"port": "LISTENER"},
        {"host": "localhost", "port": "LISTENER"},
        {"host": "127.0.0.1", "port": "LISTENER", "password": None},
    ],
)
def test_a_moved_source_never_sends_its_stored_password(
    client: TestClient,
    admin_headers: dict[str, str],
    listener: FakePostgres,
    change: dict[str, Any],
) -> None:
    path = saved(client, admin_headers)
    body = {k: listener.port if v == "LISTENER" else v for k, v in change.items()}
    moved = client.patch(path, json=body, headers=admin_headers)
    assert moved.status_code == 200
    assert moved.json()["has_password"] is False

    result = client.post(f"{path}/test", headers=admin_headers).json()
    assert result["ok"] is False
    assert listener.passwords == []


def test_weakening_tls_drops_the_password(
    client: TestClient, admin_headers: dict[str, str], listener: FakePostgres
) -> None:
    """A source that insists on TLS cannot be talked into sending its password in clear."""
    path = saved(client, admin_headers, port=listener.port, options={"sslmode": "require"})
    refused = client.post(f"{path}/test", headers=admin_headers).json()
    assert refused["ok"] is False

    weakened = client.patch(path, json={"options": {"sslmode": "prefer"}}, headers=admin_headers)
    assert weakened.json()["has_password"] is False
    client.post(f"{path}/test", headers=admin_headers)
    assert listener.passwords == []


def test_a_password_given_with_the_move_is_the_one_sent(
    client: TestClient, admin_headers: dict[str, str], listener: FakePostgres
) -> None:
    path = saved(client, admin_headers)
    moved = client.patch(
        path, json={"port": listener.port, "password": "given-now"}, headers=admin_headers
    )
    assert moved.json()["has_password"] is True
    assert client.post(f"{path}/test", headers=admin_headers).json()["ok"] is False
    assert listener.passwords == ["given-now"]


@pytest.mark.parametrize(
    ("change", "kept"),
    [
        ({"type": "mysql", "port": 3306}, False),
        ({"database": "postgres"}, False),
        ({"username": "someone_else"}, False),
        ({"options": {"sslmode": "disable"}}, False),
        ({"options": {}}, False),
        ({"name": "renamed", "description": "same server"}, True),
        ({"pool_size": 3, "statement_timeout_ms": 5000, "is_active": False}, True),
        ({"options": {"sslmode": "verify-full", "application_name": "reports"}}, True),
        ({"host": "127.0.0.1", "port": 5432, "database": "test", "username": "postgres"}, True),
    ],
)
def test_the_password_is_kept_only_while_the_target_is(
    client: TestClient, admin_headers: dict[str, str], change: dict[str, Any], kept: bool
) -> None:
    """Type, host, port, database, user and every option but the session-tuning ones are
    the target; the form may send unchanged values without losing the password."""
    path = saved(client, admin_headers, options={"sslmode": "verify-full"})
    answer = client.patch(path, json=change, headers=admin_headers)
    assert answer.status_code == 200, answer.text
    assert answer.json()["has_password"] is kept


def test_a_source_saved_without_a_port_keeps_its_password_when_the_default_is_sent(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    path = saved(client, admin_headers, port=None)
    answer = client.patch(path, json={"port": 5432}, headers=admin_headers).json()
    assert answer["has_password"] is True


def test_the_pretest_uses_only_the_credentials_in_the_body(
    client: TestClient, admin_headers: dict[str, str], listener: FakePostgres
) -> None:
    saved(client, admin_headers)
    unsaved = postgres_body(port=listener.port, password=None)
    assert client.post(f"{SOURCES}/test", json=unsaved, headers=admin_headers).json()["ok"] is False
    assert listener.passwords == []

    unsaved["password"] = "typed-in-the-form"
    client.post(f"{SOURCES}/test", json=unsaved, headers=admin_headers)
    assert listener.passwords == ["typed-in-the-form"]
    assert SECRET not in listener.passwords


def test_testing_and_browsing_a_source_need_the_write_permission(
    client: TestClient, session: Session, admin_headers: dict[str, str]
) -> None:
    source = client.post(SOURCES, json=mariadb_body(), headers=admin_headers).json()
    path = f"{SOURCES}/{source['id']}"
    viewer = user_with_role(client, session, "viewer")
    assert client.get(path, headers=viewer).status_code == 200
    assert client.post(f"{path}/test", headers=viewer).status_code == 403
    assert client.get(f"{path}/tables", headers=viewer).status_code == 403

    developer = user_with_role(client, session, "developer")
    assert client.post(f"{path}/test", headers=developer).json()["ok"] is True
    assert client.get(f"{path}/tables", headers=developer).status_code == 200


BAD_HOSTS = [
    "a" * 64 + ".example.com",
    "a..b",
    "ab\u0080",
    "xn--",
    "127.0.0.1\u0000",
    "db host",
    "db\nhost",
    "/var/run/postgresql",
    "one,two",
    ".",
]


@pytest.mark.parametrize("host", BAD_HOSTS)
def test_a_host_that_is_no_host_name_or_address_is_422(
    client: TestClient, admin_headers: dict[str, str], host: str
) -> None:
    path = saved(client, admin_headers)
    for response in (
        client.post(f"{SOURCES}/test", json=postgres_body(host=host), headers=admin_headers),
        client.post(SOURCES, json=postgres_body(name="other", host=host), headers=admin_headers),
        client.patch(path, json={"host": host}, headers=admin_headers),
    ):
        assert response.status_code == 422, response.text
        assert "host" in str(response.json()["detail"])


@pytest.mark.parametrize(
    "host",
    ["db.example.com", "localhost", "db-1.internal", "my_db", "::1", "10.0.0.7", "bücher.de"],
)
def test_host_names_and_addresses_are_accepted(
    client: TestClient, admin_headers: dict[str, str], host: str
) -> None:
    response = client.post(SOURCES, json=postgres_body(host=host), headers=admin_headers)
    assert response.status_code == 201, response.text


@pytest.mark.parametrize("host", ["a..b", "ab\u0080", "/var/run/postgresql"])
def test_a_bad_host_stored_before_the_check_is_refused_not_a_500(
    client: TestClient, session: Session, admin_headers: dict[str, str], host: str
) -> None:
    path = saved(client, admin_headers)
    stored = session.get(Datasource, int(path.rsplit("/", 1)[1]))
    assert stored is not None
    stored.host = host
    session.add(stored)
    session.commit()

    result = client.post(f"{path}/test", headers=admin_headers)
    assert result.status_code == 200
    assert result.json() == {
        "ok": False,
        "message": "Data source host must be a host name or an IP address",
        "latency_ms": None,
    }
    tables = client.get(f"{path}/tables", headers=admin_headers)
    assert tables.status_code == 400
    assert tables.json()["detail"] == "Data source host must be a host name or an IP address"
