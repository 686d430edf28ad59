"""Running an API so that nothing it writes stays (test cases).

`RollbackScope.wrap(connector)` gives a connector of the same protocol whose statements,
reads and transaction blocks all run inside one transaction of the real connector,
opened at the first statement and rolled back when the scope closes. Each statement and
each transaction block runs in its own savepoint, undone when it fails: a failed
statement undoes only itself, as it would on its own at the gateway, and a script that
catches the error goes on in a usable transaction.

A statement that would end that transaction, or commit on its own, is refused before it
is sent (`Untestable`, and the scope keeps the reason so the test fails whatever the
script did with the error):
- on every database: more than one statement in one call (psycopg runs a parameterless
  multi-statement text, asyncmy always does), transaction control (BEGIN, START, COMMIT,
  END, ROLLBACK, ABORT, SAVEPOINT, RELEASE, PREPARE, EXECUTE, DEALLOCATE, XA), and the
  words COMMIT, ROLLBACK or AUTOCOMMIT anywhere in the code;
- on MySQL/MariaDB: the statements that commit implicitly (DDL, LOCK and UNLOCK, GRANT,
  REVOKE, ANALYZE, OPTIMIZE, REPAIR, CHECK, FLUSH, RESET, CACHE, LOAD, INSTALL,
  UNINSTALL, CALL (a procedure may commit), CHANGE, STOP, PURGE, SET PASSWORD), the
  comments the server runs as code (`/*! */`, MariaDB's `/*M! */`), and `#` comments and
  `--` without a space, which the lexer reads differently from the server;
- on Trino: any write (its catalogs rarely write inside a transaction, and none can be
  relied on to roll one back). Reads go to Trino as usual.
The text is read both with and without backslash escapes, and refused if either reading
finds one of these. On MySQL/MariaDB a write to a table that cannot roll back (MyISAM,
Aria, MEMORY) is kept; the server says so when the scope rolls back, and the scope
reports it.
"""

import itertools
from collections.abc import AsyncIterator, Sequence
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from typing import Any, Literal, cast

from sluice.connectors.base import (
    STREAM_BATCH_ROWS,
    Connector,
    ConnectorError,
    DatasourceType,
    Params,
    PoolUsage,
    QueryResult,
    ResultColumn,
    RowStream,
    Table,
    Transaction,
)
from sluice.engines.sql.errors import TemplateRenderError
from sluice.engines.sql.lexer import Token, is_blank, strip, tokenize
from sluice.engines.sql.statements import is_read_only, keywords
from sluice.errors import SluiceError

CONTROL = frozenset(
    {
        "BEGIN",
        "START",
        "COMMIT",
        "END",
        "ROLLBACK",
        "ABORT",
        "SAVEPOINT",
        "RELEASE",
        "PREPARE",
        "EXECUTE",
        "DEALLOCATE",
        "XA",
    }
)
ANYWHERE = frozenset({"COMMIT", "ROLLBACK", "AUTOCOMMIT"})
MYSQL_IMPLICIT_COMMIT = frozenset(
    {
        "ALTER",
        "CREATE",
        "DROP",
        "RENAME",
        "TRUNCATE",
        "GRANT",
        "REVOKE",
        "LOCK",
        "UNLOCK",
        "ANALYZE",
        "OPTIMIZE",
        "REPAIR",
        "CHECK",
        "FLUSH",
        "RESET",
        "CACHE",
        "LOAD",
        "INSTALL",
        "UNINSTALL",
        "CALL",
        "CHANGE",
        "STOP",
        "PURGE",
    }
)
NOT_ROLLED_BACK = 1196
"""MySQL/MariaDB's warning: some non-transactional changed tables couldn't be rolled back."""
_SCOPE_SAVEPOINT = "sluice_test"


class Untestable(SluiceError):
    """A statement a test cannot run without its writes staying."""

    status = 422
    code = "untestable"


def check_statement(sql: str, kind: DatasourceType) -> None:
    """Raise Untestable unless `sql` is one statement that leaves the test's transaction
    open (see the module's doc for the rules)."""
    views: list[list[Token]] = []
    for backslashes in (kind == "mysql", kind != "mysql"):
        try:
            views.append(list(tokenize(sql, backslash_escapes=backslashes)))
        except TemplateRenderError as exc:
            if not views:
                raise Untestable(_refusal(sql, f"cannot be read ({exc.message})")) from None
    for tokens in views:
        _check_reading(sql, tokens, kind)


def _check_reading(sql: str, tokens: list[Token], kind: DatasourceType) -> None:
    if kind == "mysql":
        _check_mysql_comments(sql, tokens)
    parts = [part for part in _split(tokens) if not is_blank(part)]
    if len(parts) > 1:
        raise Untestable(_refusal(sql, f"is {len(parts)} statements; send one at a time"))
    if not parts:
        return
    words = keywords(strip(parts[0]))
    if not words:
        raise Untestable(_refusal(sql, "has no keyword a test can read"))
    if words[0] in CONTROL or not ANYWHERE.isdisjoint(words):
        raise Untestable(_refusal(sql, "would end the test's transaction, keeping its writes"))
    if kind == "mysql" and (
        words[0] in MYSQL_IMPLICIT_COMMIT or (words[0] == "SET" and "PASSWORD" in words)
    ):
        raise Untestable(_refusal(sql, "commits by itself on MySQL/MariaDB (implicit commit)"))
    if kind == "trino" and not is_read_only(words):
        raise Untestable(_refusal(sql, "writes on Trino, which cannot roll a write back"))


def _split(tokens: list[Token]) -> list[list[Token]]:
    parts: list[list[Token]] = [[]]
    for token in tokens:
        if token.kind == "punct" and token.text == ";":
            parts.append([])
        else:
            parts[-1].append(token)
    return parts


def _check_mysql_comments(sql: str, tokens: list[Token]) -> None:
    """MySQL reads `#` and `--x` differently from the lexer, and runs `/*! */` (and
    MariaDB `/*M! */`) as code, statements included: none of them in a test."""
    for token in tokens:
        text = token.text
        if token.kind == "other" and "#" in text:
            raise Untestable(_refusal(sql, "has a # comment; write -- comments in tests"))
        if token.kind == "comment" and text.startswith("--") and len(text) > 2:
            if not text[2].isspace():
                raise Untestable(_refusal(sql, "has -- without a space, which MySQL runs"))
        if token.kind == "comment" and text.upper().startswith(("/*!", "/*M!")):
            raise Untestable(_refusal(sql, "has a /*! */ comment, which MySQL runs as code"))


def _refusal(sql: str, why: str) -> str:
    text = " ".join(sql.split())
    shown = text if len(text) <= 80 else text[:79] + "…"
    return f"Not run in a test: {shown!r} {why}"


class RollbackScope:
    """Every connector wrapped in this scope writes into one transaction, rolled back when
    the scope closes. `problems` lists what the scope refused or could not undo: a test
    that meets one fails, whatever it expected."""

    def __init__(self, kind: DatasourceType | None, timeout_ms: int | None = None) -> None:
        self.kind = kind
        self.timeout_ms = timeout_ms
        self.problems: list[str] = []
        self._opened: list[_RolledBack] = []

    def wrap(self, connector: Connector) -> Connector:
        wrapped = _RolledBack(connector, self)
        self._opened.append(wrapped)
        # the protocol's paramstyle and offset_first are class constants of each driver's
        # connector; the wrapper carries its connector's on the instance
        return cast(Connector, wrapped)

    async def __aenter__(self) -> "RollbackScope":
        return self

    async def __aexit__(self, *_: object) -> None:
        for wrapped in self._opened:
            await wrapped.roll_back()


class _RolledBack:
    """A connector whose every statement runs in the scope's one transaction."""

    offset_first: bool
    dialect: DatasourceType

    def __init__(self, real: Connector, scope: RollbackScope) -> None:
        self._real = real
        self._scope = scope
        self._kind: DatasourceType = scope.kind or "postgres"
        self.paramstyle: Literal["format", "qmark"] = real.paramstyle
        self.offset_first = real.offset_first
        self.dialect = real.dialect
        self.identifier_quote = real.identifier_quote
        self._tx: Transaction | None = None
        self._stack: AsyncExitStack | None = None
        self._names = itertools.count(1)
        self._lost: str | None = None

    def __repr__(self) -> str:
        return f"<RolledBack {self._real!r}>"

    # -- the protocol ------------------------------------------------------------------

    async def execute(
        self, sql: str, params: Params = None, *, timeout_ms: int | None = None
    ) -> QueryResult:
        del timeout_ms  # the scope's transaction carries the API's timeout
        self.guard(sql)
        if self._kind == "trino":
            return await self._real.read(sql, params)
        tx = await self._open()
        async with self._savepoint(tx):
            return await tx.execute(sql, params)

    async def read(
        self, sql: str, params: Params = None, *, timeout_ms: int | None = None
    ) -> QueryResult:
        return await self.execute(sql, params, timeout_ms=timeout_ms)

    def transaction(
        self, *, read_only: bool = False, timeout_ms: int | None = None
    ) -> AbstractAsyncContextManager[Transaction]:
        del read_only, timeout_ms  # one transaction holds everything; see the module doc
        return self._block()

    def stream(
        self,
        sql: str,
        params: Params = None,
        *,
        timeout_ms: int | None = None,
        batch_rows: int = STREAM_BATCH_ROWS,
    ) -> AbstractAsyncContextManager[RowStream]:
        """A stream reads on a connection of its own (outside the scope's transaction, so
        it does not see the scope's writes); it is checked like any statement."""
        self.guard(sql)
        return self._real.stream(sql, params, timeout_ms=timeout_ms, batch_rows=batch_rows)

    async def ping(self) -> None:
        await self._real.ping()

    async def tables(self) -> list[Table]:
        return await self._real.tables()

    async def close(self) -> None:
        """The pool is the real connector's: closing the scope's view leaves it open."""

    def usage(self) -> PoolUsage:
        return self._real.usage()

    # -- the scope ---------------------------------------------------------------------

    def guard(self, sql: str) -> None:
        try:
            check_statement(sql, self._kind)
        except Untestable as refused:
            self._scope.problems.append(refused.message)
            raise

    @asynccontextmanager
    async def _block(self) -> AsyncIterator[Transaction]:
        if self._kind == "trino":
            async with self._real.transaction(read_only=True) as tx:
                yield _Guarded(self, tx)
            return
        tx = await self._open()
        async with self._savepoint(tx):
            yield _Guarded(self, tx)

    async def _open(self) -> Transaction:
        if self._lost is not None:
            raise Untestable(self._lost)
        if self._tx is None:
            stack = AsyncExitStack()
            context = self._real.transaction(read_only=False, timeout_ms=self._scope.timeout_ms)
            tx = await stack.enter_async_context(context)
            self._tx, self._stack = tx, stack
            if self._kind == "mysql":
                await tx.execute(f"SAVEPOINT {_SCOPE_SAVEPOINT}")
        return self._tx

    @asynccontextmanager
    async def _savepoint(self, tx: Transaction) -> AsyncIterator[None]:
        name = f"{_SCOPE_SAVEPOINT}_{next(self._names)}"
        await self._control(tx, f"SAVEPOINT {name}")
        try:
            yield
        except Exception:
            await self._undo(tx, name)
            raise
        await self._control(tx, f"RELEASE SAVEPOINT {name}")

    async def _control(self, tx: Transaction, sql: str) -> None:
        try:
            await tx.execute(sql)
        except ConnectorError:
            self._lose()
            raise

    async def _undo(self, tx: Transaction, name: str) -> None:
        """Back to the savepoint. When it is gone (the connection dropped, or MySQL rolled
        the whole transaction back on a deadlock), nothing more is sent: the statements
        after it would no longer be inside the test's transaction."""
        try:
            await tx.execute(f"ROLLBACK TO SAVEPOINT {name}")
        except ConnectorError:
            self._lose()

    def _lose(self) -> None:
        if self._lost is None:
            self._lost = "The test's transaction was lost (a deadlock or a dropped connection)"
            self._scope.problems.append(self._lost)

    async def roll_back(self) -> None:
        stack, tx = self._stack, self._tx
        self._stack = self._tx = None
        if stack is None or tx is None:
            return
        if self._kind == "mysql" and self._lost is None:
            await self._kept_writes(tx)
        try:
            await stack.__aexit__(_RollBack, _RollBack(), None)
        except _RollBack:
            pass

    async def _kept_writes(self, tx: Transaction) -> None:
        try:
            await tx.execute(f"ROLLBACK TO SAVEPOINT {_SCOPE_SAVEPOINT}")
            warnings = (await tx.execute("SHOW WARNINGS")).rows or []
        except ConnectorError:
            return
        if any(_warning_code(row) == NOT_ROLLED_BACK for row in warnings):
            self._scope.problems.append(
                "A write went to a table that cannot roll back (MyISAM, Aria, MEMORY): it was kept"
            )


def _warning_code(row: dict[str, Any]) -> int | None:
    code = row.get("Code")
    return code if isinstance(code, int) else None


class _Guarded:
    """A transaction block's handle inside the scope: each statement checked first."""

    def __init__(self, owner: _RolledBack, tx: Transaction) -> None:
        self._owner = owner
        self._tx = tx

    async def execute(self, sql: str, params: Params = None) -> QueryResult:
        self._owner.guard(sql)
        return await self._tx.execute(sql, params)

    async def describe(self, sql: str, params: Params = None) -> list[ResultColumn] | None:
        self._owner.guard(sql)
        return await self._tx.describe(sql, params)

    async def execute_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self._owner.guard(sql)
        await self._tx.execute_many(sql, rows)


class _RollBack(Exception):
    """Thrown into the scope's transaction to roll it back."""
