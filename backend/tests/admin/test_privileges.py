"""Nobody gives themselves or anyone else more than they hold: roles granted, users edited
and roles edited stay within the actor's own permissions."""

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.factories import login, make_user, role_id

USERS = "/api/v1/users"
ROLES = "/api/v1/roles"
USER_MANAGER = [{"resource": "user", "action": "read"}, {"resource": "user", "action": "write"}]


def custom_role(
    client: TestClient, headers: dict[str, str], name: str, permissions: list[dict[str, str]]
) -> int:
    response = client.post(ROLES, json={"name": name, "permissions": permissions}, headers=headers)
    assert response.status_code == 201, response.text
    created: int = response.json()["id"]
    return created


def manager(
    client: TestClient,
    session: Session,
    admin_headers: dict[str, str],
    extra: tuple[dict[str, str], ...] = (),
) -> tuple[dict[str, str], int]:
    """A user whose one custom role holds user:read, user:write (and `extra`); its headers
    and its id."""
    role = custom_role(client, admin_headers, "user-manager", [*USER_MANAGER, *extra])
    user = make_user(session, "manager@example.com")
    assert user.id is not None
    body = {"role_ids": [role]}
    assert client.patch(f"{USERS}/{user.id}", json=body, headers=admin_headers).status_code == 200
    return login(client, "manager@example.com"), user.id


def test_a_user_cannot_give_their_own_account_a_stronger_role(
    client: TestClient, session: Session, admin_headers: dict[str, str]
) -> None:
    headers, own_id = manager(client, session, admin_headers)
    admin_role = role_id(session, "admin")
    response = client.patch(f"{USERS}/{own_id}", json={"role_ids": [admin_role]}, headers=headers)
    assert response.status_code == 403
    assert response.json()["detail"] == "You cannot change your own roles"
    me = client.get(f"{USERS}/me", headers=headers).json()
    assert {"resource": "role", "action": "write"} not in me["permissions"]


def test_a_user_may_send_their_own_roles_unchanged(
    client: TestClient, session: Session, admin_headers: dict[str, str]
) -> None:
    """The dashboard's edit form sends the whole user, roles included."""
    headers, own_id = manager(client, session, admin_headers)
    roles = client.get(f"{USERS}/me", headers=headers).json()["role_ids"]
    body = {"full_name": "Manny", "role_ids": roles}
    response = client.patch(f"{USERS}/{own_id}", json=body, headers=headers)
    assert response.status_code == 200
    assert response.json()["full_name"] == "Manny"


def test_a_superuser_cannot_change_their_own_roles_either(
    client: TestClient, session: Session, admin_headers: dict[str, str]
) -> None:
    me = client.get(f"{USERS}/me", headers=admin_headers).json()
    body = {"role_ids": [role_id(session, "viewer")]}
    response = client.patch(f"{USERS}/{me['id']}", json=body, headers=admin_headers)
    assert response.status_code == 403


def test_a_user_cannot_create_a_user_with_a_stronger_role(
    client: TestClient, session: Session, admin_headers: dict[str, str]
) -> None:
    headers, _ = manager(client, session, admin_headers)
    for name in ("admin", "viewer"):
        body = {
            "email": f"new-{name}@example.com",
            "password": "password-1",
            "role_ids": [role_id(session, name)],
        }
        response = client.post(USERS, json=body, headers=headers)
        assert response.status_code == 403, name
        assert response.json()["detail"] == (
            f"You cannot grant the role {name!r}: it holds permissions you do not have"
        )
    weaker = custom_role(client, admin_headers, "user-reader", USER_MANAGER[:1])
    reader = {"email": "reader@example.com", "password": "password-1", "role_ids": [weaker]}
    created = client.post(USERS, json=reader, headers=headers)
    assert created.status_code == 201
    assert created.json()["role_ids"] == [weaker]


def test_a_user_cannot_grant_another_user_a_stronger_role(
    client: TestClient, session: Session, admin_headers: dict[str, str]
) -> None:
    headers, _ = manager(client, session, admin_headers)
    other = make_user(session, "other@example.com")
    body = {"role_ids": [role_id(session, "developer")]}
    response = client.patch(f"{USERS}/{other.id}", json=body, headers=headers)
    assert response.status_code == 403
    assert client.get(f"{USERS}/{other.id}", headers=headers).json()["role_ids"] == []


def test_a_user_cannot_edit_or_delete_a_user_stronger_than_themselves(
    client: TestClient, session: Session, admin_headers: dict[str, str]
) -> None:
    """Else resetting the stronger user's password would hand over their account."""
    headers, _ = manager(client, session, admin_headers)
    stronger = make_user(session, "dev@example.com", roles=("developer",))
    bodies: list[dict[str, object]] = [
        {"password": "taken-over-1"},
        {"full_name": "x"},
        {"role_ids": []},
    ]
    for body in bodies:
        response = client.patch(f"{USERS}/{stronger.id}", json=body, headers=headers)
        assert response.status_code == 403, body
        assert response.json()["detail"] == (
            "You cannot change a user who holds permissions you do not have"
        )
    assert client.delete(f"{USERS}/{stronger.id}", headers=headers).status_code == 403
    assert login(client, "dev@example.com")


def test_a_role_editor_cannot_create_or_widen_a_role_beyond_their_own(
    client: TestClient, session: Session, admin_headers: dict[str, str]
) -> None:
    role_admin = [{"resource": "role", "action": "read"}, {"resource": "role", "action": "write"}]
    headers, _ = manager(client, session, admin_headers, tuple(role_admin))
    api_write = [{"resource": "api", "action": "write"}]
    response = client.post(ROLES, json={"name": "apis", "permissions": api_write}, headers=headers)
    assert response.status_code == 403
    assert response.json()["detail"] == "You cannot grant permissions you do not have: api:write"

    mine = custom_role(client, headers, "readers", USER_MANAGER[:1])
    widened = client.patch(f"{ROLES}/{mine}", json={"permissions": api_write}, headers=headers)
    assert widened.status_code == 403
    renamed = client.patch(f"{ROLES}/{mine}", json={"name": "user-readers"}, headers=headers)
    assert renamed.status_code == 200

    stronger = custom_role(client, admin_headers, "api-writers", api_write)
    for answer in (
        client.patch(f"{ROLES}/{stronger}", json={"permissions": []}, headers=headers),
        client.patch(f"{ROLES}/{stronger}", json={"description": "mine"}, headers=headers),
        client.delete(f"{ROLES}/{stronger}", headers=headers),
    ):
        assert answer.status_code == 403
        assert answer.json()["detail"] == (
            "You cannot change the role 'api-writers': it holds permissions you do not have"
        )
    assert client.delete(f"{ROLES}/{mine}", headers=headers).status_code == 204


def test_a_superuser_grants_and_edits_anything(
    client: TestClient, session: Session, admin_headers: dict[str, str]
) -> None:
    everything = client.get("/api/v1/permissions", headers=admin_headers).json()["data"]
    role = custom_role(client, admin_headers, "all", everything)
    body = {"email": "all@example.com", "password": "password-1", "role_ids": [role]}
    assert client.post(USERS, json=body, headers=admin_headers).status_code == 201
    assert client.delete(f"{ROLES}/{role}", headers=admin_headers).status_code == 204
