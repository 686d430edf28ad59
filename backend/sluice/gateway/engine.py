"""Stage: run the API's engine on the data source's pooled connector."""

from typing import Any

from sluice.connectors import PoolManager
from sluice.connectors.base import InvalidConfig
from sluice.engines.execute import Outcome, PageRequest, run_sql
from sluice.services.registry import LiveApi


async def execute(
    pools: PoolManager, api: LiveApi, params: dict[str, Any], page: PageRequest | None
) -> Outcome:
    if api.template is None or api.connection is None or api.datasource_id is None:
        raise InvalidConfig(f"API {api.api_id} has no SQL engine to run")
    connector = await pools.get(api.datasource_id, api.connection, version=api.datasource_key)
    context = {**params, "params": params}
    return await run_sql(api.template, context, connector, timeout_ms=api.timeout_ms, page=page)
