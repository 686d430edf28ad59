"""Pagination of a rendered read statement: the page and the total count, each wrapping
the original statement and keeping its bound values."""

from dataclasses import dataclass

from sluice.engines.sql.limits import Paramstyle
from sluice.engines.sql.statements import PLACEHOLDERS, Statement


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
) -> Page:
    """`SELECT * FROM (<stmt>) AS sluice_page LIMIT ? OFFSET ?` and
    `SELECT count(*) AS total FROM (<stmt>) AS sluice_count`. `offset_first` writes
    `OFFSET ? LIMIT ?` (Trino's order; PostgreSQL accepts both)."""
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
    rows = Statement(
        f"SELECT * FROM {inner} AS sluice_page {tail}",
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
