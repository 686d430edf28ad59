"""Whole-table writes: an UPDATE or DELETE that, as it will be sent, has no WHERE clause.

The usual way to get one by accident is a `{% where %}` block whose conditions all came
out empty, so the check looks at the statement the database would receive (the rendered
template, or the SQL a script passes to `db`), never at the template text.

The statement is parsed with sqlglot in the data source's dialect, which knows what the
database knows: comments (`-- WHERE`, MySQL's `#`, PostgreSQL's nested `/* */`), quoted
text and identifiers, subqueries and CTEs (a WHERE inside `(SELECT ...)` is not the
UPDATE's), PostgreSQL's data-modifying CTEs, `UPDATE ... FROM` and `DELETE ... USING`,
MySQL's multi-table forms (a JOIN's ON is not a WHERE). The UPDATE and DELETE branches of
a MERGE are bounded by its ON and are not counted; nor are `INSERT ... ON CONFLICT DO
UPDATE`, `ON DUPLICATE KEY UPDATE` and `SELECT ... FOR UPDATE`, which parse as what they
are. Only the presence of a WHERE is checked: `WHERE true` passes, since it says on purpose
what an empty block says by accident.

A statement sqlglot cannot parse (vendor syntax such as `EXPLAIN ANALYZE DELETE`, MariaDB's
`SET STATEMENT ... FOR`, SQLite's `UPDATE OR IGNORE`) falls back to the SQL engine's
lexer: it is refused when it names UPDATE or DELETE outside quotes and comments and never
says WHERE.

Statements are checked by their text with placeholders in it, never their values, so a
template that renders the same shape is parsed once (the result is cached).
"""

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

from sluice.engines.sql.lexer import tokenize
from sluice.engines.sql.limits import Paramstyle
from sluice.engines.sql.statements import keywords
from sluice.errors import BadRequest, SluiceError

Dialect = Literal["postgres", "mysql", "sqlite", "trino"]
Verb = Literal["UPDATE", "DELETE"]

logging.getLogger("sqlglot").setLevel(logging.ERROR)
"""sqlglot warns when it falls back to an opaque `Command`; that case is handled here."""

_MENTIONS_WRITE = re.compile(r"\b(?:update|delete)\b", re.IGNORECASE)
_FORMAT_PLACEHOLDER = re.compile(r"%(?:%|s|\([^)]*\)s)")
_CACHE_MAX_CHARS = 16_384


class WholeTableWrite(BadRequest):
    """An UPDATE or DELETE without WHERE, from an API that does not allow them. `logs`:
    what a script had logged before it was refused, for the debug view."""

    def __init__(self, message: str, *, logs: list[str] | None = None) -> None:
        super().__init__(message)
        self.logs = logs or []


def unbounded_writes(sql: str, paramstyle: Paramstyle, dialect: Dialect) -> tuple[Verb, ...]:
    """The UPDATE and DELETE statements in `sql` (driver placeholders included) that have
    no WHERE clause, in order; empty when there is none."""
    if not _MENTIONS_WRITE.search(sql):
        return ()
    text = parseable(sql, paramstyle)
    if len(text) > _CACHE_MAX_CHARS:
        return _unbounded(text, dialect)
    return _cached_unbounded(text, dialect)


def parseable(sql: str, paramstyle: Paramstyle) -> str:
    """The statement as sqlglot reads it: `format` placeholders (`%s`, `%(name)s`) as `?`
    and `%%` as `%`, exactly as the driver turns them back, quotes included."""
    if paramstyle != "format":
        return sql
    return _FORMAT_PLACEHOLDER.sub(lambda m: "%" if m.group() == "%%" else "?", sql)


def _unbounded(text: str, dialect: Dialect) -> tuple[Verb, ...]:
    try:
        trees = sqlglot.parse(text, read=dialect)
    except SqlglotError:
        return tuple(_lexed(text, dialect))
    verbs: list[Verb] = []
    for tree in trees:
        if isinstance(tree, exp.Command):
            verbs += _lexed(tree.sql(dialect=dialect), dialect)
        elif tree is not None:
            verbs += _parsed(tree)
    return tuple(verbs)


_cached_unbounded = lru_cache(maxsize=2048)(_unbounded)


def _parsed(tree: exp.Expr) -> list[Verb]:
    found: list[Verb] = []
    for node in tree.find_all(exp.Update, exp.Delete):
        if node.find_ancestor(exp.Merge) is None and not node.args.get("where"):
            found.append("UPDATE" if isinstance(node, exp.Update) else "DELETE")
    return found


def _lexed(text: str, dialect: Dialect) -> list[Verb]:
    """The fallback for what sqlglot cannot parse: UPDATE or DELETE named as code, and no
    WHERE anywhere in the code."""
    try:
        words = keywords(list(tokenize(text, backslash_escapes=dialect == "mysql")))
    except SluiceError:  # unterminated quotes: the database would refuse it anyway
        return []
    verbs: list[Verb] = []
    if "WHERE" not in words:
        verbs += ["UPDATE"] if "UPDATE" in words else []
        verbs += ["DELETE"] if "DELETE" in words else []
    return verbs


@dataclass(frozen=True)
class WriteGuard:
    """The check for one API: refuses whole-table writes unless the API allows them."""

    api_name: str
    dialect: Dialect
    allowed: bool = False

    def check(self, sql: str, paramstyle: Paramstyle) -> None:
        """`sql` as the driver gets it, with `paramstyle` placeholders."""
        if self.allowed:
            return
        verbs = unbounded_writes(sql, paramstyle, self.dialect)
        if verbs:
            raise WholeTableWrite(
                f"API {self.api_name!r} refused a {verbs[0]} without a WHERE clause: it would"
                " change every row of the table. Add a condition, or allow whole-table"
                " writes in the API's settings if that is intended"
            )
