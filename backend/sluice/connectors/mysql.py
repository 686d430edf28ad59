"""MySQL and MariaDB (and MySQL-protocol engines: TiDB, StarRocks) over asyncmy.

asyncmy was chosen over aiomysql because it is 2-3 times faster on point queries at the
same API (both keep PyMySQL's), is typed and is actively released; `bench/connectors.py`
shows the numbers.

Connections are in autocommit: a lone statement is its own transaction, one round trip.
The statement timeout is the server's where it has one:

- MariaDB: every connection starts with `max_statement_time` at the source's default
  (`init_command`, part of the handshake); a call that wants another value is sent as
  `SET STATEMENT max_statement_time=N FOR <statement>`, no extra round trip.
- MySQL and the others: a SELECT carries the `MAX_EXECUTION_TIME(N)` optimizer hint (a
  comment to engines that do not know it).

Anything else is bounded on the client: past the deadline (plus a grace period when the
server was told) the statement is killed with `KILL QUERY` from a side connection and its
connection dropped. A connection the server closed while idle is noticed by the pool
(EOF on its socket) and replaced.

MariaDB's JSON type is LONGTEXT with a `json_valid` check, so its values arrive as text:
a text column that comes straight from a table column declared JSON is parsed (the JSON
columns of each table are looked up once); a computed JSON expression stays text. MySQL's
own JSON type is always parsed.
"""

import asyncio
import re
import ssl
from collections.abc import AsyncIterator, Awaitable, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any, ClassVar, Literal, TypeVar

import asyncmy
from asyncmy.constants import FIELD_TYPE
from asyncmy.cursors import Cursor, SSCursor

from sluice.connectors.base import (
    Column,
    ColumnInfo,
    ConnectionConfig,
    ConnectorError,
    DatasourceType,
    DatasourceUnavailable,
    InvalidConfig,
    InvalidValue,
    Params,
    PoolUsage,
    QueryResult,
    ResultColumn,
    RowStream,
    Table,
    TableInfo,
    Transaction,
    WriteVerb,
    query_result,
)
from sluice.connectors.common import (
    DEFAULT_RETRY_DELAYS_MS,
    ConnectorEntry,
    Deadlines,
    Retry,
    detached,
    is_read_statement,
    key_columns,
    parked,
    scrub,
    timeout_error,
    with_retries,
)
from sluice.connectors.values import Converter, RowShape, ShapeCache, json_value, parse_json

SESSION_OPTIONS = frozenset({"charset"})
"""Options that do not decide how the password travels (`ssl` does)."""
SAFE_OPTIONS = SESSION_OPTIONS | {"ssl"}
"""Driver options a data source may set: `charset` (default utf8mb4) and `ssl` (true, or
a mapping of `ca`, `cert`, `key` file paths and `verify_identity`). Left out on purpose:
`init_command` (arbitrary SQL on every connection), `local_infile` (lets the server read
the Sluice host's files) and option files."""

_JSON_TYPE = 245
_TEXT_TYPES = frozenset({249, 250, 251, 252})
_STRING_TYPES = _TEXT_TYPES | {15, 253, 254}
"""VARCHAR, the TEXT/BLOB family, VAR_STRING, STRING: str, or bytes for a binary charset."""
_READY_TYPES = frozenset({1, 2, 3, 8, 9, 13, 6})
"""TINY, SHORT, LONG, LONGLONG, INT24, YEAR (ints) and NULL: JSON-ready as decoded."""
_BINARY_CHARSET = 63
_TYPE_NAMES = {
    code: name.lower()
    for name, code in vars(FIELD_TYPE).items()
    if name.isupper() and name not in ("CHAR", "INTERVAL")
}
"""The protocol's type codes by name (`newdecimal`, `longlong`, `var_string`...)."""
_TIMEOUT_CODES = frozenset({1969, 3024, 1317})
_CONFLICT_CODES = frozenset({1213, 1205})
_GONE_CODES = frozenset({2002, 2003, 2005, 2006, 2013, 2055, 1040, 1053, 1927, 4031})
_REJECTED_CODES = {
    1044: "Connection failed: authentication rejected",
    1045: "Connection failed: authentication rejected",
    1049: "Connection failed: unknown database",
}
_CODE_MESSAGES = {
    1792: "Query failed: not allowed in this transaction",
    1062: "Query failed: constraint violation",
    1451: "Query failed: constraint violation",
    1452: "Query failed: constraint violation",
    1048: "Query failed: constraint violation",
    3819: "Query failed: constraint violation",
    4025: "Query failed: constraint violation",
}
_INVALID_VALUE_CODES = frozenset({1264, 1292, 1365, 1366, 1367, 1406, 1411, 1690, 1918, 3140})
"""Values refused for their column or type (SQLSTATE 22001, 22003, 22007, 22012, 22032
and the like): out of range, malformed date or number, too long, division by zero,
invalid JSON text. The caller's mistake: 400."""
_SELECT_HEAD = re.compile(r"^(\s*\(?\s*select)\b", re.IGNORECASE)
_BACKSTOP_S = 2.0

Connection = asyncmy.Connection
Pool = asyncmy.Pool
T = TypeVar("T")


def connection_kwargs(config: ConnectionConfig) -> dict[str, Any]:
    """asyncmy connect() arguments for a data source; InvalidConfig for anything unsafe."""
    if not config.host:
        raise InvalidConfig("MySQL data source needs a host")
    unknown = set(config.options) - SAFE_OPTIONS
    if unknown:
        raise InvalidConfig(f"Unsupported MySQL option(s): {', '.join(sorted(unknown))}")
    charset = config.options.get("charset", "utf8mb4")
    if not isinstance(charset, str) or not charset.isidentifier():
        raise InvalidConfig("MySQL option charset must be a charset name")
    kwargs: dict[str, Any] = {
        "host": config.host,
        "port": config.port or 3306,
        "user": config.username or "",
        "password": config.password or "",
        "database": config.database or None,
        "charset": charset,
        "connect_timeout": max(1, round(config.connect_timeout_s)),
        "autocommit": True,
    }
    tls = _ssl_context(config.options.get("ssl"))
    if tls is not None:
        kwargs["ssl"] = tls
    return kwargs


def _ssl_context(value: Any) -> ssl.SSLContext | None:
    if value is None or value is False:
        return None
    if value is True:
        return ssl.create_default_context()
    if not isinstance(value, Mapping) or set(value) - {"ca", "cert", "key", "verify_identity"}:
        raise InvalidConfig("MySQL option ssl must be true or a mapping of ca, cert, key")
    context = ssl.create_default_context(cafile=value.get("ca"))
    if value.get("cert"):
        context.load_cert_chain(value["cert"], value.get("key"))
    context.check_hostname = bool(value.get("verify_identity", True))
    return context


class MySQLConnector(ConnectorEntry):
    """One MySQL-protocol data source: a lazily created asyncmy pool plus the translation."""

    paramstyle: ClassVar[Literal["format", "qmark"]] = "format"
    offset_first: ClassVar[bool] = False
    dialect: ClassVar[DatasourceType] = "mysql"
    identifier_quote: ClassVar[str] = "`"

    def __init__(
        self, config: ConnectionConfig, *, retry_delays_ms: Sequence[int] = DEFAULT_RETRY_DELAYS_MS
    ) -> None:
        self._config = config
        self._kwargs = connection_kwargs(config)
        self._delays = tuple(retry_delays_ms)
        self._pool: Pool | None = None
        self._open_lock = asyncio.Lock()
        self._mariadb = False
        self._json_columns: dict[str, frozenset[str]] = {}
        self._shapes = ShapeCache()
        self._default_ms = config.statement_timeout_ms
        self._deadlines = Deadlines()

    def __repr__(self) -> str:
        return f"<MySQLConnector {self._config.host}:{self._kwargs['port']}>"

    # -- public protocol ---------------------------------------------------------------

    @asynccontextmanager
    async def _stream(
        self, sql: str, params: Params, wanted: int, batch_rows: int
    ) -> AsyncIterator[RowStream]:
        """An unbuffered cursor (SSCursor) in a read-only transaction: the server sends rows
        as the client reads them. The server's statement timeout would count the whole
        stream (a slow reader included), so it is lifted for this statement and each fetch
        is bounded on the client instead. Leaving before the rows ran out kills the query
        from a side connection and drops this one (an unbuffered result cannot be left
        unread on a connection that goes back to the pool)."""
        begin = "START TRANSACTION READ ONLY"
        pool, connection = await with_retries(lambda: self._begin_once(begin), self._delays)
        rows = _MySQLRows(self, connection, wanted, batch_rows)
        try:
            await rows.open(sql, params)
            yield rows
        finally:
            await self._end_stream(connection, rows.done)
            pool.release(connection)

    async def _end_stream(self, connection: Connection, done: bool) -> None:
        """Commit a stream read to its end; otherwise stop its query and drop the connection."""
        if done:
            try:
                await self._control(connection, "COMMIT", retry_safe=False)
                return
            except ConnectorError:
                pass
        await self._kill(connection.thread_id())
        connection.close()

    async def tables(self) -> list[Table]:
        result = await self.execute(_TABLES_SQL)
        tables: dict[tuple[str, str], list[Column]] = {}
        for row in result.rows or []:
            key = (row["table_schema"], row["table_name"])
            tables.setdefault(key, []).append(Column(row["column_name"], row["column_type"]))
        return [Table(schema=s, name=t, columns=columns) for (s, t), columns in tables.items()]

    async def describe_table(self, name: str, schema: str | None = None) -> TableInfo | None:
        async with self.transaction(read_only=True) as tx:
            version = (await tx.execute("SELECT VERSION() AS v")).rows or [{"v": ""}]
            columns = (await tx.execute(_DESCRIBE_SQL, (schema, name))).rows or []
            json = (await tx.execute(_JSON_CHECKS_SQL, (schema, name))).rows or []
        if not columns:
            return None
        json_columns = {str(row["name"]) for row in json}
        return TableInfo(
            schema=columns[0]["table_schema"],
            name=columns[0]["table_name"],
            columns=[_column_info(row, json_columns) for row in columns],
            primary_key=key_columns(columns),
            is_view=columns[0]["table_type"] == "VIEW",
            returning=returning(str(version[0]["v"])),
        )

    async def close(self) -> None:
        if self._pool is not None:
            pool, self._pool = self._pool, None
            pool.terminate()
            await pool.wait_closed()
        self._deadlines.close()

    def usage(self) -> PoolUsage:
        """asyncmy counts connections in use (or being opened) as its size less the free."""
        pool, size = self._pool, max(1, self._config.pool_size)
        if pool is None:
            return PoolUsage(size, 0, 0)
        return PoolUsage(size, pool.size - pool.freesize, parked(pool.cond))

    # -- connections -------------------------------------------------------------------

    async def _open_pool(self) -> Pool:
        """Create the pool on first use, after one direct connection has told us the
        server's flavor (which decides the timeout mechanism set up on each connection)."""
        async with self._open_lock:
            if self._pool is None:
                probe = await asyncmy.connect(**self._kwargs)
                self._mariadb = "mariadb" in probe.get_server_info().lower()
                await probe.ensure_closed()
                self._pool = await asyncmy.create_pool(
                    minsize=1,
                    maxsize=max(1, self._config.pool_size),
                    pool_recycle=600,
                    init_command=self._init_command(),
                    **self._kwargs,
                )
            return self._pool

    def _init_command(self) -> str | None:
        if self._mariadb:
            return f"SET SESSION max_statement_time = {self._config.statement_timeout_ms / 1000}"
        return None

    async def _acquire(self) -> tuple[Pool, Connection]:
        """A pooled connection, waiting at most connect_timeout_s for a free one. The wait
        is bounded by the deadline ticker, not a timer of its own: with more callers than
        connections, every other call waits here, and a timer each measured at several
        microseconds a call."""
        deadlines = self._deadlines
        waiting = None
        try:
            pool = self._pool or await self._open_pool()
            if pool.freesize:  # no wait, so no deadline either
                return pool, await pool.acquire()
            waiting = deadlines.start(self._config.connect_timeout_s)
            return pool, await pool.acquire()
        except asyncio.CancelledError:
            if waiting is None or not deadlines.expired(waiting):
                raise
            unavailable = DatasourceUnavailable(
                "Data source unavailable: no free connection",
                detail=f"no connection from the pool within {self._config.connect_timeout_s} s",
            )
        except Exception as exc:  # asyncmy raises OSError, RuntimeError and its own errors
            raise self._failure(exc, "", 0, retry_safe=True, sent=False) from None
        finally:
            if waiting is not None:
                deadlines.finish(waiting)
        raise Retry(unavailable)

    async def _kill(self, thread_id: int) -> None:
        """Stop a statement the server is still running, from a side connection."""
        try:
            async with asyncio.timeout(self._config.connect_timeout_s):
                side = await asyncmy.connect(**self._kwargs)
                try:
                    async with side.cursor() as cursor:
                        await cursor.execute(f"KILL QUERY {int(thread_id)}")
                finally:
                    await side.ensure_closed()
        except Exception:  # best effort: the connection is dropped either way
            return

    # -- statements --------------------------------------------------------------------

    def _timed(self, sql: str, wanted_ms: int) -> tuple[str, float]:
        """The statement with its server-side timeout, and the client-side grace period."""
        if self._mariadb:
            if wanted_ms == self._config.statement_timeout_ms:
                return sql, _BACKSTOP_S
            return f"SET STATEMENT max_statement_time={wanted_ms / 1000} FOR {sql}", _BACKSTOP_S
        if _SELECT_HEAD.match(sql):
            hinted = _SELECT_HEAD.sub(rf"\1 /*+ MAX_EXECUTION_TIME({int(wanted_ms)}) */", sql, 1)
            return hinted, _BACKSTOP_S
        return sql, 0.0

    async def _execute_once(self, sql: str, params: Params, wanted_ms: int) -> QueryResult:
        """One attempt on a pooled connection (the hot path: one coroutine, no timer)."""
        pool = self._pool
        if pool is not None and pool.freesize:  # the common case: no wait
            try:
                connection = await pool.acquire()
            except Exception as exc:  # asyncmy raises OSError, RuntimeError and its own
                raise self._failure(exc, "", 0, retry_safe=True, sent=False) from None
        else:
            pool, connection = await self._acquire()
        try:
            return await self._run(connection, sql, params, wanted_ms, retry_safe=True)
        finally:
            pool.release(connection)

    async def _run(
        self, connection: Connection, sql: str, params: Params, wanted_ms: int, *, retry_safe: bool
    ) -> QueryResult:
        if self._mariadb and wanted_ms == self._default_ms:
            statement, grace = sql, _BACKSTOP_S  # the connection's own timeout applies
        else:
            statement, grace = self._timed(sql, wanted_ms)
        deadlines = self._deadlines
        deadline = deadlines.start(wanted_ms / 1000 + grace)
        try:
            cursor = connection.cursor()
            await cursor.execute(statement, _bind(params))
            description = cursor.description
            if description:
                shape = self._shapes.get(description)
                if shape is None or (shape.guard and not _holds(shape.guard, cursor)):
                    shape = await self._shape(connection, cursor, description)
                rows = shape.rows(await cursor.fetchall())
                result = query_result(shape.columns.copy(), rows, _rowcount(cursor))
            else:
                result = query_result([], None, _rowcount(cursor))
            await cursor.close()  # reads any further result set (a procedure's status)
            return result
        except asyncio.CancelledError:
            if not deadlines.expired(deadline):
                connection.close()
                raise
            await self._kill(connection.thread_id())
            connection.close()
            raise timeout_error(wanted_ms, "cancelled by the client") from None
        except Exception as exc:
            raise self._failure(exc, sql, wanted_ms, retry_safe=retry_safe, sent=True) from None
        finally:
            deadlines.finish(deadline)

    async def _shape(
        self, connection: Connection | None, cursor: Cursor, description: tuple[Any, ...]
    ) -> RowShape:
        """Work out (and cache, by the description) how to convert this result's rows.

        The description does not tell a binary string from a text one, nor (on MariaDB)
        a JSON column from another LONGTEXT, so the shape is guarded by those fields'
        charset and origin, checked on every cache hit."""
        columns = [column[0] for column in description]
        fields = _fields(cursor)
        if len(fields) != len(columns):  # no field metadata: convert every value
            return RowShape(columns, [json_value] * len(columns))
        converters: list[Converter | None] = []
        guard = []
        for index, field in enumerate(fields):
            code = field.type_code
            converter: Converter | None = json_value
            if code == _JSON_TYPE:
                converter = parse_json
            elif code in _READY_TYPES:
                converter = None
            elif code in _STRING_TYPES:
                guard.append((index, field.charsetnr, field.org_table, field.org_name))
                if await self._is_json(connection, field):
                    converter = parse_json
                elif field.charsetnr != _BINARY_CHARSET:
                    converter = None
            converters.append(converter)
        return self._shapes.put(description, RowShape(columns, converters, tuple(guard)))

    async def _is_json(self, connection: Connection | None, field: Any) -> bool:
        """A MariaDB text column taken straight from a table column declared JSON."""
        return bool(
            self._mariadb
            and field.type_code in _TEXT_TYPES
            and field.org_table
            and field.org_name in await self._json_columns_of(connection, field.org_table)
        )

    async def _json_columns_of(self, connection: Connection | None, table: str) -> frozenset[str]:
        """MariaDB's JSON columns of a table in the current database (cached). Without a
        connection (a stream's is busy with its unread result) on a side connection."""
        if table not in self._json_columns:
            side = await asyncmy.connect(**self._kwargs) if connection is None else None
            asking = side or connection
            assert asking is not None
            try:
                async with asking.cursor() as cursor:
                    await cursor.execute(_JSON_COLUMNS_SQL, (table,))
                    names = frozenset(str(row[0]) for row in await cursor.fetchall())
            finally:
                if side is not None:
                    await side.ensure_closed()
            self._json_columns[table] = names
        return self._json_columns[table]

    @asynccontextmanager
    async def _transaction(self, read_only: bool, wanted_ms: int) -> AsyncIterator[Transaction]:
        begin = "START TRANSACTION READ ONLY" if read_only else "START TRANSACTION"
        pool, connection = await with_retries(lambda: self._begin_once(begin), self._delays)
        try:
            yield _MySQLTransaction(self, connection, wanted_ms)
            await self._control(connection, "COMMIT", retry_safe=False)
        except ConnectorError as error:
            await self._rollback(connection)
            detached(error)
            raise
        except BaseException:
            await self._rollback(connection)
            raise
        finally:
            pool.release(connection)

    async def _begin_once(self, begin: str) -> tuple[Pool, Connection]:
        pool, connection = await self._acquire()
        try:
            await self._control(connection, begin, retry_safe=True)
        except BaseException:
            connection.close()
            pool.release(connection)
            raise
        return pool, connection

    async def _control(self, connection: Connection, command: str, *, retry_safe: bool) -> None:
        """A transaction command (no timeout prefix: MariaDB refuses SET STATEMENT there)."""
        try:
            async with asyncio.timeout(self._config.connect_timeout_s + _BACKSTOP_S):
                async with connection.cursor() as cursor:
                    await cursor.execute(command)
        except TimeoutError:
            connection.close()
            failure: ConnectorError | Retry = DatasourceUnavailable(
                "Data source unavailable: no answer", detail=f"{command} got no answer"
            )
        except Exception as exc:
            failure = self._failure(exc, command, 0, retry_safe=retry_safe, sent=False)
        else:
            return
        raise failure

    async def _rollback(self, connection: Connection) -> None:
        try:
            await connection.rollback()
        except Exception:
            connection.close()

    # -- errors ------------------------------------------------------------------------

    def _failure(
        self, exc: Exception, sql: str, timeout_ms: int, *, retry_safe: bool, sent: bool
    ) -> ConnectorError | Retry:
        """Translate a driver error; a Retry only when trying again cannot repeat a write."""
        code = exc.args[0] if isinstance(exc, asyncmy.errors.MySQLError) and exc.args else None
        detail = scrub(" ".join(str(arg) for arg in exc.args) or type(exc).__name__, self._pw)
        if code in _TIMEOUT_CODES:
            return timeout_error(timeout_ms, detail)
        if code in _REJECTED_CODES:
            return ConnectorError(_REJECTED_CODES[code], detail=detail)
        if code in _CONFLICT_CODES:
            error = DatasourceUnavailable("Query failed: transaction conflict", detail=detail)
            return Retry(error) if retry_safe else error
        if code in _GONE_CODES or isinstance(exc, OSError | EOFError | RuntimeError):
            reason = "connection lost" if sent else "cannot connect"
            error = DatasourceUnavailable(f"Data source unavailable: {reason}", detail=detail)
            safe = retry_safe and (not sent or is_read_statement(sql))
            return Retry(error) if safe else error
        if code in _INVALID_VALUE_CODES:
            return InvalidValue("Query failed: invalid value", detail=detail)
        if isinstance(exc, asyncmy.errors.ProgrammingError | TypeError | ValueError):
            return ConnectorError("Query failed: invalid statement or parameters", detail=detail)
        message = _CODE_MESSAGES.get(code or 0, "Query failed: database error")
        return ConnectorError(message, detail=detail)

    @property
    def _pw(self) -> str | None:
        return self._config.password


class _MySQLTransaction:
    """The handle a transaction block gets: statements on the one pinned connection."""

    def __init__(self, owner: MySQLConnector, connection: Connection, wanted_ms: int) -> None:
        self._owner = owner
        self._connection = connection
        self._wanted_ms = wanted_ms

    def __repr__(self) -> str:
        return "<MySQLTransaction>"

    async def execute(self, sql: str, params: Params = None) -> QueryResult:
        run: Awaitable[QueryResult] = self._owner._run(
            self._connection, sql, params, self._wanted_ms, retry_safe=False
        )
        try:
            return await run
        except ConnectorError as error:
            detached(error)
            raise

    async def describe(self, sql: str, params: Params = None) -> list[ResultColumn] | None:
        """The cursor's description: the type by its protocol code, `json` for a JSON
        column (MariaDB's LONGTEXT ones too), `blob` for binary strings; NOT NULL known."""
        owner, connection = self._owner, self._connection
        try:
            cursor = connection.cursor()
            await cursor.execute(sql, _bind(params))
            description, fields = cursor.description, _fields(cursor)
            columns: list[ResultColumn] | None = None
            if description:
                columns = []
                for index, column in enumerate(description):
                    field = fields[index] if len(fields) == len(description) else None
                    kind = _TYPE_NAMES.get(column[1], "")
                    if column[1] in _STRING_TYPES and field is not None:
                        if await owner._is_json(connection, field):
                            kind = "json"
                        elif field.charsetnr == _BINARY_CHARSET:
                            kind = "blob"
                    columns.append(ResultColumn(column[0], kind, bool(column[6])))
            await cursor.close()
            return columns
        except ConnectorError as error:
            detached(error)
            raise
        except Exception as exc:
            raise owner._failure(exc, sql, self._wanted_ms, retry_safe=False, sent=True) from None

    async def execute_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """asyncmy's executemany: one multi-row INSERT (or MariaDB's bulk command)."""
        owner, connection = self._owner, self._connection
        try:
            async with asyncio.timeout(self._wanted_ms / 1000 + _BACKSTOP_S):
                async with connection.cursor() as cursor:
                    await cursor.executemany(sql, [tuple(row) for row in rows])
            return
        except TimeoutError:
            await owner._kill(connection.thread_id())
            connection.close()
            error: ConnectorError | Retry = timeout_error(
                self._wanted_ms, "cancelled by the client"
            )
        except Exception as exc:
            error = owner._failure(exc, sql, self._wanted_ms, retry_safe=False, sent=True)
        raise detached(error.error if isinstance(error, Retry) else error)


class _MySQLRows:
    """A stream's unbuffered cursor: run by `open`, read a batch at a time by `fetch`."""

    def __init__(
        self, owner: MySQLConnector, connection: Connection, wanted_ms: int, batch_rows: int
    ) -> None:
        self._owner = owner
        self._cursor = connection.cursor(SSCursor)
        self._wanted_ms = wanted_ms
        self._batch = max(1, batch_rows)
        self._sql = ""
        self._shape = RowShape([], [])
        self.columns: list[str] = []
        self.done = False
        """Whether the result was read to its end (the connection is then clean)."""

    def __repr__(self) -> str:
        return "<MySQLRows>"

    async def open(self, sql: str, params: Params) -> None:
        self._sql = sql
        owner, cursor = self._owner, self._cursor
        unlimited = f"SET STATEMENT max_statement_time=0 FOR {sql}" if owner._mariadb else sql
        await self._bounded(cursor.execute(unlimited, _bind(params)))
        description = cursor.description
        if not description:
            self.done = True
            raise ConnectorError("Query failed: the statement returns no rows")
        shape = owner._shapes.get(description)
        if shape is None or (shape.guard and not _holds(shape.guard, cursor)):
            shape = await owner._shape(None, cursor, description)
        self._shape = shape
        self.columns = shape.columns.copy()

    async def fetch(self) -> list[dict[str, Any]]:
        if self.done:
            return []
        rows = await self._bounded(self._cursor.fetchmany(self._batch))
        self.done = len(rows) < self._batch  # fetchmany stops short only at the end
        return self._shape.rows(rows) if rows else []

    async def _bounded(self, work: Awaitable[T]) -> T:
        """One round of the stream within the call's timeout, its errors translated."""
        try:
            async with asyncio.timeout(self._wanted_ms / 1000):
                return await work
        except TimeoutError:
            error: ConnectorError | Retry = timeout_error(
                self._wanted_ms, "cancelled by the client"
            )
        except Exception as exc:
            error = self._owner._failure(
                exc, self._sql, self._wanted_ms, retry_safe=False, sent=True
            )
        raise detached(error.error if isinstance(error, Retry) else error)


def _fields(cursor: Cursor) -> list[Any]:
    """The driver's per-column metadata of the current result (charset, origin)."""
    return getattr(getattr(cursor, "_result", None), "fields", None) or []


def _holds(guard: tuple[Any, ...], cursor: Cursor) -> bool:
    """Whether a cached shape's guarded fields still have the charset and origin seen."""
    fields = _fields(cursor)
    try:
        for index, charset, table, name in guard:
            field = fields[index]
            if field.charsetnr != charset or field.org_table != table or field.org_name != name:
                return False
    except IndexError:
        return False
    return True


def _rowcount(cursor: Cursor) -> int | None:
    count = cursor.rowcount
    return count if isinstance(count, int) and count >= 0 else None


def _bind(params: Params) -> Sequence[Any] | Mapping[str, Any] | None:
    if params is None or params.__class__ is tuple or isinstance(params, Mapping):
        return params
    return tuple(params)


_TABLES_SQL = """
SELECT c.TABLE_SCHEMA AS table_schema, c.TABLE_NAME AS table_name,
       c.COLUMN_NAME AS column_name, c.COLUMN_TYPE AS column_type
FROM information_schema.COLUMNS c
WHERE c.TABLE_SCHEMA = DATABASE()
ORDER BY c.TABLE_NAME, c.ORDINAL_POSITION
"""

_JSON_COLUMNS_SQL = """
SELECT CONSTRAINT_NAME FROM information_schema.CHECK_CONSTRAINTS
WHERE CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME = %s
  AND CHECK_CLAUSE LIKE 'json\\_valid(%%'
"""

_DESCRIBE_SQL = """
SELECT c.TABLE_SCHEMA AS table_schema, c.TABLE_NAME AS table_name, t.TABLE_TYPE AS table_type,
       c.COLUMN_NAME AS column_name, c.COLUMN_TYPE AS column_type,
       c.IS_NULLABLE = 'YES' AS nullable, c.COLUMN_DEFAULT AS column_default,
       c.EXTRA AS extra, k.ORDINAL_POSITION AS key_position
FROM information_schema.COLUMNS c
JOIN information_schema.TABLES t
  ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME
LEFT JOIN information_schema.KEY_COLUMN_USAGE k
  ON k.TABLE_SCHEMA = c.TABLE_SCHEMA AND k.TABLE_NAME = c.TABLE_NAME
 AND k.COLUMN_NAME = c.COLUMN_NAME AND k.CONSTRAINT_NAME = 'PRIMARY'
WHERE c.TABLE_SCHEMA = COALESCE(%s, DATABASE())
  AND CAST(c.TABLE_NAME AS BINARY) = CAST(%s AS BINARY)
ORDER BY c.ORDINAL_POSITION
"""
"""Table names compare byte for byte (information_schema's collation ignores case)."""

_JSON_CHECKS_SQL = """
SELECT CONSTRAINT_NAME AS name FROM information_schema.CHECK_CONSTRAINTS
WHERE CONSTRAINT_SCHEMA = COALESCE(%s, DATABASE()) AND TABLE_NAME = %s
  AND CHECK_CLAUSE LIKE 'json\\_valid(%%'
"""
_GENERATED = frozenset({"VIRTUAL", "STORED", "PERSISTENT"})
_MARIADB_VERSION = re.compile(r"^(\d+)\.(\d+)\.(\d+).*mariadb", re.IGNORECASE)


def _column_info(row: dict[str, Any], json_columns: set[str]) -> ColumnInfo:
    """A COLUMNS row. MariaDB reports a nullable column without a default as the text
    `NULL`, and its JSON columns as LONGTEXT with a json_valid check named after them."""
    extra = str(row["extra"] or "").upper().split()
    default = row["column_default"]
    name = row["column_name"]
    return ColumnInfo(
        name=name,
        type="json" if name in json_columns else str(row["column_type"]),
        nullable=bool(row["nullable"]),
        default=None if default in (None, "NULL") else str(default),
        auto="AUTO_INCREMENT" in extra,
        writable=_GENERATED.isdisjoint(extra),
    )


def returning(version: str) -> frozenset[WriteVerb]:
    """What RETURNING this server takes: MariaDB has DELETE ... RETURNING since 10.0.5 and
    INSERT ... RETURNING since 10.5; MySQL has none."""
    found = _MARIADB_VERSION.match(version)
    if found is None:
        return frozenset()
    number = tuple(int(part) for part in found.groups())
    verbs: set[WriteVerb] = set()
    if number >= (10, 0, 5):
        verbs.add("DELETE")
    if number >= (10, 5, 0):
        verbs.add("INSERT")
    return frozenset(verbs)
