"""The admin API's table of contents: one line per resource."""

from fastapi import APIRouter

from sluice.admin.routes import (
    alerts,
    api_tests,
    apis,
    clients,
    datasources,
    docs,
    exchange,
    gateway_docs,
    groups,
    login,
    macros,
    modules,
    records,
    roles,
    tables,
    users,
)
from sluice.http import StrictJSONRoute

PREFIX = "/api/v1"
"""Where the app includes the admin API (`app.include_router(api_router, prefix=PREFIX)`):
a router included without a prefix has its whole tree of route states built once more
for a check of empty paths, about 0.3 s of every worker's start."""

api_router = APIRouter(route_class=StrictJSONRoute)
api_router.include_router(login.router)
api_router.include_router(users.router)
api_router.include_router(roles.router)
api_router.include_router(datasources.router)
api_router.include_router(tables.router)
api_router.include_router(modules.router)
api_router.include_router(apis.router)
api_router.include_router(api_tests.router)
api_router.include_router(macros.router)
api_router.include_router(groups.router)
api_router.include_router(clients.router)
api_router.include_router(records.router)
api_router.include_router(docs.router)
api_router.include_router(gateway_docs.router)
api_router.include_router(exchange.router)
api_router.include_router(alerts.router)
