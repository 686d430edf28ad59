# mypy: disallow-untyped-calls=False
# (the trino client ships py.typed but leaves connect/execute/cancel/close unannotated)
"""Trino (and so the engines behind it) through the `trino` client, off the event loop.

The client is synchronous HTTP: each call runs on one of `pool_size` worker threads of
this connector, with one of `pool_size` client connections (each keeps its HTTP session
alive). Catalog and schema come from `options`.

The timeout is the client's: past it the query is cancelled (the client's DELETE on its
next URI) and the call answers QueryTimeout at once, without waiting for the thread.
Parameters are bound with `EXECUTE IMMEDIATE ... USING` (one request, no PREPARE).

Transactions use Trino's own (`START TRANSACTION` / `COMMIT`); the client cannot ask for
a read-only one, so `read_only` is not enforced on Trino (most Trino catalogs cannot write
in a transaction anyway).
"""

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import Any, ClassVar, Literal, TypeVar

import requests
import trino
from trino.dbapi import Connection, Cursor
from trino.transaction import IsolationLevel

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
)
from sluice.connectors.common import (
    DEFAULT_RETRY_DELAYS_MS,
    ConnectorEntry,
    Retry,
    detached,
    gate_usage,
    scrub,
    timeout_error,
    with_retries,
)
from sluice.connectors.values import Converter, json_value, parse_json

T = TypeVar("T")

SESSION_OPTIONS = frozenset({"catalog", "schema", "source"})
"""Options that do not decide how the password travels (`http_scheme` and `verify` do)."""
SAFE_OPTIONS = SESSION_OPTIONS | {"http_scheme", "verify"}
_UNAVAILABLE_ERRORS = frozenset(
    {"SERVER_STARTING_UP", "SERVER_SHUTTING_DOWN", "NO_NODES_AVAILABLE", "TOO_MANY_REQUESTS_FAILED"}
)


def connection_kwargs(config: ConnectionConfig) -> dict[str, Any]:
    """trino.dbapi.connect() arguments; InvalidConfig for anything unsafe or unknown."""
    if not config.host:
        raise InvalidConfig("Trino data source needs a host")
    unknown = set(config.options) - SAFE_OPTIONS
    if unknown:
        raise InvalidConfig(f"Unsupported Trino option(s): {', '.join(sorted(unknown))}")
    scheme = config.options.get("http_scheme", "http")
    if scheme not in ("http", "https"):
        raise InvalidConfig("Trino option http_scheme must be http or https")
    kwargs: dict[str, Any] = {
        "host": config.host,
        "port": config.port or (443 if scheme == "https" else 8080),
        "user": config.username or "sluice",
        "catalog": config.options.get("catalog"),
        "schema": config.options.get("schema"),
        "source": str(config.options.get("source", "sluice")),
        "http_scheme": scheme,
        "verify": bool(config.options.get("verify", True)),
        "max_attempts": 1,
        "request_timeout": config.connect_timeout_s,
        "legacy_prepared_statements": False,
        "encoding": None,
        "heartbeat_interval": None,
    }
    if config.password:
        if scheme != "https":
            raise InvalidConfig("Trino password authentication needs http_scheme https")
        kwargs["auth"] = trino.auth.BasicAuthentication(config.username or "", config.password)
    return kwargs


class TrinoConnector(ConnectorEntry):
    """One Trino coordinator: client connections used on a bounded pool of threads."""

    paramstyle: ClassVar[Literal["format", "qmark"]] = "qmark"
    offset_first: ClassVar[bool] = True
    dialect: ClassVar[DatasourceType] = "trino"
    identifier_quote: ClassVar[str] = '"'

    def __init__(
        self, config: ConnectionConfig, *, retry_delays_ms: Sequence[int] = DEFAULT_RETRY_DELAYS_MS
    ) -> None:
        self._config = config
        self._kwargs = connection_kwargs(config)
        self._delays = tuple(retry_delays_ms)
        self._size = max(1, config.pool_size)
        self._threads = ThreadPoolExecutor(
            max_workers=self._size, thread_name_prefix="sluice-trino"
        )
        self._idle: list[Connection] = []
        self._slots: asyncio.Semaphore | None = None

    def __repr__(self) -> str:
        return f"<TrinoConnector {self._config.host}:{self._kwargs['port']}>"

    async def tables(self) -> list[Table]:
        result = await self.execute(_TABLES_SQL)
        tables: dict[tuple[str, str], list[Column]] = {}
        for row in result.rows or []:
            key = (row["table_schema"], row["table_name"])
            tables.setdefault(key, []).append(Column(row["column_name"], row["data_type"]))
        return [Table(schema=s, name=t, columns=columns) for (s, t), columns in tables.items()]

    async def describe_table(self, name: str, schema: str | None = None) -> TableInfo | None:
        """Trino does not report primary keys (most of its connectors have none), so a
        table's key is left empty; without `schema`, the source's configured schema."""
        wanted = schema or self._kwargs["schema"]
        result = await self.execute(_DESCRIBE_SQL, [name, wanted, wanted])
        rows = result.rows or []
        if not rows:
            return None
        mine = [row for row in rows if row["table_schema"] == rows[0]["table_schema"]]
        columns = [
            ColumnInfo(
                name=row["column_name"],
                type=row["data_type"],
                nullable=row["is_nullable"] != "NO",
                default=row["column_default"],
            )
            for row in mine
        ]
        return TableInfo(schema=rows[0]["table_schema"], name=name, columns=columns, primary_key=[])

    @asynccontextmanager
    async def _stream(
        self, sql: str, params: Params, wanted: int, batch_rows: int
    ) -> AsyncIterator[RowStream]:
        """The client's cursor, which fetches the result's pages from the coordinator as
        they are read, each batch on a worker thread under the timeout. Leaving before the
        rows ran out cancels the query (the client's DELETE)."""
        async with self._connection() as connection:
            rows = _TrinoRows(self, connection.cursor(), wanted, batch_rows)
            try:
                await rows.open(sql, params)
                yield rows
            finally:
                if not rows.done:
                    rows.cancel()

    async def close(self) -> None:
        idle, self._idle = self._idle, []
        for connection in idle:
            connection.close()
        self._threads.shutdown(wait=False, cancel_futures=True)

    def usage(self) -> PoolUsage:
        return gate_usage(self._slots, self._size)

    # -- connections and threads -------------------------------------------------------

    async def _call(self, function: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._threads, function)

    @asynccontextmanager
    async def _connection(self, **extra: Any) -> AsyncIterator[Connection]:
        """A client connection for one call (at most pool_size at a time)."""
        if self._slots is None:
            self._slots = asyncio.Semaphore(self._size)
        async with self._slots:
            connection = self._idle.pop() if self._idle and not extra else None
            connection = connection or trino.dbapi.connect(**self._kwargs, **extra)
            yield connection
            # Reached only on success: a connection whose call failed or timed out may
            # still be in use by its abandoned thread, so it is left to the collector.
            if not extra:
                self._idle.append(connection)

    async def _run(
        self, connection: Connection, sql: str, params: Params, wanted_ms: int
    ) -> QueryResult:
        cursor = connection.cursor()
        work = self._call(lambda: _execute(cursor, sql, params))
        try:
            async with asyncio.timeout(wanted_ms / 1000):
                return await work
        except TimeoutError:
            asyncio.get_running_loop().run_in_executor(None, _cancel, cursor)
            failure: ConnectorError | Retry = timeout_error(wanted_ms, "cancelled by the client")
        except Exception as exc:
            failure = self._failure(exc)
        raise failure

    async def _execute_once(self, sql: str, params: Params, wanted_ms: int) -> QueryResult:
        async with self._connection() as connection:
            return await self._run(connection, sql, params, wanted_ms)

    @asynccontextmanager
    async def _transaction(
        self,
        read_only: bool,  # noqa: ARG002 (not enforceable on Trino: see module doc)
        wanted_ms: int,
    ) -> AsyncIterator[Transaction]:
        isolation = {"isolation_level": IsolationLevel.READ_COMMITTED}
        async with self._connection(**isolation) as connection:
            await with_retries(lambda: self._begin(connection), self._delays)
            try:
                yield _TrinoTransaction(self, connection, wanted_ms)
                await self._finish(connection.commit)
            except ConnectorError as error:
                await self._finish(connection.rollback, quiet=True)
                detached(error)
                raise
            except BaseException:
                await self._finish(connection.rollback, quiet=True)
                raise

    async def _begin(self, connection: Connection) -> None:
        try:
            await self._call(connection.start_transaction)
        except Exception as exc:
            raise self._failure(exc) from None

    async def _finish(self, step: Callable[[], None], *, quiet: bool = False) -> None:
        try:
            await self._call(step)
        except Exception as exc:
            if not quiet:
                failure = self._failure(exc)
                raise failure.error if isinstance(failure, Retry) else failure from None

    # -- errors ------------------------------------------------------------------------

    def _failure(self, exc: Exception) -> ConnectorError | Retry:
        """Translate a client error. A refused connection never reached the server and a
        starting/overloaded cluster did not run the query: both are retried."""
        detail = scrub(_describe(exc), self._config.password)
        name = getattr(exc, "error_name", None)
        if name == "EXCEEDED_TIME_LIMIT":
            return timeout_error(self._config.statement_timeout_ms, detail)
        if name in _UNAVAILABLE_ERRORS or _refused(exc):
            return Retry(
                DatasourceUnavailable("Data source unavailable: cannot connect", detail=detail)
            )
        if isinstance(exc, trino.exceptions.TrinoUserError):
            return ConnectorError("Query failed: invalid statement or parameters", detail=detail)
        if isinstance(exc, trino.exceptions.TrinoAuthError) or "401" in detail:
            return ConnectorError("Connection failed: authentication rejected", detail=detail)
        if isinstance(exc, requests.RequestException | trino.exceptions.OperationalError):
            return DatasourceUnavailable("Data source unavailable: connection lost", detail=detail)
        return ConnectorError("Query failed: database error", detail=detail)


class _TrinoTransaction:
    def __init__(self, owner: TrinoConnector, connection: Connection, wanted_ms: int) -> None:
        self._owner = owner
        self._connection = connection
        self._wanted_ms = wanted_ms

    def __repr__(self) -> str:
        return "<TrinoTransaction>"

    async def execute(self, sql: str, params: Params = None) -> QueryResult:
        try:
            return await self._owner._run(self._connection, sql, params, self._wanted_ms)
        except Retry as signal:
            error = signal.error
        except ConnectorError as failure:
            error = failure
        raise detached(error)

    async def describe(self, sql: str, params: Params = None) -> list[ResultColumn] | None:
        """Not described yet: a Trino API's rows stay untyped in the gateway's document."""
        del sql, params
        return None

    async def execute_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:  # noqa: ARG002
        raise InvalidConfig("Trino data sources take no batched writes (such as a CSV import)")


class _TrinoRows:
    """A stream's cursor: the query sent and its first batch read by `open` (the columns
    are known only once a page of them arrived), the next ones by `fetch`."""

    def __init__(self, owner: TrinoConnector, cursor: Cursor, wanted_ms: int, batch: int) -> None:
        self._owner = owner
        self._cursor = cursor
        self._wanted_ms = wanted_ms
        self._batch = max(1, batch)
        self._first: list[dict[str, Any]] | None = None
        self._convert: list[Converter] = []
        self.columns: list[str] = []
        self.done = False

    def __repr__(self) -> str:
        return "<TrinoRows>"

    async def open(self, sql: str, params: Params) -> None:
        cursor = self._cursor
        await self._bounded(lambda: _send(cursor, sql, params))
        values = await self._bounded(lambda: cursor.fetchmany(self._batch))
        if cursor.update_type is not None:
            self.done = True
            raise ConnectorError("Query failed: the statement returns no rows")
        self.columns, self._convert = _columns(cursor)
        self._first = self._rows(values)

    async def fetch(self) -> list[dict[str, Any]]:
        if self._first is not None:
            rows, self._first = self._first, None
            return rows
        if self.done:
            return []
        return self._rows(await self._bounded(lambda: self._cursor.fetchmany(self._batch)))

    def _rows(self, values: list[list[Any]]) -> list[dict[str, Any]]:
        self.done = len(values) < self._batch
        return _converted(self.columns, self._convert, values)

    def cancel(self) -> None:
        asyncio.get_running_loop().run_in_executor(None, _cancel, self._cursor)

    async def _bounded(self, work: Callable[[], T]) -> T:
        try:
            async with asyncio.timeout(self._wanted_ms / 1000):
                return await self._owner._call(work)
        except TimeoutError:
            self.cancel()
            error: ConnectorError | Retry = timeout_error(
                self._wanted_ms, "cancelled by the client"
            )
        except Exception as exc:
            error = self._owner._failure(exc)
        raise detached(error.error if isinstance(error, Retry) else error)


def _send(cursor: Cursor, sql: str, params: Params) -> None:
    if params is not None and not isinstance(params, list | tuple):
        raise trino.exceptions.NotSupportedError("Trino takes positional parameters only")
    cursor.execute(sql, list(params) if params else None)


def _columns(cursor: Cursor) -> tuple[list[str], list[Converter]]:
    """The result's column names, and how to convert each (JSON columns parsed)."""
    description = cursor.description or []
    columns = [column[0] for column in description]
    return columns, [parse_json if str(c[1]) == "json" else json_value for c in description]


def _converted(
    columns: list[str], convert: list[Converter], rows: list[list[Any]]
) -> list[dict[str, Any]]:
    return [
        {name: c(value) for name, c, value in zip(columns, convert, row, strict=True)}
        for row in rows
    ]


def _execute(cursor: Cursor, sql: str, params: Params) -> QueryResult:
    """Runs on a worker thread: the whole HTTP exchange, every page fetched."""
    _send(cursor, sql, params)
    rows = cursor.fetchall()
    if cursor.update_type is not None:
        return QueryResult(columns=[], rows=None, rowcount=cursor.rowcount)
    columns, convert = _columns(cursor)
    return QueryResult(columns=columns, rows=_converted(columns, convert, rows))


def _cancel(cursor: Cursor) -> None:
    try:
        cursor.cancel()
    except Exception:  # best effort: the server ends an abandoned query by itself
        return


def _refused(exc: Exception) -> bool:
    text = str(exc)
    return isinstance(exc, requests.ConnectionError | trino.exceptions.TrinoConnectionError) and (
        "refused" in text.lower() or "NewConnectionError" in text
    )


def _describe(exc: Exception) -> str:
    message = getattr(exc, "message", None)
    name = getattr(exc, "error_name", None)
    if isinstance(message, str):
        return f"{name}: {message}" if name else message
    return str(exc) or type(exc).__name__


_TABLES_SQL = """
SELECT table_schema, table_name, column_name, data_type
FROM information_schema.columns
WHERE table_schema <> 'information_schema'
ORDER BY table_schema, table_name, ordinal_position
"""

_DESCRIBE_SQL = """
SELECT table_schema, column_name, data_type, is_nullable, column_default
FROM information_schema.columns
WHERE table_name = ? AND (table_schema = ? OR ? IS NULL)
ORDER BY table_schema, ordinal_position
"""
