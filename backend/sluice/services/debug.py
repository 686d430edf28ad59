"""Debug runs of an API draft: the data, the SQL as rendered, the bound values, the time.

Parameters are given as one object and placed where each is declared, so they go through
exactly the coercion a gateway call does. Every failure (template, parameter, database)
comes back as `ok: false` with what went wrong; database errors include the database's
own words, which only the dashboard sees.
"""

import time
from dataclasses import dataclass, field
from typing import Any

import orjson
from sqlmodel import Session

from sluice.config import Settings
from sluice.connectors.base import ConnectorError
from sluice.engines.params import ParamDef, RawParams, coerce
from sluice.engines.sql import Statement
from sluice.errors import SluiceError, Unprocessable
from sluice.models.api import Api, ApiVersion, DebugResult, Module
from sluice.security import Keyring
from sluice.services.registry import LiveApi, live_api
from sluice.services.runner import Isolation, Trace, execute
from sluice.services.versions import pin_macros, snapshot


def prepare(
    session: Session, api: Api, settings: Settings, keyring: Keyring, modules: tuple[str, ...]
) -> LiveApi:
    """The draft compiled as if published now: the latest published macros, its data source."""
    if api.engine == "sql" and api.datasource_id is None:
        raise Unprocessable("Choose a data source for this API first")
    module = session.get(Module, api.module_id)
    assert module is not None and api.id is not None
    draft = snapshot(api)
    frozen = ApiVersion(
        id=0,
        api_id=api.id,
        version=0,
        snapshot=draft,
        macro_versions=pin_macros(session, draft, modules),
    )
    live = live_api(session, settings, keyring, api, frozen, module)
    if live.unavailable:
        raise Unprocessable(f"This API cannot run: {live.unavailable}")
    return live


def placed(defs: list[ParamDef], given: dict[str, Any]) -> RawParams:
    """Put each given value where its param is declared, as text unless it is the body (a
    list for a query array as one JSON array, so its items keep their JSON types)."""
    where: dict[str, Any] = {"path": {}, "query": [], "headers": {}, "body": {}}
    for definition in defs:
        if definition.name not in given or given[definition.name] is None:
            continue
        value = given[definition.name]
        if definition.location == "body":
            where["body"][definition.name] = value
        elif definition.location == "query":
            texts = [_text(value)] if definition.type == "array" else _texts(value)
            where["query"].extend((definition.name, text) for text in texts)
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


@dataclass
class Attempt:
    """One run of an API as the gateway would make it, kept whole for who asked: the data,
    or the error it raised; the statements sent and the logs; the time it took."""

    data: Any = None
    error: SluiceError | None = None
    trace: Trace = field(default_factory=Trace)
    duration_ms: float = 0.0

    @property
    def reason(self) -> str | None:
        """The error as the dashboard shows it: a database's own words included."""
        if isinstance(self.error, ConnectorError) and self.error.detail:
            return f"{self.error.message}: {self.error.detail}"
        return self.error.message if self.error is not None else None


async def attempt(
    api: LiveApi,
    given: dict[str, Any],
    runtime: Any,
    client: dict[str, Any] | None = None,
    isolation: Isolation | None = None,
) -> Attempt:
    """The whole result, unpaginated; a failure still shows the SQL that was sent.
    `client` is what templates and scripts see as `client`; `isolation` keeps the run's
    writes and cache entries from staying (test cases)."""
    started = time.perf_counter()
    ran = Attempt()
    try:
        params = coerce(list(api.params), placed(list(api.params), given))
        outcome = await execute(runtime, api, params, None, client, ran.trace, isolation)
        ran.data = outcome.data
    except SluiceError as exc:
        ran.trace.logs += getattr(exc, "logs", None) or []
        ran.error = exc
    ran.duration_ms = _ms(started)
    return ran


async def run(api: LiveApi, given: dict[str, Any], runtime: Any) -> DebugResult:
    ran = await attempt(api, given, runtime)
    statements = ran.trace.statements
    return DebugResult(
        ok=ran.error is None,
        data=ran.data,
        rendered_sql=_sql(statements) if statements else None,
        bind_params=_binds(statements) if statements else None,
        duration_ms=ran.duration_ms,
        error=ran.reason,
        error_code=ran.error.code if ran.error is not None else None,
        logs=ran.trace.logs,
    )


def _sql(statements: list[Statement]) -> str:
    return ";\n".join(s.sql for s in statements)


def _binds(statements: list[Statement]) -> list[Any]:
    if len(statements) == 1:
        return list(statements[0].params)
    return [list(s.params) for s in statements]


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)
