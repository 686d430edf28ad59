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

from sqlalchemy import Engine, delete, insert

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


class AccessLog:
    def __init__(
        self, engine: Engine, metrics: Metrics, *, size: int = 10_000, batch: int = 500
    ) -> None:
        self._engine, self._metrics, self._batch = engine, metrics, batch
        self._queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(maxsize=size)

    def record(self, call: Call, status: int, request_id: str | None) -> None:
        row = {
            "at": datetime.now(UTC),
            "api_id": call.api_id,
            "module": call.module,
            "path": call.path[:512],
            "method": call.method,
            "client_id": call.client_id,
            "ip": call.ip,
            "status": status,
            "request_id": request_id,
            "error": call.error,
            "duration_ms": round((time.perf_counter() - call.started) * 1000, 3),
            "body": call.body,
        }
        try:
            self._queue.put_nowait(row)
        except asyncio.QueueFull:
            self._metrics.access_records_dropped.inc()
        self._metrics.access_queue_depth.set(self._queue.qsize())

    async def prune(self, retention_days: int) -> None:
        await asyncio.to_thread(self._prune, retention_days)

    async def flush(self) -> None:
        while not self._queue.empty():
            rows = [self._queue.get_nowait() for _ in range(min(self._batch, self._queue.qsize()))]
            try:
                await asyncio.to_thread(self._write, rows)
            except Exception:  # the store may be briefly away; count and go on
                log.exception("writing %d access records failed", len(rows))
                self._metrics.access_records_dropped.inc(len(rows))
        self._metrics.access_queue_depth.set(self._queue.qsize())

    def _write(self, rows: list[dict[str, Any]]) -> None:
        with self._engine.begin() as connection:
            connection.execute(insert(AccessRecord), rows)

    def _prune(self, retention_days: int) -> None:
        cutoff = datetime.now(UTC) - timedelta(days=retention_days)
        with self._engine.begin() as connection:
            connection.execute(delete(AccessRecord).where(AccessRecord.at < cutoff))  # type: ignore[arg-type]
