from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.factories import ADMIN_EMAIL, login, make_user, role_id, user_with_role

USERS = "/api/v1/users"


def test_superuser_manages_a_user_end_to_end(
    client: TestClient, session: Session, admin_headers: dict[str, str]
) -> None:
    viewer = role_id(session, "viewer")
    body = {
        "email": "Ann@Example.com",
        "password": "ann-password",
        "full_name": "Ann",
        "role_ids": [viewer],
    }
    created = client.post(USERS, json=body, headers=admin_headers)
    assert created.status_code == 201
    user = created.json()
    assert user["email"] == "ann@example.com"
    assert user["role_ids"] == [viewer]
    assert {"resource": "user", "action": "read"} in user["permissions"]
    assert "password" not in user and "hashed_password" not in user

    listed = client.get(USERS, headers=admin_headers, params={"limit": 1, "offset": 1}).json()
    assert listed["count"] == 2
    assert [u["email"] for u in listed["data"]] == ["ann@example.com"]

    patched = client.patch(
        f"{USERS}/{user['id']}", json={"full_name": "Ann B", "role_ids": []}, headers=admin_headers
    )
    assert patched.json()["full_name"] == "Ann B"
    assert patched.json()["role_ids"] == []

    assert client.delete(f"{USERS}/{user['id']}", headers=admin_headers).status_code == 204
    missing = client.get(f"{USERS}/{user['id']}", headers=admin_headers)
    assert missing.status_code == 404
    assert missing.json()["detail"] == f"User {user['id']} not found"


def test_duplicate_email_is_409(client: TestClient, admin_headers: dict[str, str]) -> None:
    response = client.post(
        USERS, json={"email": ADMIN_EMAIL.upper(), "password": "password-1"}, headers=admin_headers
    )
    assert response.status_code == 409
    assert "already exists" in response.json()["detail"]


def test_invalid_input_is_422_naming_the_field(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    cases = [
        ({"email": "not-an-email", "password": "password-1"}, "email"),
        ({"email": "a@example.com", "password": "short"}, "password"),
        ({"email": "a@example.com", "password": "p" * 500}, "password"),
        ({"email": "a@example.com", "password": 12345678}, "password"),
        ({"email": "a@example.com", "password": "password-1", "role_ids": "x"}, "role_ids"),
    ]
    for body, field in cases:
        response = client.post(USERS, json=body, headers=admin_headers)
        assert response.status_code == 422, body
        errors = response.json()["detail"]
        assert errors[0]["loc"][-1] == field
        assert "input" not in errors[0]


def test_unknown_role_id_is_404(client: TestClient, admin_headers: dict[str, str]) -> None:
    body = {"email": "b@example.com", "password": "password-1", "role_ids": [9999]}
    response = client.post(USERS, json=body, headers=admin_headers)
    assert response.status_code == 404
    assert response.json()["detail"] == "Role 9999 not found"


def test_viewer_reads_users_but_gets_403_on_creation(client: TestClient, session: Session) -> None:
    headers = user_with_role(client, session, "viewer")
    assert client.get(USERS, headers=headers).status_code == 200
    response = client.post(
        USERS, json={"email": "c@example.com", "password": "password-1"}, headers=headers
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "Missing permission user:write"


def test_developer_cannot_list_users(client: TestClient, session: Session) -> None:
    headers = user_with_role(client, session, "developer")
    assert client.get(USERS, headers=headers).status_code == 403


def test_only_a_superuser_grants_or_touches_superusers(
    client: TestClient, session: Session
) -> None:
    headers = user_with_role(client, session, "admin")
    body = {"email": "boss@example.com", "password": "password-1", "is_superuser": True}
    assert client.post(USERS, json=body, headers=headers).status_code == 403
    admin = client.get(f"{USERS}/me", headers=login(client, ADMIN_EMAIL, "admin-password-1")).json()
    assert (
        client.patch(f"{USERS}/{admin['id']}", json={"full_name": "x"}, headers=headers).status_code
        == 403
    )
    assert client.delete(f"{USERS}/{admin['id']}", headers=headers).status_code == 403


def test_nobody_deletes_or_disables_themselves(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    me = client.get(f"{USERS}/me", headers=admin_headers).json()
    assert client.delete(f"{USERS}/{me['id']}", headers=admin_headers).status_code == 403
    response = client.patch(f"{USERS}/{me['id']}", json={"is_active": False}, headers=admin_headers)
    assert response.status_code == 403


def test_user_edits_own_profile_and_password(client: TestClient, session: Session) -> None:
    make_user(session, "dee@example.com", "dee-password-1")
    headers = login(client, "dee@example.com", "dee-password-1")
    me = client.patch(f"{USERS}/me", json={"full_name": "Dee"}, headers=headers)
    assert me.json()["full_name"] == "Dee"

    wrong = {"current_password": "nope-nope", "new_password": "dee-password-2"}
    response = client.patch(f"{USERS}/me/password", json=wrong, headers=headers)
    assert response.status_code == 400
    assert response.json()["detail"] == "Current password is incorrect"

    right = {"current_password": "dee-password-1", "new_password": "dee-password-2"}
    assert client.patch(f"{USERS}/me/password", json=right, headers=headers).status_code == 200
    assert login(client, "dee@example.com", "dee-password-2")


def test_a_user_cannot_make_themselves_superuser_through_me(
    client: TestClient, session: Session
) -> None:
    headers = user_with_role(client, session, "viewer")
    response = client.patch(
        f"{USERS}/me", json={"is_superuser": True, "full_name": "V"}, headers=headers
    )
    assert response.status_code == 200
    assert response.json()["is_superuser"] is False


def test_email_taken_by_another_user_is_409_on_update(client: TestClient, session: Session) -> None:
    make_user(session, "eve@example.com")
    headers = login(client, "eve@example.com")
    response = client.patch(f"{USERS}/me", json={"email": ADMIN_EMAIL}, headers=headers)
    assert response.status_code == 409


def test_changing_ones_password_ends_older_sessions(client: TestClient, session: Session) -> None:
    make_user(session, "fay@example.com", "fay-password-1")
    old = login(client, "fay@example.com", "fay-password-1")
    elsewhere = login(client, "fay@example.com", "fay-password-1")
    body = {"current_password": "fay-password-1", "new_password": "fay-password-2"}
    assert client.patch(f"{USERS}/me/password", json=body, headers=old).status_code == 200
    for headers in (old, elsewhere):
        response = client.get(f"{USERS}/me", headers=headers)
        assert response.status_code == 401
        assert response.json()["detail"] == "Session ended: log in again"
    assert client.get(f"{USERS}/me", headers=login(client, "fay@example.com", "fay-password-2"))


def test_a_password_reset_by_an_admin_ends_the_users_sessions(
    client: TestClient, session: Session, admin_headers: dict[str, str]
) -> None:
    user = make_user(session, "gus@example.com", "gus-password-1")
    headers = login(client, "gus@example.com", "gus-password-1")
    renamed = client.patch(f"{USERS}/{user.id}", json={"full_name": "Gus"}, headers=admin_headers)
    assert renamed.status_code == 200
    assert client.get(f"{USERS}/me", headers=headers).status_code == 200

    body = {"password": "gus-password-2"}
    assert client.patch(f"{USERS}/{user.id}", json=body, headers=admin_headers).status_code == 200
    assert client.get(f"{USERS}/me", headers=headers).status_code == 401
    assert client.get(f"{USERS}/me", headers=admin_headers).status_code == 200
    assert login(client, "gus@example.com", "gus-password-2")


def test_ones_own_password_changes_only_with_the_current_one(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    me = client.get(f"{USERS}/me", headers=admin_headers).json()
    body = {"password": "taken-over-1"}
    response = client.patch(f"{USERS}/{me['id']}", json=body, headers=admin_headers)
    assert response.status_code == 403
    assert response.json()["detail"] == (
        "Change your own password with PATCH /api/v1/users/me/password and the current one"
    )
    assert client.get(f"{USERS}/me", headers=admin_headers).status_code == 200
    assert login(client, ADMIN_EMAIL, "admin-password-1")


def test_nul_characters_in_user_fields_are_422(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    good = {"email": "nul@example.com", "password": "password-1", "full_name": "Nul"}
    for field, value in (
        ("email", "nul\x00@example.com"),
        ("full_name", "N\x00ul"),
        ("password", "pass\x00word-1"),
    ):
        response = client.post(USERS, json=good | {field: value}, headers=admin_headers)
        assert response.status_code == 422, field
        assert response.json()["detail"][0]["loc"][-1] == field
    me = client.get(f"{USERS}/me", headers=admin_headers).json()
    for path, body in (
        (f"{USERS}/me", {"full_name": "N\x00ul"}),
        (f"{USERS}/me", {"email": "a\x00@example.com"}),
        (f"{USERS}/{me['id']}", {"full_name": "N\x00ul"}),
        (f"{USERS}/me/password", {"current_password": "x\x00", "new_password": "pass\x00word"}),
    ):
        response = client.patch(path, json=body, headers=admin_headers)
        assert response.status_code == 422, (path, body)
    assert client.post(USERS, json=good, headers=admin_headers).status_code == 201
