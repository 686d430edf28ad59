"""Plain functions over services that make test data, and log in through the real route."""

from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from sluice.models.user import Role, User, UserCreate
from sluice.services.users import create_user

ADMIN_EMAIL = "admin@example.com"
ADMIN_PASSWORD = "admin-password-1"


def role_id(session: Session, name: str) -> int:
    role = session.exec(select(Role).where(Role.name == name)).one()
    assert role.id is not None
    return role.id


def make_user(
    session: Session,
    email: str,
    password: str = "user-password-1",
    *,
    roles: tuple[str, ...] = (),
    superuser: bool = False,
    active: bool = True,
) -> User:
    data = UserCreate(
        email=email,
        password=password,
        is_superuser=superuser,
        is_active=active,
        role_ids=[role_id(session, name) for name in roles],
    )
    return create_user(session, data)


def login(client: TestClient, email: str, password: str = "user-password-1") -> dict[str, str]:
    response = client.post(
        "/api/v1/login/access-token", data={"username": email, "password": password}
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def user_with_role(client: TestClient, session: Session, role: str) -> dict[str, str]:
    """A user holding one built-in role, logged in."""
    email = f"{role}-role@example.com"
    make_user(session, email, roles=(role,))
    return login(client, email)


def make_module(client: TestClient, headers: dict[str, str], name: str = "shop") -> dict[str, Any]:
    response = client.post("/api/v1/modules", json={"name": name}, headers=headers)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def make_source(
    client: TestClient, headers: dict[str, str], body: dict[str, Any]
) -> dict[str, Any]:
    response = client.post("/api/v1/datasources", json=body, headers=headers)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def make_api(client: TestClient, headers: dict[str, str], **fields: Any) -> dict[str, Any]:
    body = {"name": fields.get("path", "api"), "access": "public"} | fields
    response = client.post("/api/v1/apis", json=body, headers=headers)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def publish(
    client: TestClient, headers: dict[str, str], api_id: int, message: str = "ship it"
) -> dict[str, Any]:
    response = client.post(
        f"/api/v1/apis/{api_id}/publish", json={"message": message}, headers=headers
    )
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result
