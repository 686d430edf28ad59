"""Stage 1: which published API answers this call."""

from sluice.connectors.base import DatasourceUnavailable
from sluice.errors import Unauthorized
from sluice.services.registry import LiveApi, Registry


def resolve(
    registry: Registry, module: str, path: str, method: str
) -> tuple[LiveApi, dict[str, str]]:
    api, path_values = registry.resolve(module, path, method)
    if api.unavailable:
        raise DatasourceUnavailable(f"This API cannot run right now: {api.unavailable}")
    return api, path_values


def require_access(api: LiveApi) -> None:
    """Public APIs are open; private ones need a client token (checked by the auth stage)."""
    if api.access != "public":
        raise Unauthorized("This API needs a client token: Authorization: Bearer <token>")
