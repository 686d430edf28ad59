"""The connector protocol, its value types and its errors.

A connector runs SQL against one data source through a pool it owns. Everything that
crosses this boundary is ours: rows are JSON-ready dicts, failures are ConnectorError
subclasses carrying a safe message. No driver exception, connection or cursor object ever
leaves a connector (driver objects can carry the password).
"""

from collections.abc import Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal, NamedTuple, Protocol

from sluice.errors import SluiceError

DatasourceType = Literal["postgres", "mysql", "trino", "sqlite"]
Params = Sequence[Any] | Mapping[str, Any] | None


@dataclass(frozen=True)
class ConnectionConfig:
    """What a connector needs to reach a data source. The password is decrypted here and
    is never part of repr(), logs or errors."""

    type: DatasourceType
    host: str | None = None
    port: int | None = None
    database: str | None = None
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    options: Mapping[str, Any] = field(default_factory=dict)
    pool_size: int = 5
    statement_timeout_ms: int = 30_000
    connect_timeout_s: float = 5.0


@dataclass(frozen=True)
class QueryResult:
    """One statement's outcome: rows (with column names, in order) or a row count."""

    columns: list[str]
    rows: list[dict[str, Any]] | None
    rowcount: int | None = None

    @property
    def returns_rows(self) -> bool:
        return self.rows is not None


_new_object = object.__new__


def query_result(
    columns: list[str], rows: list[dict[str, Any]] | None, rowcount: int | None = None
) -> QueryResult:
    """`QueryResult(columns, rows, rowcount)`, for the connectors' hot paths: a frozen
    dataclass's `__init__` sets each field through `object.__setattr__`, which measured
    at twice the cost of filling the instance dict directly. The object is the same."""
    result = _new_object(QueryResult)
    fields = result.__dict__
    fields["columns"] = columns
    fields["rows"] = rows
    fields["rowcount"] = rowcount
    return result


class PoolUsage(NamedTuple):
    """A connector's pool at one moment, for `/metrics`: the most connections it holds,
    the calls holding one, and the calls waiting for one."""

    size: int
    in_use: int
    waiting: int


@dataclass(frozen=True)
class Column:
    name: str
    type: str


@dataclass(frozen=True)
class ResultColumn:
    """One column of a statement's result, as the driver describes it (`describe`)."""

    name: str
    type: str
    """The database's name for the type, lowercase (`numeric(10,2)`, `varchar`, `json`);
    empty when the database does not say (a SQLite expression with no value to look at)."""
    nullable: bool | None = None
    """False when the database says the column is never NULL; None when it does not say."""


@dataclass(frozen=True)
class Table:
    schema: str | None
    name: str
    columns: list[Column]


@dataclass(frozen=True)
class ColumnInfo:
    """One column as the database declares it: what an API written for the table needs to
    bind, filter and write it."""

    name: str
    type: str
    """The type as the database names it (`character varying`, `int(11)`, `INTEGER`)."""
    nullable: bool
    default: str | None = None
    """The default expression as the database reports it (None: no default)."""
    auto: bool = False
    """Filled by the database when an insert leaves it out, with no default expression:
    an identity, an auto-increment, SQLite's rowid alias."""
    writable: bool = True
    """False for computed columns and identities that refuse a value (GENERATED ALWAYS)."""

    @property
    def has_default(self) -> bool:
        """Whether an insert may leave the column out and get something other than NULL."""
        return self.default is not None or self.auto


WriteVerb = Literal["INSERT", "UPDATE", "DELETE"]


@dataclass(frozen=True)
class TableInfo:
    """One table or view, described for generating APIs over it."""

    schema: str | None
    name: str
    columns: list[ColumnInfo]
    primary_key: list[str]
    """The primary key's columns in key order; empty when there is none (or the database,
    like Trino, does not say)."""
    is_view: bool = False
    returning: frozenset[WriteVerb] = frozenset()
    """The statements this server lets end with RETURNING (it depends on its version)."""


STREAM_BATCH_ROWS = 1000
"""Rows a stream fetches from the server at a time: small enough to keep memory flat,
large enough that the round trips do not dominate."""


class RowStream(Protocol):
    """The rows of one read statement, fetched from a server-side cursor (or its driver's
    equivalent) a batch at a time, so a result of any size is never held whole."""

    columns: list[str]
    """The result's column names, in order (known once the stream is open)."""

    async def fetch(self) -> list[dict[str, Any]]:
        """The next batch of JSON-ready rows; an empty list once the rows run out."""
        ...


class Transaction(Protocol):
    async def execute(self, sql: str, params: Params = None) -> QueryResult: ...

    async def describe(self, sql: str, params: Params = None) -> list[ResultColumn] | None:
        """Run one statement and describe its result's columns (None: it returns no
        rows). The caller rolls the transaction back (`services/result_types`)."""
        ...

    async def execute_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """One statement run for every row of values (a batched INSERT), in one round trip
        where the driver can. InvalidConfig where the database cannot write rows so."""
        ...


class Connector(Protocol):
    """One data source's pool. `paramstyle` tells the SQL engine which placeholders to emit:
    `format` (%s, psycopg and PyMySQL), `qmark` (?, SQLite and Trino)."""

    paramstyle: ClassVar[Literal["format", "qmark"]]
    offset_first: ClassVar[bool]
    """Whether the dialect writes `OFFSET n LIMIT m` (Trino) rather than `LIMIT m OFFSET n`."""
    dialect: ClassVar[DatasourceType]
    """The SQL dialect its statements are parsed in (the data source's type)."""
    identifier_quote: ClassVar[str]
    """The character that quotes an identifier: `"` (standard SQL), or a backtick (MySQL)."""

    async def execute(
        self, sql: str, params: Params = None, *, timeout_ms: int | None = None
    ) -> QueryResult:
        """Run one statement in its own transaction (committed on success)."""
        ...

    async def read(
        self, sql: str, params: Params = None, *, timeout_ms: int | None = None
    ) -> QueryResult:
        """Run one statement in a read-only transaction, in as few round trips as the
        driver allows (one on PostgreSQL)."""
        ...

    def transaction(
        self, *, read_only: bool = False, timeout_ms: int | None = None
    ) -> AbstractAsyncContextManager[Transaction]:
        """Several statements in one transaction: committed when the block ends cleanly,
        rolled back on any error. `read_only` asks the server to refuse writes."""
        ...

    async def ping(self) -> None:
        """Raise a ConnectorError unless the source answers a trivial query."""
        ...

    def stream(
        self,
        sql: str,
        params: Params = None,
        *,
        timeout_ms: int | None = None,
        batch_rows: int = STREAM_BATCH_ROWS,
    ) -> AbstractAsyncContextManager[RowStream]:
        """A read statement's rows as a stream, in a read-only transaction on one
        connection held until the block ends. The timeout bounds each fetch, not the whole
        stream, so a long export is not cut by it. Leaving the block before the rows ran
        out (the reader stopped, an error, a cancellation) stops the query on the server."""
        ...

    async def tables(self) -> list[Table]:
        """Tables and views the user can see, with their columns."""
        ...

    async def describe_table(self, name: str, schema: str | None = None) -> TableInfo | None:
        """One table's columns (types, nullability, defaults) and primary key, or None when
        there is no such table. Without `schema`, the one the database would use for the
        bare name (PostgreSQL's search path, the connection's database or schema)."""
        ...

    async def close(self) -> None: ...

    def usage(self) -> PoolUsage:
        """How busy the pool is now (read at scrape time, never on a call's path)."""
        ...


def quote_identifier(name: str, quote: str) -> str:
    """`name` as a quoted identifier: inside quotes, the quote character doubled, so no
    name can end the identifier early. A NUL cannot be part of any name."""
    if not name or "\x00" in name:
        raise InvalidConfig("An identifier must be non-empty text without NUL characters")
    return f"{quote}{name.replace(quote, quote * 2)}{quote}"


def qualified_name(table: Table | TableInfo, quote: str) -> str:
    """A table's quoted name, with its schema when it has one."""
    name = quote_identifier(table.name, quote)
    return f"{quote_identifier(table.schema, quote)}.{name}" if table.schema else name


class ConnectorError(SluiceError):
    """A data-source failure. `message` is safe for any client; `detail` (the database's
    own words, scrubbed of the password) is for the admin's debug view only."""

    status = 502
    code = "datasource_error"

    def __init__(self, message: str, *, detail: str | None = None, retries: int = 0) -> None:
        super().__init__(message)
        self.detail = detail
        self.retries = retries


class DatasourceUnavailable(ConnectorError):
    """The source cannot be reached or has no free connection, after all retries."""

    status = 503
    code = "datasource_unavailable"


class QueryTimeout(ConnectorError):
    """The statement ran past its timeout and was cancelled."""

    status = 504
    code = "timeout"


class InvalidValue(ConnectorError):
    """The database refused a value as invalid for its type or range (SQLSTATE class 22,
    data exception): the caller sent it, so it is their mistake, not a server fault. The
    message stays generic since the database does not say which parameter it was."""

    status = 400
    code = "bad_request"


class InvalidConfig(ConnectorError):
    """The data-source settings cannot work (unknown type, missing path, bad option)."""

    status = 400
    code = "bad_request"
