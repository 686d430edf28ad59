"""The public face of the SQL engine: compile once at save/publish time, render per call."""

import traceback
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from jinja2 import TemplateError, UndefinedError, meta, nodes
from jinja2 import TemplateSyntaxError as JinjaSyntaxError
from jinja2.environment import Template
from jinja2.exceptions import SecurityError
from markupsafe import Markup

from sluice.engines.sql.binding import MARKER_END, MARKER_START, bindable
from sluice.engines.sql.errors import (
    RenderBudgetError,
    TemplateRenderError,
    TemplateSecurityError,
    TemplateSyntaxError,
)
from sluice.engines.sql.limits import DEFAULT_LIMITS, Limits, Paramstyle, render_state
from sluice.engines.sql.macros import MacroLoader, compile_tree, parse, resolve
from sluice.engines.sql.sandbox import SqlEnvironment, imported_names, uses_raw
from sluice.engines.sql.statements import Rendered, build_statements
from sluice.errors import SluiceError

TEMPLATE_NAME = "<template>"
RESERVED_NAMES = frozenset({"params", "client", "loop", "caller", "self", "varargs", "kwargs"})


@dataclass(frozen=True, eq=False)
class CompiledTemplate:
    """A checked, compiled template with the macros it imports."""

    source: str
    macro_names: tuple[str, ...]
    """Every macro the template imports, directly or through another macro (sorted)."""
    uses_raw: bool
    """Whether the template or one of its macros pastes text with `raw`."""
    limits: Limits = field(repr=False)
    _template: Template = field(repr=False)
    _plain: "PlainShape | None" = field(default=None, repr=False)

    def render(self, context: Mapping[str, Any], paramstyle: Paramstyle) -> Rendered:
        """Render for one call. `context` holds the coerced params by name and as
        `params`, plus whatever the caller adds (e.g. `client`)."""
        if paramstyle not in ("format", "qmark"):
            raise ValueError(f"unknown paramstyle {paramstyle!r}")
        if self._plain is not None:
            values = self._plain.values(context)
            if values is not None:
                return build_statements(self._plain.text, values, paramstyle, self.limits)
        with render_state(self.limits, paramstyle) as state:
            text = self._text(context)
            return build_statements(text, state.values, paramstyle, self.limits)

    def _text(self, context: Mapping[str, Any]) -> str:
        chunks: list[str] = []
        size = 0
        try:
            for chunk in self._template.generate(dict(context)):
                size += len(chunk)
                if size > self.limits.max_rendered_chars:
                    raise RenderBudgetError(
                        f"the rendered SQL is longer than {self.limits.max_rendered_chars} characters"
                    )
                chunks.append(chunk)
        except Exception as exc:
            raise _render_error(exc, self.macro_names) from None
        return "".join(chunks)


def compile_template(
    source: str, macros: Mapping[str, str] | None = None, *, limits: Limits = DEFAULT_LIMITS
) -> CompiledTemplate:
    """Check and compile a template and the macros it imports. Raises
    TemplateSyntaxError (422) naming the line."""
    loader = MacroLoader(macros or {}, limits)
    environment = SqlEnvironment(limits, loader=loader)
    tree = parse(environment, source, TEMPLATE_NAME, limits)
    macro_names = resolve(environment, loader, tree, TEMPLATE_NAME)
    raw = uses_raw(tree) or any(uses_raw(loader.trees[name]) for name in macro_names)
    code = compile_tree(environment, tree, TEMPLATE_NAME)
    template = environment.template_class.from_code(
        environment, code, environment.make_globals(None), None
    )
    plain = None if macro_names else PlainShape.of(tree, limits)
    return CompiledTemplate(source, tuple(macro_names), raw, limits, template, plain)


@dataclass(frozen=True)
class PlainShape:
    """A template that is only SQL text and `{{ name }}` outputs (the common case, such
    as `SELECT ... WHERE id = {{ id }}`) renders the same text for every call, with each
    name's value bound in order. Such a template skips Jinja: the text with its markers
    is built once, and a call only looks its values up. Anything else about a call (a
    name it does not carry, a value that cannot be bound) takes the full render, which
    gives the usual error."""

    text: str
    names: tuple[str, ...]

    @classmethod
    def of(cls, tree: nodes.Template, limits: Limits) -> "PlainShape | None":
        parts: list[str] = []
        names: list[str] = []
        for output in tree.body:
            if not isinstance(output, nodes.Output):
                return None
            for node in output.nodes:
                if isinstance(node, nodes.TemplateData):
                    parts.append(node.data)
                elif isinstance(node, nodes.Name) and node.name not in RESERVED_NAMES:
                    parts.append(f"{MARKER_START}{len(names)}{MARKER_END}")
                    names.append(node.name)
                else:
                    return None
        text = "".join(parts)
        if len(names) > limits.max_bound_values or len(text) > limits.max_rendered_chars:
            return None
        return cls(text, tuple(names))

    def values(self, context: Mapping[str, Any]) -> list[Any] | None:
        """The call's values in marker order, or None to take the full render."""
        try:
            values = [context[name] for name in self.names]
        except KeyError:
            return None
        fits = all(bindable(v) and not isinstance(v, Markup) for v in values)
        return values if fits else None


def template_parameters(source: str) -> list[str]:
    """The names a template reads from its context (sorted): free variables and
    `params.x` / `params['x']`, minus globals, names it sets itself and reserved names.
    For the editor, to suggest parameters."""
    environment = SqlEnvironment(DEFAULT_LIMITS)
    try:
        tree = environment.parse(source)
        names = meta.find_undeclared_variables(tree)
    except JinjaSyntaxError as exc:
        raise TemplateSyntaxError(exc.message or "syntax error", lineno=exc.lineno) from None
    names |= _params_lookups(tree)
    return sorted(names - RESERVED_NAMES - set(environment.globals))


def template_imports(source: str) -> list[str]:
    """The macros a template (or a macro) imports directly, sorted; for `sluice export
    --module`, which carries the macros a module's APIs use."""
    try:
        tree = SqlEnvironment(DEFAULT_LIMITS).parse(source)
    except JinjaSyntaxError as exc:
        raise TemplateSyntaxError(exc.message or "syntax error", lineno=exc.lineno) from None
    return imported_names(tree)


def _params_lookups(tree: nodes.Template) -> set[str]:
    names: set[str] = set()
    for node in tree.find_all(nodes.Getattr):
        if isinstance(node.node, nodes.Name) and node.node.name == "params":
            names.add(node.attr)
    for item in tree.find_all(nodes.Getitem):
        key = item.arg
        if isinstance(item.node, nodes.Name) and item.node.name == "params":
            if isinstance(key, nodes.Const) and isinstance(key.value, str):
                names.add(key.value)
    return names


def _render_error(exc: Exception, macro_names: tuple[str, ...]) -> SluiceError:
    place = _place(exc, macro_names)
    if isinstance(exc, TemplateRenderError):
        return type(exc)(f"{place}{exc.message}")
    if isinstance(exc, SluiceError):
        return exc
    if isinstance(exc, SecurityError):
        return TemplateSecurityError(f"{place}{exc}")
    if isinstance(exc, RecursionError):
        return RenderBudgetError(f"{place}the template recursed too deeply")
    if isinstance(exc, UndefinedError | TemplateError):
        return TemplateRenderError(f"{place}{exc.message}")
    return TemplateRenderError(f"{place}{type(exc).__name__}: {exc}")


def _place(exc: Exception, macro_names: tuple[str, ...]) -> str:
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename == TEMPLATE_NAME:
            return f"line {frame.lineno}: "
        if frame.filename in macro_names:
            return f"macro {frame.filename!r} line {frame.lineno}: "
    return ""
