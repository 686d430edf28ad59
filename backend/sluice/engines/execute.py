"""Running a compiled SQL API against a connector: render, transact, shape the result.

Semantics: every call runs in one transaction. When every statement only reads, the
transaction is read-only; otherwise it commits on success and rolls back on any error. A
single statement answers its rows (SELECT, or a write with RETURNING) or
`{"rows_affected": n}`; several statements answer a list of those.
"""

from dataclasses import dataclass
from typing import Any

from sluice.connectors.base import Connector, QueryResult
from sluice.engines.sql import Page, Rendered, Statement, paginate


@dataclass(frozen=True)
class PageRequest:
    """Which slice of a row result the caller wants (page/page_size or limit/offset)."""

    limit: int
    offset: int
    page: int | None = None


@dataclass(frozen=True)
class PageInfo:
    limit: int
    offset: int
    total: int
    has_more: bool
    page: int | None = None

    def as_dict(self) -> dict[str, Any]:
        info: dict[str, Any] = {"limit": self.limit, "offset": self.offset, "total": self.total}
        info["has_more"] = self.has_more
        if self.page is not None:
            info |= {"page": self.page, "page_size": self.limit}
        return info


@dataclass(frozen=True)
class Outcome:
    data: Any
    statements: list[Statement]
    page: PageInfo | None = None
    scripted: bool = False
    """Produced by a script, which may have written anything: never cached."""

    @property
    def read_only(self) -> bool:
        return not self.scripted and all(s.read_only for s in self.statements)

    def cacheable(self) -> dict[str, Any]:
        """The answer as plain data: what a response (or the cache) holds."""
        return {"data": self.data, "pagination": self.page.as_dict() if self.page else None}


def shape(result: QueryResult) -> Any:
    if result.rows is not None:
        return result.rows
    return {"rows_affected": result.rowcount if result.rowcount is not None else 0}


async def run_rendered(
    rendered: Rendered,
    connector: Connector,
    *,
    timeout_ms: int | None,
    page: PageRequest | None = None,
) -> Outcome:
    statements = rendered.statements
    if len(statements) == 1:
        return await _run_one(statements[0], connector, timeout_ms, page)
    async with connector.transaction(read_only=rendered.read_only, timeout_ms=timeout_ms) as tx:
        results = [await tx.execute(s.sql, s.params) for s in statements]
    data = shape(results[0]) if len(results) == 1 else [shape(r) for r in results]
    return Outcome(data, statements)


async def _run_one(
    statement: Statement, connector: Connector, timeout_ms: int | None, page: PageRequest | None
) -> Outcome:
    """One statement: a read in a read-only transaction (one round trip where the driver
    can), a write in its own transaction, committed on success."""
    if not statement.read_only:
        result = await connector.execute(statement.sql, statement.params, timeout_ms=timeout_ms)
    elif page is None:
        result = await connector.read(statement.sql, statement.params, timeout_ms=timeout_ms)
    else:
        return await _run_page(statement, connector, timeout_ms, page)
    return Outcome(shape(result), [statement])


def stream_statement(
    rendered: Rendered, connector: Connector, page: PageRequest | None
) -> Statement | None:
    """The statement a streamed answer runs: the rendered one when it is a single read (its
    page's slice on a paginated API, without the count), else None."""
    if len(rendered.statements) != 1 or not rendered.statements[0].read_only:
        return None
    statement = rendered.statements[0]
    if page is None:
        return statement
    return _sliced(statement, connector, page).rows


async def _run_page(
    statement: Statement, connector: Connector, timeout_ms: int | None, page: PageRequest
) -> Outcome:
    """The page and the total in one read-only transaction, so both see the same rows."""
    sliced = _sliced(statement, connector, page)
    async with connector.transaction(read_only=True, timeout_ms=timeout_ms) as tx:
        rows = await tx.execute(sliced.rows.sql, sliced.rows.params)
        counted = await tx.execute(sliced.count.sql, sliced.count.params)
    total = int((counted.rows or [{"total": 0}])[0]["total"])
    info = PageInfo(page.limit, page.offset, total, page.offset + page.limit < total, page.page)
    return Outcome(rows.rows or [], [sliced.rows, sliced.count], info)


def _sliced(statement: Statement, connector: Connector, page: PageRequest) -> Page:
    return paginate(
        statement,
        limit=page.limit,
        offset=page.offset,
        paramstyle=connector.paramstyle,
        offset_first=connector.offset_first,
        dialect=connector.dialect,
    )
