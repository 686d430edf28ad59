"""App-store tables. Importing this package registers every table on SQLModel.metadata."""

from sluice.models.datasource import Datasource
from sluice.models.user import Role, RolePermission, User, UserRoleLink

__all__ = ["Datasource", "Role", "RolePermission", "User", "UserRoleLink"]
