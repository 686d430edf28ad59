"""From rendered text to statements: split at `;`, turn markers into placeholders with
each statement's own values, and classify each statement as read-only or write.

The classification is a conservative keyword scan outside quotes and comments: a
statement is read-only only if it starts with a reading keyword (SELECT, WITH, VALUES,
TABLE, SHOW, EXPLAIN, DESCRIBE, DESC) and contains no writing or locking keyword
anywhere (INSERT, UPDATE, DELETE, MERGE, UPSERT, TRUNCATE, DROP, ALTER, CREATE, GRANT,
REVOKE, INTO, LOCK, SHARE, RENAME): `SELECT ... FOR UPDATE`, `SELECT ... INTO` and
PostgreSQL's data-modifying CTEs are writes. Words qualified by a dot (`t.update`) are
names, not keywords. Functions with side effects (`nextval()`) are not detected: the
data source's database role is the real boundary.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sluice.engines.sql.binding import MARKER_START
from sluice.engines.sql.errors import TemplateRenderError
from sluice.engines.sql.lexer import Token, is_blank, strip, tokenize
from sluice.engines.sql.limits import Limits, Paramstyle

READ_STARTS = frozenset(
    {"SELECT", "WITH", "VALUES", "TABLE", "SHOW", "EXPLAIN", "DESCRIBE", "DESC"}
)
WRITE_WORDS = frozenset(
    {
        "INSERT",
        "UPDATE",
        "DELETE",
        "MERGE",
        "UPSERT",
        "TRUNCATE",
        "DROP",
        "ALTER",
        "CREATE",
        "GRANT",
        "REVOKE",
        "INTO",
        "LOCK",
        "SHARE",
        "RENAME",
    }
)
PLACEHOLDERS: dict[Paramstyle, str] = {"format": "%s", "qmark": "?"}
_WORD = re.compile(r"[A-Za-z_]\w*")


@dataclass(frozen=True)
class Statement:
    """One statement ready for the driver: SQL with placeholders and its own values.
    Always execute it with its params list, even when empty: in the `format` style a
    literal `%` is written `%%`, which only the driver's parameter pass turns back."""

    sql: str
    params: list[Any]
    read_only: bool
    returning: bool


@dataclass(frozen=True)
class Rendered:
    statements: list[Statement]
    paramstyle: Paramstyle

    @property
    def read_only(self) -> bool:
        return all(s.read_only for s in self.statements)


@dataclass(frozen=True)
class _Plan:
    """One statement of a rendered text, before its values: the SQL with placeholders and
    which bound value goes to each placeholder."""

    sql: str
    slots: tuple[int, ...]
    read_only: bool
    returning: bool


PLAN_CACHE_MAX_CHARS = 16_384
"""Rendered texts up to this length have their plan cached."""


def build_statements(
    text: str, values: Sequence[Any], paramstyle: Paramstyle, limits: Limits
) -> Rendered:
    """The statements of a rendered text, each with its own values.

    Splitting and classifying is the costly part, and it depends only on the text: values
    are bound, so the text holds markers, not data, and a template renders the same text
    for every call that takes the same branches. So plans are cached by text (short texts
    only), and a call only puts its values in place."""
    if len(text) <= PLAN_CACHE_MAX_CHARS:
        plans = _cached_plans(text, paramstyle, limits.max_statements)
    else:
        plans = _plans(text, paramstyle, limits.max_statements)
    statements = [
        Statement(plan.sql, [values[i] for i in plan.slots], plan.read_only, plan.returning)
        for plan in plans
    ]
    return Rendered(statements, paramstyle)


def _plans(text: str, paramstyle: Paramstyle, max_statements: int) -> tuple[_Plan, ...]:
    tokens = list(tokenize(text, backslash_escapes=paramstyle == "format"))
    parts = [strip(part) for part in _split(tokens)]
    parts = [part for part in parts if not is_blank(part)]
    if not parts:
        raise TemplateRenderError("the template rendered no SQL statement")
    if len(parts) > max_statements:
        raise TemplateRenderError(
            f"the template rendered {len(parts)} statements (the limit is {max_statements})"
        )
    return tuple(_plan(part, paramstyle) for part in parts)


_cached_plans = lru_cache(maxsize=1024)(_plans)


def _split(tokens: list[Token]) -> list[list[Token]]:
    parts: list[list[Token]] = [[]]
    for token in tokens:
        _check_no_marker_inside(token)
        if token.kind == "punct" and token.text == ";":
            parts.append([])
        else:
            parts[-1].append(token)
    return parts


def _plan(tokens: list[Token], paramstyle: Paramstyle) -> _Plan:
    placeholder = PLACEHOLDERS[paramstyle]
    sql: list[str] = []
    slots: list[int] = []
    for token in tokens:
        if token.kind == "marker":
            sql.append(placeholder)
            slots.append(int(token.text[1:-1]))
        else:
            sql.append(_literal(token, paramstyle))
    words = keywords(tokens)
    return _Plan("".join(sql), tuple(slots), is_read_only(words), "RETURNING" in words)


def _check_no_marker_inside(token: Token) -> None:
    if token.kind != "marker" and MARKER_START in token.text:
        raise TemplateRenderError(
            "a {{ value }} cannot be placed inside quoted SQL text or a comment: it is bound"
            " as a parameter, so write the whole literal as one value (e.g. LIKE"
            " {{ q|sql_like }}), and use {# #} to comment out template lines"
        )


def _literal(token: Token, paramstyle: Paramstyle) -> str:
    if paramstyle == "format":
        return token.text.replace("%", "%%")
    if token.kind == "other" and "?" in token.text:
        raise TemplateRenderError(
            "a literal '?' in the SQL is a placeholder for this data source; bind it instead"
        )
    return token.text


def keywords(tokens: list[Token]) -> list[str]:
    """The upper-cased words of the code, in order, without dot-qualified names; the
    words inside MySQL executable comments and optimizer hints count as code."""
    words: list[str] = []
    code = [t for t in tokens if t.kind not in ("space", "newline")]
    for i, token in enumerate(code):
        if token.kind == "comment" and token.text.startswith(("/*!", "/*+")):
            words.extend(w.upper() for w in _WORD.findall(token.text))
        elif token.kind == "word" and not _qualified(code, i):
            words.append(token.text.upper())
    return words


def _qualified(code: list[Token], i: int) -> bool:
    before = i > 0 and code[i - 1].text == "."
    after = i + 1 < len(code) and code[i + 1].text == "."
    return before or after


def is_read_only(words: list[str]) -> bool:
    if not words or words[0] not in READ_STARTS:
        return False
    return WRITE_WORDS.isdisjoint(words)
