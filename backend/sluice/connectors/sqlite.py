"""SQLite files through the standard library, run in a small thread pool of its own.

sqlite3 blocks, so every call runs on one of `pool_size` worker threads, each call with
one of `pool_size` connections (a connection is used by one thread at a time). The file
must exist (`options.path`); Sluice never creates a database by querying it.

Timeouts use SQLite's progress handler: every few thousand virtual-machine steps the
handler compares the clock with the call's deadline and aborts the statement past it. A
locked database (another writer) waits up to `connect_timeout_s` (the busy timeout) and
is then retried like any transient failure: the statement did not run.
"""

import asyncio
import datetime
import json
import sqlite3
import time
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import asynccontextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar, Literal, TypeVar

from sluice.connectors.base import (
    Column,
    ColumnInfo,
    ConnectionConfig,
    ConnectorError,
    DatasourceType,
    DatasourceUnavailable,
    InvalidConfig,
    Params,
    PoolUsage,
    QueryResult,
    ResultColumn,
    RowStream,
    Table,
    TableInfo,
    Transaction,
    WriteVerb,
)
from sluice.connectors.common import (
    DEFAULT_RETRY_DELAYS_MS,
    ConnectorEntry,
    Retry,
    detached,
    is_read_statement,
    key_columns,
    parked,
    timeout_error,
    with_retries,
)
from sluice.connectors.values import make_row
from sluice.engines.sql.errors import TemplateRenderError
from sluice.engines.sql.lexer import tokenize

T = TypeVar("T")
_PROGRESS_STEPS = 10_000


class _Handle:
    """A connection plus the deadline its progress handler enforces."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection
        self.deadline = float("inf")
        connection.set_progress_handler(self._expired, _PROGRESS_STEPS)

    def _expired(self) -> int:
        return 1 if time.monotonic() > self.deadline else 0

    def bounded(self, work: Callable[[], T], wanted_ms: int) -> Callable[[], T]:
        """`work` (for a worker thread) under a deadline `wanted_ms` from when it starts."""

        def run() -> T:
            self.deadline = time.monotonic() + wanted_ms / 1000
            try:
                return work()
            finally:
                self.deadline = float("inf")

        return run


def database_path(config: ConnectionConfig) -> Path:
    path = config.options.get("path")
    if not isinstance(path, str) or not path.strip():
        raise InvalidConfig("SQLite data source needs options.path, the database file")
    unknown = set(config.options) - {"path"}
    if unknown:
        raise InvalidConfig(f"Unsupported SQLite option(s): {', '.join(sorted(unknown))}")
    return Path(path)


class SQLiteConnector(ConnectorEntry):
    """One SQLite file: a few connections, used on a bounded pool of threads."""

    paramstyle: ClassVar[Literal["format", "qmark"]] = "qmark"
    offset_first: ClassVar[bool] = False
    dialect: ClassVar[DatasourceType] = "sqlite"
    identifier_quote: ClassVar[str] = '"'

    def __init__(
        self, config: ConnectionConfig, *, retry_delays_ms: Sequence[int] = DEFAULT_RETRY_DELAYS_MS
    ) -> None:
        self._config = config
        self._path = database_path(config)
        self._delays = tuple(retry_delays_ms)
        size = max(1, config.pool_size)
        self._threads = ThreadPoolExecutor(max_workers=size, thread_name_prefix="sluice-sqlite")
        self._idle: asyncio.Queue[_Handle] | None = None
        self._made = 0
        self._size = size

    def __repr__(self) -> str:
        return f"<SQLiteConnector {self._path.name}>"

    async def tables(self) -> list[Table]:
        result = await self.execute(_TABLES_SQL)
        tables: dict[str, list[Column]] = {}
        for row in result.rows or []:
            tables.setdefault(row["table_name"], []).append(
                Column(name=row["column_name"], type=row["column_type"] or "")
            )
        return [Table(schema="main", name=name, columns=cols) for name, cols in tables.items()]

    async def describe_table(self, name: str, schema: str | None = None) -> TableInfo | None:
        """Tables of the main database only (Sluice never attaches others)."""
        if schema not in (None, "main"):
            return None
        rows = (await self.read(_DESCRIBE_SQL, (name,))).rows or []
        if not rows:
            return None
        alias = rowid_alias(rows)
        return TableInfo(
            schema="main",
            name=name,
            columns=[_column_info(row, alias) for row in rows if row["hidden"] != 1],
            primary_key=key_columns(rows),
            is_view=rows[0]["table_type"] == "view",
            returning=_RETURNING if sqlite3.sqlite_version_info >= (3, 35) else frozenset(),
        )

    @asynccontextmanager
    async def _stream(
        self, sql: str, params: Params, wanted: int, batch_rows: int
    ) -> AsyncIterator[RowStream]:
        """The statement's cursor in a read-only transaction, a batch fetched per trip to
        a worker thread, each under the timeout. Leaving early interrupts the statement."""
        handle = await with_retries(lambda: self._begin_once(True), self._delays)
        rows = _SQLiteRows(self, handle, wanted, batch_rows)
        try:
            await rows.open(sql, params)
            yield rows
        finally:
            await rows.close()
            await self._end(handle, "ROLLBACK")
            await self._end(handle, "PRAGMA query_only = OFF")
            self._release(handle)

    async def close(self) -> None:
        idle, self._idle = self._idle, None
        while idle is not None and not idle.empty():
            handle = idle.get_nowait()
            await self._call(handle.connection.close)
        self._threads.shutdown(wait=False, cancel_futures=True)

    def usage(self) -> PoolUsage:
        idle = self._idle.qsize() if self._idle is not None else 0
        return PoolUsage(self._size, self._made - idle, parked(self._idle))

    # -- connections -------------------------------------------------------------------

    async def _call(self, function: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._threads, function)

    def _open(self) -> _Handle:
        uri = f"{self._path.resolve().as_uri()}?mode=rw"
        connection = sqlite3.connect(
            uri,
            uri=True,
            timeout=self._config.connect_timeout_s,
            isolation_level=None,
            check_same_thread=False,
        )
        return _Handle(connection)

    async def _acquire(self) -> _Handle:
        if self._idle is None:
            self._idle = asyncio.Queue()
        if self._idle.empty() and self._made < self._size:
            self._made += 1
            try:
                return await self._call(self._open)
            except sqlite3.Error as exc:
                self._made -= 1
                raise _failure(exc) from None
        return await self._idle.get()

    def _release(self, handle: _Handle) -> None:
        if self._idle is not None:
            self._idle.put_nowait(handle)
        else:
            handle.connection.close()

    # -- statements --------------------------------------------------------------------

    async def _execute_once(self, sql: str, params: Params, wanted_ms: int) -> QueryResult:
        handle = await self._acquire()
        try:
            return await self._run(handle, sql, params, wanted_ms)
        finally:
            self._release(handle)

    async def _run(self, handle: _Handle, sql: str, params: Params, wanted_ms: int) -> QueryResult:
        return await self._timed(
            handle, lambda: _execute(handle.connection, sql, params), wanted_ms
        )

    async def _timed(self, handle: _Handle, work: Callable[[], T], wanted_ms: int) -> T:
        try:
            return await self._call(handle.bounded(work, wanted_ms))
        except sqlite3.Error as exc:
            raise _failure(exc, wanted_ms) from None

    async def _run_once(
        self, handle: _Handle, sql: str, params: Params, wanted_ms: int
    ) -> QueryResult:
        """A statement inside a transaction: never retried, the error surfaces as is."""
        return await self._once(handle, lambda: _execute(handle.connection, sql, params), wanted_ms)

    async def _once(self, handle: _Handle, work: Callable[[], T], wanted_ms: int) -> T:
        try:
            return await self._timed(handle, work, wanted_ms)
        except Retry as signal:
            error = signal.error
        except ConnectorError as failure:
            error = failure
        raise detached(error)

    @asynccontextmanager
    async def _transaction(self, read_only: bool, wanted_ms: int) -> AsyncIterator[Transaction]:
        handle = await with_retries(lambda: self._begin_once(read_only), self._delays)
        try:
            yield _SQLiteTransaction(self, handle, wanted_ms)
            await self._run_once(handle, "COMMIT", None, wanted_ms)
        except ConnectorError as error:
            await self._end(handle, "ROLLBACK")
            detached(error)
            raise
        except BaseException:
            await self._end(handle, "ROLLBACK")
            raise
        finally:
            if read_only:
                await self._end(handle, "PRAGMA query_only = OFF")
            self._release(handle)

    async def _begin_once(self, read_only: bool) -> _Handle:
        handle = await self._acquire()
        try:
            if read_only:
                await self._run(handle, "PRAGMA query_only = ON", None, 1000)
            await self._run(handle, "BEGIN", None, 1000)
        except BaseException:
            self._release(handle)
            raise
        return handle

    async def _end(self, handle: _Handle, sql: str) -> None:
        await self._end_quietly(lambda: handle.connection.execute(sql))

    async def _end_quietly(self, work: Callable[[], object]) -> None:
        try:
            await self._call(work)
        except sqlite3.Error:
            return


class _SQLiteTransaction:
    def __init__(self, owner: SQLiteConnector, handle: _Handle, wanted_ms: int) -> None:
        self._owner = owner
        self._handle = handle
        self._wanted_ms = wanted_ms

    def __repr__(self) -> str:
        return "<SQLiteTransaction>"

    async def execute(self, sql: str, params: Params = None) -> QueryResult:
        return await self._owner._run_once(self._handle, sql, params, self._wanted_ms)

    async def describe(self, sql: str, params: Params = None) -> list[ResultColumn] | None:
        """SQLite's values have no fixed type: a column read straight from a table has
        the type it was declared with; any other column (an expression) has none."""
        connection = self._handle.connection
        return await self._owner._once(
            self._handle, lambda: _described(connection, sql, params), self._wanted_ms
        )

    async def execute_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        connection, values = self._handle.connection, [bindable(row) for row in rows]
        await self._owner._once(
            self._handle, lambda: connection.executemany(sql, values), self._wanted_ms
        )


class _SQLiteRows:
    """A stream's cursor: the statement run by `open`, a batch read by each `fetch`, each
    on a worker thread. The work in flight is kept, so `close` can interrupt it and wait
    for its thread before the connection goes back to the pool."""

    def __init__(self, owner: SQLiteConnector, handle: _Handle, wanted_ms: int, batch: int) -> None:
        self._owner = owner
        self._handle = handle
        self._wanted_ms = wanted_ms
        self._batch = max(1, batch)
        self._cursor: sqlite3.Cursor | None = None
        self._running: Future[Any] | None = None
        self.columns: list[str] = []
        self.done = False

    def __repr__(self) -> str:
        return "<SQLiteRows>"

    async def _in_thread(self, work: Callable[[], T]) -> T:
        self._running = self._owner._threads.submit(self._handle.bounded(work, self._wanted_ms))
        try:
            return await asyncio.wrap_future(self._running)
        except sqlite3.Error as exc:
            failure = _failure(exc, self._wanted_ms)
        raise detached(failure.error if isinstance(failure, Retry) else failure)

    async def open(self, sql: str, params: Params) -> None:
        bound: Sequence[Any] | Mapping[str, Any] = () if params is None else params
        bound = bound if isinstance(bound, Mapping) else bindable(bound)
        self._cursor = await self._in_thread(lambda: self._handle.connection.execute(sql, bound))
        if self._cursor.description is None:
            raise ConnectorError("Query failed: the statement returns no rows")
        self.columns = [column[0] for column in self._cursor.description]

    async def fetch(self) -> list[dict[str, Any]]:
        cursor = self._cursor
        if self.done or cursor is None:
            return []
        values = await self._in_thread(lambda: cursor.fetchmany(self._batch))
        self.done = len(values) < self._batch
        return [make_row(self.columns, row) for row in values]

    async def close(self) -> None:
        running, cursor = self._running, self._cursor
        if running is not None and not running.done():
            self._handle.connection.interrupt()
            await asyncio.wait([asyncio.wrap_future(running)])
        if cursor is not None:
            await self._owner._end_quietly(cursor.close)


_NATIVE = frozenset({int, float, str, bytes, type(None), bool})


def _stored(value: Any) -> Any:
    """A value SQLite stores as it is, or its text: exact decimals, ISO 8601 dates and
    times (what Python's deprecated default adapters wrote), lists and objects as JSON."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.datetime):
        return value.isoformat(" ")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, list | dict):
        return json.dumps(value)
    return value


def bindable(values: Sequence[Any]) -> tuple[Any, ...]:
    """Positional values SQLite can bind (see `_stored`); plain ones pass untouched."""
    if all(value.__class__ in _NATIVE for value in values):
        return tuple(values)
    return tuple(map(_stored, values))


def _execute(connection: sqlite3.Connection, sql: str, params: Params) -> QueryResult:
    bound: Sequence[Any] | Mapping[str, Any] = () if params is None else params
    cursor = connection.execute(sql, bound if isinstance(bound, Mapping) else bindable(bound))
    try:
        if cursor.description is None:
            return QueryResult(columns=[], rows=None, rowcount=cursor.rowcount)
        columns = [column[0] for column in cursor.description]
        rows = [make_row(columns, row) for row in cursor.fetchall()]
        return QueryResult(columns=columns, rows=rows, rowcount=len(rows))
    finally:
        cursor.close()


_DESCRIBED_VIEW = "sluice_described"


def _described(
    connection: sqlite3.Connection, sql: str, params: Params
) -> list[ResultColumn] | None:
    """Each column's declared type where it is a table's column: a read's through a
    temporary view (which the caller's rolled-back transaction removes), a write's
    RETURNING columns from the written table. A value's own type is no promise about the
    next (`SELECT ? AS price` is whatever the caller sent), so none is read from rows."""
    bound: Sequence[Any] | Mapping[str, Any] = () if params is None else params
    cursor = connection.execute(sql, bound if isinstance(bound, Mapping) else bindable(bound))
    try:
        if cursor.description is None:
            return None
        names = [column[0] for column in cursor.description]
    finally:
        cursor.close()
    if is_read_statement(sql):
        declared = _declared_types(connection, sql, len(names))
    else:
        declared = _returned_types(connection, sql, names)
    declared = declared or [""] * len(names)
    return [ResultColumn(name, kind) for name, kind in zip(names, declared, strict=True)]


_TARGET_AFTER = {"into", "update", "from"}


def _returned_types(connection: sqlite3.Connection, sql: str, names: list[str]) -> list[str]:
    """A write's RETURNING columns typed as the written table declares the columns of
    those names (the first table named after INTO, UPDATE or DELETE FROM)."""
    try:
        words = [t.text for t in tokenize(sql, backslash_escapes=False) if t.kind != "space"]
    except TemplateRenderError:
        return []
    at = next((i for i, w in enumerate(words) if w.lower() in _TARGET_AFTER), None)
    if at is None or at + 1 >= len(words):
        return []
    table = words[at + 1].strip('"`[]')
    try:
        rows = connection.execute("SELECT name, type FROM pragma_table_info(?)", (table,))
        declared = {str(name).lower(): str(kind or "").lower() for name, kind in rows}
    except sqlite3.Error:
        return []
    return [declared.get(name.lower(), "") for name in names]


def _declared_types(connection: sqlite3.Connection, sql: str, count: int) -> list[str]:
    """A read's declared column types: the statement as a temporary view (its `?` markers
    as NULL: a view takes no parameters), listed by `PRAGMA table_info`."""
    tokens = tokenize(sql, backslash_escapes=False)
    text = "".join(t.text.replace("?", "NULL") if t.kind == "other" else t.text for t in tokens)
    try:
        connection.execute(f"CREATE TEMP VIEW {_DESCRIBED_VIEW} AS {text}")
        rows = connection.execute(f"PRAGMA temp.table_info({_DESCRIBED_VIEW})").fetchall()
        connection.execute(f"DROP VIEW temp.{_DESCRIBED_VIEW}")
    except (sqlite3.Error, TemplateRenderError):
        return []
    types = [str(row[2] or "").lower() for row in rows]
    return types if len(types) == count else []


def _failure(exc: sqlite3.Error, timeout_ms: int = 0) -> ConnectorError | Retry:
    detail = str(exc)
    if detail == "interrupted":
        return timeout_error(timeout_ms, detail)
    if "locked" in detail or "busy" in detail:
        return Retry(DatasourceUnavailable("Data source busy: database is locked", detail=detail))
    if "unable to open" in detail:
        return ConnectorError("Connection failed: cannot open the database file", detail=detail)
    if "readonly" in detail or "read-only" in detail:
        return ConnectorError("Query failed: not allowed in this transaction", detail=detail)
    if isinstance(exc, sqlite3.IntegrityError):
        return ConnectorError("Query failed: constraint violation", detail=detail)
    if isinstance(exc, sqlite3.OperationalError | sqlite3.ProgrammingError):
        return ConnectorError("Query failed: invalid statement or parameters", detail=detail)
    return ConnectorError("Query failed: database error", detail=detail)


_TABLES_SQL = """
SELECT m.name AS table_name, p.name AS column_name, p.type AS column_type
FROM sqlite_master m JOIN pragma_table_info(m.name) p
WHERE m.type IN ('table', 'view') AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
ORDER BY m.name, p.cid
"""

_DESCRIBE_SQL = """
SELECT m.type AS table_type, instr(upper(m.sql), 'WITHOUT ROWID') > 0 AS without_rowid,
       p.name AS column_name, p.type AS column_type, p."notnull" AS not_null,
       p.dflt_value AS column_default, p.pk AS key_position, p.hidden AS hidden
FROM sqlite_master m JOIN pragma_table_xinfo(m.name) p
WHERE m.name = ? AND m.type IN ('table', 'view')
ORDER BY p.cid
"""
_RETURNING: frozenset[WriteVerb] = frozenset({"INSERT", "UPDATE", "DELETE"})


def rowid_alias(rows: list[dict[str, Any]]) -> str | None:
    """The column that is the table's rowid (a lone INTEGER PRIMARY KEY of a rowid table):
    an insert that leaves it out, or gives it NULL, gets the next id."""
    keys = [row for row in rows if row["key_position"]]
    if len(keys) != 1 or rows[0]["without_rowid"]:
        return None
    return str(keys[0]["column_name"]) if keys[0]["column_type"].upper() == "INTEGER" else None


def _column_info(row: dict[str, Any], alias: str | None) -> ColumnInfo:
    """A pragma_table_xinfo row: `hidden` 2 and 3 are generated (computed) columns."""
    return ColumnInfo(
        name=row["column_name"],
        type=row["column_type"] or "",
        nullable=not row["not_null"] and row["column_name"] != alias,
        default=row["column_default"],
        auto=row["column_name"] == alias,
        writable=row["hidden"] not in (2, 3),
    )
