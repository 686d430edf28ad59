"""Helpers for the SQL engine tests."""

from collections.abc import Mapping
from typing import Any

from sluice.engines.sql import Limits, Paramstyle, Rendered, Statement, compile_template
from sluice.engines.sql.limits import DEFAULT_LIMITS


def render(
    source: str,
    context: Mapping[str, Any] | None = None,
    paramstyle: Paramstyle = "format",
    *,
    macros: Mapping[str, str] | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Rendered:
    return compile_template(source, macros, limits=limits).render(context or {}, paramstyle)


def one(
    source: str, context: Mapping[str, Any] | None = None, paramstyle: Paramstyle = "format"
) -> Statement:
    statements = render(source, context, paramstyle).statements
    assert len(statements) == 1, statements
    return statements[0]


def sql(source: str, context: Mapping[str, Any] | None = None) -> str:
    """The rendered SQL of a one-statement template, with `?` placeholders."""
    return one(source, context, "qmark").sql
