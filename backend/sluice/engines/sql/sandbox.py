"""The sandbox policy, in one place. Every escape we know of has a test in
`tests/engines/sql/test_sandbox.py`.

A template may:
- read data attributes and items of the values it is given, except names starting with
  an underscore;
- call only: macros, `loop.cycle`/`loop.changed`, the globals below, and the read-only
  methods listed in SAFE_METHODS (no `format`, `format_map`, `ljust`, `join`...);
- use only the filters in ALLOWED_FILTERS plus the SQL filters (see `filters.py`);
- use the globals `range` (at most Limits.max_range items), `namespace` and `dict`;
- use `+ - * / // % **` only while the result stays small: the size of a `*`, `**` or
  `+` result is checked before it is computed, and `%` does not format strings;
- use the tags of Jinja except `extends`, `block`, `include`, `autoescape`,
  `recursive` loops; `import` takes a literal macro name.

Resource limits are the second layer (`limits.py`): every loop iteration and call is
charged to the render's budget, which also has a deadline.
"""

import datetime
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.filters import FILTERS
from jinja2.runtime import Context, LoopContext, Macro, StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import Namespace
from markupsafe import Markup

from sluice.engines.sql.binding import concat, finalize
from sluice.engines.sql.errors import RenderBudgetError, TemplateSecurityError, TemplateSyntaxError
from sluice.engines.sql.filters import SQL_FILTERS
from sluice.engines.sql.limits import Limits, current_state
from sluice.engines.sql.tags import SetClauseExtension, WhereExtension

ALLOWED_FILTERS = frozenset(
    {
        "abs",
        "capitalize",
        "count",
        "d",
        "default",
        "dictsort",
        "first",
        "float",
        "groupby",
        "int",
        "items",
        "last",
        "length",
        "list",
        "lower",
        "map",
        "max",
        "min",
        "reject",
        "rejectattr",
        "reverse",
        "round",
        "select",
        "selectattr",
        "sort",
        "string",
        "sum",
        "title",
        "trim",
        "truncate",
        "unique",
        "upper",
    }
)

_STR_METHODS = frozenset(
    {
        "capitalize",
        "casefold",
        "count",
        "endswith",
        "find",
        "index",
        "isalnum",
        "isalpha",
        "isdecimal",
        "isdigit",
        "islower",
        "isnumeric",
        "isspace",
        "isupper",
        "lower",
        "lstrip",
        "partition",
        "removeprefix",
        "removesuffix",
        "rfind",
        "rindex",
        "rpartition",
        "rsplit",
        "rstrip",
        "split",
        "splitlines",
        "startswith",
        "strip",
        "title",
        "upper",
    }
)
SAFE_METHODS: Mapping[type, frozenset[str]] = {
    str: _STR_METHODS,
    dict: frozenset({"get", "items", "keys", "values"}),
    list: frozenset({"count", "index"}),
    tuple: frozenset({"count", "index"}),
    datetime.date: frozenset({"isoformat", "weekday", "isoweekday"}),
    datetime.datetime: frozenset({"isoformat", "weekday", "isoweekday", "date"}),
    LoopContext: frozenset({"cycle", "changed"}),
}
FORBIDDEN_NODES: Mapping[type[nodes.Node], str] = {
    nodes.Extends: "extends",
    nodes.Block: "block",
    nodes.Include: "include",
    nodes.EvalContextModifier: "autoescape",
    nodes.ScopedEvalContextModifier: "autoescape",
}


class SqlUndefined(StrictUndefined):
    """Strict, except that it is false in a test: `{% if x %}` works for a name that is
    not defined; printing it, comparing it or reading from it is an error."""

    __slots__ = ()

    def __bool__(self) -> bool:  # type: ignore[override]
        return False


class SqlCodeGenerator(CodeGenerator):
    """Compiles `~` to the environment's concat, which checks sizes and keeps SQL text
    and bound values apart."""

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        self.write("environment.sql_concat((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


class SqlEnvironment(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset({"+", "*", "**", "%"})
    code_generator_class = SqlCodeGenerator

    def __init__(self, limits: Limits, **kwargs: Any) -> None:
        super().__init__(
            autoescape=True,
            finalize=finalize,
            undefined=SqlUndefined,
            optimized=False,
            lstrip_blocks=True,
            extensions=[WhereExtension, SetClauseExtension],
            **kwargs,
        )
        self.limits = limits
        self.filters = {name: FILTERS[name] for name in ALLOWED_FILTERS}
        self.filters.update(SQL_FILTERS)
        self.globals = {"range": self.sql_range, "namespace": Namespace, "dict": dict}

    # attribute access -----------------------------------------------------------------

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if not super().is_safe_attribute(obj, attr, value):
            return False
        if not callable(value) or isinstance(value, Macro):
            return True
        return attr in SAFE_METHODS.get(type(obj), frozenset())

    def unsafe_undefined(self, _obj: Any, attribute: str) -> Any:
        raise TemplateSecurityError(f"access to attribute {attribute!r} is not allowed")

    def wrap_str_format(self, _value: Any) -> None:
        return None  # str.format is not a safe method here at all

    # calls ----------------------------------------------------------------------------

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        current_state().charge(1)
        if not __self.is_safe_callable(__obj):
            raise TemplateSecurityError(f"calling {type(__obj).__name__!r} is not allowed")
        return __context.call(__obj, *args, **kwargs)

    def sql_range(self, *args: int) -> range:
        values = range(*args)
        if len(values) > self.limits.max_range:
            raise RenderBudgetError(
                f"range() of {len(values)} items is too large (the limit is {self.limits.max_range})"
            )
        return values

    def sql_step(self, cost: int) -> None:
        current_state().charge(cost)

    def sql_concat(self, parts: Sequence[Any]) -> str:
        return concat(parts)

    # operators ------------------------------------------------------------------------

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "+" and (isinstance(left, Markup) or isinstance(right, Markup)):
            return concat((left, right))
        BINOP_GUARDS[operator](self.limits, left, right)
        return super().call_binop(context, operator, left, right)


def _sized(value: Any) -> bool:
    return isinstance(value, str | list | tuple)


def _int(value: Any) -> bool:
    return isinstance(value, int)


def _refuse_size(_limits: Limits, size: int) -> None:
    current_state().charge_size(size)


def _refuse_bits(limits: Limits, bits: float) -> None:
    if bits > limits.max_int_bits:
        raise RenderBudgetError(f"number too large (the limit is {limits.max_int_bits} bits)")


def _guard_add(limits: Limits, left: Any, right: Any) -> None:
    if _sized(left) and _sized(right):
        _refuse_size(limits, len(left) + len(right))


def _guard_mul(limits: Limits, left: Any, right: Any) -> None:
    if _sized(left) and _int(right):
        _refuse_size(limits, len(left) * max(0, right))
    elif _int(left) and _sized(right):
        _refuse_size(limits, len(right) * max(0, left))
    elif _int(left) and _int(right):
        _refuse_bits(limits, left.bit_length() + right.bit_length())


def _guard_pow(limits: Limits, left: Any, right: Any) -> None:
    if _int(left) and _int(right) and right > 0 and abs(left) > 1:
        _refuse_bits(limits, right * math.log2(abs(left)))


def _guard_mod(_limits: Limits, left: Any, _right: Any) -> None:
    if isinstance(left, str):
        raise TemplateSecurityError("string formatting with % is not allowed; use ~ to join")


BINOP_GUARDS: Mapping[str, Callable[[Limits, Any, Any], None]] = {
    "+": _guard_add,
    "*": _guard_mul,
    "**": _guard_pow,
    "%": _guard_mod,
}

# --- the template's syntax tree ------------------------------------------------------


def check_tree(tree: nodes.Template, name: str) -> None:
    """Refuse the tags the sandbox does not offer."""
    for node in tree.find_all(nodes.Node):
        _check_node(node, name)


def _check_node(node: nodes.Node, name: str) -> None:
    tag = FORBIDDEN_NODES.get(type(node))
    if tag is not None:
        raise TemplateSyntaxError(
            f"the '{tag}' tag is not available", lineno=node.lineno, name=name
        )
    if isinstance(node, nodes.For) and node.recursive:
        raise TemplateSyntaxError(
            "recursive loops are not available", lineno=node.lineno, name=name
        )
    if isinstance(node, nodes.Import | nodes.FromImport) and not _literal(node.template):
        raise TemplateSyntaxError(
            "import takes a literal macro name", lineno=node.lineno, name=name
        )


def _literal(node: nodes.Expr) -> bool:
    return isinstance(node, nodes.Const) and isinstance(node.value, str)


def charge_loops(tree: nodes.Template) -> None:
    """Charge each loop iteration, macro call and call block to the render's budget: 1,
    plus 1 per 100 characters of template text it repeats."""
    loops: list[nodes.For | nodes.Macro | nodes.CallBlock] = [
        *tree.find_all(nodes.For),
        *tree.find_all(nodes.Macro),
        *tree.find_all(nodes.CallBlock),
    ]
    for node in loops:
        text = sum(len(data.data) for data in node.find_all(nodes.TemplateData))
        step = nodes.Call(
            nodes.EnvironmentAttribute("sql_step"), [nodes.Const(1 + text // 100)], [], None, None
        )
        node.body.insert(0, nodes.ExprStmt(step))


def imported_names(tree: nodes.Template) -> list[str]:
    found: list[nodes.Import | nodes.FromImport] = [
        *tree.find_all(nodes.Import),
        *tree.find_all(nodes.FromImport),
    ]
    return sorted({str(node.template.as_const()) for node in found})


def uses_raw(tree: nodes.Template) -> bool:
    """Does the template paste text with `raw` (directly, in a filter block, or through
    `map`)? A `map` whose filter name is not a literal counts, to be safe."""
    for node in tree.find_all(nodes.Filter):
        if node.name == "raw" or (node.name == "map" and _maps_raw(node)):
            return True
    return False


def _maps_raw(node: nodes.Filter) -> bool:
    if not node.args:
        return False
    first = node.args[0]
    return not _literal(first) or first.as_const() == "raw"
