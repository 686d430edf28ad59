"""Who may call what: every admin endpoint, called as each built-in role, as a user with
no role and as a narrow custom role, is allowed or refused (403) as the table below says.

The table is written here, not derived from the code it checks; a route of the app that
has no row fails the run, so a new endpoint cannot be added without deciding who may call
it. Calls use ids that do not exist and empty bodies: an allowed call may answer 404 or
422, only "not 401/403" versus "exactly 403" matters.
"""

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from sqlmodel import Session

from sluice.db import migrate
from tests.conftest import app_with_superuser, fresh_store, settings_for
from tests.factories import ADMIN_EMAIL, ADMIN_PASSWORD, login, make_user

PUBLIC = "public"
LOGGED_IN = "logged in"
Permission = tuple[str, str]
Need = str | Permission | frozenset[Permission]
"""What a route needs: nothing, a login, one {resource, action} permission, or every one of
several (the CRUD generator; the definitions' export and import, which act on every kind)."""

DEFINITIONS = ("datasource", "module", "api", "macro", "group", "client")
EXPORT = frozenset((kind, "read") for kind in DEFINITIONS)
IMPORT = frozenset(
    {(kind, "write") for kind in DEFINITIONS} | {("api", "publish"), ("macro", "publish")}
)

ROUTES: dict[tuple[str, str], Need] = {
    ("GET", "/api/v1/openapi.json"): PUBLIC,
    ("GET", "/api/v1/docs"): PUBLIC,
    ("GET", "/api/v1/gateway/openapi.json"): PUBLIC,
    ("GET", "/api/v1/gateway/docs"): PUBLIC,
    ("POST", "/api/v1/login/access-token"): PUBLIC,
    ("GET", "/api/v1/users/me"): LOGGED_IN,
    ("PATCH", "/api/v1/users/me"): LOGGED_IN,
    ("PATCH", "/api/v1/users/me/password"): LOGGED_IN,
    ("GET", "/api/v1/overview"): LOGGED_IN,
    ("GET", "/api/v1/overview/stats"): LOGGED_IN,
    ("GET", "/api/v1/users"): ("user", "read"),
    ("POST", "/api/v1/users"): ("user", "write"),
    ("GET", "/api/v1/users/{user_id}"): ("user", "read"),
    ("PATCH", "/api/v1/users/{user_id}"): ("user", "write"),
    ("DELETE", "/api/v1/users/{user_id}"): ("user", "write"),
    ("GET", "/api/v1/permissions"): ("role", "read"),
    ("GET", "/api/v1/roles"): ("role", "read"),
    ("POST", "/api/v1/roles"): ("role", "write"),
    ("GET", "/api/v1/roles/{role_id}"): ("role", "read"),
    ("PATCH", "/api/v1/roles/{role_id}"): ("role", "write"),
    ("DELETE", "/api/v1/roles/{role_id}"): ("role", "write"),
    ("GET", "/api/v1/datasources"): ("datasource", "read"),
    ("POST", "/api/v1/datasources"): ("datasource", "write"),
    ("POST", "/api/v1/datasources/test"): ("datasource", "write"),
    ("GET", "/api/v1/datasources/{datasource_id}"): ("datasource", "read"),
    ("PATCH", "/api/v1/datasources/{datasource_id}"): ("datasource", "write"),
    ("DELETE", "/api/v1/datasources/{datasource_id}"): ("datasource", "write"),
    ("POST", "/api/v1/datasources/{datasource_id}/test"): ("datasource", "write"),
    ("GET", "/api/v1/datasources/{datasource_id}/tables"): ("datasource", "write"),
    ("GET", "/api/v1/datasources/{datasource_id}/tables/{table}/export"): ("datasource", "debug"),
    ("GET", "/api/v1/datasources/{datasource_id}/tables/{table}/preview"): ("datasource", "debug"),
    ("POST", "/api/v1/datasources/{datasource_id}/tables/{table}/import"): frozenset(
        {("datasource", "write"), ("datasource", "debug")}
    ),
    ("POST", "/api/v1/datasources/{datasource_id}/tables/{table}/generate"): frozenset(
        {("api", "write"), ("datasource", "read")}
    ),
    ("GET", "/api/v1/modules"): ("module", "read"),
    ("POST", "/api/v1/modules"): ("module", "write"),
    ("GET", "/api/v1/modules/{module_id}"): ("module", "read"),
    ("PATCH", "/api/v1/modules/{module_id}"): ("module", "write"),
    ("DELETE", "/api/v1/modules/{module_id}"): ("module", "write"),
    ("GET", "/api/v1/apis"): ("api", "read"),
    ("POST", "/api/v1/apis"): ("api", "write"),
    ("GET", "/api/v1/apis/editor-reference"): ("api", "read"),
    ("GET", "/api/v1/apis/{api_id}"): ("api", "read"),
    ("PATCH", "/api/v1/apis/{api_id}"): ("api", "write"),
    ("DELETE", "/api/v1/apis/{api_id}"): ("api", "write"),
    ("POST", "/api/v1/apis/{api_id}/debug"): ("api", "debug"),
    ("POST", "/api/v1/apis/{api_id}/publish"): ("api", "publish"),
    ("POST", "/api/v1/apis/{api_id}/unpublish"): ("api", "publish"),
    ("GET", "/api/v1/apis/{api_id}/versions"): ("api", "read"),
    ("GET", "/api/v1/apis/{api_id}/versions/{version_id}"): ("api", "read"),
    ("GET", "/api/v1/apis/{api_id}/versions/{version_id}/diff"): ("api", "read"),
    ("POST", "/api/v1/apis/{api_id}/versions/{version_id}/restore"): ("api", "publish"),
    ("GET", "/api/v1/apis/{api_id}/draft/diff"): ("api", "read"),
    ("GET", "/api/v1/apis/{api_id}/tests"): ("api", "read"),
    ("POST", "/api/v1/apis/{api_id}/tests"): ("api", "write"),
    ("GET", "/api/v1/apis/{api_id}/tests/{test_id}"): ("api", "read"),
    ("PATCH", "/api/v1/apis/{api_id}/tests/{test_id}"): ("api", "write"),
    ("DELETE", "/api/v1/apis/{api_id}/tests/{test_id}"): ("api", "write"),
    ("POST", "/api/v1/apis/{api_id}/tests/run"): ("api", "debug"),
    ("POST", "/api/v1/tests/run"): ("api", "debug"),
    ("GET", "/api/v1/macros"): ("macro", "read"),
    ("POST", "/api/v1/macros"): ("macro", "write"),
    ("GET", "/api/v1/macros/{macro_id}"): ("macro", "read"),
    ("PATCH", "/api/v1/macros/{macro_id}"): ("macro", "write"),
    ("DELETE", "/api/v1/macros/{macro_id}"): ("macro", "write"),
    ("POST", "/api/v1/macros/{macro_id}/publish"): ("macro", "publish"),
    ("GET", "/api/v1/macros/{macro_id}/versions"): ("macro", "read"),
    ("GET", "/api/v1/groups"): ("group", "read"),
    ("POST", "/api/v1/groups"): ("group", "write"),
    ("GET", "/api/v1/groups/{group_id}"): ("group", "read"),
    ("PATCH", "/api/v1/groups/{group_id}"): ("group", "write"),
    ("DELETE", "/api/v1/groups/{group_id}"): ("group", "write"),
    ("GET", "/api/v1/clients"): ("client", "read"),
    ("POST", "/api/v1/clients"): ("client", "write"),
    ("GET", "/api/v1/clients/{client_id}"): ("client", "read"),
    ("PATCH", "/api/v1/clients/{client_id}"): ("client", "write"),
    ("POST", "/api/v1/clients/{client_id}/secret"): ("client", "write"),
    ("DELETE", "/api/v1/clients/{client_id}"): ("client", "write"),
    ("GET", "/api/v1/access-logs"): ("access_log", "read"),
    ("GET", "/api/v1/access-logs/{record_id}"): ("access_log", "read"),
    ("GET", "/api/v1/audit-logs"): ("access_log", "read"),
    ("GET", "/api/v1/export"): EXPORT,
    ("GET", "/api/v1/export/schema"): PUBLIC,
    ("POST", "/api/v1/import"): IMPORT,
    ("GET", "/api/v1/alerts"): ("alert", "read"),
    ("POST", "/api/v1/alerts"): ("alert", "write"),
    ("GET", "/api/v1/alerts/firings"): ("alert", "read"),
    ("GET", "/api/v1/alerts/{alert_id}"): ("alert", "read"),
    ("PATCH", "/api/v1/alerts/{alert_id}"): ("alert", "write"),
    ("DELETE", "/api/v1/alerts/{alert_id}"): ("alert", "write"),
}

NARROW = [("api", "read"), ("api", "debug")]
"""The custom role: reads APIs and runs their drafts, nothing else."""

HOLDS: dict[str, Callable[[Permission], bool]] = {
    "admin": lambda _: True,
    "developer": lambda permission: permission[0] not in ("user", "role"),
    "viewer": lambda permission: permission[1] == "read",
    "no role": lambda _: False,
    "narrow": lambda permission: permission in NARROW,
}
"""Each identity's permissions, as the contract states them."""

SKIPPED_METHODS = {"HEAD", "OPTIONS"}
"""Answered like GET (or by CORS) on every route; the table lists the methods that act."""


def app_routes(app: FastAPI) -> set[tuple[str, str]]:
    found = set()
    for context in iter_route_contexts(app.routes):
        path = context.path_format or ""
        methods = getattr(context.original_route, "methods", None) or set()
        if path.startswith("/api/v1"):
            found |= {(method, path) for method in methods - SKIPPED_METHODS}
    return found


def allowed(identity: str, need: Need) -> bool:
    if isinstance(need, str):  # public, or any logged-in user
        return True
    if isinstance(need, frozenset):
        return all(HOLDS[identity](permission) for permission in need)
    return HOLDS[identity](need)


@pytest.fixture(scope="module")
def store_template(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Permissions do not depend on the store: the matrix runs once, on SQLite."""
    path = tmp_path_factory.mktemp("authz-store") / "template.db"
    migrate(f"sqlite:///{path}")
    return str(path)


@pytest.fixture(scope="module")
def callers(
    store_template: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[TestClient, dict[str, dict[str, str]]]]:
    """One app for the whole matrix, and each identity's login headers."""
    folder = tmp_path_factory.mktemp("authz")
    with fresh_store(store_template, folder) as url:
        app = app_with_superuser(settings_for(url, folder))
        with TestClient(app) as client:
            admin = login(client, ADMIN_EMAIL, ADMIN_PASSWORD)
            permissions = [{"resource": r, "action": a} for r, a in NARROW]
            role = client.post(
                "/api/v1/roles", json={"name": "narrow", "permissions": permissions}, headers=admin
            )
            assert role.status_code == 201, role.text
            headers = {}
            with Session(app.state.engine) as session:
                for identity in HOLDS:
                    email = f"authz-{identity.replace(' ', '-')}@example.com"
                    roles = () if identity == "no role" else (identity,)
                    make_user(session, email, roles=roles)
                    headers[identity] = login(client, email)
            yield client, headers
        app.state.engine.dispose()


def test_every_admin_route_has_a_row(
    callers: tuple[TestClient, dict[str, dict[str, str]]],
) -> None:
    app = callers[0].app
    assert isinstance(app, FastAPI)
    missing = app_routes(app) - set(ROUTES)
    assert not missing, f"routes with no row in the authorization table: {sorted(missing)}"
    stale = set(ROUTES) - app_routes(app)
    assert not stale, f"rows for routes that do not exist: {sorted(stale)}"


def call(client: TestClient, method: str, template: str, headers: dict[str, str]) -> Any:
    """The route with made-up ids (`against` for the diff), an empty body where one goes."""
    path = re.sub(r"\{[a-z_]+\}", "987654", template)
    body: dict[str, Any] = {}
    if method in ("POST", "PATCH"):
        if template == "/api/v1/login/access-token":
            return client.post(path, data={})
        body["json"] = {}
    return client.request(method, path, params={"against": 1}, headers=headers, **body)


@pytest.mark.parametrize("identity", list(HOLDS))
@pytest.mark.parametrize(("method", "template"), list(ROUTES))
def test_each_identity_is_allowed_or_refused(
    callers: tuple[TestClient, dict[str, dict[str, str]]],
    identity: str,
    method: str,
    template: str,
) -> None:
    client, headers = callers
    response = call(client, method, template, headers[identity])
    if allowed(identity, ROUTES[(method, template)]):
        assert response.status_code not in (401, 403), response.text
        assert response.status_code < 500, response.text
    else:
        assert response.status_code == 403, response.text
        assert "permission" in response.json()["detail"].lower()


@pytest.mark.parametrize(("method", "template"), list(ROUTES))
def test_without_a_login_only_public_routes_answer(
    callers: tuple[TestClient, dict[str, dict[str, str]]], method: str, template: str
) -> None:
    client, _ = callers
    response = call(client, method, template, {})
    if ROUTES[(method, template)] == PUBLIC:
        assert response.status_code not in (401, 403), response.text
    else:
        assert response.status_code == 401, response.text
