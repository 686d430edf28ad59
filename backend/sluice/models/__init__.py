"""App-store tables. Importing this package registers every table on SQLModel.metadata."""

from sluice.models.user import Role, RolePermission, User, UserRoleLink

__all__ = ["Role", "RolePermission", "User", "UserRoleLink"]
