"""App-store tables. Importing this package registers every table on SQLModel.metadata."""

from sluice.models.access_record import (
    AccessClientDay,
    AccessClientRollup,
    AccessRecord,
    AccessRollup,
    AuditLog,
)
from sluice.models.alert import AccessDrop, AlertFiring, AlertLease, AlertRule
from sluice.models.api import Api, ApiVersion, Module
from sluice.models.api_test import ApiTest
from sluice.models.client import Client, ClientApiLink, ClientGroupLink, Group, GroupApiLink
from sluice.models.datasource import Datasource
from sluice.models.macro import Macro, MacroVersion
from sluice.models.user import Role, RolePermission, User, UserRoleLink

__all__ = [
    "AccessClientDay",
    "AccessClientRollup",
    "AccessDrop",
    "AccessRecord",
    "AccessRollup",
    "AlertFiring",
    "AlertLease",
    "AlertRule",
    "AuditLog",
    "Client",
    "ClientApiLink",
    "ClientGroupLink",
    "Group",
    "GroupApiLink",
    "Api",
    "ApiTest",
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
