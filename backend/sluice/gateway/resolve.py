"""Stage 1: which published API answers this call."""

from sluice.connectors.base import DatasourceUnavailable
from sluice.services.registry import LiveApi, Registry


def resolve(
    registry: Registry, module: str, path: str, method: str
) -> tuple[LiveApi, dict[str, str]]:
    api, path_values = registry.resolve(module, path, method)
    if api.unavailable:
        raise DatasourceUnavailable(f"This API cannot run right now: {api.unavailable}")
    return api, path_values
