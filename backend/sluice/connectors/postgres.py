"""PostgreSQL (and PostgreSQL-protocol databases: CockroachDB, RisingWave) over psycopg 3.

One AsyncConnectionPool per data source, autocommit connections: a lone statement is its
own transaction, so `execute` costs one round trip. The statement timeout lives on the
server: every connection starts with `statement_timeout` set to the source's default
(the `options=-c ...` startup parameter, no round trip), and a call that wants another
value sends `SET statement_timeout` in the same pipeline as its statement, still one round
trip. Each connection remembers the value it was last given, so the SET is sent only when
the wanted value differs.

A connection handed out by the pool after sitting idle for a second or more is first
checked without a round trip: an idle connection whose socket has something to read was
told goodbye by the server (restart, `pg_terminate_backend`), so it is dropped instead of
failing the next query. The check is a system call, so a connection back sooner (every
one, on a busy pool) goes out unchecked; if the server ended it in that second, its next
statement gets the 57P01 the server sent, which is safe to retry.

Calls beyond the pool's size wait at a semaphore in front of it, not in the pool's own
queue: psycopg-pool makes each waiter an `asyncio.wait_for` (a task and a timer), which
measured at a third of a gateway call's CPU under load. The wait is still bounded by the
source's connect timeout (the connector's deadline ticker), after which the call fails
with "no free connection" as the pool would.
"""

import asyncio
import select
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from operator import itemgetter
from typing import Any, ClassVar, Literal, TypeVar

import psycopg
from psycopg import pq
from psycopg.adapt import AdaptersMap
from psycopg.rows import TupleRow
from psycopg.types.string import TextLoader
from psycopg_pool import AsyncConnectionPool, PoolTimeout

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
    query_result,
)
from sluice.connectors.common import (
    DEFAULT_RETRY_DELAYS_MS,
    ConnectorEntry,
    Deadlines,
    Retry,
    attempt_then_retry,
    check_timeout,
    detached,
    gate_usage,
    is_read_statement,
    key_columns,
    scrub,
    timeout_error,
    with_retries,
)
from sluice.connectors.values import Converter, RowShape, ShapeCache, json_value

Connection = psycopg.AsyncConnection[TupleRow]
T = TypeVar("T")

SESSION_OPTIONS = frozenset(
    {
        "application_name",
        "target_session_attrs",
        "load_balance_hosts",
        "keepalives",
        "keepalives_idle",
        "keepalives_interval",
        "keepalives_count",
        "tcp_user_timeout",
    }
)
"""libpq parameters that only tune the connection once the server is chosen; the others
decide how the password travels (TLS, authentication), so changing them drops a stored
password."""

SAFE_OPTIONS = SESSION_OPTIONS | frozenset(
    {
        "sslmode",
        "sslrootcert",
        "sslcert",
        "sslkey",
        "sslcrl",
        "sslsni",
        "ssl_min_protocol_version",
        "ssl_max_protocol_version",
        "channel_binding",
        "gssencmode",
        "require_auth",
    }
)
"""libpq parameters a data source may set. Left out on purpose: the ones with their own
field (host, user, password...), `options` (arbitrary server settings, and we own
statement_timeout), and the ones that read local files of the Sluice host (passfile,
service)."""

OWN_OPTIONS = frozenset({"prepare_threshold"})
"""Sluice's own settings: `prepare_threshold` (int, or None to never prepare server-side:
needed behind PgBouncer in transaction mode and on some PostgreSQL-protocol engines)."""

_TRANSIENT_CONNECT = (
    "starting up",
    "shutting down",
    "recovery mode",
    "not yet accepting connections",
    "system is not accepting connections",
    "too many clients",
    "too many connections",
    "connection slots are reserved",
)
"""Words of a FATAL connect error (libpq gives no SQLSTATE there) that mean the server is
refusing connections for now (57P03, 53300), not refusing us: unavailable, retried."""
_CONFLICT_STATES = frozenset({"40001", "40P01"})
_GONE_STATES = frozenset({"57P01", "57P02", "57P03"})
_CLASS_MESSAGES = {
    "23": "Query failed: constraint violation",
    "25": "Query failed: not allowed in this transaction",
    "28": "Connection failed: authentication rejected",
    "42": "Query failed: invalid statement",
}
_READY_OIDS = frozenset({16, 20, 21, 23, 26})
"""bool, int8, int2, int4, oid: JSON-ready as loaded."""
_TEXT_OIDS = frozenset({18, 19, 25, 1042, 1043})
""""char", name, text, bpchar, varchar: str, except under SQL_ASCII (psycopg gives bytes)."""
_ROW_STATUSES = frozenset(
    {pq.ExecStatus.TUPLES_OK, pq.ExecStatus.SINGLE_TUPLE, pq.ExecStatus.TUPLES_CHUNK}
)


_NON_FINITE = frozenset({"NaN", "Infinity", "-Infinity"})
_NUMERIC, _NUMERIC_ARRAY = 1700, 1231


ADAPTERS = AdaptersMap(psycopg.adapters)
"""The data sources' connections' adapters: psycopg's, numeric loaded as the server's text
by psycopg's own text loader (C). The value rules want numeric as its exact digits in a
string, never in exponent form, and NaN and the infinities as null: the text is that
already, except for those three, which `NumericRowShape` finds and clears. A loader of
our own doing the same (a Python call per value) measured at a tenth of a 200-row call's
CPU under `bench.gateway`; loading a Decimal to print it again, at a third."""
ADAPTERS.register_loader("numeric", TextLoader)


def _finite_text(value: Any) -> Any:
    """A numeric (or an array of them, nested) as the value rules want it, from the
    server's text (bytes under SQL_ASCII): NaN and the infinities null."""
    if value.__class__ is list:
        return [_finite_text(item) for item in value]
    if isinstance(value, bytes):
        value = value.decode("ascii")
    return None if value in _NON_FINITE else value


class NumericRowShape(RowShape):
    """A RowShape whose numeric columns (at `numeric`, tuple positions) come as text that
    may be NaN or an infinity: each is scanned once in C (`isdisjoint` over the column)
    and only a result holding one of them is cleared value by value."""

    __slots__ = ("_numeric",)

    def __init__(
        self, columns: list[str], converters: Sequence[Converter | None], numeric: tuple[int, ...]
    ) -> None:
        super().__init__(columns, converters)
        self._numeric = numeric

    def rows(self, values: Sequence[Sequence[Any]]) -> list[dict[str, Any]]:
        numeric = self._numeric
        if any(not _NON_FINITE.isdisjoint(map(itemgetter(i), values)) for i in numeric):
            values = [
                tuple(
                    _finite_text(v) if i in numeric and v is not None else v
                    for i, v in enumerate(row)
                )
                for row in values
            ]
        return super().rows(values)


@dataclass
class _Session:
    """What the connector knows of one connection's session, kept on the connection (a
    plain attribute: cheaper than a weak mapping looked up on every call)."""

    timeout_ms: int
    """The session's statement_timeout: the source's default until a call sets another."""
    read_only: bool = False
    """Whether default_transaction_read_only is on."""
    returned_at: float = float("-inf")
    """When the connection last went back to the pool."""


_SESSION = "_sluice_session"
IDLE_CHECK_AFTER_S = 1.0
"""Connections idle at least this long are checked before they are handed out."""
_BACKSTOP_S = 2.0
"""How long past its server-side timeout a call may hang (a silent network) before the
client gives up on it and drops the connection."""


def connection_kwargs(config: ConnectionConfig) -> dict[str, Any]:
    """psycopg connect() arguments for a data source; InvalidConfig for anything unsafe."""
    if not config.host:
        raise InvalidConfig("PostgreSQL data source needs a host")
    unknown = set(config.options) - SAFE_OPTIONS - OWN_OPTIONS
    if unknown:
        raise InvalidConfig(f"Unsupported PostgreSQL option(s): {', '.join(sorted(unknown))}")
    kwargs: dict[str, Any] = {
        "host": config.host,
        "port": config.port or 5432,
        "dbname": config.database or "",
        "user": config.username or "",
        "connect_timeout": max(1, round(config.connect_timeout_s)),
        "options": f"-c statement_timeout={int(config.statement_timeout_ms)}",
        "autocommit": True,
        "prepare_threshold": config.options.get("prepare_threshold", 5),
        "context": ADAPTERS,
    }
    for name in SAFE_OPTIONS & set(config.options):
        kwargs[name] = _scalar_option(name, config.options[name])
    if config.password:
        kwargs["password"] = config.password
    return kwargs


def _scalar_option(name: str, value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if not isinstance(value, str | int) or "\x00" in str(value):
        raise InvalidConfig(f"PostgreSQL option {name} must be a string or a number")
    return str(value)


async def check_idle(connection: Connection) -> None:
    """The pool's `check` callback: fail, without a round trip, a connection the server
    has closed while it sat idle (its socket turned readable with a goodbye and EOF)."""
    pgconn = connection.pgconn
    if connection.closed or pgconn.status != pq.ConnStatus.OK:
        raise psycopg.OperationalError("connection is closed")
    readable, _, _ = select.select([pgconn.socket], [], [], 0)
    if readable:
        pgconn.consume_input()
        if pgconn.status != pq.ConnStatus.OK:
            raise psycopg.OperationalError("connection closed by the server")


class PostgresConnector(ConnectorEntry):
    """One PostgreSQL data source: a lazily opened pool plus the error translation."""

    paramstyle: ClassVar[Literal["format", "qmark"]] = "format"
    offset_first: ClassVar[bool] = False
    dialect: ClassVar[DatasourceType] = "postgres"
    identifier_quote: ClassVar[str] = '"'

    def __init__(
        self, config: ConnectionConfig, *, retry_delays_ms: Sequence[int] = DEFAULT_RETRY_DELAYS_MS
    ) -> None:
        self._config = config
        self._kwargs = connection_kwargs(config)
        self._delays = tuple(retry_delays_ms)
        self._pool: AsyncConnectionPool[Connection] | None = None
        self._open_lock = asyncio.Lock()
        self._reachable = False
        self._shapes = ShapeCache()
        self._default_ms = config.statement_timeout_ms
        self._deadlines = Deadlines()
        self._gate = asyncio.Semaphore(max(1, config.pool_size))

    def __repr__(self) -> str:
        return f"<PostgresConnector {self._config.host}:{self._kwargs['port']}>"

    # -- public protocol ---------------------------------------------------------------

    async def read(
        self, sql: str, params: Params = None, *, timeout_ms: int | None = None
    ) -> QueryResult:
        """On a connection whose session default is read-only: one plain round trip, and
        the server refuses a write."""
        check_timeout(timeout_ms)
        wanted = timeout_ms or self._default_ms
        args = (sql, params, wanted, True)
        return await attempt_then_retry(self._execute_once, args, self._delays)

    @asynccontextmanager
    async def _stream(
        self, sql: str, params: Params, wanted: int, batch_rows: int
    ) -> AsyncIterator[RowStream]:
        """A named (server-side) cursor in a read-only transaction: each FETCH is one
        statement, so the session's statement timeout bounds each batch. Leaving early
        rolls back, which closes the cursor and ends the query; a fetch cancelled midway is
        cancelled on the server by psycopg, and its connection dropped."""
        pool, connection = await with_retries(self._begin_once(True, wanted), self._delays)
        rows = _PostgresRows(self, connection, wanted, batch_rows)
        broken = False
        try:
            await rows.open(sql, params)
            yield rows
            await self._finish(connection, "COMMIT", wanted)
        except BaseException as error:
            broken = await self._rollback(connection)
            if isinstance(error, ConnectorError):
                detached(error)
            raise
        finally:
            await rows.close()
            await self._putconn(pool, connection, broken=broken)

    async def tables(self) -> list[Table]:
        result = await self.execute(_TABLES_SQL)
        return group_tables(result.rows or [])

    async def describe_table(self, name: str, schema: str | None = None) -> TableInfo | None:
        result = await self.read(_DESCRIBE_SQL, (name, schema, schema))
        return describe_rows(result.rows or [])

    async def close(self) -> None:
        if self._pool is not None:
            pool, self._pool = self._pool, None
            await pool.close(timeout=1.0)
        self._deadlines.close()

    def usage(self) -> PoolUsage:
        """Read off the gate in front of the pool: its holders hold the connections."""
        return gate_usage(self._gate, max(1, self._config.pool_size))

    # -- connections -------------------------------------------------------------------

    async def _open_pool(self) -> AsyncConnectionPool[Connection]:
        async with self._open_lock:
            if self._pool is None:
                pool = AsyncConnectionPool(
                    kwargs=self._kwargs,
                    min_size=1,
                    max_size=max(1, self._config.pool_size),
                    open=False,
                    check=self._check,
                    timeout=self._config.connect_timeout_s,
                    name=f"sluice-{self._config.host}",
                )
                await pool.open(wait=False)
                self._pool = pool
            return self._pool

    def _session(self, connection: Connection) -> "_Session":
        found: _Session | None = connection.__dict__.get(_SESSION)
        if found is None:
            found = _Session(self._default_ms)
            setattr(connection, _SESSION, found)
        return found

    async def _check(self, connection: Connection) -> None:
        returned = self._session(connection).returned_at
        if time.monotonic() - returned >= IDLE_CHECK_AFTER_S:
            await check_idle(connection)

    async def _probe(self) -> None:
        """Connect once directly while the source is not known to be reachable, so a
        down server fails fast with its own reason instead of waiting out a pool timeout."""
        try:
            connection = await psycopg.AsyncConnection.connect(**self._kwargs)
        except psycopg.Error as exc:
            raise self._connect_failure(exc) from None
        await connection.close()
        self._reachable = True

    async def _getconn(self) -> tuple[AsyncConnectionPool[Connection], Connection]:
        """A connection, and a place at the gate; `_putconn` gives both back."""
        if not self._reachable:
            await self._probe()
        pool = self._pool or await self._open_pool()
        await self._pass_gate()
        try:
            return pool, await pool.getconn()
        except PoolTimeout:
            self._gate.release()
            self._reachable = False
        except BaseException:
            self._gate.release()
            raise
        raise Retry(self._no_free_connection())

    async def _pass_gate(self) -> None:
        if not self._gate.locked():
            await self._gate.acquire()
            return
        deadlines = self._deadlines
        deadline = deadlines.start(self._config.connect_timeout_s)
        try:
            await self._gate.acquire()
        except asyncio.CancelledError:
            if not deadlines.expired(deadline):
                raise
            raise Retry(self._no_free_connection()) from None
        finally:
            deadlines.finish(deadline)

    def _no_free_connection(self) -> DatasourceUnavailable:
        return DatasourceUnavailable(
            "Data source unavailable: no free connection",
            detail=f"no connection from the pool within {self._config.connect_timeout_s} s",
        )

    async def _putconn(
        self, pool: AsyncConnectionPool[Connection], connection: Connection, *, broken: bool
    ) -> None:
        try:
            if broken and not connection.closed:
                await connection.close()
            self._session(connection).returned_at = time.monotonic()
            await pool.putconn(connection)
        finally:
            self._gate.release()

    # -- statements --------------------------------------------------------------------

    async def _execute_once(
        self, sql: str, params: Params, wanted_ms: int, read_only: bool = False
    ) -> QueryResult:
        pool, connection = await self._getconn()
        broken = False
        deadlines = self._deadlines
        deadline = deadlines.start(wanted_ms / 1000 + _BACKSTOP_S)
        try:
            cursor = await self._run_with_session(connection, sql, params, wanted_ms, read_only)
            return await _result(cursor, self._shapes)
        except psycopg.Error as exc:
            broken = connection.broken
            raise self._query_failure(exc, sql, wanted_ms, retry_safe=True) from None
        except asyncio.CancelledError:
            broken = True
            if not deadlines.expired(deadline):
                raise
            raise timeout_error(wanted_ms, "no answer from the server") from None
        finally:
            deadlines.finish(deadline)
            await self._putconn(pool, connection, broken=broken)

    async def _run_with_session(
        self, connection: Connection, sql: str, params: Params, wanted_ms: int, read_only: bool
    ) -> psycopg.AsyncCursor[TupleRow]:
        """The statement, preceded by whatever SET the connection's session needs (timeout,
        read-only default); nothing extra when it already fits, which is every call once a
        connection has settled. The SETs are synced before the statement, since a changed
        read-only default only applies from the next transaction on."""
        session = self._session(connection)
        if session.timeout_ms == wanted_ms and session.read_only == read_only:
            return await connection.execute(sql, _bind(params))
        sets = []
        if session.timeout_ms != wanted_ms:
            sets.append(f"SET statement_timeout = {int(wanted_ms)}")
        if session.read_only != read_only:
            sets.append(f"SET default_transaction_read_only = {'on' if read_only else 'off'}")
        async with connection.pipeline() as pipeline:
            for statement in sets:
                await connection.execute(statement)
            await pipeline.sync()
            session.timeout_ms, session.read_only = wanted_ms, read_only
            cursor = await connection.execute(sql, _bind(params))
        return cursor

    @asynccontextmanager
    async def _transaction(self, read_only: bool, wanted_ms: int) -> AsyncIterator[Transaction]:
        pool, connection = await with_retries(self._begin_once(read_only, wanted_ms), self._delays)
        transaction = _PostgresTransaction(self, connection, wanted_ms)
        broken = False
        try:
            yield transaction
            await self._finish(connection, "COMMIT", wanted_ms)
        except ConnectorError as error:
            broken = await self._rollback(connection)
            detached(error)
            raise
        except BaseException:
            broken = await self._rollback(connection)
            raise
        finally:
            await self._putconn(pool, connection, broken=broken)

    def _begin_once(
        self, read_only: bool, wanted_ms: int
    ) -> Callable[[], Awaitable[tuple[AsyncConnectionPool[Connection], Connection]]]:
        begin = "BEGIN READ ONLY" if read_only else "BEGIN READ WRITE"
        if self._config.statement_timeout_ms != wanted_ms:
            begin += f"; SET LOCAL statement_timeout = {int(wanted_ms)}"

        async def attempt() -> tuple[AsyncConnectionPool[Connection], Connection]:
            pool, connection = await self._getconn()
            try:
                await self._timeouts_reset(connection)
                await connection.execute(begin)
            except psycopg.Error as exc:
                await self._putconn(pool, connection, broken=True)
                raise self._query_failure(exc, begin, wanted_ms, retry_safe=True) from None
            return pool, connection

        return attempt

    async def _timeouts_reset(self, connection: Connection) -> None:
        """A connection still carrying another call's session timeout gets the default
        back, so a transaction without SET LOCAL runs under the source's timeout."""
        session = self._session(connection)
        if session.timeout_ms != self._default_ms:
            await connection.execute(f"SET statement_timeout = {self._default_ms}")
            session.timeout_ms = self._default_ms

    async def _finish(self, connection: Connection, command: str, wanted_ms: int) -> None:
        try:
            await connection.execute(command)
        except psycopg.Error as exc:
            failure = self._query_failure(exc, command, wanted_ms, retry_safe=False)
        else:
            return
        raise failure.error if isinstance(failure, Retry) else failure

    async def _rollback(self, connection: Connection) -> bool:
        """Roll back after an error in the block; True when the connection is unusable."""
        if connection.broken or connection.closed:
            return True
        try:
            await connection.execute("ROLLBACK")
        except (psycopg.Error, asyncio.CancelledError):
            return True
        return False

    # -- errors ------------------------------------------------------------------------

    def _connect_failure(self, exc: psycopg.Error) -> ConnectorError | Retry:
        detail = scrub(str(exc), self._config.password)
        if "FATAL:" in detail and not any(word in detail for word in _TRANSIENT_CONNECT):
            if "authentication" in detail or "role" in detail:
                return ConnectorError("Connection failed: authentication rejected", detail=detail)
            return ConnectorError("Connection failed: rejected by the server", detail=detail)
        return Retry(
            DatasourceUnavailable("Data source unavailable: cannot connect", detail=detail)
        )

    def _query_failure(
        self, exc: psycopg.Error, sql: str, timeout_ms: int, *, retry_safe: bool
    ) -> ConnectorError | Retry:
        """Translate a driver error; a Retry only when trying again cannot repeat a write."""
        state = exc.sqlstate or ""
        detail = scrub(f"{state + ': ' if state else ''}{exc}", self._config.password)
        if state == "57014":
            return timeout_error(timeout_ms, detail)
        if state in _CONFLICT_STATES:
            error = DatasourceUnavailable("Query failed: transaction conflict", detail=detail)
            return Retry(error) if retry_safe else error
        if state in _GONE_STATES or state.startswith(("08", "53")) or _is_disconnect(exc):
            return self._lost(state, sql, detail, retry_safe)
        if state.startswith("22") or isinstance(exc, psycopg.DataError):  # psycopg's: NUL
            return InvalidValue("Query failed: invalid value", detail=detail)
        if not state:
            return ConnectorError("Query failed: invalid statement or parameters", detail=detail)
        message = _CLASS_MESSAGES.get(state[:2], "Query failed: database error")
        return ConnectorError(message, detail=detail)

    def _lost(self, state: str, sql: str, detail: str, retry_safe: bool) -> ConnectorError | Retry:
        """The connection died under the statement. The server ends a backend only between
        statements or by aborting the running one (57P0x), so those are safe to retry; a
        bare network error is retried only for a read."""
        self._reachable = False
        error = DatasourceUnavailable("Data source unavailable: connection lost", detail=detail)
        safe = retry_safe and (state in _GONE_STATES or is_read_statement(sql))
        return Retry(error) if safe else error


class _PostgresTransaction:
    """The handle a transaction block gets: statements on the one pinned connection."""

    def __init__(self, owner: PostgresConnector, connection: Connection, wanted_ms: int) -> None:
        self._owner = owner
        self._connection = connection
        self._wanted_ms = wanted_ms

    def __repr__(self) -> str:
        return "<PostgresTransaction>"

    async def execute(self, sql: str, params: Params = None) -> QueryResult:
        async def run() -> QueryResult:
            cursor = await self._connection.execute(sql, _bind(params))
            return await _result(cursor, self._owner._shapes)

        return await self._guarded(run, sql)

    async def describe(self, sql: str, params: Params = None) -> list[ResultColumn] | None:
        """The cursor's description: each column's type as PostgreSQL names it."""

        async def run() -> list[ResultColumn] | None:
            cursor = await self._connection.execute(sql, _bind(params))
            if not cursor.description:
                return None
            return [ResultColumn(c.name, c.type_display.lower()) for c in cursor.description]

        return await self._guarded(run, sql)

    async def execute_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """psycopg's executemany, which pipelines the rows: one round trip a batch."""

        async def run() -> None:
            async with self._connection.cursor() as cursor:
                await cursor.executemany(sql, rows)

        await self._guarded(run, sql)

    async def _guarded(self, run: Callable[[], Awaitable[T]], sql: str) -> T:
        """A statement on the pinned connection, its errors translated, bounded by the
        client-side backstop past the server's timeout."""
        deadlines = self._owner._deadlines
        deadline = deadlines.start(self._wanted_ms / 1000 + _BACKSTOP_S)
        try:
            return await run()
        except psycopg.Error as exc:
            error = self._owner._query_failure(exc, sql, self._wanted_ms, retry_safe=False)
        except asyncio.CancelledError:
            if not deadlines.expired(deadline):
                raise
            await self._connection.close()
            error = timeout_error(self._wanted_ms, "no answer from the server")
        finally:
            deadlines.finish(deadline)
        raise detached(error.error if isinstance(error, Retry) else error)


class _PostgresRows:
    """A stream's named cursor: declared by `open`, read a batch at a time by `fetch`."""

    def __init__(
        self, owner: PostgresConnector, connection: Connection, wanted_ms: int, batch_rows: int
    ) -> None:
        self._owner = owner
        self._cursor = connection.cursor(name="sluice_stream")
        self._wanted_ms = wanted_ms
        self._batch = max(1, batch_rows)
        self._sql = ""
        self._shape = RowShape([], [])
        self.columns: list[str] = []

    def __repr__(self) -> str:
        return "<PostgresRows>"

    async def open(self, sql: str, params: Params) -> None:
        self._sql = sql
        try:
            await self._cursor.execute(sql, _bind(params))
        except psycopg.Error as exc:
            raise self._failure(exc) from None
        description = self._cursor.description or []
        oids = tuple(column.type_code for column in description)
        encoding = self._cursor.connection.pgconn.parameter_status(b"client_encoding")
        key = (encoding, tuple(column.name for column in description), oids)
        shapes = self._owner._shapes
        self._shape = shapes.get(key) or shapes.put(key, _shape(self._cursor, encoding, oids))
        self.columns = self._shape.columns.copy()

    async def fetch(self) -> list[dict[str, Any]]:
        """The FETCH runs as a task of its own: when the reader is cancelled (the client
        hung up), psycopg's cancellation of the query on the server must not be cut short
        by a second cancel, which anyio's cancel scopes deliver at every await; it would
        then close the socket and leave the server running the statement until it next
        writes. The connection's lock keeps the rollback after it until it is done."""
        fetching = asyncio.ensure_future(self._cursor.fetchmany(self._batch))
        try:
            rows = await asyncio.shield(fetching)
        except asyncio.CancelledError:
            fetching.cancel()
            fetching.add_done_callback(_retrieved)
            raise
        except psycopg.Error as exc:
            raise self._failure(exc) from None
        return self._shape.rows(rows) if rows else []

    async def close(self) -> None:
        """Forget the cursor once its transaction has ended (which closed it on the
        server: psycopg then sends nothing)."""
        try:
            await self._cursor.close()
        except psycopg.Error:
            return

    def _failure(self, exc: psycopg.Error) -> ConnectorError:
        failure = self._owner._query_failure(exc, self._sql, self._wanted_ms, retry_safe=False)
        return detached(failure.error if isinstance(failure, Retry) else failure)


def _retrieved(task: "asyncio.Future[Any]") -> None:
    """Mark an abandoned task's outcome as seen, so asyncio does not log it."""
    if not task.cancelled():
        task.exception()


def _is_disconnect(exc: psycopg.Error) -> bool:
    """A client-side failure (no SQLSTATE) that means the connection is gone."""
    return not exc.sqlstate and isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError)


def _bind(params: Params) -> Sequence[Any] | Mapping[str, Any] | None:
    if params is None or params.__class__ is tuple or isinstance(params, Mapping):
        return params
    return tuple(params)


async def _result(cursor: psycopg.AsyncCursor[TupleRow], shapes: ShapeCache) -> QueryResult:
    """The cursor's rows as JSON-ready dicts, converted by the plan cached for their shape:
    the client encoding and each column's name and type OID (cheaper to read than
    `cursor.description`, which builds a Column per field on every call)."""
    res = cursor.pgresult
    if res is None or not (res.nfields or res.status in _ROW_STATUSES):
        return query_result([], None, cursor.rowcount)
    fields = range(res.nfields)
    key = (
        cursor.connection.pgconn.parameter_status(b"client_encoding"),
        tuple(map(res.fname, fields)),
        tuple(map(res.ftype, fields)),
    )
    shape = shapes.get(key) or shapes.put(key, _shape(cursor, key[0], key[2]))
    rows = shape.rows(await cursor.fetchall())
    return query_result(shape.columns.copy(), rows, cursor.rowcount)


def _shape(
    cursor: psycopg.AsyncCursor[TupleRow] | psycopg.AsyncServerCursor[TupleRow],
    encoding: bytes | None,
    oids: tuple[int, ...],
) -> RowShape:
    """Which columns psycopg already loads as JSON-ready values (ints, bools, text), and
    which are numeric text to check for NaN and the infinities (`NumericRowShape`)."""
    columns = [column.name for column in cursor.description or ()]
    text_ready = encoding != b"SQL_ASCII"
    converters = [_converter(oid, text_ready) for oid in oids]
    numeric = tuple(i for i, oid in enumerate(oids) if oid == _NUMERIC and text_ready)
    if numeric:
        return NumericRowShape(columns, converters, numeric)
    return RowShape(columns, converters)


def _converter(oid: int, text_ready: bool) -> Converter | None:
    if oid in _READY_OIDS or (text_ready and (oid in _TEXT_OIDS or oid == _NUMERIC)):
        return None
    if oid in (_NUMERIC, _NUMERIC_ARRAY):
        return _finite_text
    return json_value


_TABLES_SQL = """
SELECT c.table_schema, c.table_name, c.column_name,
       CASE WHEN c.data_type IN ('ARRAY', 'USER-DEFINED') THEN c.udt_name
            ELSE c.data_type END AS data_type
FROM information_schema.columns c
WHERE c.table_schema NOT IN ('pg_catalog', 'information_schema', 'crdb_internal',
                             'pg_extension', 'rw_catalog')
  AND c.table_schema NOT LIKE 'pg\\_toast%'
ORDER BY c.table_schema, c.table_name, c.ordinal_position
"""


def group_tables(rows: list[dict[str, Any]]) -> list[Table]:
    """information_schema.columns rows (schema, table, column, type) to Tables, in order."""
    tables: dict[tuple[str | None, str], list[Column]] = {}
    for row in rows:
        schema, table, column, kind = row.values()
        tables.setdefault((schema, table), []).append(Column(name=column, type=str(kind)))
    return [Table(schema=s, name=t, columns=columns) for (s, t), columns in tables.items()]


_DESCRIBE_SQL = """
SELECT c.table_schema, c.table_name, t.table_type, c.column_name,
       CASE WHEN c.data_type IN ('ARRAY', 'USER-DEFINED') THEN c.udt_name
            ELSE c.data_type END AS data_type,
       c.is_nullable = 'YES' AS nullable, c.column_default,
       c.is_identity = 'YES' AS is_identity, c.identity_generation,
       c.is_generated = 'ALWAYS' AS computed, k.ordinal_position AS key_position
FROM information_schema.columns c
JOIN information_schema.tables t
  ON t.table_schema = c.table_schema AND t.table_name = c.table_name
LEFT JOIN information_schema.table_constraints p
  ON p.table_schema = c.table_schema AND p.table_name = c.table_name
 AND p.constraint_type = 'PRIMARY KEY'
LEFT JOIN information_schema.key_column_usage k
  ON k.constraint_schema = p.constraint_schema AND k.constraint_name = p.constraint_name
 AND k.table_schema = c.table_schema AND k.table_name = c.table_name
 AND k.column_name = c.column_name
WHERE c.table_name = %s
  AND (c.table_schema = %s::text
       OR (%s::text IS NULL AND c.table_schema = ANY (current_schemas(false))))
ORDER BY array_position(current_schemas(false), c.table_schema::text), c.table_schema,
         c.ordinal_position
"""


def describe_rows(rows: list[dict[str, Any]]) -> TableInfo | None:
    """The table of the first schema among `rows` (the one the search path finds first)."""
    if not rows:
        return None
    first = rows[0]
    mine = [row for row in rows if row["table_schema"] == first["table_schema"]]
    return TableInfo(
        schema=first["table_schema"],
        name=first["table_name"],
        columns=[_column_info(row) for row in mine],
        primary_key=key_columns(mine),
        is_view=first["table_type"] == "VIEW",
        returning=frozenset({"INSERT", "UPDATE", "DELETE"}),
    )


def _column_info(row: dict[str, Any]) -> ColumnInfo:
    """An information_schema.columns row; an identity GENERATED ALWAYS refuses values."""
    always = row["identity_generation"] == "ALWAYS"
    return ColumnInfo(
        name=row["column_name"],
        type=str(row["data_type"]),
        nullable=bool(row["nullable"]),
        default=row["column_default"],
        auto=bool(row["is_identity"]),
        writable=not (row["computed"] or (row["is_identity"] and always)),
    )
