"""Stage: the access record, one per call whatever its outcome.

Records are queued in memory and written in batches by a background task, so a call never
waits for the store. The queue is bounded: when it is full a record is dropped and counted
in `/metrics` rather than slowing the call.
"""

import asyncio
import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
from sqlalchemy import Engine, delete

from sluice.models.access_record import AccessRecord
from sluice.observability.metrics import Metrics

log = logging.getLogger(__name__)


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
)
Row = tuple[Any, ...]


class AccessLog:
    """The queue and its writer. Rows are plain tuples in COLUMNS order, written by one
    statement per batch: COPY on PostgreSQL, and on SQLite one INSERT ... SELECT over the
    batch as a JSON array. The writer shares the process (and its GIL) with the calls it
    records, so it must not hand the GIL back and forth row by row as executemany does."""

    def __init__(
        self, engine: Engine, metrics: Metrics, *, size: int = 10_000, batch: int = 2_000
    ) -> None:
        self._engine, self._metrics = engine, metrics
        self._size, self._batch = size, batch
        self._rows: list[Row] = []
        table, dialect = AccessRecord.__table__, engine.dialect  # type: ignore[attr-defined]
        self._processors = [
            (i, processor)
            for i, name in enumerate(COLUMNS)
            if (processor := table.c[name].type.dialect_impl(dialect).bind_processor(dialect))
        ]
        """The store's own conversions (SQLite keeps times as text in its own format)."""
        names = ", ".join(COLUMNS)
        self._copy = dialect.name == "postgresql" and dialect.driver == "psycopg"
        if self._copy:
            self._sql = f"COPY {table.name} ({names}) FROM STDIN"
        elif dialect.name == "sqlite":
            fields = ", ".join(f"value ->> {i}" for i in range(len(COLUMNS)))
            self._sql = f"INSERT INTO {table.name} ({names}) SELECT {fields} FROM json_each(?)"
        else:
            raise ValueError(f"access records cannot be written to a {dialect.name} store")

    def record(self, call: Call, status: int, request_id: str | None) -> None:
        rows = self._rows
        if len(rows) >= self._size:
            self._metrics.access_records_dropped.inc()
            return
        rows.append(
            (
                datetime.now(UTC),
                call.api_id,
                call.module,
                call.path[:512],
                call.method,
                call.client_id,
                call.ip,
                status,
                request_id,
                call.error,
                round((time.perf_counter() - call.started) * 1000, 3),
                call.body,
            )
        )

    async def prune(self, retention_days: int) -> None:
        await asyncio.to_thread(self._prune, retention_days)

    async def flush(self) -> None:
        self._metrics.access_queue_depth.set(len(self._rows))
        while self._rows:
            rows, self._rows = self._rows[: self._batch], self._rows[self._batch :]
            try:
                await asyncio.to_thread(self._write, rows)
            except Exception:  # the store may be briefly away; count and go on
                log.exception("writing %d access records failed", len(rows))
                self._metrics.access_records_dropped.inc(len(rows))
        self._metrics.access_queue_depth.set(len(self._rows))

    def _write(self, rows: list[Row]) -> None:
        with self._engine.begin() as connection:
            if self._copy:
                cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
                with cursor, cursor.copy(self._sql) as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                batch = orjson.dumps([self._bound(row) for row in rows]).decode()
                connection.exec_driver_sql(self._sql, (batch,))

    def _bound(self, row: Row) -> Row:
        values = list(row)
        for i, processor in self._processors:
            values[i] = processor(values[i])
        return tuple(values)

    def _prune(self, retention_days: int) -> None:
        cutoff = datetime.now(UTC) - timedelta(days=retention_days)
        with self._engine.begin() as connection:
            connection.execute(delete(AccessRecord).where(AccessRecord.at < cutoff))  # type: ignore[arg-type]
