"""A prototype PostgreSQL connector on asyncpg, for the driver comparison of `bench.gateway`
only (not part of the product: see docs/ARCHITECTURE.md, "PostgreSQL driver").

It keeps what the psycopg connector does on a gateway call's path: a pool of
`pool_size` connections behind a semaphore, the source's statement timeout as a startup
setting and a per-call one sent as a SET only when the connection's session differs,
reads on connections whose session is read-only (`default_transaction_read_only`), writes
(RETURNING included) in their own autocommit statement, transactions for paginated reads,
the first attempt inline then retries on a lost connection, the client-side backstop past
the server's timeout, and the same value rules (`RowShape`, `json_value`). Statements come
from the SQL engine with `%s` placeholders (paramstyle `format`) and are rewritten to
asyncpg's `$n` once per statement text. Streams and the catalog are not prototyped.
"""

import asyncio
import re
from collections.abc import AsyncIterator, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any, ClassVar, Literal

import asyncpg  # type: ignore[import-untyped]

from sluice.connectors.base import (
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
    scrub,
    timeout_error,
    with_retries,
)
from sluice.connectors.values import RowShape, ShapeCache, json_value

_READY_OIDS = frozenset({16, 20, 21, 23, 26, 18, 19, 25, 1042, 1043, 1700})
"""Loaded JSON-ready: bool, ints, oid, text types, and numeric (as text: `_numeric`)."""
_NON_FINITE = frozenset({"NaN", "Infinity", "-Infinity"})


def _numeric(text: str) -> str | None:
    """numeric in its text format, as the psycopg connector loads it."""
    return None if text in _NON_FINITE else text


async def _setup(connection: asyncpg.Connection) -> None:
    await connection.set_type_codec(
        "numeric", encoder=str, decoder=_numeric, schema="pg_catalog", format="text"
    )


_PLACEHOLDER = re.compile(r"%%|%s")
_GONE_STATES = frozenset({"57P01", "57P02", "57P03"})
_BACKSTOP_S = 2.0


def dollar_sql(sql: str) -> str:
    """`%s` placeholders as `$1, $2...`; `%%` as a literal `%`."""
    count = 0

    def replace(match: "re.Match[str]") -> str:
        nonlocal count
        if match.group(0) == "%%":
            return "%"
        count += 1
        return f"${count}"

    return _PLACEHOLDER.sub(replace, sql)


class _Session:
    __slots__ = ("timeout_ms", "read_only")

    def __init__(self, timeout_ms: int) -> None:
        self.timeout_ms = timeout_ms
        self.read_only = False


async def _no_reset(connection: asyncpg.Connection) -> None:
    """The psycopg connector does not reset a connection between calls either: its
    session is tracked instead (timeout, read-only default)."""


class AsyncpgConnector(ConnectorEntry):
    paramstyle: ClassVar[Literal["format", "qmark"]] = "format"
    offset_first: ClassVar[bool] = False
    dialect: ClassVar[DatasourceType] = "postgres"
    identifier_quote: ClassVar[str] = '"'

    def __init__(
        self, config: ConnectionConfig, *, retry_delays_ms: Sequence[int] = DEFAULT_RETRY_DELAYS_MS
    ) -> None:
        self._config = config
        self._delays = tuple(retry_delays_ms)
        self._default_ms = config.statement_timeout_ms
        self._pool: asyncpg.Pool | None = None
        self._open_lock = asyncio.Lock()
        self._gate = asyncio.Semaphore(max(1, config.pool_size))
        self._deadlines = Deadlines()
        self._shapes = ShapeCache()
        self._sql: dict[str, str] = {}
        self._plans: dict[str, RowShape] = {}
        self._sessions: dict[int, _Session] = {}

    async def _open(self) -> asyncpg.Pool:
        async with self._open_lock:
            if self._pool is None:
                config = self._config
                try:
                    self._pool = await asyncpg.create_pool(
                        host=config.host,
                        port=config.port or 5432,
                        database=config.database or "",
                        user=config.username or "",
                        password=config.password,
                        min_size=1,
                        max_size=max(1, config.pool_size),
                        timeout=config.connect_timeout_s,
                        server_settings={"statement_timeout": str(int(self._default_ms))},
                        reset=_no_reset,
                        init=_setup,
                    )
                except (OSError, asyncpg.PostgresError) as exc:
                    raise Retry(
                        DatasourceUnavailable(
                            "Data source unavailable: cannot connect",
                            detail=scrub(str(exc), config.password),
                        )
                    ) from None
            return self._pool

    def _dollar(self, sql: str) -> str:
        found = self._sql.get(sql)
        if found is None:
            if len(self._sql) > 1024:
                self._sql.clear()
            found = self._sql[sql] = dollar_sql(sql)
        return found

    def _session(self, connection: Any) -> _Session:
        key = id(connection._con)  # the pool's proxy wraps the same connection each time
        found = self._sessions.get(key)
        if found is None:
            found = self._sessions[key] = _Session(self._default_ms)
        return found

    async def read(
        self, sql: str, params: Params = None, *, timeout_ms: int | None = None
    ) -> QueryResult:
        check_timeout(timeout_ms)
        wanted = timeout_ms or self._default_ms
        return await attempt_then_retry(
            self._execute_once, (sql, params, wanted, True), self._delays
        )

    async def _execute_once(
        self, sql: str, params: Params, wanted_ms: int, read_only: bool = False
    ) -> QueryResult:
        pool = self._pool or await self._open()
        await self._gate.acquire()
        try:
            connection = await pool.acquire()
            deadlines = self._deadlines
            deadline = deadlines.start(wanted_ms / 1000 + _BACKSTOP_S)
            try:
                await self._settle(connection, wanted_ms, read_only)
                return await self._run(connection, sql, params)
            except asyncpg.PostgresError as exc:
                raise self._failure(exc, sql, wanted_ms, retry_safe=True) from None
            except (OSError, asyncpg.InterfaceError) as exc:
                raise self._lost(str(exc), read_only) from None
            except asyncio.CancelledError:
                if not deadlines.expired(deadline):
                    raise
                connection.terminate()
                raise timeout_error(wanted_ms, "no answer from the server") from None
            finally:
                deadlines.finish(deadline)
                await pool.release(connection)
        finally:
            self._gate.release()

    async def _settle(self, connection: Any, wanted_ms: int, read_only: bool) -> None:
        session = self._session(connection)
        if session.timeout_ms == wanted_ms and session.read_only == read_only:
            return
        sets = []
        if session.timeout_ms != wanted_ms:
            sets.append(f"SET statement_timeout = {int(wanted_ms)}")
        if session.read_only != read_only:
            sets.append(f"SET default_transaction_read_only = {'on' if read_only else 'off'}")
        await connection.execute("; ".join(sets))
        session.timeout_ms, session.read_only = wanted_ms, read_only

    async def _run(self, connection: Any, sql: str, params: Params) -> QueryResult:
        """One statement through asyncpg's statement cache (prepared once per connection,
        then one Bind/Execute round trip, as psycopg does past its prepare threshold). A
        statement text known to return rows goes straight to `fetch`, with the row shape
        found the first time."""
        args = tuple(params.values()) if isinstance(params, dict) else tuple(params or ())
        text = self._dollar(sql)
        shape = self._plans.get(text)
        if shape is not None:
            rows = shape.rows(await connection.fetch(text, *args))
            return query_result(shape.columns.copy(), rows, len(rows))
        statement = await connection._prepare(text, use_cache=True)
        records = await statement.fetch(*args)
        attributes = statement.get_attributes()
        if not attributes:
            count = statement.get_statusmsg().rsplit(" ", 1)[-1]
            return query_result([], None, int(count) if count.isdigit() else None)
        key = tuple((a.name, a.type.oid) for a in attributes)
        shape = self._shapes.get(key)
        if shape is None:
            columns = [a.name for a in attributes]
            converters = [None if a.type.oid in _READY_OIDS else json_value for a in attributes]
            shape = self._shapes.put(key, RowShape(columns, converters))
        if len(self._plans) > 1024:
            self._plans.clear()
        self._plans[text] = shape
        rows = shape.rows(records)
        return query_result(shape.columns.copy(), rows, len(rows))

    @asynccontextmanager
    async def _transaction(self, read_only: bool, wanted_ms: int) -> AsyncIterator[Any]:
        async def begin() -> Any:
            pool = self._pool or await self._open()
            await self._gate.acquire()
            try:
                connection = await pool.acquire()
            except BaseException:
                self._gate.release()
                raise
            return pool, connection

        pool, connection = await with_retries(begin, self._delays)
        try:
            transaction = connection.transaction(readonly=read_only)
            await transaction.start()
            if wanted_ms != self._default_ms:
                await connection.execute(f"SET LOCAL statement_timeout = {int(wanted_ms)}")
            try:
                yield _Transaction(self, connection, wanted_ms)
            except BaseException:
                await transaction.rollback()
                raise
            await transaction.commit()
        except asyncpg.PostgresError as exc:
            failure = self._failure(exc, "", wanted_ms, retry_safe=False)
            raise detached(failure.error if isinstance(failure, Retry) else failure) from None
        finally:
            await pool.release(connection)
            self._gate.release()

    def _stream(
        self, sql: str, params: Params, wanted_ms: int, batch_rows: int
    ) -> AbstractAsyncContextManager[RowStream]:
        del sql, params, wanted_ms, batch_rows
        raise InvalidConfig("streams are not part of the asyncpg prototype")

    async def tables(self) -> list[Table]:
        raise InvalidConfig("the catalog is not part of the asyncpg prototype")

    async def describe_table(self, name: str, schema: str | None = None) -> TableInfo | None:
        del name, schema
        raise InvalidConfig("the catalog is not part of the asyncpg prototype")

    async def close(self) -> None:
        if self._pool is not None:
            pool, self._pool = self._pool, None
            await pool.close()
        self._deadlines.close()

    def usage(self) -> PoolUsage:
        return gate_usage(self._gate, max(1, self._config.pool_size))

    def _failure(
        self, exc: asyncpg.PostgresError, sql: str, timeout_ms: int, *, retry_safe: bool
    ) -> ConnectorError | Retry:
        del sql
        state = getattr(exc, "sqlstate", "") or ""
        detail = scrub(f"{state}: {exc}", self._config.password)
        if state == "57014":
            return timeout_error(timeout_ms, detail)
        if state in _GONE_STATES or state.startswith(("08", "53")):
            error = DatasourceUnavailable("Data source unavailable: connection lost", detail=detail)
            return Retry(error) if retry_safe else error
        if state.startswith("22"):
            return InvalidValue("Query failed: invalid value", detail=detail)
        return ConnectorError("Query failed: database error", detail=detail)

    def _lost(self, detail: str, read_only: bool) -> ConnectorError | Retry:
        error = DatasourceUnavailable("Data source unavailable: connection lost", detail=detail)
        return Retry(error) if read_only else error


class _Transaction:
    def __init__(self, owner: AsyncpgConnector, connection: Any, wanted_ms: int) -> None:
        self._owner, self._connection, self._wanted_ms = owner, connection, wanted_ms

    async def execute(self, sql: str, params: Params = None) -> QueryResult:
        return await self._owner._run(self._connection, sql, params)

    async def describe(self, sql: str, params: Params = None) -> list[ResultColumn] | None:
        del sql, params
        raise InvalidConfig("describe is not part of the asyncpg prototype")

    async def execute_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        await self._connection.executemany(self._owner._dollar(sql), rows)
