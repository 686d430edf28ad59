"""Debug runs of an API draft: the data, the SQL as rendered, the bound values, the time.

Parameters are given as one object and placed where each is declared, so they go through
exactly the coercion a gateway call does. Every failure (template, parameter, database)
comes back as `ok: false` with what went wrong; database errors include the database's
own words, which only the dashboard sees.
"""

import time
from dataclasses import dataclass
from typing import Any

import orjson
from sqlmodel import Session

from sluice.config import Settings
from sluice.connectors import PoolManager
from sluice.connectors.base import ConnectionConfig, ConnectorError
from sluice.engines.execute import run_rendered
from sluice.engines.params import ParamDef, RawParams, coerce
from sluice.engines.sql import CompiledTemplate, Statement, compile_template
from sluice.errors import SluiceError, Unprocessable
from sluice.models.api import Api, DebugResult
from sluice.models.datasource import Datasource
from sluice.security import Keyring
from sluice.services.datasources import connection_config, stored_password
from sluice.services.macros import published_sources


@dataclass(frozen=True)
class DraftPlan:
    template: CompiledTemplate
    params: list[ParamDef]
    datasource_id: int
    datasource_key: str
    connection: ConnectionConfig
    timeout_ms: int | None


def prepare(session: Session, api: Api, settings: Settings, keyring: Keyring) -> DraftPlan:
    """Compile the draft against the latest published macros and find its data source."""
    if api.engine != "sql":
        raise Unprocessable("Only SQL APIs can be debugged until the script engine lands")
    if api.datasource_id is None:
        raise Unprocessable("Choose a data source for this API first")
    ds = session.get(Datasource, api.datasource_id)
    if ds is None:
        raise Unprocessable(f"Data source {api.datasource_id} no longer exists")
    macros = {name: v.content for name, v in published_sources(session).items()}
    template = compile_template(api.content, macros)
    config = connection_config(ds, settings, stored_password(ds, keyring))
    assert ds.id is not None
    params = [ParamDef.model_validate(p) for p in api.params]
    return DraftPlan(template, params, ds.id, ds.updated_at.isoformat(), config, api.timeout_ms)


def placed(defs: list[ParamDef], given: dict[str, Any]) -> RawParams:
    """Put each given value where its param is declared, as text unless it is the body."""
    where: dict[str, Any] = {"path": {}, "query": [], "headers": {}, "body": {}}
    for definition in defs:
        if definition.name not in given or given[definition.name] is None:
            continue
        value = given[definition.name]
        if definition.location == "body":
            where["body"][definition.name] = value
        elif definition.location == "query":
            where["query"].extend((definition.name, text) for text in _texts(value))
        else:
            where[definition.location if definition.location == "path" else "headers"][
                definition.name
            ] = _text(value)
    return RawParams(
        path=where["path"], query=where["query"], body=where["body"], headers=where["headers"]
    )


def _texts(value: Any) -> list[str]:
    return [_text(v) for v in value] if isinstance(value, list) else [_text(value)]


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return orjson.dumps(value).decode()


async def run(plan: DraftPlan, given: dict[str, Any], pools: PoolManager) -> DebugResult:
    """The whole result, unpaginated; a database error still shows the SQL that was sent."""
    started = time.perf_counter()
    statements: list[Statement] = []
    try:
        params = coerce(plan.params, placed(plan.params, given))
        connector = await pools.get(
            plan.datasource_id, plan.connection, version=plan.datasource_key
        )
        rendered = plan.template.render({**params, "params": params}, connector.paramstyle)
        statements = rendered.statements
        outcome = await run_rendered(rendered, connector, timeout_ms=plan.timeout_ms)
    except ConnectorError as exc:
        reason = f"{exc.message}: {exc.detail}" if exc.detail else exc.message
        return _result(started, statements, error=reason)
    except SluiceError as exc:
        return _result(started, statements, error=exc.message)
    return _result(started, statements, data=outcome.data)


def _result(
    started: float, statements: list[Statement], *, data: Any = None, error: str | None = None
) -> DebugResult:
    return DebugResult(
        ok=error is None,
        data=data,
        rendered_sql=_sql(statements) if statements else None,
        bind_params=_binds(statements) if statements else None,
        duration_ms=_ms(started),
        error=error,
    )


def _sql(statements: list[Statement]) -> str:
    return ";\n".join(s.sql for s in statements)


def _binds(statements: list[Statement]) -> list[Any]:
    if len(statements) == 1:
        return list(statements[0].params)
    return [list(s.params) for s in statements]


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)
