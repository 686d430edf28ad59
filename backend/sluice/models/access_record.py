"""Access records (one per gateway call, whatever its outcome) and the audit log (one per
admin change). Both are append-only and filtered by time, so `at` is indexed."""

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator
from sqlalchemy import JSON, BigInteger, Column, DateTime, Index, text
from sqlmodel import Field, SQLModel

from sluice.models.fields import StoredJsonObject
from sluice.models.user import utcnow


class AccessRecord(SQLModel, table=True):
    __tablename__ = "access_record"
    __table_args__ = (
        Index("ix_access_record_api_at", "api_id", "at"),
        Index("ix_access_record_module_at", "module", "at"),
        Index("ix_access_record_client_at", "client_id", "at"),
        Index("ix_access_record_status_at", "status", "at"),
        Index("ix_access_record_api_status_at", "api_id", "status", "at"),
        Index(
            "ix_access_record_mcp_at",
            "at",
            postgresql_where=text("via = 'mcp'"),
            sqlite_where=text("via = 'mcp'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), index=True, nullable=False),
    )
    api_id: int | None = None
    module: str | None = Field(default=None, max_length=63)
    path: str = Field(max_length=512)
    method: str = Field(max_length=8)
    client_id: str | None = Field(default=None, max_length=64)
    ip: str | None = Field(default=None, max_length=64)
    status: int
    duration_ms: float
    request_id: str | None = Field(default=None, max_length=128)
    error: str | None = Field(default=None, max_length=64)
    body: str | None = None
    rows: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    """Rows a streamed export (CSV or NDJSON) sent; None for other answers."""
    message: str | None = Field(default=None, max_length=1024)
    """The error's message as the caller got it ("parameter 'x': must be a number")."""
    query_string: str | None = Field(default=None, max_length=2048)
    """The raw query string, secret-looking parameters' values masked."""
    via: str = Field(default="http", max_length=8)
    """How the call came: `http` (the gateway's own routes) or `mcp` (a tool call at
    `/mcp`, run through the same pipeline)."""


def _aware(moment: datetime) -> datetime:
    """SQLite gives stored times back without their zone; they are UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


Via = Literal["http", "mcp"]
UtcDatetime = Annotated[datetime, AfterValidator(_aware)]


class AccessRecordPublic(SQLModel):
    id: int
    at: UtcDatetime
    api_id: int | None
    module: str | None
    path: str
    method: str
    client_id: str | None
    ip: str | None
    status: int
    duration_ms: float
    request_id: str | None
    error: str | None
    body: str | None = None
    rows: int | None = None
    message: str | None = None
    query_string: str | None = None
    api_name: str | None = None
    """The API's name now, its last known name if it was deleted, or `#id (deleted)`."""
    client_name: str | None = None
    """The client's name, resolved like `api_name`."""
    via: Via = "http"


class AccessRecordsPublic(SQLModel):
    data: list[AccessRecordPublic]
    count: int
    """The matching records, counted up to `services.records.COUNT_CAP`."""
    count_capped: bool = False
    """True when more records match than `count` says (it stopped at the cap)."""


class AuditLog(SQLModel, table=True):
    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), index=True, nullable=False),
    )
    actor: str | None = Field(default=None, max_length=255, index=True)
    action: str = Field(max_length=32)
    resource: str = Field(max_length=32, index=True)
    resource_id: str | None = Field(default=None, max_length=64)
    before: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    after: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))


class AuditLogPublic(SQLModel):
    id: int
    at: UtcDatetime
    actor: str | None
    action: str
    resource: str
    resource_id: str | None
    before: StoredJsonObject | None
    after: StoredJsonObject | None
    resource_name: str | None = None
    """The resource's name now, its last known name if it was deleted, or `#id (deleted)`."""


class AuditLogsPublic(SQLModel):
    data: list[AuditLogPublic]
    count: int


LATENCY_BOUNDS_MS = (
    0.5, 1, 2, 3, 5, 7.5, 10, 15, 20, 30, 50, 75, 100,
    150, 200, 300, 500, 750, 1000, 1500, 2000, 3000, 5000, 10000,
)  # fmt: skip
"""Upper bounds of the latency histogram's buckets (`h0`...); `h24` holds the slower calls.
About 1.5x apart, so a percentile read from it is within half a bucket of the true one."""
HISTOGRAM = tuple(f"h{i}" for i in range(len(LATENCY_BOUNDS_MS) + 1))


def _histogram_columns() -> dict[str, Any]:
    return {name: Column(name, BigInteger, nullable=False, default=0) for name in HISTOGRAM}


class AccessRollup(SQLModel, table=True):
    """Access records summed per hour and per (API, status, error), with a latency
    histogram: the charts' series, top APIs and top errors read this, never the raw
    records. The access-record writer adds each batch to it in the same transaction.
    Missing values are stored as 0 and "" so that the key stays unique. Clients are in
    `AccessClientRollup`: with them in the key, the rows would multiply by the clients."""

    __tablename__ = "access_rollup"
    __table_args__ = (
        Index("ix_access_rollup_api_hour", "api_id", "hour"),
        *_histogram_columns().values(),
    )

    hour: datetime = Field(sa_column=Column(DateTime(timezone=True), primary_key=True))
    api_id: int = Field(default=0, sa_column=Column(BigInteger, primary_key=True))
    status: int = Field(primary_key=True)
    error: str = Field(default="", primary_key=True, max_length=64)
    calls: int = Field(sa_column=Column(BigInteger, nullable=False))
    duration_ms: float
    """The sum of the calls' durations."""


class AccessClientRollup(SQLModel, table=True):
    """Calls and errors (status 400 and above) per hour, API and client ("" for none): the
    top clients."""

    __tablename__ = "access_client_rollup"
    __table_args__ = (Index("ix_access_client_rollup_api_hour", "api_id", "hour"),)

    hour: datetime = Field(sa_column=Column(DateTime(timezone=True), primary_key=True))
    api_id: int = Field(default=0, sa_column=Column(BigInteger, primary_key=True))
    client_id: str = Field(default="", primary_key=True, max_length=64)
    calls: int = Field(sa_column=Column(BigInteger, nullable=False))
    errors: int = Field(sa_column=Column(BigInteger, nullable=False))


class AccessClientDay(SQLModel, table=True):
    """`AccessClientRollup` summed per UTC day (`day` is its midnight): the top clients of
    a long range read whole days here, 24 times fewer rows. Always the sum of its day's
    hourly rows: the writer adds a batch to both in one transaction, and pruning an hour
    takes it off its day (`AccessLog._take_hours_off_days`)."""

    __tablename__ = "access_client_day"
    __table_args__ = (Index("ix_access_client_day_api_day", "api_id", "day"),)

    day: datetime = Field(sa_column=Column(DateTime(timezone=True), primary_key=True))
    api_id: int = Field(default=0, sa_column=Column(BigInteger, primary_key=True))
    client_id: str = Field(default="", primary_key=True, max_length=64)
    calls: int = Field(sa_column=Column(BigInteger, nullable=False))
    errors: int = Field(sa_column=Column(BigInteger, nullable=False))
