"""Stage: the access record, one per call whatever its outcome.

Records are queued in memory and written in batches by a background task, so a call never
waits for the store, and wait there while the store is away. The queue is bounded: when
it is full a record is dropped and counted in `/metrics` rather than slowing the call.
"""

import asyncio
import logging
import time
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import unquote_plus

import orjson
from sqlalchemy import (
    Connection,
    Engine,
    delete,
    func,
    insert,
    select,
)
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlmodel import col

from sluice.gateway.rollups import STATUS_SUMS, summed_rollup_sqls, take_hours_off_days_sql
from sluice.models.access_record import (
    LATENCY_BOUNDS_MS,
    AccessClientDay,
    AccessClientRollup,
    AccessRecord,
    AccessRollup,
)
from sluice.models.alert import AccessDrop
from sluice.observability.metrics import Metrics

log = logging.getLogger(__name__)


VIA_KEY = "sluice.via"
"""The ASGI scope key of a call's channel: `mcp` in the scope of a tool call's gateway
request (see `gateway.mcp`); absent for an HTTP call."""


@dataclass
class Call:
    """What the pipeline learns about one call, for its record."""

    method: str
    path: str
    started: float = field(default_factory=time.perf_counter)
    module: str | None = None
    api_id: int | None = None
    client_id: str | None = None
    ip: str | None = None
    error: str | None = None
    body: str | None = None
    rows: int | None = None
    """Rows a streamed export sent (set when its stream ends)."""
    message: str | None = None
    """The error's message, as the caller got it."""
    query: bytes = b""
    """The raw query string; masked when recorded."""
    via: str = "http"
    """`mcp` for a tool call at `/mcp`, which runs through this same pipeline."""


COLUMNS = (
    "at",
    "api_id",
    "module",
    "path",
    "method",
    "client_id",
    "ip",
    "status",
    "request_id",
    "error",
    "duration_ms",
    "body",
    "rows",
    "message",
    "query_string",
    "via",
)
Row = tuple[Any, ...]


_PG_CASTS = {
    "at": "timestamptz",
    "api_id": "bigint",
    "status": "int",
    "duration_ms": "float8",
    "rows": "bigint",
}
_TABLE = AccessRecord.__table__  # type: ignore[attr-defined]
_MODULE, _PATH, _METHOD, _IP, _MESSAGE, _QUERY = (
    _TABLE.columns[name].type.length
    for name in ("module", "path", "method", "ip", "message", "query_string")
)
RETRY_DELAYS_S = (1.0, 2.0, 4.0, 5.0)
"""Pauses between tries while the store is away: the last one repeats."""
_FAILURES = (DBAPIError, PoolTimeout, orjson.JSONEncodeError)


def fit(text: str | None, size: int) -> str | None:
    """Text the store can hold: a NUL becomes `\\x00` and a lone surrogate `\\ud800`-style escape
    (PostgreSQL refuses the first, UTF-8 cannot encode the second), then cut at the
    column's size. The common case (plain ASCII of the right size) costs two C calls."""
    if text is None:
        return None
    if "\x00" in text or not text.isascii():
        text = text.replace("\x00", "\\x00").encode("utf-8", "backslashreplace").decode()
    return text if len(text) <= size else text[:size]


SECRET_WORDS = ("password", "secret", "token", "key", "authorization")
"""A body key or query parameter whose name holds one of these has its value masked."""


def masked_query(raw: bytes) -> str | None:
    """The query string as sent, the values of secret-looking parameters (`client_secret`,
    `access_token`, `password`...) replaced by `***`; None when there is none. Kept raw
    rather than parsed and re-encoded, so the record shows what the caller sent; the
    common case (no secret-looking name) is one decode and a few substring tests."""
    if not raw:
        return None
    text = raw.decode("utf-8", "backslashreplace")
    plain = text.lower()
    if "%" in plain or "+" in plain:
        plain = unquote_plus(plain).lower()
    if not any(word in plain for word in SECRET_WORDS):
        return text
    parts = []
    for part in text.split("&"):
        name, equals, _ = part.partition("=")
        secret = any(word in unquote_plus(name).lower() for word in SECRET_WORDS)
        parts.append(f"{name}=***" if equals and secret else part)
    return "&".join(parts)


class StoreAway(Exception):
    """The store cannot be reached; `done` rows of the batch were dealt with first, and
    the `unsure` rows after them went in a transaction whose COMMIT lost its connection:
    the store may have committed it (see `AccessLog._settle_unsure`)."""

    def __init__(self, done: int, reason: str, unsure: int = 0) -> None:
        super().__init__(reason)
        self.done, self.reason, self.unsure = done, reason, unsure


class _CommitLost(Exception):
    """The connection was lost during COMMIT: the transaction's outcome is unknown."""


def _is_away(exc: Exception) -> bool:
    """A lost or refused connection (or an exhausted pool) is the store being away, not
    the rows being wrong."""
    lost = isinstance(exc, DBAPIError) and exc.connection_invalidated
    return lost or isinstance(exc, OperationalError | InterfaceError | PoolTimeout)


def _raise_if_away(exc: Exception, done: int) -> None:
    """StoreAway when the store is away, so the rows are kept."""
    if _is_away(exc):
        raise StoreAway(done, type(exc).__name__) from exc


def landed_sql(engine: Engine) -> str:
    """Whether a record is stored, found by its request id and its time to the microsecond
    (a client may send the same request id twice, not at the same microsecond)."""
    at = "%s::timestamptz" if engine.dialect.name == "postgresql" else "substr(?, 1, 26)"
    mark = "%s" if engine.dialect.name == "postgresql" else "?"
    return f"SELECT 1 FROM {_TABLE.name} WHERE request_id = {mark} AND at = {at} LIMIT 1"


def insert_sql(engine: Engine) -> str:
    """The one statement that inserts a batch given as a JSON array of rows."""
    names, dialect = ", ".join(COLUMNS), engine.dialect
    if dialect.name == "postgresql":
        fields = ", ".join(
            f"(r ->> {i})::{_PG_CASTS[c]}" if c in _PG_CASTS else f"r ->> {i}"
            for i, c in enumerate(COLUMNS)
        )
        source = "jsonb_array_elements(%s::jsonb) AS r"
    elif dialect.name == "sqlite":
        # SQLAlchemy keeps SQLite times as 'YYYY-MM-DD HH:MM:SS.ffffff', no zone (UTC)
        fields = ", ".join(
            "substr(r.value ->> 0, 1, 26)" if c == "at" else f"r.value ->> {i}"
            for i, c in enumerate(COLUMNS)
        )
        source = "json_each(?) AS r"
    else:
        raise ValueError(f"access records cannot be written to a {dialect.name} store")
    return f"INSERT INTO {_TABLE.name} ({names}) SELECT {fields} FROM {source}"


_AT, _API, _CLIENT, _STATUS, _ERROR, _DURATION = (
    COLUMNS.index(name) for name in ("at", "api_id", "client_id", "status", "error", "duration_ms")
)


def batch_sums(rows: list[Row]) -> tuple[list[Row], list[Row], list[Row]]:
    """A batch's rows summed per rollup key, in the shape `summed_rollup_sqls` takes:
    per (hour, API, status, error) the calls, their total duration and the latency
    histogram (bucket i holds LATENCY_BOUNDS_MS[i-1] < duration <= LATENCY_BOUNDS_MS[i]);
    per (hour, API, client) the calls and the errors (status >= 400), and the same per
    (day, API, client), summed from those."""
    by_status: dict[tuple[Any, ...], list[Any]] = {}
    by_client: dict[tuple[Any, ...], list[int]] = {}
    width = len(STATUS_SUMS)
    for row in rows:
        hour, api, status, took = row[_AT][:13], row[_API] or 0, row[_STATUS], row[_DURATION]
        key = (hour, api, status, row[_ERROR] or "")
        sums = by_status.get(key)
        if sums is None:
            sums = by_status[key] = [0, 0.0] + [0] * (width - 2)
        sums[0] += 1
        if took is not None:
            sums[1] += took
            sums[2 + bisect_left(LATENCY_BOUNDS_MS, took)] += 1
        counts = by_client.get(client := (hour, api, row[_CLIENT] or ""))
        if counts is None:
            counts = by_client[client] = [0, 0]
        counts[0] += 1
        counts[1] += status >= 400
    return (
        [(*key, *sums) for key, sums in by_status.items()],
        [(*key, *counts) for key, counts in by_client.items()],
        _per_day(by_client),
    )


def _per_day(by_client: dict[tuple[Any, ...], list[int]]) -> list[Row]:
    """The per-hour client sums of a batch summed per day (the hour's first 10 characters):
    a batch rarely spans two days, so this is about as many rows as clients."""
    by_day: dict[tuple[Any, ...], list[int]] = {}
    for (hour, api, client), (calls, errors) in by_client.items():
        counts = by_day.get(day := (hour[:10], api, client))
        if counts is None:
            by_day[day] = [calls, errors]
        else:
            counts[0] += calls
            counts[1] += errors
    return [(*key, *counts) for key, counts in by_day.items()]


_QUERY_AT, _REQUEST_ID = COLUMNS.index("query_string"), COLUMNS.index("request_id")


def _stored(row: Row) -> Row:
    """The row as stored: its raw query string (bytes, as queued) masked and cut."""
    query = fit(masked_query(row[_QUERY_AT]), _QUERY)
    return (*row[:_QUERY_AT], query, *row[_QUERY_AT + 1 :])


PRUNE_BATCH = 5_000
"""Records deleted per transaction when pruning: each batch holds its locks (on SQLite,
the store's one write lock) for a moment, so writers carry on between batches."""


class AccessLog:
    """The queue and its writer. Rows are plain tuples in COLUMNS order (the time already
    as ISO text), written one batch per statement: the batch goes as one JSON array
    parameter that the store unpacks (`jsonb_array_elements` on PostgreSQL, `json_each`
    on SQLite). The writer thread shares the process's GIL with the calls it records, so
    it must hold it as little as possible: orjson turns the batch into one string in C,
    and the driver waits for the store with the GIL released. Row-by-row writing
    (executemany, COPY rows formatted in Python) measured at half the gateway's CPU.

    One record never costs another: text that cannot be stored (a NUL, a lone surrogate,
    more than the column holds) is escaped and cut when the call is recorded (the query
    string when the batch is written, masked then: `_stored`), and a batch
    the store refuses anyway is written again row by row, dropping (and counting) only
    the rows refused. While the store is away, rows stay queued and the writer tries
    again with a growing pause (`RETRY_DELAYS_S`); only a full queue drops."""

    def __init__(
        self, engine: Engine, metrics: Metrics, *, size: int = 10_000, batch: int = 2_000
    ) -> None:
        self._engine, self._metrics = engine, metrics
        self._size, self._batch = size, batch
        self._rows: list[Row] = []
        self._failures = 0
        self._retry_at = 0.0
        self._writing = asyncio.Lock()  # one writer at a time: rows leave once written
        self._queue_full = metrics.access_records_dropped.labels("queue_full")
        self._sql = insert_sql(engine)
        self._landed_sql = landed_sql(engine)
        self._unsure: tuple[Row, int] | None = None
        """The first queued row and how many rows went with it in a transaction whose
        COMMIT lost its connection; settled before the next write."""
        self._rollup_sqls = summed_rollup_sqls(engine.dialect.name)
        self._take_off_days_sql = take_hours_off_days_sql(engine.dialect.name)
        self._unreported = 0
        """Records dropped since the last `report_drops`, for the records-dropped alert."""

    def record(self, call: Call, status: int, request_id: str | None) -> None:
        rows = self._rows
        if len(rows) >= self._size:
            self._queue_full.inc()
            self._unreported += 1
            return
        rows.append(
            (
                datetime.now(UTC).isoformat(" ", "microseconds"),
                call.api_id,
                fit(call.module, _MODULE),
                fit(call.path, _PATH),
                fit(call.method, _METHOD),
                call.client_id,
                fit(call.ip, _IP),
                status,
                request_id,
                call.error,
                round((time.perf_counter() - call.started) * 1000, 3),
                call.body,
                call.rows,
                fit(call.message, _MESSAGE),
                call.query or None,  # bytes: masked by the writer (`_stored`), off the call
                call.via,
            )
        )

    async def report_drops(self) -> None:
        """Write how many records this process dropped since the last report (one row),
        so the records-dropped alert sees every process's drops. While the store is away
        the count waits for the next report."""
        count = self._unreported
        if count:
            await asyncio.to_thread(self._write_drops, count)
            self._unreported -= count

    def _write_drops(self, count: int) -> None:
        with self._engine.begin() as connection:
            connection.execute(insert(AccessDrop).values(count=count, at=datetime.now(UTC)))

    async def prune(self, retention_days: int, now: datetime | None = None) -> int:
        """Delete the records (and rollups, drop counts) older than the retention before
        `now` (by default the present; tests choose where the cutoff falls), in small
        transactions that writers pass between; how many records went."""
        cutoff = (now or datetime.now(UTC)) - timedelta(days=retention_days)
        return await asyncio.to_thread(self._prune, cutoff)

    async def flush(self, *, final: bool = False) -> None:
        """Write what is queued, a batch at a time. Rows leave the queue only once
        written (or refused by the store); while the store is away they wait for the
        next try, which comes later after each failure. `final` (at shutdown) tries once
        whatever the pause, and counts what it could not write as dropped."""
        if final or time.monotonic() >= self._retry_at:
            await self._write_queued()
        if final and self._rows:
            self._metrics.access_records_dropped.labels("store_unavailable").inc(len(self._rows))
            self._unreported += len(self._rows)
            self._rows.clear()
        self._metrics.access_queue_depth.set(len(self._rows))

    async def _write_queued(self) -> None:
        async with self._writing:
            await self._write_batches()

    async def _write_batches(self) -> None:
        while self._rows:
            try:
                if self._unsure is not None and await self._settle_unsure():
                    continue
                rows = self._rows[: self._batch]
                await asyncio.to_thread(self._write, rows)
            except StoreAway as away:
                del self._rows[: away.done]
                if away.unsure and self._rows:
                    self._unsure = (self._rows[0], away.unsure)
                self._back_off(away)
                return
            del self._rows[: len(rows)]  # calls recorded meanwhile were appended after
            if self._failures:
                log.warning("the store is back; writing queued access records")
                self._failures = 0

    async def _settle_unsure(self) -> bool:
        """After a COMMIT that lost its connection: look for its first row in the store. If
        it is there the whole transaction was committed, and its rows leave the queue
        (True) rather than being written twice; if not, they are written as usual."""
        assert self._unsure is not None
        witness, count = self._unsure
        request_id = witness[_REQUEST_ID]
        landed = False
        if request_id is not None and self._rows and self._rows[0] is witness:
            landed = await asyncio.to_thread(self._landed, request_id, witness[_AT])
        self._unsure = None
        if landed:
            del self._rows[:count]
        return landed

    def _landed(self, request_id: str, at: str) -> bool:
        try:
            with self._engine.connect() as connection:
                found = connection.exec_driver_sql(self._landed_sql, (request_id, at)).first()
        except _FAILURES as exc:
            _raise_if_away(exc, 0)
            raise
        return found is not None

    def _back_off(self, away: "StoreAway") -> None:
        delay = RETRY_DELAYS_S[min(self._failures, len(RETRY_DELAYS_S) - 1)]
        if not self._failures:
            log.warning("the store is away (%s); access records stay queued", away.reason)
        self._failures += 1
        self._retry_at = time.monotonic() + delay

    def _write(self, rows: list[Row]) -> None:
        """One statement for the batch; if the store refuses it, one per row, dropping
        the rows it refuses. A lost connection stops the work (`StoreAway`, saying how
        many rows are done) so the rest is tried again later."""
        rows = [row if row[_QUERY_AT] is None else _stored(row) for row in rows]
        try:
            self._insert(rows)
            return
        except _CommitLost as lost:
            raise StoreAway(0, lost.args[0], unsure=len(rows)) from lost
        except _FAILURES as exc:
            _raise_if_away(exc, 0)
            log.warning("a batch of %d access records was refused (%s); row by row", len(rows), exc)
        for done, row in enumerate(rows):
            try:
                self._insert([row])
            except _CommitLost as lost:
                raise StoreAway(done, lost.args[0], unsure=1) from lost
            except _FAILURES as exc:
                _raise_if_away(exc, done)
                log.warning("an access record was refused and dropped: %s", exc)
                self._metrics.access_records_dropped.labels("unstorable").inc()
                self._unreported += 1

    def _insert(self, rows: list[Row]) -> None:
        batch = orjson.dumps(rows).decode()  # TypeError on a lone surrogate
        sums = [orjson.dumps(summed).decode() for summed in batch_sums(rows)]
        with self._engine.connect() as connection:
            transaction = connection.begin()
            connection.exec_driver_sql(self._sql, (batch,))
            for rollup, summed in zip(self._rollup_sqls, sums, strict=True):
                connection.exec_driver_sql(rollup, (summed,))
            try:
                transaction.commit()
            except _FAILURES as exc:
                if _is_away(exc):
                    raise _CommitLost(type(exc).__name__) from exc
                raise

    def _prune(self, cutoff: datetime) -> int:
        """Delete what is older than the cutoff, in small transactions: records
        `PRUNE_BATCH` at a time (the oldest first, by the time index), rollups a day of
        hours at a time (the daily client rollup with them). Returns how many records
        were deleted."""
        at = col(AccessRecord.at)
        oldest = select(col(AccessRecord.id)).where(at < cutoff).order_by(at).limit(PRUNE_BATCH)
        batch = delete(AccessRecord).where(col(AccessRecord.id).in_(oldest.scalar_subquery()))
        deleted = done = PRUNE_BATCH
        while done == PRUNE_BATCH:
            with self._engine.begin() as connection:
                done = connection.execute(batch).rowcount
            deleted += done
        for rollup in (AccessRollup, AccessClientRollup):
            self._prune_hours(rollup, cutoff)
        with self._engine.begin() as connection:
            connection.execute(delete(AccessDrop).where(col(AccessDrop.at) < cutoff))
        return deleted - PRUNE_BATCH

    def _prune_hours(
        self, rollup: type[AccessRollup | AccessClientRollup], cutoff: datetime
    ) -> None:
        """Delete the rollup's hours before the cutoff, a day of them per transaction. The
        client rollup's hours are first taken off their days (`AccessClientDay`), in the
        same transaction, so a day stays the sum of its hours even when the cutoff falls
        inside it; a day whose hours are all gone is deleted."""
        hour = col(rollup.hour)
        while True:
            with self._engine.begin() as connection:
                first = connection.execute(select(func.min(hour))).scalar()
                if first is None or _utc(first) >= cutoff:
                    return
                end = min(_utc(first) + timedelta(days=1), cutoff)
                if rollup is AccessClientRollup:
                    self._take_hours_off_days(connection, end)
                connection.execute(delete(rollup).where(hour < end))

    def _take_hours_off_days(self, connection: Connection, end: datetime) -> None:
        """Take the client rollup's hours before `end` off their days, then delete the days
        left with no calls (every stored hour has at least one)."""
        connection.execute(self._take_off_days_sql, {"end": end})
        day = col(AccessClientDay.day)
        empty = (day < end) & (col(AccessClientDay.calls) <= 0)
        connection.execute(delete(AccessClientDay).where(empty))


def _utc(moment: datetime) -> datetime:
    """SQLite gives stored times back without their zone; they are UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
