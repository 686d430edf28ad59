"""Secrets in imports: never in the file; kept from the target, or read from the variable
the file names (`password_env`, `secret_env`), which over the admin API must be allowed
(IMPORT_ENV_ALLOWED) and is never one of Sluice's own settings."""

from typing import Any

import pytest
from sqlmodel import Session, select

from sluice.models.datasource import Datasource
from sluice.services.datasources import stored_password
from sluice.services.exchange.yaml_text import dump_yaml, load_yaml
from tests.exchange.conftest import PASSWORD_ENV, SECRET_ENV, Side
from tests.exchange.test_import import issues
from tests.exchange.world import PG_PASSWORD, build

NEW_SECRET = "s" * 40


def password_of(side: Side, name: str) -> str | None:
    with Session(side.app.state.engine) as session:
        source = session.exec(select(Datasource).where(Datasource.name == name)).one()
        return stored_password(source, side.app.state.keyring)


def edited(text: str, kind: str, name: str, **fields: Any) -> str:
    document = load_yaml(text).data
    item = next(i for i in document[kind] if i["name"] == name)
    item.update(fields)
    return dump_yaml(document)


def test_a_password_comes_from_the_variable_the_file_names(
    source: Side, target: Side, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(source)
    text = edited(source.export(), "datasources", "pg", password_env=PASSWORD_ENV)
    monkeypatch.setenv(PASSWORD_ENV, "first-password")

    target.load(text)
    assert password_of(target, "pg") == "first-password"
    assert "datasource pg" in target.load(text)["unchanged"]

    monkeypatch.setenv(PASSWORD_ENV, "second-password")
    report = target.load(text)

    assert report["changed"] == ["datasource pg"]
    assert password_of(target, "pg") == "second-password"
    entry = target.client.get("/api/v1/audit-logs?limit=1", headers=target.admin).json()["data"][0]
    assert (entry["before"], entry["after"]) == ({"password": "***"}, {"password": "***"})


def test_without_a_variable_the_target_keeps_its_password(source: Side) -> None:
    build(source)
    text = source.export()
    assert "pg" in text and PG_PASSWORD not in text

    report = source.load(text)

    assert "datasource pg" in report["unchanged"]
    assert password_of(source, "pg") == PG_PASSWORD


def test_a_file_that_moves_a_source_must_name_its_password(source: Side) -> None:
    build(source)
    moved = edited(source.export(), "datasources", "pg", host="db.example.com")

    assert issues(source.send(moved)) == [
        "datasource pg: the body line 9: moves the source to another target, and its stored"
        " password is not sent to a new target: name the password with password_env"
    ]


def test_a_client_secret_comes_from_the_variable_the_file_names(
    source: Side, target: Side, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(source)
    text = edited(source.export(), "clients", "app", secret_env=SECRET_ENV)
    monkeypatch.setenv(SECRET_ENV, NEW_SECRET)

    report = target.load(text)

    app = next(c for c in report["new_clients"] if c["name"] == "app")
    assert app["client_secret"] is None  # it is the variable's: nothing to show
    credentials = {"client_id": app["client_id"], "client_secret": NEW_SECRET}
    assert target.client.post("/token/generate", json=credentials).status_code == 200
    assert "client app" in target.load(text)["unchanged"]

    monkeypatch.setenv(SECRET_ENV, "t" * 40)
    assert target.load(text)["changed"] == ["client app"]
    assert target.client.post("/token/generate", json=credentials).status_code == 401


@pytest.mark.parametrize(
    ("variable", "value", "problem"),
    [
        (SECRET_ENV, "short", "secret_env: the secret must be 32 to 256 characters"),
        (SECRET_ENV, None, f"secret_env: the environment variable {SECRET_ENV} is not set"),
        ("HOME", "x", "secret_env: HOME is not in IMPORT_ENV_ALLOWED"),
        ("SECRET_KEY", "x", "secret_env: SECRET_KEY is a Sluice setting, not a secret"),
    ],
)
def test_a_secret_the_import_may_not_use_is_refused(
    target: Side,
    monkeypatch: pytest.MonkeyPatch,
    variable: str,
    value: str | None,
    problem: str,
) -> None:
    if value is None:
        monkeypatch.delenv(variable, raising=False)
    else:
        monkeypatch.setenv(variable, value)
    text = f"format_version: 1\nclients:\n- name: app\n  secret_env: {variable}\n"

    [found] = issues(target.send(text))

    assert found.startswith(f"client app: the body line 4: {problem}"), found
    assert target.client.get("/api/v1/clients", headers=target.admin).json()["count"] == 0
