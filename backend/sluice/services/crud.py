"""The CRUD generator: from one table of a data source, a module's worth of ordinary draft
APIs (list, get, create, update, delete) that the user edits, debugs and publishes like any
other.

The table is read from the database (`Connector.describe_table`): columns, types,
nullability, defaults and the primary key. The APIs are saved through `services.apis` in
one transaction with the module they go to (created when named anew), so a conflict leaves
nothing behind; a preview builds the same APIs and saves nothing. What cannot be generated
is left out with a message saying why: no key (list only), a Trino source (list and get), a
column no parameter type fits.
"""

import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlmodel import Session, select

from sluice.connectors import connect
from sluice.connectors.base import ConnectionConfig, TableInfo
from sluice.errors import Conflict, NotFound, Unprocessable
from sluice.models.api import ApiCreate, ApiSettings, Method, Module, ModuleCreate
from sluice.models.crud import (
    OPERATIONS,
    GeneratedApi,
    GenerateRequest,
    GenerateResult,
    Operation,
)
from sluice.models.datasource import Datasource
from sluice.services.apis import add_api, check_route, validation_message
from sluice.services.common import commit, get_or_404
from sluice.services.crud_columns import Field, Identifiers, Names, fields, is_json, quoter
from sluice.services.crud_sql import (
    Dialect,
    ListShape,
    Sql,
    create_sql,
    delete_sql,
    get_sql,
    list_sql,
    update_sql,
)
from sluice.services.modules import add_module
from sluice.services.publication import bump

METHODS: dict[Operation, Method] = {
    "list": "GET",
    "get": "GET",
    "create": "POST",
    "update": "PATCH",
    "delete": "DELETE",
}
KEYED: frozenset[Operation] = frozenset({"get", "update", "delete"})
"""The operations whose path ends with the key."""
NEEDS_KEY: frozenset[Operation] = KEYED | {"create"}
"""Without a key a table gets list only: rows created there could not be read back,
changed or deleted by any generated API."""
WRITES: frozenset[Operation] = frozenset({"create", "update", "delete"})
_NOT_URL_SAFE = re.compile(r"[^a-z0-9._~-]+")


async def describe(config: ConnectionConfig, table: str, schema: str | None) -> TableInfo:
    """The table as the database declares it; 404 when there is none of that name."""
    connector = connect(config, retry_delays_ms=())
    try:
        found = await connector.describe_table(table, schema)
    finally:
        await connector.close()
    if found is None:
        where = f" in schema {schema!r}" if schema else ""
        raise NotFound(f"Table {table!r} not found{where} in this data source")
    return found


@dataclass
class Draft:
    operation: Operation
    settings: ApiSettings


@dataclass
class Plan:
    module_id: int | None
    module_name: str
    keys: list[Field]
    drafts: list[Draft] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)


def generate(
    session: Session, ds: Datasource, table: TableInfo, request: GenerateRequest, *, preview: bool
) -> GenerateResult:
    plan = make_plan(session, ds, table, request)
    ids: list[int | None] = [None] * len(plan.drafts)
    if not preview:
        ids, plan.module_id = save(session, plan)
    apis = [
        GeneratedApi(
            id=api_id,
            name=draft.settings.name,
            method=draft.settings.method,
            path=draft.settings.path,
            url=f"/{plan.module_name}/{draft.settings.path}",
            operation=draft.operation,
            sql=draft.settings.content,
            params=draft.settings.params,
            description=draft.settings.description or "",
        )
        for api_id, draft in zip(ids, plan.drafts, strict=True)
    ]
    return GenerateResult(
        preview=preview,
        module_id=plan.module_id,
        module_name=plan.module_name,
        schema=table.schema,
        table=table.name,
        primary_key=[k.name for k in plan.keys],
        apis=apis,
        messages=plan.messages,
    )


def save(session: Session, plan: Plan) -> tuple[list[int | None], int]:
    """The module (when new) and every draft in one transaction."""
    module_id = plan.module_id
    if module_id is None:
        module_id = add_module(session, ModuleCreate(name=plan.module_name)).id
    assert module_id is not None
    saved = [
        add_api(session, ApiCreate(**d.settings.model_dump(), module_id=module_id))
        for d in plan.drafts
    ]
    bump(session, "api", [api.id for api in saved])
    commit(session, "A generated route was taken meanwhile; generate again")
    return [api.id for api in saved], module_id


# -- the plan -------------------------------------------------------------------------------


def make_plan(session: Session, ds: Datasource, table: TableInfo, request: GenerateRequest) -> Plan:
    module_id, module_name = _module(session, request)
    names = Names()
    columns = fields(table.columns, names, quoter(ds.type))
    keys = _pick(columns, request.key_columns or table.primary_key, "key_columns")
    plan = Plan(module_id, module_name, keys)
    wanted = _operations(plan, ds, table, request)
    builder = _Builder(table, request, columns, names, ds, plan.messages)
    prefix = request.path_prefix or slug(table.name)
    for operation in wanted:
        sql = builder.build(operation, keys)
        if sql is not None:
            plan.drafts.append(_draft(operation, sql, prefix, keys, table, request, ds))
    _returning_message(plan, table)
    if module_id is not None:
        for draft in plan.drafts:
            check_route(session, module_id, draft.settings.method, draft.settings.path, None)
    return plan


def _module(session: Session, request: GenerateRequest) -> tuple[int | None, str]:
    if request.module_id is not None:
        module = get_or_404(session, Module, request.module_id)
        assert module.id is not None
        return module.id, module.name
    name = request.module_name or ""
    if session.exec(select(Module).where(Module.name == name)).first() is not None:
        raise Conflict(f"A module named {name!r} already exists: pass its module_id to add to it")
    return None, name


def _operations(
    plan: Plan, ds: Datasource, table: TableInfo, request: GenerateRequest
) -> list[Operation]:
    """The operations asked for (all by default) less those the table or source cannot
    have, each with a message."""
    asked = set(request.operations or OPERATIONS)
    wanted = [op for op in OPERATIONS if op in asked]
    if ds.type == "trino" and asked & WRITES:
        plan.messages.append("Trino data sources get list and get only: no create, update, delete")
        wanted = [op for op in wanted if op not in WRITES]
    if not plan.keys and asked & NEEDS_KEY:
        plan.messages.append(_no_key_message(ds, table))
        wanted = [op for op in wanted if op not in NEEDS_KEY]
    unkeyable = [k for k in plan.keys if k.family is None]
    if unkeyable and asked & NEEDS_KEY:
        plan.messages.append(
            f"The key column {unkeyable[0].name!r} ({unkeyable[0].column.type}) cannot be a"
            " path parameter, so only list is generated"
        )
        wanted = [op for op in wanted if op not in NEEDS_KEY]
    return wanted


def _no_key_message(ds: Datasource, table: TableInfo) -> str:
    what = "view" if table.is_view else "table"
    reason = (
        "Trino does not report primary keys"
        if ds.type == "trino"
        else f"The {what} {table.name!r} has no primary key"
    )
    return (
        f"{reason}, so only list is generated (get, create, update and delete need a key "
        "that identifies one row): name the columns that do in key_columns to get them"
    )


def _returning_message(plan: Plan, table: TableInfo) -> None:
    """Which write APIs answer `{"rows_affected": n}` rather than the row."""
    verbs = {"create": "INSERT", "update": "UPDATE", "delete": "DELETE"}
    plain = [
        d.operation
        for d in plan.drafts
        if d.operation in verbs and verbs[d.operation] not in table.returning
    ]
    if plain:
        plan.messages.append(
            f"This database has no RETURNING for {', '.join(verbs[op] for op in plain)}: "
            f"{', '.join(plain)} answer{'s' if len(plain) == 1 else ''} "
            '{"rows_affected": n} rather than the row'
        )


def _pick(columns: list[Field], wanted: list[str], what: str) -> list[Field]:
    by_name = {f.name: f for f in columns}
    unknown = [name for name in wanted if name not in by_name]
    if unknown:
        raise Unprocessable(f"{what}: the table has no column {unknown[0]!r}")
    if len(set(wanted)) != len(wanted):
        raise Unprocessable(f"{what}: a column is named twice")
    return [by_name[name] for name in wanted]


def _source(table: TableInfo, request: GenerateRequest, ids: Identifiers) -> str:
    """The table as the FROM clause names it: qualified when the request named a schema."""
    name = ids.quote(table.name)
    if request.schema_name and table.schema:
        return f"{ids.quote(table.schema)}.{name}"
    return name


def slug(name: str) -> str:
    """A table name as a URL path segment: `Order Lines` -> `order-lines`."""
    text = _NOT_URL_SAFE.sub("-", name.lower()).strip("-.")[:100].strip("-.")
    return text or "rows"


def _draft(
    operation: Operation,
    sql: Sql,
    prefix: str,
    keys: list[Field],
    table: TableInfo,
    request: GenerateRequest,
    ds: Datasource,
) -> Draft:
    path = prefix
    if operation in KEYED:
        path += "".join(f"/{{{k.param}}}" for k in keys)
    data: dict[str, Any] = {
        "name": f"{operation} {table.name}"[:128],
        "path": path,
        "method": METHODS[operation],
        "engine": "sql",
        "datasource_id": ds.id,
        "content": sql.content,
        "params": [p.model_dump() for p in sql.params],
        "access": request.access,
        "description": _description(operation, table)[:1000],
    }
    try:
        return Draft(operation, ApiSettings.model_validate(data))
    except ValidationError as exc:
        raise Unprocessable(f"{operation}: {validation_message(exc)}") from None


def _description(operation: Operation, table: TableInfo) -> str:
    what = {
        "list": "Lists rows, with filters, sorting (sort, sort_dir) and paging (limit, offset)",
        "get": "One row by its key",
        "create": "Inserts a row from the body",
        "update": "Changes the columns the body sends (set_null empties nullable ones)",
        "delete": "Deletes one row by its key",
    }[operation]
    return f"{what}. Generated from the table {table.name!r}."


class _Builder:
    """Builds each operation's SQL and parameters for one table; what it leaves out goes to
    `messages`."""

    def __init__(
        self,
        table: TableInfo,
        request: GenerateRequest,
        columns: list[Field],
        names: Names,
        ds: Datasource,
        messages: list[str],
    ) -> None:
        self.table, self.request, self.columns, self.names = table, request, columns, names
        self.source = _source(table, request, quoter(ds.type))
        self.messages = messages
        self.dialect = Dialect(
            returning=frozenset(table.returning),
            offset_first=ds.type == "trino",
            default_keyword=ds.type in ("postgres", "mysql"),
        )
        self._writable: list[Field] | None = None

    def build(self, operation: Operation, keys: list[Field]) -> Sql | None:
        if operation == "list":
            return list_sql(self._list_shape(keys), self.names, self.dialect)
        if operation == "get":
            return get_sql(self.source, self.columns, keys)
        if operation == "delete":
            return delete_sql(self.source, self.columns, keys, self.dialect)
        if operation == "create":
            return self._create()
        changeable = [f for f in self.writable() if f not in keys]
        if not changeable:
            self.messages.append("No column besides the key can be written: no update")
            return None
        return update_sql(self.source, changeable, self.columns, keys, self.dialect)

    def _list_shape(self, keys: list[Field]) -> ListShape:
        filters = _pick(self.columns, self.request.filter_columns, "filter_columns")
        sortable = [f for f in self.columns if f.family is not None]
        if self.request.sort_columns is not None:
            sortable = _pick(self.columns, self.request.sort_columns, "sort_columns")
        for what, chosen in (("filter_columns", filters), ("sort_columns", sortable)):
            for f in chosen:
                if f.family is None:
                    raise Unprocessable(f"{what}: {f.name!r} ({f.column.type}) is not a plain type")
        return ListShape(self.table, self.source, self.columns, filters, sortable, keys)

    def writable(self) -> list[Field]:
        """Columns a body can carry: plain types and JSON, not computed ones (worked out
        once, with a message for each column left out)."""
        if self._writable is None:
            self._writable = []
            for f in self.columns:
                if f.column.writable and (f.family is not None or is_json(f.column)):
                    self._writable.append(f)
                elif f.column.writable:
                    self.messages.append(
                        f"The column {f.name!r} ({f.column.type}) is left out of create and"
                        " update: no parameter type carries it; edit the APIs to add it"
                    )
        return self._writable

    def _create(self) -> Sql | None:
        writable = self.writable()
        needed = [
            f
            for f in self.columns
            if f not in writable
            and f.column.writable
            and not f.column.nullable
            and not f.column.has_default
        ]
        if needed:
            self.messages.append(
                f"The column {needed[0].name!r} must be given on insert but cannot be sent:"
                " no create is generated"
            )
            return None
        return create_sql(self.source, writable, self.columns, self.dialect)
