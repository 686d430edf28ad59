"""Users, roles and permissions (Superset style: a permission is a {resource, action} pair).

A user holds any number of roles; a role holds permissions; superusers pass every check.
"""

from datetime import UTC, datetime

from pydantic import EmailStr, model_validator
from sqlalchemy import Column, ForeignKey, Integer
from sqlmodel import Field, Relationship, SQLModel

from sluice.models.fields import RowId

RESOURCE_ACTIONS: dict[str, tuple[str, ...]] = {
    "datasource": ("read", "write", "debug"),
    "module": ("read", "write"),
    "api": ("read", "write", "publish", "debug"),
    "macro": ("read", "write", "publish"),
    "group": ("read", "write"),
    "client": ("read", "write"),
    "access_log": ("read",),
    "alert": ("read", "write"),
    "user": ("read", "write"),
    "role": ("read", "write"),
}
"""Every permission that exists; `GET /api/v1/permissions` lists exactly these."""

ALL_PERMISSIONS: list[tuple[str, str]] = [
    (resource, action) for resource, actions in RESOURCE_ACTIONS.items() for action in actions
]

BUILTIN_ROLES: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "admin": ("Everything, users and roles included", ALL_PERMISSIONS),
    "developer": (
        "Everything but users and roles",
        [p for p in ALL_PERMISSIONS if p[0] not in ("user", "role")],
    ),
    "viewer": ("Read only", [p for p in ALL_PERMISSIONS if p[1] == "read"]),
}
"""Seeded by the first migration; built-in roles cannot be edited or deleted."""

PASSWORD_MIN, PASSWORD_MAX = 8, 128


def utcnow() -> datetime:
    return datetime.now(UTC)


def _cascade_fk(target: str) -> Column[int]:
    return Column(Integer, ForeignKey(target, ondelete="CASCADE"), primary_key=True)


class UserRoleLink(SQLModel, table=True):
    __tablename__ = "user_role"

    user_id: int = Field(sa_column=_cascade_fk("user.id"))
    role_id: int = Field(sa_column=_cascade_fk("role.id"))


class Permission(SQLModel):
    resource: str = Field(max_length=32)
    action: str = Field(max_length=32)

    @model_validator(mode="after")
    def _known(self) -> "Permission":
        if self.action not in RESOURCE_ACTIONS.get(self.resource, ()):
            raise ValueError(f"unknown permission {self.resource}:{self.action}")
        return self


class RolePermission(SQLModel, table=True):
    __tablename__ = "role_permission"

    role_id: int | None = Field(default=None, sa_column=_cascade_fk("role.id"))
    resource: str = Field(primary_key=True, max_length=32)
    action: str = Field(primary_key=True, max_length=32)

    role: "Role" = Relationship(back_populates="permissions")


class RoleBase(SQLModel):
    name: str = Field(min_length=1, max_length=64)
    description: str | None = Field(default=None, max_length=255)


class RoleCreate(RoleBase):
    permissions: list[Permission] = []


class RoleUpdate(SQLModel):
    name: str | None = Field(default=None, min_length=1, max_length=64)
    description: str | None = Field(default=None, max_length=255)
    permissions: list[Permission] | None = None


class Role(RoleBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True, max_length=64)
    is_builtin: bool = False

    permissions: list[RolePermission] = Relationship(
        back_populates="role", sa_relationship_kwargs={"cascade": "all, delete-orphan"}
    )
    users: list["User"] = Relationship(back_populates="roles", link_model=UserRoleLink)


class RolePublic(RoleBase):
    id: int
    is_builtin: bool
    permissions: list[Permission]


class RolesPublic(SQLModel):
    data: list[RolePublic]
    count: int


class PermissionsPublic(SQLModel):
    data: list[Permission]
    count: int


class UserBase(SQLModel):
    email: EmailStr = Field(max_length=255)
    full_name: str | None = Field(default=None, max_length=255)
    is_active: bool = True
    is_superuser: bool = False


class UserCreate(UserBase):
    password: str = Field(min_length=PASSWORD_MIN, max_length=PASSWORD_MAX)
    role_ids: list[RowId] = []


class UserUpdate(SQLModel):
    email: EmailStr | None = Field(default=None, max_length=255)
    full_name: str | None = Field(default=None, max_length=255)
    is_active: bool | None = None
    is_superuser: bool | None = None
    password: str | None = Field(default=None, min_length=PASSWORD_MIN, max_length=PASSWORD_MAX)
    role_ids: list[RowId] | None = None


class UserUpdateMe(SQLModel):
    email: EmailStr | None = Field(default=None, max_length=255)
    full_name: str | None = Field(default=None, max_length=255)


class UpdatePassword(SQLModel):
    current_password: str = Field(min_length=1, max_length=PASSWORD_MAX)
    new_password: str = Field(min_length=PASSWORD_MIN, max_length=PASSWORD_MAX)


class User(UserBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(unique=True, index=True, max_length=255)
    hashed_password: str = Field(max_length=255)
    token_generation: int = 0
    """Stamped in every dashboard token; a password change bumps it, ending older sessions."""
    created_at: datetime = Field(default_factory=utcnow)

    roles: list[Role] = Relationship(back_populates="users", link_model=UserRoleLink)


class UserPublic(UserBase):
    id: int
    role_ids: list[int]
    permissions: list[Permission]
    """The user's effective permissions, so the dashboard can hide what they may not do."""


class UsersPublic(SQLModel):
    data: list[UserPublic]
    count: int


class Token(SQLModel):
    access_token: str
    token_type: str = "bearer"


class Message(SQLModel):
    message: str
