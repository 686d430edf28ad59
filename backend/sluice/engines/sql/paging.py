"""Pagination of a rendered read statement: the page and the total count, keeping its
bound values.

The count wraps the statement. The page wraps it too, unless the statement ends in its own
ORDER BY with no LIMIT: MariaDB and Trino drop an ORDER BY inside a derived table that has
no LIMIT, so `SELECT * FROM (... ORDER BY x) LIMIT 2` would return any two rows. Such a
statement gets the slice appended instead. An ORDER BY with its own LIMIT is kept inside
the wrapper, where both databases honour it. Statements are judged by their text with
placeholders (parsed with sqlglot in the source's dialect, cached); one sqlglot cannot
parse is wrapped, as before.
"""

from dataclasses import dataclass
from functools import lru_cache

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

from sluice.engines.sql.limits import Paramstyle
from sluice.engines.sql.statements import PLACEHOLDERS, Statement
from sluice.engines.whole_table import Dialect, parseable

_LIMITS = ("limit", "offset", "fetch", "locks")
"""What may not be followed by a LIMIT: another slice, or `FOR UPDATE` and its kin."""


@dataclass(frozen=True)
class Page:
    rows: Statement
    count: Statement


def paginate(
    statement: Statement,
    *,
    limit: int,
    offset: int,
    paramstyle: Paramstyle,
    offset_first: bool = False,
    dialect: Dialect = "postgres",
) -> Page:
    """`SELECT * FROM (<stmt>) AS sluice_page LIMIT ? OFFSET ?` (or `<stmt> LIMIT ? OFFSET
    ?` for a statement ordered without a LIMIT) and `SELECT count(*) AS total FROM (<stmt>)
    AS sluice_count`. `offset_first` writes `OFFSET ? LIMIT ?` (Trino's order)."""
    if not statement.read_only:
        raise ValueError("only a read-only statement can be paginated")
    for name, value in (("limit", limit), ("offset", offset)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"{name} must be a non-negative integer")
    ph = PLACEHOLDERS[paramstyle]
    inner = f"(\n{statement.sql}\n)"
    if offset_first:
        tail, values = f"OFFSET {ph} LIMIT {ph}", [offset, limit]
    else:
        tail, values = f"LIMIT {ph} OFFSET {ph}", [limit, offset]
    sliced = (
        f"{statement.sql}\n{tail}"
        if ordered_without_limit(parseable(statement.sql, paramstyle), dialect)
        else f"SELECT * FROM {inner} AS sluice_page {tail}"
    )
    rows = Statement(
        sliced,
        [*statement.params, *values],
        read_only=True,
        returning=False,
    )
    count = Statement(
        f"SELECT count(*) AS total FROM {inner} AS sluice_count",
        list(statement.params),
        read_only=True,
        returning=False,
    )
    return Page(rows, count)


@lru_cache(maxsize=2048)
def ordered_without_limit(text: str, dialect: Dialect) -> bool:
    """Whether `text` is one query whose outermost level has an ORDER BY and no LIMIT,
    OFFSET, FETCH or locking clause."""
    if "order" not in text.lower():
        return False
    try:
        trees = sqlglot.parse(text, read=dialect)
    except SqlglotError:
        return False
    if len(trees) != 1 or not isinstance(trees[0], exp.Query):
        return False
    args = trees[0].args
    return bool(args.get("order")) and not any(args.get(name) for name in _LIMITS)
