"""The resource layer: how much a template may be and do. Separate from the access
policy in `sandbox.py`, which decides what a template may touch at all.

`Limits` holds the constants (override per compile); `RenderState` is one render's
account: the bound values and the work spent so far, found through a context variable
by the filters, the tags and the sandbox hooks that charge it.
"""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Literal

from sluice.engines.sql.errors import RenderBudgetError

Paramstyle = Literal["format", "qmark"]


@dataclass(frozen=True)
class Limits:
    max_source_chars: int = 100_000
    """A template or macro source longer than this does not compile."""
    max_rendered_chars: int = 1_000_000
    """Rendered SQL text (all statements) longer than this is refused."""
    max_statements: int = 20
    max_bound_values: int = 10_000
    max_steps: int = 100_000
    """Work units per render: a loop iteration or a call costs 1 (plus 1 per 100
    characters of template text it repeats); building a value costs 1 per 1,000 items."""
    max_range: int = 10_000
    """`range()` may not produce more items than this."""
    max_value_size: int = 1_000_000
    """A string or list built by an operator or filter may not be longer than this."""
    max_int_bits: int = 4_096
    """An integer built by an operator may not need more bits than this."""
    max_seconds: float = 2.0
    """Wall-clock deadline of one render, checked at every step."""


DEFAULT_LIMITS = Limits()


@dataclass
class RenderState:
    """One render's bound values and spent budget."""

    limits: Limits
    paramstyle: Paramstyle
    values: list[Any] = field(default_factory=list)
    steps: int = 0
    deadline: float = 0.0

    def charge(self, units: int) -> None:
        self.steps += units
        if self.steps > self.limits.max_steps:
            raise RenderBudgetError(
                f"template exceeded its render budget of {self.limits.max_steps} steps"
            )
        if time.monotonic() > self.deadline:
            raise RenderBudgetError(
                f"template exceeded its render time of {self.limits.max_seconds:g}s"
            )

    def charge_size(self, size: int) -> None:
        if size > self.limits.max_value_size:
            raise RenderBudgetError(
                f"value too large: {size} items (the limit is {self.limits.max_value_size})"
            )
        self.charge(1 + size // 1_000)

    def add_value(self, value: Any) -> int:
        if len(self.values) >= self.limits.max_bound_values:
            raise RenderBudgetError(
                f"too many bound values (the limit is {self.limits.max_bound_values})"
            )
        self.values.append(value)
        return len(self.values) - 1


_STATE: ContextVar[RenderState] = ContextVar("sluice_sql_render_state")


def current_state() -> RenderState:
    """The render in progress. Filters and hooks only run inside one."""
    try:
        return _STATE.get()
    except LookupError:
        raise RuntimeError("no SQL template render in progress") from None


@contextmanager
def render_state(limits: Limits, paramstyle: Paramstyle) -> Iterator[RenderState]:
    state = RenderState(limits, paramstyle, deadline=time.monotonic() + limits.max_seconds)
    token = _STATE.set(state)
    try:
        yield state
    finally:
        _STATE.reset(token)
