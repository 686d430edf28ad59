"""Alert rules, their firings, the evaluator's lease and the counts of dropped access
records.

A rule watches an API, a module or everything (error rate, p95 latency), data sources
(health check) or the access-record queue (records dropped). While its condition holds
it has one open firing; the firings are its history. The webhook secret is stored
encrypted (the data-source keyring, bound to the rule's row) and never returned.
"""

from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, AnyHttpUrl, StringConstraints, TypeAdapter, model_validator
from sqlalchemy import Column, DateTime, ForeignKey, Integer, String
from sqlmodel import Field, SQLModel

from sluice.models.access_record import UtcDatetime
from sluice.models.fields import RowId
from sluice.models.user import utcnow

AlertKind = Literal["error_rate", "latency_p95", "datasource_health", "records_dropped"]
StatusClass = Literal["5xx", "4xx"]
WebhookFormat = Literal["json", "slack"]
AlertState = Literal["ok", "firing"]

WINDOW_MAX = 86_400
"""The longest window a rule may look back over: what bounds an evaluation's scan."""
SECRET_MIN, SECRET_MAX = 16, 256
_HTTP_URL = TypeAdapter(AnyHttpUrl)


def _http_url(value: str) -> str:
    """An http(s) URL with a host (pydantic's check), kept as written."""
    _HTTP_URL.validate_python(value)
    return value


WebhookUrl = Annotated[
    str,
    StringConstraints(max_length=2048, pattern=r"^https?://[^\s]+$"),
    AfterValidator(_http_url),
]


def _utc_moment(moment: datetime) -> datetime:
    """A time as UTC (a time without a zone is taken as UTC), between 1970 and 9999: what
    every store and driver can hold and give back."""
    try:
        moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except OverflowError:
        raise ValueError("the time is out of range") from None
    if not 1970 <= moment.year <= 9998:
        raise ValueError("the time must be between 1970 and 9998")
    return moment


UtcMoment = Annotated[datetime, AfterValidator(_utc_moment)]


def _fk(target: str, *, nullable: bool = True) -> Column[int]:
    return Column(Integer, ForeignKey(target, ondelete="CASCADE"), nullable=nullable, index=True)


class AlertFields(SQLModel):
    """What a rule says; the checks that involve several fields are in `_consistent`."""

    name: str = Field(min_length=1, max_length=100)
    kind: AlertKind
    api_id: RowId | None = None
    module_id: RowId | None = None
    datasource_id: RowId | None = None
    status_class: StatusClass = "5xx"
    threshold: float = Field(default=0, ge=0, le=1e9)
    """Percent of calls (error rate), milliseconds (p95 latency) or records (dropped);
    a health rule fires on any failing check and ignores it."""
    window_seconds: int = Field(default=300, ge=10, le=WINDOW_MAX)
    min_calls: int = Field(default=10, ge=1, le=1_000_000)
    webhook_url: WebhookUrl
    webhook_format: WebhookFormat = "json"
    repeat_seconds: int = Field(default=3600, ge=0, le=7 * 86_400)
    """A firing is notified again this often while it lasts; 0: only once."""
    silenced_until: UtcMoment | None = None
    """Until then no notice is sent (firings are still recorded)."""
    enabled: bool = True

    @model_validator(mode="after")
    def _consistent(self) -> "AlertFields":
        if self.api_id is not None and self.module_id is not None:
            raise ValueError("a rule watches an API or a module (or everything), not both")
        traffic = self.kind in ("error_rate", "latency_p95")
        if not traffic and (self.api_id is not None or self.module_id is not None):
            raise ValueError(f"a {self.kind} rule does not watch an API or a module")
        if self.kind != "datasource_health" and self.datasource_id is not None:
            raise ValueError("only a datasource_health rule watches a data source")
        if self.kind == "error_rate" and self.threshold > 100:
            raise ValueError("an error-rate threshold is a percentage (0 to 100)")
        return self


class AlertCreate(AlertFields):
    secret: str = Field(min_length=SECRET_MIN, max_length=SECRET_MAX)
    """The HMAC key the webhook's `X-Sluice-Signature` is made with."""


class AlertUpdate(SQLModel):
    name: str | None = Field(default=None, min_length=1, max_length=100)
    kind: AlertKind | None = None
    api_id: RowId | None = None
    module_id: RowId | None = None
    datasource_id: RowId | None = None
    status_class: StatusClass | None = None
    threshold: float | None = Field(default=None, ge=0, le=1e9)
    window_seconds: int | None = Field(default=None, ge=10, le=WINDOW_MAX)
    min_calls: int | None = Field(default=None, ge=1, le=1_000_000)
    webhook_url: WebhookUrl | None = None
    webhook_format: WebhookFormat | None = None
    repeat_seconds: int | None = Field(default=None, ge=0, le=7 * 86_400)
    silenced_until: UtcMoment | None = None
    enabled: bool | None = None
    secret: str | None = Field(default=None, min_length=SECRET_MIN, max_length=SECRET_MAX)


class AlertRule(AlertFields, table=True):
    __tablename__ = "alert_rule"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100, unique=True)
    kind: AlertKind = Field(sa_column=Column(String(32), nullable=False))
    status_class: StatusClass = Field(default="5xx", sa_column=Column(String(8), nullable=False))
    webhook_format: WebhookFormat = Field(
        default="json", sa_column=Column(String(16), nullable=False)
    )
    webhook_url: str = Field(max_length=2048)
    api_id: int | None = Field(default=None, sa_column=_fk("api.id"))
    module_id: int | None = Field(default=None, sa_column=_fk("module.id"))
    datasource_id: int | None = Field(default=None, sa_column=_fk("datasource.id"))
    silenced_until: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    secret_encrypted: str = Field(max_length=512)
    firing_id: int | None = None
    """The open firing while the condition holds (not a foreign key: history outlives it)."""
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )


class AlertPublic(AlertFields):
    id: int
    silenced_until: UtcDatetime | None
    state: AlertState
    firing_since: UtcDatetime | None
    created_at: UtcDatetime
    updated_at: UtcDatetime


class AlertsPublic(SQLModel):
    data: list[AlertPublic]
    count: int


class AlertFiring(SQLModel, table=True):
    """One stretch of time a rule's condition held, and what was told about it."""

    __tablename__ = "alert_firing"

    id: int | None = Field(default=None, primary_key=True)
    rule_id: int = Field(sa_column=_fk("alert_rule.id", nullable=False))
    rule_name: str = Field(max_length=100)
    started_at: datetime = Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=False, index=True),
    )
    resolved_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    value: float
    message: str = Field(max_length=1000)
    notifications: int = 0
    last_notified_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    resolved_notified: bool = False
    last_error: str | None = Field(default=None, max_length=500)


class AlertFiringPublic(SQLModel):
    id: int
    rule_id: int
    rule_name: str
    started_at: UtcDatetime
    resolved_at: UtcDatetime | None
    value: float
    message: str
    notifications: int
    last_notified_at: UtcDatetime | None
    resolved_notified: bool
    last_error: str | None


class AlertFiringsPublic(SQLModel):
    data: list[AlertFiringPublic]
    count: int


class AlertLease(SQLModel, table=True):
    """Who evaluates alerts until when, when there is no Redis to hold the lease."""

    __tablename__ = "alert_lease"

    name: str = Field(primary_key=True, max_length=32)
    holder: str = Field(max_length=128)
    expires_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class AccessDrop(SQLModel, table=True):
    """Access records a process had to drop, counted per report: every process writes
    its own, so the evaluator (one process) sees the drops of all of them."""

    __tablename__ = "access_drop"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=False, index=True),
    )
    count: int
