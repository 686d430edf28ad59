"""Binding: how a value leaves a template without becoming SQL text.

Rendering runs with autoescape on, and Jinja's `Markup` is the type of SQL text:
template text, macro results, `{% set %}` blocks, and what `raw`, `sql_ident` and
`compare` return. Every other value that reaches the output is bound: it is appended to
the render's values and replaced by a marker (`STX index ETX`). After rendering, the
statement splitter turns each marker into the driver's placeholder and collects the
values in order. Control characters never reach the output any other way (the source and
`raw` refuse them), so a marker cannot be forged, and a broken one is an error.
"""

import datetime
import decimal
import re
import uuid
from collections.abc import Iterable
from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context, Undefined
from markupsafe import Markup

from sluice.engines.sql.errors import TemplateRenderError
from sluice.engines.sql.limits import current_state

MARKER_START = "\x02"
MARKER_END = "\x03"
MARKER = re.compile(r"\x02(\d+)\x03")
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

_SCALARS = (
    str,
    int,
    float,
    decimal.Decimal,
    datetime.date,
    datetime.time,
    uuid.UUID,
    bytes,
    type(None),
)


def bindable(value: Any) -> bool:
    """Values a driver can take as a parameter: scalars, and lists of scalars (arrays)."""
    if isinstance(value, _SCALARS):
        return True
    return isinstance(value, list | tuple) and all(isinstance(v, _SCALARS) for v in value)


def bind(value: Any) -> Markup:
    """Append a value to the render's parameters and return its marker."""
    if isinstance(value, Undefined):
        str(value)  # raises: an undefined name cannot be bound
    if not bindable(value):
        raise TemplateRenderError(
            f"cannot bind a value of type {type(value).__name__!r}"
            " (bind scalars or lists of scalars; use |json for objects)"
        )
    index = current_state().add_value(value)
    return Markup(f"{MARKER_START}{index}{MARKER_END}")


def as_sql(value: Any) -> Markup:
    """SQL text stays as it is; any other value is bound."""
    return value if isinstance(value, Markup) else bind(value)


@pass_context
def finalize(_context: Context, value: Any) -> Markup:
    """Jinja's output hook: every `{{ expression }}` goes through here."""
    return as_sql(value)


def paste(text: str) -> Markup:
    """Make SQL text out of a string that a filter has validated (or `raw`)."""
    if CONTROL_CHARS.search(text):
        raise TemplateRenderError("SQL text may not contain control characters")
    current_state().charge(1 + len(text) // 100)
    return Markup(text)


def concat(parts: Iterable[Any]) -> str:
    """The `~` operator and `join`: plain strings join to a plain string (a value); if
    any part is SQL text the result is SQL text and the other parts are bound."""
    items = list(parts)
    if any(isinstance(p, Markup) for p in items):
        return Markup("").join(as_sql(p) for p in items)
    texts = [str(p) for p in items]
    current_state().charge_size(sum(len(t) for t in texts))
    return "".join(texts)
