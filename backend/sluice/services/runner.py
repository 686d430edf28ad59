"""Running a live (or draft) API: SQL on the data source's pooled connector, or a script in
the worker pool, then its result transform. Used by the gateway, by debug runs and (with an
`Isolation`) by test cases.

`runtime` is the application state: `pools`, `scripts`, `settings`, `redis_async`.
"""

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Any

from sluice.connectors.base import Connector, InvalidConfig, RowStream
from sluice.engines.execute import Outcome, PageRequest, run_rendered, stream_statement
from sluice.engines.script import CacheBackend, ScriptOutcome
from sluice.engines.sql import Statement
from sluice.services.registry import LiveApi
from sluice.services.scripts import build_host


@dataclass
class Trace:
    """What a debug run shows besides the data: the statements sent, the scripts' logs.
    Filled as the run goes, so a failure still shows what got that far."""

    statements: list[Statement] = field(default_factory=list)
    logs: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Isolation:
    """What a run touches instead of the real thing (a test case): the data source's
    connector passed through `wrap` (a rolled-back transaction) and a private cache."""

    wrap: Callable[[Connector], Connector]
    cache: CacheBackend


async def execute(
    runtime: Any,
    api: LiveApi,
    params: dict[str, Any],
    page: PageRequest | None,
    client: dict[str, Any] | None,
    trace: Trace | None = None,
    isolation: Isolation | None = None,
) -> Outcome:
    trace = trace if trace is not None else Trace()
    connector = await connector_for(runtime, api)
    if connector is not None and isolation is not None:
        connector = isolation.wrap(connector)
    cache = isolation.cache if isolation is not None else None
    context = template_context(params, client)
    scripted = script_context(params, client)
    if api.param_validation:
        await _hook(
            runtime, api, api.param_validation, "validate", scripted, connector, trace, cache
        )
    if api.script is not None:
        value = await _hook(runtime, api, api.script, "api", scripted, connector, trace, cache)
        outcome = Outcome(value, [], scripted=True)
    elif api.template is not None and connector is not None:
        rendered = api.template.render(context, connector.paramstyle)
        trace.statements = rendered.statements
        for statement in rendered.statements:
            api.write_guard.check(statement.sql, connector.paramstyle)
        outcome = await run_rendered(rendered, connector, timeout_ms=api.timeout_ms, page=page)
    else:
        raise InvalidConfig(f"API {api.api_id} has nothing to run")
    if api.result_transform:
        data = outcome.data
        value = await _hook(
            runtime, api, api.result_transform, "transform", scripted, connector, trace, cache, data
        )
        outcome = Outcome(value, outcome.statements, outcome.page, outcome.scripted)
    return outcome


async def open_stream(
    runtime: Any,
    api: LiveApi,
    params: dict[str, Any],
    page: PageRequest | None,
    client: dict[str, Any] | None,
) -> AbstractAsyncContextManager[RowStream] | None:
    """The rows of an API that renders a single read statement, as a stream from its data
    source (not yet opened); None for any other API (a script, a result transform, a
    write, several statements), which the caller runs as usual."""
    if api.template is None or api.script is not None or api.result_transform:
        return None
    connector = await connector_for(runtime, api)
    if connector is None:
        return None
    rendered = api.template.render(template_context(params, client), connector.paramstyle)
    statement = stream_statement(rendered, connector, page)
    if statement is None:
        return None
    if api.param_validation:
        scripted = script_context(params, client)
        validate = api.param_validation
        await _hook(runtime, api, validate, "validate", scripted, connector, Trace(), None)
    return connector.stream(statement.sql, statement.params, timeout_ms=api.timeout_ms)


def template_context(params: dict[str, Any], client: dict[str, Any] | None) -> dict[str, Any]:
    """What a template sees: every declared parameter by name and as `params`, and the
    calling client's id and attributes as `client`."""
    return {**params, "params": params, "client": client}


def script_context(params: dict[str, Any], client: dict[str, Any] | None) -> dict[str, Any]:
    """What scripts get as `params`: an optional parameter sent without a value and with no
    default is left out, so `params.get("n", 2)` works as in any Python code (coercion
    gives None only for those: a sent value is never None). Templates keep every declared
    name, None when absent, so `{{ n }}` binds NULL instead of failing as undefined."""
    present = {name: value for name, value in params.items() if value is not None}
    return {**present, "params": present, "client": client}


async def _hook(
    runtime: Any,
    api: LiveApi,
    source: str,
    kind: str,
    context: dict[str, Any],
    connector: Connector | None,
    trace: Trace,
    cache: CacheBackend | None,
    result: Any = None,
) -> Any:
    ran = await run_script(runtime, api, source, kind, context, connector, result, cache)
    trace.logs += ran.logs
    return ran.value


async def connector_for(runtime: Any, api: LiveApi) -> Connector | None:
    if api.connection is None or api.datasource_id is None:
        return None
    connector: Connector = await runtime.pools.get(
        api.datasource_id, api.connection, version=api.datasource_key
    )
    return connector


async def run_script(
    runtime: Any,
    api: LiveApi,
    source: str,
    kind: str,
    params: dict[str, Any],
    connector: Connector | None,
    result: Any = None,
    cache: CacheBackend | None = None,
) -> ScriptOutcome:
    host = build_host(
        runtime.settings,
        api.api_id,
        connector,
        api.connection,
        api.datasource_name,
        runtime.redis_async,
        cache,
        api.write_guard,
    )
    outcome: ScriptOutcome = await runtime.scripts.run(
        source, kind=kind, params=params, result=result, host=host, macros=api.script_macros
    )
    return outcome
