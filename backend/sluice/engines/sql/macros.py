"""Macros: published SQL macro definitions, imported by name.

`{% import 'name' as m %}` and `{% from 'name' import f %}` resolve against the mapping
given to `compile_template`; nothing is read from disk. A macro source may hold only
macro definitions and imports (top-level text would run at import time, once, and its
output would be shared between calls). Every import is checked when the template
compiles: an unknown name or an import cycle is a TemplateSyntaxError.
"""

from collections.abc import Mapping, MutableMapping
from typing import Any

from jinja2 import TemplateSyntaxError as JinjaSyntaxError
from jinja2 import nodes
from jinja2.environment import Environment, Template
from jinja2.loaders import BaseLoader

from sluice.engines.sql.binding import CONTROL_CHARS
from sluice.engines.sql.errors import TemplateSyntaxError
from sluice.engines.sql.limits import Limits
from sluice.engines.sql.sandbox import charge_loops, check_tree, imported_names

_MACRO_MODULE_NODES = (nodes.Macro, nodes.Import, nodes.FromImport)


def parse(environment: Environment, source: str, name: str, limits: Limits) -> nodes.Template:
    """Parse and check a source; the tree comes back ready to compile."""
    if len(source) > limits.max_source_chars:
        raise TemplateSyntaxError(
            f"the source has {len(source)} characters (the limit is {limits.max_source_chars})",
            name=name,
        )
    if CONTROL_CHARS.search(source):
        raise TemplateSyntaxError("the source may not contain control characters", name=name)
    try:
        tree = environment.parse(source, name)
    except JinjaSyntaxError as exc:
        raise TemplateSyntaxError(
            exc.message or "syntax error", lineno=exc.lineno, name=name
        ) from None
    except RecursionError:
        raise TemplateSyntaxError("the template is nested too deeply", name=name) from None
    check_tree(tree, name)
    return tree


def compile_tree(environment: Environment, tree: nodes.Template, name: str) -> Any:
    """Compile a checked tree to code, charging its loops to the budget."""
    charge_loops(tree)
    try:
        return environment.compile(tree, name, name)
    except JinjaSyntaxError as exc:  # an unknown filter or test
        raise TemplateSyntaxError(
            exc.message or "syntax error", lineno=exc.lineno, name=name
        ) from None
    except (RecursionError, SyntaxError, MemoryError):
        raise TemplateSyntaxError("the template is too complex", name=name) from None


class MacroLoader(BaseLoader):
    def __init__(self, sources: Mapping[str, str], limits: Limits) -> None:
        self.sources = dict(sources)
        self.limits = limits
        self.trees: dict[str, nodes.Template] = {}

    def tree(self, environment: Environment, name: str) -> nodes.Template:
        if name not in self.trees:
            tree = parse(environment, self.sources[name], name, self.limits)
            _check_macro_module(tree, name)
            self.trees[name] = tree
        return self.trees[name]

    def load(
        self,
        environment: Environment,
        name: str,
        globals: MutableMapping[str, Any] | None = None,
    ) -> Template:
        code = compile_tree(environment, self.tree(environment, name), name)
        return environment.template_class.from_code(
            environment, code, environment.make_globals(globals), _always_fresh
        )


def _always_fresh() -> bool:
    return True


def _check_macro_module(tree: nodes.Template, name: str) -> None:
    for node in tree.body:
        if isinstance(node, _MACRO_MODULE_NODES) or _blank(node):
            continue
        raise TemplateSyntaxError(
            "a macro source may only define macros and import other macros",
            lineno=node.lineno,
            name=name,
        )


def _blank(node: nodes.Node) -> bool:
    if not isinstance(node, nodes.Output):
        return False
    return all(isinstance(n, nodes.TemplateData) and not n.data.strip() for n in node.nodes)


def resolve(
    environment: Environment, loader: MacroLoader, tree: nodes.Template, name: str
) -> list[str]:
    """Every macro the tree imports, directly or not; checks each one and loads it."""
    found: dict[str, None] = {}
    _visit(environment, loader, tree, name, (name,), found)
    return sorted(found)


def _visit(
    environment: Environment,
    loader: MacroLoader,
    tree: nodes.Template,
    name: str,
    path: tuple[str, ...],
    found: dict[str, None],
) -> None:
    for macro in imported_names(tree):
        _check_import(loader, tree, name, macro, path)
        if macro not in found:
            found[macro] = None
            _visit(
                environment, loader, loader.tree(environment, macro), macro, (*path, macro), found
            )
            environment.get_template(macro)


def _check_import(
    loader: MacroLoader, tree: nodes.Template, name: str, macro: str, path: tuple[str, ...]
) -> None:
    lineno = _import_line(tree, macro)
    if macro not in loader.sources:
        raise TemplateSyntaxError(f"unknown macro {macro!r}", lineno=lineno, name=name)
    if macro in path:
        cycle = " -> ".join((*path[path.index(macro) :], macro))
        raise TemplateSyntaxError(f"macro import cycle: {cycle}", lineno=lineno, name=name)


def _import_line(tree: nodes.Template, macro: str) -> int:
    found: list[nodes.Import | nodes.FromImport] = [
        *tree.find_all(nodes.Import),
        *tree.find_all(nodes.FromImport),
    ]
    for node in found:
        if node.template.as_const() == macro:
            return node.lineno
    return 1
