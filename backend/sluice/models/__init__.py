"""App-store tables. Importing this package registers every table on SQLModel.metadata."""

from sluice.models.api import Api, ApiVersion, Module
from sluice.models.datasource import Datasource
from sluice.models.macro import Macro, MacroVersion
from sluice.models.user import Role, RolePermission, User, UserRoleLink

__all__ = [
    "Api",
    "ApiVersion",
    "Datasource",
    "Macro",
    "MacroVersion",
    "Module",
    "Role",
    "RolePermission",
    "User",
    "UserRoleLink",
]
