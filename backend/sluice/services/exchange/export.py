"""Export: the store as definitions, every object by name, lists sorted, secrets left out.

`read_current` reads each object once and keeps its definition beside its row, so import
compares the file with exactly what export would write, and updates the rows it holds.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from pydantic import BaseModel, ValidationError
from sqlmodel import Session, SQLModel, col, select

from sluice.engines.script.sandbox import macro_imports
from sluice.engines.sql import TemplateSyntaxError, template_imports
from sluice.errors import Conflict, NotFound, Unprocessable
from sluice.models.api import Api, ApiVersion, Module, ModuleFields
from sluice.models.api_test import ApiTest
from sluice.models.client import (
    Client,
    ClientApiLink,
    ClientFields,
    ClientGroupLink,
    Group,
    GroupApiLink,
    GroupFields,
)
from sluice.models.datasource import Datasource, DatasourceFields
from sluice.models.macro import Macro, MacroVersion
from sluice.services.apis import validation_message
from sluice.services.exchange.schema import (
    FORMAT_VERSION,
    ApiBody,
    ApiDef,
    ApiTestDef,
    ClientDef,
    DatasourceDef,
    Definitions,
    GroupDef,
    MacroBody,
    MacroDef,
    ModuleDef,
)
from sluice.services.versions import snapshot

Row = TypeVar("Row", bound=SQLModel)
Def = TypeVar("Def", bound=BaseModel)
M = TypeVar("M", bound=BaseModel)


@dataclass
class Entry(Generic[Row, Def]):
    """An object of the store: its row, and its definition as the file would hold it."""

    row: Row
    definition: Def
    module: str | None = None
    """The module it belongs to (APIs, and macros of a module)."""


@dataclass
class Current:
    """The whole store as definitions, keyed as the file names objects (an API as
    `module/name`). A module's definition holds its own settings only."""

    datasources: dict[str, Entry[Datasource, DatasourceDef]]
    modules: dict[str, Entry[Module, ModuleDef]]
    macros: dict[str, Entry[Macro, MacroDef]]
    apis: dict[str, Entry[Api, ApiDef]]
    groups: dict[str, Entry[Group, GroupDef]]
    clients: dict[str, Entry[Client, ClientDef]]
    ambiguous: dict[str, str]
    """`api shop/x` -> why it cannot be named: two APIs of a module (or two clients) share
    the name. Only the first is kept; exporting or importing the name is refused."""


def export_definitions(session: Session, modules: Sequence[str] = ()) -> Definitions:
    """The store as one document; with `modules`, only those and what their APIs use."""
    return assemble(read_current(session), modules)


def parse_definition(model: type[M], data: Any, label: str) -> M:
    """A stored object as a file object; a row that no longer passes today's rules (saved
    before a rule existed) is a 422 naming it, not a file import would refuse."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise Unprocessable(f"{label}: cannot be exported: {validation_message(exc)}") from None


def _settings(row: SQLModel, fields: type[SQLModel]) -> dict[str, Any]:
    return row.model_dump(mode="json", include=set(fields.model_fields))


def read_current(session: Session) -> Current:
    sources = list(session.exec(select(Datasource)).all())
    source_names = {_id(s): s.name for s in sources}
    modules = list(session.exec(select(Module)).all())
    module_names = {_id(m): m.name for m in modules}
    ambiguous: dict[str, str] = {}
    client_names = {_id(c): c.name for c in session.exec(select(Client)).all()}
    tests = _tests(session, client_names)
    apis, api_keys = _apis(session, (source_names, module_names), tests, ambiguous)
    groups = _groups(session, api_keys)
    return Current(
        datasources={
            s.name: Entry(
                s,
                parse_definition(
                    DatasourceDef, _settings(s, DatasourceFields), f"datasource {s.name}"
                ),
            )
            for s in sources
        },
        modules={
            m.name: Entry(
                m, parse_definition(ModuleDef, _settings(m, ModuleFields), f"module {m.name}")
            )
            for m in modules
        },
        macros=_macros(session, module_names),
        apis=apis,
        groups=groups,
        clients=_clients(
            session, api_keys, {_id(e.row): key for key, e in groups.items()}, ambiguous
        ),
        ambiguous=ambiguous,
    )


def _id(row: Any) -> int:
    value: int | None = row.id
    assert value is not None
    return value


def _macros(session: Session, module_names: dict[int, str]) -> dict[str, Entry[Macro, MacroDef]]:
    rows = list(session.exec(select(Macro)).all())
    live_ids = [m.published_version_id for m in rows if m.published_version_id is not None]
    live = {
        v.id: v
        for v in session.exec(select(MacroVersion).where(col(MacroVersion.id).in_(live_ids)))
    }
    found = {}
    for macro in rows:
        draft = MacroBody(kind=macro.kind, content=macro.content)
        version = live.get(macro.published_version_id)
        published: bool | MacroBody = False
        if version is not None:
            frozen = MacroBody.model_validate({"kind": version.kind, "content": version.content})
            published = True if frozen == draft else frozen
        data = macro.model_dump(include={"name", "kind", "description", "content"})
        definition = parse_definition(
            MacroDef, data | {"published": published}, f"macro {macro.name}"
        )
        module = module_names[macro.module_id] if macro.module_id is not None else None
        found[macro.name] = Entry(macro, definition, module)
    return found


def api_body(frozen: Mapping[str, Any], source_names: Mapping[int, str], label: str) -> ApiBody:
    """An API's draft or version, as frozen by `versions.snapshot`, with its data source by
    name. A field a version predates takes its default."""
    data = {k: v for k, v in frozen.items() if k != "datasource_id" and v is not None}
    source_id = frozen.get("datasource_id")
    if source_id is not None:
        if source_id not in source_names:
            raise Unprocessable(
                f"{label}: uses data source {source_id}, which no longer exists;"
                " choose another and publish again"
            )
        data["datasource"] = source_names[source_id]
    return parse_definition(ApiBody, data, label)


def _tests(session: Session, client_names: dict[int, str]) -> dict[int, list[ApiTestDef]]:
    """Each API's test cases (by API id), sorted by name, their clients by name."""
    found: dict[int, list[ApiTestDef]] = {}
    for test in session.exec(select(ApiTest).order_by(col(ApiTest.name))).all():
        data = test.model_dump(include={"name", "params", "expect"})
        if test.client_id is not None:
            if test.client_id not in client_names:
                raise Unprocessable(
                    f"test {test.name!r} of API {test.api_id}: runs as client {test.client_id},"
                    " which no longer exists; choose another client for it"
                )
            data["client"] = client_names[test.client_id]
        found.setdefault(test.api_id, []).append(
            parse_definition(ApiTestDef, data, f"test {test.name!r} of API {test.api_id}")
        )
    return found


def _apis(
    session: Session,
    names: tuple[dict[int, str], dict[int, str]],
    tests: dict[int, list[ApiTestDef]],
    ambiguous: dict[str, str],
) -> tuple[dict[str, Entry[Api, ApiDef]], dict[int, str]]:
    """Each API by `module/name`, and the name of every API id (`names`: of the data
    sources and the modules, by id)."""
    source_names, module_names = names
    rows = list(session.exec(select(Api).order_by(col(Api.id))).all())
    live_ids = [a.published_version_id for a in rows if a.is_published]
    live = {
        v.id: v for v in session.exec(select(ApiVersion).where(col(ApiVersion.id).in_(live_ids)))
    }
    found: dict[str, Entry[Api, ApiDef]] = {}
    keys: dict[int, str] = {}
    for api in rows:
        module = module_names[api.module_id]
        key = keys[_id(api)] = f"{module}/{api.name}"
        if key in found:
            other = found[key].row
            ambiguous[f"api {key}"] = (
                f"two APIs of module {module} have this name ({other.method} {other.path} "
                f"and {api.method} {api.path}); rename one first"
            )
            continue
        definition = _api_def(api, live, source_names, key, tests.get(_id(api), []))
        found[key] = Entry(api, definition, module)
    return found, keys


def _api_def(
    api: Api,
    live: dict[int | None, ApiVersion],
    source_names: dict[int, str],
    key: str,
    tests: list[ApiTestDef],
) -> ApiDef:
    draft = api_body(snapshot(api), source_names, f"api {key}")
    published: bool | ApiBody = False
    version = live.get(api.published_version_id) if api.is_published else None
    if version is not None:
        frozen = api_body(version.snapshot, source_names, f"api {key} (live version)")
        published = True if frozen == draft else frozen
    return ApiDef.model_validate(draft.model_dump() | {"published": published, "tests": tests})


def _links(session: Session, link: type[SQLModel], owner: str, other: str) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    for row in session.exec(select(link)).all():
        found.setdefault(getattr(row, owner), []).append(getattr(row, other))
    return found


def _names(ids: Iterable[int], names: Mapping[int, str]) -> list[str]:
    return sorted(names[i] for i in ids)


def _groups(session: Session, api_keys: dict[int, str]) -> dict[str, Entry[Group, GroupDef]]:
    grants = _links(session, GroupApiLink, "group_id", "api_id")
    found = {}
    for group in session.exec(select(Group)).all():
        data = _settings(group, GroupFields) | {
            "apis": _names(grants.get(_id(group), []), api_keys)
        }
        found[group.name] = Entry(group, parse_definition(GroupDef, data, f"group {group.name}"))
    return found


def _clients(
    session: Session,
    api_keys: dict[int, str],
    group_names: dict[int, str],
    ambiguous: dict[str, str],
) -> dict[str, Entry[Client, ClientDef]]:
    to_groups = _links(session, ClientGroupLink, "client_id", "group_id")
    to_apis = _links(session, ClientApiLink, "client_id", "api_id")
    found: dict[str, Entry[Client, ClientDef]] = {}
    for client in session.exec(select(Client).order_by(col(Client.id))).all():
        if client.name in found:
            ambiguous[f"client {client.name}"] = "two clients have this name; rename one first"
            continue
        data = _settings(client, ClientFields) | {
            "groups": _names(to_groups.get(_id(client), []), group_names),
            "apis": _names(to_apis.get(_id(client), []), api_keys),
        }
        label = f"client {client.name}"
        found[client.name] = Entry(client, parse_definition(ClientDef, data, label))
    return found


# --- the document ---------------------------------------------------------------------


def assemble(current: Current, selected: Sequence[str] = ()) -> Definitions:
    """The document: everything, or (partial) the selected modules, the data sources
    their APIs use and the macros of no module they import."""
    unknown = sorted(set(selected) - set(current.modules))
    if unknown:
        raise NotFound(f"Module {unknown[0]!r} not found")
    names = sorted(set(selected) or current.modules)
    for label, reason in sorted(current.ambiguous.items()):
        if not selected or (label.startswith("api ") and label[4:].split("/")[0] in selected):
            raise Conflict(f"{label}: {reason}")
    modules = [_module(current, name) for name in names]
    if not selected:
        return Definitions(
            format_version=FORMAT_VERSION,
            datasources=_sorted(e.definition for e in current.datasources.values()),
            macros=_sorted(e.definition for e in current.macros.values() if e.module is None),
            groups=_sorted(e.definition for e in current.groups.values()),
            clients=_sorted(e.definition for e in current.clients.values()),
            modules=modules,
        )
    apis = [api for module in modules for api in module.apis]
    sources = {b.datasource for api in apis for b in _bodies(api) if b.datasource}
    used = _macros_used(apis, current.macros)
    return Definitions(
        format_version=FORMAT_VERSION,
        partial=True,
        datasources=_sorted(current.datasources[name].definition for name in sources),
        macros=_sorted(
            e.definition for name, e in current.macros.items() if name in used and not e.module
        ),
        modules=modules,
    )


class _Named(Protocol):
    name: str


N = TypeVar("N", bound=_Named)


def _sorted(items: Iterable[N]) -> list[N]:
    return sorted(items, key=lambda item: item.name)


def _module(current: Current, name: str) -> ModuleDef:
    macros = [e.definition for e in current.macros.values() if e.module == name]
    apis = [e.definition for e in current.apis.values() if e.module == name]
    return current.modules[name].definition.model_copy(
        update={"macros": _sorted(macros), "apis": _sorted(apis)}
    )


def _bodies(api: ApiDef) -> list[ApiBody]:
    """The draft, and the live version when it differs."""
    return [api, api.published] if isinstance(api.published, ApiBody) else [api]


def _macros_used(apis: list[ApiDef], macros: dict[str, Entry[Macro, MacroDef]]) -> set[str]:
    """Every macro the APIs import, directly or through other macros (drafts and live
    versions alike; a source that does not parse imports nothing)."""
    pending = [name for api in apis for body in _bodies(api) for name in _imports(body)]
    used: set[str] = set()
    while pending:
        name = pending.pop()
        if name in used or name not in macros:
            continue
        used.add(name)
        macro = macros[name].definition
        for body in (macro, macro.published):
            if isinstance(body, MacroBody | MacroDef) and body.kind == "sql":
                pending += _sql_imports(body.content)
    return used


def _imports(body: ApiBody) -> list[str]:
    names = _sql_imports(body.content) if body.engine == "sql" else _py_imports(body.content)
    for source in (body.result_transform, body.param_validation):
        names += _py_imports(source or "")
    return names


def _sql_imports(source: str) -> list[str]:
    try:
        return template_imports(source)
    except TemplateSyntaxError:
        return []


def _py_imports(source: str) -> list[str]:
    try:
        return macro_imports(source)
    except SyntaxError:
        return []
