"""The state an import aims at: the file's objects, keyed as the report names them, with
what `--prune` deletes, and the names that exist once the import is done.

The file is normalized first, so that it compares with what export writes: grant lists
sorted, a published version that equals the draft written as `published: true`, and a
macro the file leaves unpublished keeping the target's published version (macros cannot
be unpublished).
"""

from dataclasses import dataclass, field
from typing import TypeVar

from sluice.services.exchange.export import Current
from sluice.services.exchange.problems import Path
from sluice.services.exchange.schema import (
    ApiBody,
    ApiDef,
    ClientDef,
    DatasourceDef,
    Definitions,
    GroupDef,
    MacroBody,
    MacroDef,
    ModuleDef,
)

T = TypeVar("T")

KINDS = ("datasource", "module", "macro", "api", "group", "client")
"""In the order an import creates them (and deletes them, backwards)."""


@dataclass
class Wanted:
    """The file's objects by key (an API as `module/name`), and where each sits in it."""

    datasources: dict[str, DatasourceDef] = field(default_factory=dict)
    modules: dict[str, ModuleDef] = field(default_factory=dict)
    """Each module's own settings (its macros and APIs are in their own maps)."""
    macros: dict[str, MacroDef] = field(default_factory=dict)
    macro_modules: dict[str, str | None] = field(default_factory=dict)
    apis: dict[str, ApiDef] = field(default_factory=dict)
    groups: dict[str, GroupDef] = field(default_factory=dict)
    clients: dict[str, ClientDef] = field(default_factory=dict)
    paths: dict[str, Path] = field(default_factory=dict)
    """`api demo/orders` -> its place in the document."""
    duplicates: list[tuple[str, Path]] = field(default_factory=list)
    doomed: dict[str, list[str]] = field(default_factory=dict)
    """What --prune deletes, by kind: keys of the target the file does not hold."""

    def keys(self, kind: str) -> set[str]:
        found: dict[str, object] = getattr(self, f"{kind}s")
        return set(found)


def test_label(api: str, name: str) -> str:
    """How problems and reports name a test case: `test 'empty' of api shop/orders`."""
    return f"test {name!r} of api {api}"


def live_body(definition: ApiDef) -> ApiBody | None:
    """The version an API's definition puts live, if any."""
    if definition.published is False:
        return None
    if definition.published is True:
        return draft_body(definition)
    return definition.published


def draft_body(definition: ApiDef) -> ApiBody:
    return ApiBody.model_validate(definition.model_dump(exclude={"published", "tests"}))


def macro_live(definition: MacroDef) -> MacroBody | None:
    if definition.published is False:
        return None
    if definition.published is True:
        return MacroBody(kind=definition.kind, content=definition.content)
    return definition.published


def _api(definition: ApiDef) -> ApiDef:
    tests = sorted(definition.tests, key=lambda test: test.name)
    live = live_body(definition)
    if isinstance(definition.published, ApiBody) and live == draft_body(definition):
        return definition.model_copy(update={"published": True, "tests": tests})
    return definition.model_copy(update={"tests": tests})


def _macro(definition: MacroDef, current: MacroDef | None) -> MacroDef:
    live = macro_live(definition)
    if live is None and current is not None:
        live = macro_live(current)  # macros cannot be unpublished: the target's stays
    if live is None:
        return definition
    same = live == MacroBody(kind=definition.kind, content=definition.content)
    return definition.model_copy(update={"published": True if same else live})


def wanted_state(definitions: Definitions, current: Current, prune: bool) -> Wanted:
    wanted = Wanted()
    _shared(wanted, definitions, current)
    for i, module in enumerate(definitions.modules):
        path: Path = ("modules", i)
        _put(wanted, wanted.modules, "module", module.name, _settings_only(module), path)
        for j, macro in enumerate(module.macros):
            _add_macro(wanted, current, macro, module.name, (*path, "macros", j))
        for j, api in enumerate(module.apis):
            key = f"{module.name}/{api.name}"
            _put(wanted, wanted.apis, "api", key, _api(api), (*path, "apis", j))
            for k, test in enumerate(api.tests):
                label, place = test_label(key, test.name), (*path, "apis", j, "tests", k)
                if label in wanted.paths:
                    wanted.duplicates.append((label, place))
                wanted.paths.setdefault(label, place)
    if prune:
        wanted.doomed = _doomed(wanted, current, definitions)
    return wanted


def _settings_only(module: ModuleDef) -> ModuleDef:
    return module.model_copy(update={"macros": [], "apis": []})


def _shared(wanted: Wanted, definitions: Definitions, current: Current) -> None:
    for i, source in enumerate(definitions.datasources):
        _put(wanted, wanted.datasources, "datasource", source.name, source, ("datasources", i))
    for i, macro in enumerate(definitions.macros):
        _add_macro(wanted, current, macro, None, ("macros", i))
    for i, group in enumerate(definitions.groups):
        normal = group.model_copy(update={"apis": sorted(set(group.apis))})
        _put(wanted, wanted.groups, "group", group.name, normal, ("groups", i))
    for i, client in enumerate(definitions.clients):
        grants = {"groups": sorted(set(client.groups)), "apis": sorted(set(client.apis))}
        _put(
            wanted,
            wanted.clients,
            "client",
            client.name,
            client.model_copy(update=grants),
            ("clients", i),
        )


def _add_macro(
    wanted: Wanted, current: Current, macro: MacroDef, module: str | None, path: Path
) -> None:
    existing = current.macros.get(macro.name)
    normal = _macro(macro, existing.definition if existing else None)
    if _put(wanted, wanted.macros, "macro", macro.name, normal, path):
        wanted.macro_modules[macro.name] = module


def _put(wanted: Wanted, into: dict[str, T], kind: str, key: str, item: T, path: Path) -> bool:
    label = f"{kind} {key}"
    if key in into:
        wanted.duplicates.append((label, path))
        return False
    into[key] = item
    wanted.paths[label] = path
    return True


def _doomed(wanted: Wanted, current: Current, definitions: Definitions) -> dict[str, list[str]]:
    """Everything of the target the file does not hold; a partial file (exported with
    --module) reaches only the APIs and macros of its own modules."""
    if definitions.partial:
        scope = set(wanted.modules)
        return {
            "api": sorted(
                k for k, e in current.apis.items() if e.module in scope and k not in wanted.apis
            ),
            "macro": sorted(
                k for k, e in current.macros.items() if e.module in scope and k not in wanted.macros
            ),
        }
    return {kind: sorted(set(getattr(current, f"{kind}s")) - wanted.keys(kind)) for kind in KINDS}


def final_keys(wanted: Wanted, current: Current, kind: str) -> set[str]:
    """The keys of a kind that exist once the import is done."""
    doomed = set(wanted.doomed.get(kind, ()))
    return wanted.keys(kind) | (set(getattr(current, f"{kind}s")) - doomed)
