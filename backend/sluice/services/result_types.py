"""What an SQL API answers, described by its data source when the API is published: the
result's columns, their database types, nullability where the database says, and the JSON
Schema of each as the gateway sends it (the value rules of `connectors/values`).

The statement is rendered with the given values (a param's default when none is given,
else a falsy value of its type: see SAMPLES) and described inside a transaction that is always rolled back, after
the checks a test run makes (`engines/rollback.check_statement`: nothing that would commit
on its own). A read is first described in a form that returns no rows
(`SELECT * FROM (...) WHERE 1 = 0`, PostgreSQL and MySQL/MariaDB), so a large result is
not fetched; on SQLite, whose values have no fixed type, only a column read straight
from a table is typed (by its declared type).

Describing never blocks a publish: any failure (a required param with no value, an error,
several statements, a result transform that reshapes the rows) stores `{"kind": "unknown"}`
(tried, nothing known, not tried again), and the gateway's document keeps `data` untyped.

When: a live version is described once, the first time something needs it after it went
live (the publish route right after publishing; the gateway document and the MCP tool
list for any other way in: the demo loader, an import, a restore, versions published
before this existed). The shape is stored on the version and the registry rebuilt, so
every process serves it from then on.
"""

import asyncio
import datetime
import logging
import re
from typing import Any, cast

from sqlalchemy import CursorResult, update
from sqlmodel import Session, col

from sluice.connectors.base import (
    Connector,
    DatasourceUnavailable,
    QueryTimeout,
    ResultColumn,
)
from sluice.engines.params import ParamError, coerce
from sluice.engines.rollback import check_statement
from sluice.engines.sql import Statement
from sluice.errors import SluiceError
from sluice.models.api import ApiVersion
from sluice.services.debug import placed
from sluice.services.publication import bump
from sluice.services.registry import LiveApi
from sluice.services.runner import connector_for, template_context

log = logging.getLogger(__name__)

ResultShape = dict[str, Any]
"""`{"kind": "rows", "columns": [{name, db_type, nullable, schema}]}` or
`{"kind": "write"}` (the answer is `{"rows_affected": n}`), as a version stores it."""

UNKNOWN: ResultShape = {"kind": "unknown"}
DESCRIBE_CONCURRENCY = 4
DESCRIBE_BUDGET_SECONDS = 10.0
"""How long one request (the document, the tool list, a publish) waits for descriptions;
the versions not described by then are tried again by the next one."""
_ARGS = re.compile(r"\(.*?\)")
_KINDS: list[tuple[frozenset[str], dict[str, Any]]] = [
    (
        frozenset({"integer", "int", "smallint", "bigint", "int2", "int4", "int8", "serial"})
        | {"bigserial", "tiny", "short", "long", "longlong", "int24", "year", "oid"},
        {"type": "integer"},
    ),
    (
        frozenset({"real", "double precision", "float", "float4", "float8", "double"}),
        {"type": "number"},
    ),
    (frozenset({"numeric", "decimal", "newdecimal"}), {"type": "string", "format": "decimal"}),
    (frozenset({"boolean", "bool"}), {"type": "boolean"}),
    (frozenset({"date", "newdate"}), {"type": "string", "format": "date"}),
    (
        frozenset({"timestamp", "timestamp without time zone", "timestamp with time zone"})
        | {"timestamptz", "datetime"},
        {"type": "string", "format": "date-time"},
    ),
    (frozenset({"interval"}), {"type": "number", "description": "seconds"}),
    (
        frozenset({"time", "time without time zone", "time with time zone", "timetz"}),
        {"type": "string", "format": "time"},
    ),
    (frozenset({"uuid"}), {"type": "string", "format": "uuid"}),
    (
        frozenset({"bytea", "blob", "tiny_blob", "medium_blob", "long_blob", "bit"}) | {"geometry"},
        {"type": "string", "contentEncoding": "base64"},
    ),
    (frozenset({"json", "jsonb", "", "null", "unknown"}), {}),
]
"""Database type names (lowercase, without their arguments) to the JSON Schema of the
values the gateway sends; any other name is text."""
_BY_NAME = {name: schema for names, schema in _KINDS for name in names}


class _Described(Exception):
    """Leaves the describing transaction, rolling it back, with what was found."""

    def __init__(self, columns: list[ResultColumn] | None) -> None:
        super().__init__("described")
        self.columns = columns


def column_schema(db_type: str, dialect: str, nullable: bool | None) -> dict[str, Any]:
    """The JSON Schema of a column's values as the gateway sends them: decimals as exact
    strings, dates and times as ISO 8601 text, intervals (and MySQL TIME) as seconds,
    binary as base64, JSON as itself. An unknown type allows any value."""
    schema = _base_schema(db_type.strip().lower(), dialect)
    if nullable is not False and "type" in schema:
        schema["type"] = [schema["type"], "null"]
    return schema


def _sqlite_schema(db_type: str) -> dict[str, Any]:
    """SQLite's type affinity (its docs, "Determination Of Column Affinity"): the values a
    column holds, whatever name it was declared with."""
    if "int" in db_type:
        return {"type": "integer"}
    if any(word in db_type for word in ("char", "clob", "text")):
        return {"type": "string"}
    if db_type in ("", "blob"):
        return {"type": "string", "contentEncoding": "base64"} if db_type else {}
    if any(word in db_type for word in ("real", "floa", "doub")):
        return {"type": "number"}
    return {"type": "number"}  # NUMERIC affinity: an integer or a real


def _base_schema(db_type: str, dialect: str) -> dict[str, Any]:
    if dialect == "sqlite":
        return _sqlite_schema(db_type)
    if db_type.endswith("[]"):
        return {"type": "array", "items": _base_schema(db_type[:-2], dialect)}
    base = _ARGS.sub("", db_type).strip()
    if base == "time" and dialect == "mysql":  # MySQL TIME is a duration: seconds
        base = "interval"
    return dict(_BY_NAME.get(base, {"type": "string"}))


def shape_of(columns: list[ResultColumn] | None, dialect: str) -> ResultShape:
    if columns is None:
        return {"kind": "write"}
    described = [
        {
            "name": c.name,
            "db_type": c.type,
            "nullable": c.nullable,
            "schema": column_schema(c.type, dialect, c.nullable),
        }
        for c in columns
    ]
    return {"kind": "rows", "columns": described}


async def describe(runtime: Any, api: LiveApi, given: dict[str, Any]) -> ResultShape | None:
    """The result shape of `api` with the `given` param values; UNKNOWN when it cannot be
    told (see the module's doc); None when its data source did not answer in time (worth
    trying again later)."""
    if api.template is None or api.result_transform:
        return UNKNOWN
    try:
        connector = await connector_for(runtime, api)
        if connector is None:
            return UNKNOWN
        rendered = api.template.render(
            template_context(_values(api, given), None), connector.paramstyle
        )
        if len(rendered.statements) != 1:
            return UNKNOWN
        statement = rendered.statements[0]
        if not statement.read_only:
            # never run a write to describe it, even rolled back: sequences and
            # AUTO_INCREMENT counters do not roll back, so callers' keys would skip
            return UNKNOWN if statement.returning else shape_of(None, connector.dialect)
        check_statement(statement.sql, connector.dialect)
        columns = await _describe(connector, statement, api.timeout_ms)
    except (DatasourceUnavailable, QueryTimeout) as exc:
        log.info("API %s: result not described yet (%s)", api.api_id, exc.message)
        return None
    except SluiceError as exc:
        log.info("API %s: result not described (%s)", api.api_id, exc.message)
        return UNKNOWN
    return shape_of(columns, connector.dialect)


SAMPLES: dict[str, Any] = {
    "string": "",
    "integer": 0,
    "number": 0.0,
    "boolean": False,
    "date": datetime.date(2000, 1, 1),
    "datetime": datetime.datetime(2000, 1, 1),
}
"""What a param with no value binds while describing: a value of its type (a database
types `SELECT ? AS x` by what is bound; NULL would read as text), falsy like NULL so a
template's `{% if x %}` takes the same branch."""


def _values(api: LiveApi, given: dict[str, Any]) -> dict[str, Any]:
    """The values a call with `given` would bind, each of its param's type: a missing one
    its SAMPLES value, a whole `number` as a float (a call sending `3` binds 3.0)."""
    usable = [d for d in api.params if not d.required or d.name in given]
    try:
        values = coerce(usable, placed(usable, given))
    except ParamError:
        values = {}
    typed: dict[str, Any] = {}
    for definition in api.params:
        value = values.get(definition.name)
        if value is None:
            value = SAMPLES.get(definition.type)
        elif definition.type == "number" and type(value) is int:
            value = float(value)
        typed[definition.name] = value
    return typed


async def _describe(
    connector: Connector, statement: Statement, timeout_ms: int | None
) -> list[ResultColumn] | None:
    if statement.read_only and connector.dialect in ("postgres", "mysql"):
        empty = f"SELECT * FROM ({statement.sql}\n) AS sluice_described WHERE 1 = 0"
        try:
            return await _rolled_back(connector, empty, statement, timeout_ms)
        except SluiceError:
            pass  # not a subquery (SHOW, a CTE MySQL refuses, duplicate names): as written
    return await _rolled_back(connector, statement.sql, statement, timeout_ms)


async def _rolled_back(
    connector: Connector, sql: str, statement: Statement, timeout_ms: int | None
) -> list[ResultColumn] | None:
    try:
        async with connector.transaction(timeout_ms=timeout_ms) as tx:
            raise _Described(await tx.describe(sql, statement.params))
    except _Described as found:
        return found.columns


async def describe_missing(state: Any) -> None:
    """Describe the live versions that have no shape yet, store the shapes, and bring the
    registry up to date (`state` is the app's: `registry`, `engine`, `pools`)."""
    holder = state.registry
    pending = [api for api in holder.current.apis if api.result_shape is None]
    if not pending:
        return
    gate = asyncio.Semaphore(DESCRIBE_CONCURRENCY)
    shapes: dict[int, ResultShape] = {}
    owners = {api.version_id: api.api_id for api in pending}

    async def one(api: LiveApi) -> None:
        async with gate:
            shape = await describe(state, api, {})
        if shape is not None:
            shapes[api.version_id] = shape

    try:  # an unreachable source must not hold the document: what is left waits
        async with asyncio.timeout(DESCRIBE_BUDGET_SECONDS):
            await asyncio.gather(*(one(api) for api in pending))
    except TimeoutError:
        log.info("%s result(s) left to describe next time", len(pending) - len(shapes))
    if not shapes:
        return

    def store() -> None:
        with Session(state.engine) as session:
            described: list[int] = []
            for version_id, shape in shapes.items():
                query = (
                    update(ApiVersion)
                    .where(col(ApiVersion.id) == version_id, col(ApiVersion.result_shape).is_(None))
                    .values(result_shape=shape)
                )
                if cast(CursorResult[Any], session.execute(query)).rowcount:
                    described.append(owners[version_id])
            if not described:  # another request stored them first
                return
            bump(session, "api", described)
            session.commit()
        holder.changed()

    await asyncio.to_thread(store)
