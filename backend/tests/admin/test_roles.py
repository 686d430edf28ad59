from fastapi.testclient import TestClient
from sqlmodel import Session

from sluice.models.user import ALL_PERMISSIONS
from tests.factories import login, role_id, user_with_role

ROLES = "/api/v1/roles"


def test_built_in_roles_are_seeded(client: TestClient, admin_headers: dict[str, str]) -> None:
    roles = {r["name"]: r for r in client.get(ROLES, headers=admin_headers).json()["data"]}
    assert set(roles) == {"admin", "developer", "viewer"}
    assert all(r["is_builtin"] for r in roles.values())
    assert len(roles["admin"]["permissions"]) == len(ALL_PERMISSIONS)
    developer = {(p["resource"], p["action"]) for p in roles["developer"]["permissions"]}
    assert ("api", "publish") in developer
    assert not any(resource in ("user", "role") for resource, _ in developer)
    assert {p["action"] for p in roles["viewer"]["permissions"]} == {"read"}


def test_permissions_lists_every_pair(client: TestClient, admin_headers: dict[str, str]) -> None:
    body = client.get("/api/v1/permissions", headers=admin_headers).json()
    assert body["count"] == len(ALL_PERMISSIONS)
    assert {"resource": "api", "action": "debug"} in body["data"]


def test_admin_creates_a_custom_role_and_a_user_holding_it(
    client: TestClient, session: Session
) -> None:
    headers = user_with_role(client, session, "admin")
    role = {
        "name": "auditor",
        "description": "reads access logs",
        "permissions": [
            {"resource": "access_log", "action": "read"},
            {"resource": "user", "action": "read"},
        ],
    }
    created = client.post(ROLES, json=role, headers=headers)
    assert created.status_code == 201
    assert created.json()["is_builtin"] is False
    user = {
        "email": "aud@example.com",
        "password": "password-1",
        "role_ids": [created.json()["id"]],
    }
    assert client.post("/api/v1/users", json=user, headers=headers).status_code == 201

    auditor = login(client, "aud@example.com", "password-1")
    me = client.get("/api/v1/users/me", headers=auditor).json()
    assert me["permissions"] == [
        {"resource": "access_log", "action": "read"},
        {"resource": "user", "action": "read"},
    ]
    assert client.get("/api/v1/users", headers=auditor).status_code == 200
    assert client.get(ROLES, headers=auditor).status_code == 403


def test_developer_gets_403_on_role_editing(client: TestClient, session: Session) -> None:
    headers = user_with_role(client, session, "developer")
    response = client.post(ROLES, json={"name": "x", "permissions": []}, headers=headers)
    assert response.status_code == 403
    viewer = role_id(session, "viewer")
    assert client.patch(f"{ROLES}/{viewer}", json={"name": "y"}, headers=headers).status_code == 403


def test_unknown_permission_is_422(client: TestClient, admin_headers: dict[str, str]) -> None:
    body = {"name": "bad", "permissions": [{"resource": "user", "action": "publish"}]}
    response = client.post(ROLES, json=body, headers=admin_headers)
    assert response.status_code == 422
    assert "unknown permission user:publish" in response.json()["detail"][0]["msg"]


def test_built_in_roles_cannot_be_changed(
    client: TestClient, session: Session, admin_headers: dict[str, str]
) -> None:
    viewer = role_id(session, "viewer")
    response = client.patch(f"{ROLES}/{viewer}", json={"permissions": []}, headers=admin_headers)
    assert response.status_code == 409
    assert client.delete(f"{ROLES}/{viewer}", headers=admin_headers).status_code == 409


def test_role_names_are_unique(client: TestClient, admin_headers: dict[str, str]) -> None:
    assert client.post(ROLES, json={"name": "ops"}, headers=admin_headers).status_code == 201
    response = client.post(ROLES, json={"name": "ops"}, headers=admin_headers)
    assert response.status_code == 409
    assert response.json()["detail"] == "A role named 'ops' already exists"


def test_deleting_a_role_takes_it_from_its_users(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    role = client.post(
        ROLES,
        json={"name": "tmp", "permissions": [{"resource": "api", "action": "read"}]},
        headers=admin_headers,
    ).json()
    user = client.post(
        "/api/v1/users",
        json={"email": "t@example.com", "password": "password-1", "role_ids": [role["id"]]},
        headers=admin_headers,
    ).json()
    edited = client.patch(
        f"{ROLES}/{role['id']}", json={"description": "temporary"}, headers=admin_headers
    )
    assert edited.json()["description"] == "temporary"
    assert client.delete(f"{ROLES}/{role['id']}", headers=admin_headers).status_code == 204
    assert client.get(f"/api/v1/users/{user['id']}", headers=admin_headers).json()["role_ids"] == []
    assert client.get(f"{ROLES}/{role['id']}", headers=admin_headers).status_code == 404


def test_nul_characters_in_role_fields_are_422(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    for body in ({"name": "n\x00"}, {"name": "ok", "description": "d\x00"}):
        response = client.post(ROLES, json=body, headers=admin_headers)
        assert response.status_code == 422, body
        assert "NUL" in response.json()["detail"][0]["msg"]
    role = client.post(ROLES, json={"name": "fine"}, headers=admin_headers).json()
    for body in ({"name": "n\x00"}, {"description": "d\x00"}):
        response = client.patch(f"{ROLES}/{role['id']}", json=body, headers=admin_headers)
        assert response.status_code == 422, body
