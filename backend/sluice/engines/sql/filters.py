"""The SQL filters. Each one either binds (values, lists, likes, JSON) or pastes text it
has validated against a strict rule (identifiers, operators); `raw` is the one way to
paste unvalidated text. None binds SQL NULL in the typed filters. A refused value is a
400 naming the filter and the rule.

`join`, `replace` and `attr` replace Jinja's versions: the first two with size checks
and binding, the last through the sandbox's attribute policy.
"""

import datetime
import decimal
import json
import re
from collections.abc import Callable, Iterable
from typing import Any

from jinja2 import pass_context, pass_environment
from jinja2.environment import Environment
from jinja2.runtime import Context
from markupsafe import Markup

from sluice.engines import params as p
from sluice.engines.sql.binding import bind, bindable, concat, paste
from sluice.engines.sql.errors import TemplateRenderError
from sluice.engines.sql.limits import current_state

IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}(?:\.[A-Za-z_][A-Za-z0-9_]{0,62})?")
OPERATORS = frozenset({"=", "!=", "<>", "<", "<=", ">", ">="})
LIKE_ESCAPE = "!"


def _refuse(name: str, rule: str, value: Any) -> TemplateRenderError:
    shown = repr(value)
    shown = shown if len(shown) <= 40 else shown[:37] + "..."
    return TemplateRenderError(f"{name}: {rule} (got {shown})")


def _convert(name: str, value: Any, convert: Callable[[Any], Any]) -> Any:
    if value is None:
        return None
    try:
        return convert(value)
    except (ValueError, TypeError) as exc:
        raise _refuse(name, str(exc), value) from None


def to_string(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int | float | decimal.Decimal) and not isinstance(value, bool):
        return str(value)
    raise TypeError("must be a string")


def to_int(value: Any) -> int:
    if isinstance(value, bool):
        raise TypeError("must be an integer")
    if isinstance(value, int):
        return p.check_int(value)
    if isinstance(value, float | decimal.Decimal) and value == int(value):
        return p.check_int(int(value))
    if isinstance(value, str):
        return p.parse_int(value)
    raise TypeError("must be an integer")


def to_float(value: Any) -> float:
    if isinstance(value, bool):
        raise TypeError("must be a number")
    if isinstance(value, int | float | decimal.Decimal):
        return p.check_float(float(value))
    if isinstance(value, str):
        return p.parse_float(value)
    raise TypeError("must be a number")


def to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        return p.parse_bool(value)
    raise TypeError("must be a boolean")


def to_date(value: Any) -> datetime.date:
    if isinstance(value, datetime.datetime):
        raise TypeError("must be a date, not a date-time")
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        return p.parse_date(value)
    raise TypeError("must be a date")


def to_datetime(value: Any) -> datetime.datetime:
    if isinstance(value, datetime.datetime):
        return value
    if isinstance(value, datetime.date):
        return datetime.datetime.combine(value, datetime.time())
    if isinstance(value, str):
        return p.parse_datetime(value)
    raise TypeError("must be a date-time")


CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "string": to_string,
    "int": to_int,
    "float": to_float,
    "bool": to_bool,
    "date": to_date,
    "datetime": to_datetime,
}


def _typed(name: str, kind: str) -> Callable[[Context, Any], Markup]:
    convert = CONVERTERS[kind]

    @pass_context
    def typed_filter(_context: Context, value: Any) -> Markup:
        return bind(_convert(name, value, convert))

    typed_filter.__name__ = name
    return typed_filter


@pass_context
def in_list(_context: Context, value: Any, kind: str | None = None) -> Markup:
    if not isinstance(value, list | tuple):
        raise _refuse("in_list", "must be a list", value)
    if kind is not None and kind not in CONVERTERS:
        raise TemplateRenderError(f"in_list: unknown item type {kind!r}")
    items = [_list_item(item, kind) for item in value]
    if not items:
        return Markup("(NULL)")
    return Markup("(") + Markup(", ").join(bind(item) for item in items) + Markup(")")


def _list_item(item: Any, kind: str | None) -> Any:
    if kind is not None:
        return _convert(f"in_list({kind!r})", item, CONVERTERS[kind])
    if isinstance(item, list | tuple | dict) or not bindable(item):
        raise _refuse("in_list", "items must be scalar values", item)
    return item


def escape_like(text: str) -> str:
    for char in (LIKE_ESCAPE, "%", "_"):
        text = text.replace(char, LIKE_ESCAPE + char)
    return text


def _like(name: str, prefix: str, suffix: str) -> Callable[[Context, Any], Markup]:
    @pass_context
    def like_filter(_context: Context, value: Any) -> Markup:
        text = _convert(name, value, to_string)
        if text is None:
            return bind(None)
        pattern = prefix + escape_like(text) + suffix
        return bind(pattern) + Markup(f" ESCAPE '{LIKE_ESCAPE}'")

    like_filter.__name__ = name
    return like_filter


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    raise TypeError(f"a {type(value).__name__!r} is not JSON")


@pass_context
def to_json(_context: Context, value: Any) -> Markup:
    try:
        text = json.dumps(
            value, ensure_ascii=False, allow_nan=False, separators=(",", ":"), default=_json_default
        )
    except (TypeError, ValueError, RecursionError) as exc:
        raise _refuse("json", str(exc), value) from None
    current_state().charge_size(len(text))
    return bind(text)


@pass_context
def fromjson(_context: Context, value: Any) -> Any:
    if not isinstance(value, str):
        raise _refuse("fromjson", "must be a string", value)
    current_state().charge_size(len(value))
    try:
        return json.loads(value, parse_constant=p.parse_constant)
    except (ValueError, RecursionError):
        raise _refuse("fromjson", "must be valid JSON", value) from None


@pass_context
def compare(_context: Context, value: Any) -> Markup:
    if not isinstance(value, str) or value.strip() not in OPERATORS:
        raise _refuse("compare", "must be one of = != <> < <= > >=", value)
    return paste(value.strip())


@pass_context
def sql_ident(_context: Context, value: Any, allowed: Iterable[str] | None = None) -> Markup:
    if not isinstance(value, str) or not IDENTIFIER.fullmatch(value):
        raise _refuse("sql_ident", "must be a plain identifier like name or schema.name", value)
    if allowed is not None and value not in list(allowed):
        raise _refuse("sql_ident", "is not one of the allowed names", value)
    return paste(value)


@pass_context
def raw(_context: Context, value: Any) -> Markup:
    if isinstance(value, Markup):
        return value
    return paste(str(value))


@pass_context
def join(_context: Context, value: Iterable[Any], separator: str = "") -> str:
    items: list[Any] = []
    for i, item in enumerate(value):
        if i:
            items.append(separator)
        items.append(item)
    return concat(items)


@pass_context
def replace(_context: Context, value: Any, old: str, new: str, count: int = -1) -> str:
    if isinstance(value, Markup) or not isinstance(value, str):
        raise _refuse("replace", "works on plain strings only", value)
    old, new = str(old), str(new)
    hits = value.count(old) if count < 0 else min(count, value.count(old))
    current_state().charge_size(len(value) + hits * max(0, len(new) - len(old)))
    return value.replace(old, new, count)


@pass_environment
def attr(environment: Environment, value: Any, name: str) -> Any:
    return environment.getattr(value, name)


SQL_FILTERS: dict[str, Callable[..., Any]] = {
    "sql_string": _typed("sql_string", "string"),
    "sql_int": _typed("sql_int", "int"),
    "sql_float": _typed("sql_float", "float"),
    "sql_bool": _typed("sql_bool", "bool"),
    "sql_date": _typed("sql_date", "date"),
    "sql_datetime": _typed("sql_datetime", "datetime"),
    "in_list": in_list,
    "sql_like": _like("sql_like", "%", "%"),
    "sql_like_start": _like("sql_like_start", "", "%"),
    "sql_like_end": _like("sql_like_end", "%", ""),
    "json": to_json,
    "fromjson": fromjson,
    "compare": compare,
    "sql_ident": sql_ident,
    "raw": raw,
    "join": join,
    "replace": replace,
    "attr": attr,
}
