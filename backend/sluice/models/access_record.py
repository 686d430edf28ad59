"""Access records (one per gateway call, whatever its outcome) and the audit log (one per
admin change). Both are append-only and filtered by time, so `at` is indexed."""

from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import AfterValidator
from sqlalchemy import JSON, BigInteger, Column, DateTime, Index
from sqlmodel import Field, SQLModel

from sluice.models.fields import StoredJsonObject
from sluice.models.user import utcnow


class AccessRecord(SQLModel, table=True):
    __tablename__ = "access_record"
    __table_args__ = (
        Index("ix_access_record_api_at", "api_id", "at"),
        Index("ix_access_record_module_at", "module", "at"),
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
    client_id: str | None = Field(default=None, max_length=64, index=True)
    ip: str | None = Field(default=None, max_length=64)
    status: int
    duration_ms: float
    request_id: str | None = Field(default=None, max_length=128)
    error: str | None = Field(default=None, max_length=64)
    body: str | None = None
    rows: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    """Rows a streamed export (CSV or NDJSON) sent; None for other answers."""


def _aware(moment: datetime) -> datetime:
    """SQLite gives stored times back without their zone; they are UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


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


class AccessRecordsPublic(SQLModel):
    data: list[AccessRecordPublic]
    count: int


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


class AuditLogsPublic(SQLModel):
    data: list[AuditLogPublic]
    count: int
