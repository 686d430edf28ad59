"""Rows out as a file: CSV or NDJSON, written from a connector's row stream a batch at a
time, so an export of any size holds one batch in memory. The gateway's streamed formats
and the admin API's table export both use it; the HTTP side is `sluice.downloads`.

Values are the JSON answer's (the connectors' value rules), written as JSON writes them:
NULL as an empty cell, booleans as `true`/`false`, JSON objects and arrays as JSON text,
numbers and text as they are. Cells are not altered for spreadsheets (no quote in front
of a leading `=`): an export is data, and importing it again must give the same rows.
"""

import csv
import io
import re
from collections.abc import AsyncGenerator, Callable, Iterable
from contextlib import AbstractAsyncContextManager, AsyncExitStack, aclosing
from datetime import date
from typing import Any, Literal

import anyio
import orjson

from sluice.connectors.base import RowStream
from sluice.errors import SluiceError

Format = Literal["csv", "ndjson"]
FORMATS: tuple[Format, ...] = ("csv", "ndjson")
MEDIA_TYPES: dict[Format, str] = {
    "csv": "text/csv; charset=utf-8",
    "ndjson": "application/x-ndjson",
}
Row = dict[str, Any]
Transform = Callable[[Row], Row]

CLIENT_DISCONNECTED = "client_disconnected"
ROW_LIMIT_REACHED = "row_limit_reached"
"""Outcomes of a stream cut short, as its access record names them."""

_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
_NEWLINE = orjson.OPT_APPEND_NEWLINE


def attachment_name(stem: str, fmt: Format, day: date) -> str:
    """`<stem>-<YYYY-MM-DD>.<fmt>`, the stem cut to letters, digits, `.`, `_` and `-` so
    the name needs no escaping in a Content-Disposition header on any client."""
    safe = _UNSAFE_NAME.sub("-", stem).strip("-.")[:100] or "export"
    return f"{safe}-{day.isoformat()}.{fmt}"


def cell(value: Any) -> Any:
    """A JSON-ready value as a CSV cell."""
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, dict | list):
        return orjson.dumps(value).decode()
    return value


def csv_text(rows: Iterable[Iterable[Any]]) -> bytes:
    """CSV lines (RFC 4180 quoting, `\\r\\n` ends) of rows of values, as UTF-8."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode()


def header(fmt: Format, names: list[str]) -> bytes:
    return csv_text([names]) if fmt == "csv" else b""


def lines(fmt: Format, rows: list[Row]) -> bytes:
    """A batch of rows in the format (its CSV cells in the order of the row's keys)."""
    if fmt == "csv":
        return csv_text([map(cell, row.values()) for row in rows])
    return b"".join(orjson.dumps(row, option=_NEWLINE) for row in rows)


def document(fmt: Format, rows: list[Row]) -> bytes:
    """A whole result already in memory, header included. A script's rows may differ in
    their keys: the CSV columns are the first row's, a key missing from a row is empty."""
    if fmt == "ndjson":
        return lines(fmt, rows)
    names = list(rows[0]) if rows else []
    return csv_text([names, *([cell(row.get(name)) for name in names] for row in rows)])


class Export:
    """One export in progress. `start` opens the stream and reads its first batch, so a
    query that fails before its first row fails there, as an ordinary error answer; the
    rows are then written as `body()` is read. Afterwards `rows` says how many were
    written and `outcome` how it ended: None when every row went out, else
    `row_limit_reached`, `client_disconnected` or the code of the error that cut it."""

    def __init__(
        self, held: AsyncExitStack, stream: RowStream, first: list[Row], fmt: Format
    ) -> None:
        self._held = held
        self._stream = stream
        self._first = first
        self.format = fmt
        self.limit = 0
        self.transform: Transform | None = None
        self.rows = 0
        self.outcome: str | None = None

    @classmethod
    async def start(
        cls,
        opened: AbstractAsyncContextManager[RowStream],
        fmt: Format,
        *,
        limit: int = 0,
        transform: Transform | None = None,
    ) -> "Export":
        """`limit` caps the rows written (0: no cap); `transform` reshapes each row (and,
        through a row of the column names, the CSV header)."""
        async with AsyncExitStack() as stack:
            stream = await stack.enter_async_context(opened)
            first = await stream.fetch()
            export = cls(stack.pop_all(), stream, first, fmt)
        export.limit, export.transform = limit, transform
        return export

    async def close(self) -> None:
        """End the stream without writing it (the answer is not going out after all)."""
        await self._held.aclose()

    async def body(self) -> AsyncGenerator[bytes, None]:
        """The file, a batch per chunk. The stream is closed when this ends however it
        ends (done, an error, or closed early by the reader leaving)."""
        failure: BaseException | None = None
        try:
            async with aclosing(self._chunks()) as chunks:
                async for chunk in chunks:
                    yield chunk
        except BaseException as exc:
            failure = exc
            self.outcome = _outcome(exc)
            raise
        finally:
            with anyio.CancelScope(shield=True):
                trace = failure.__traceback__ if failure else None
                await self._held.__aexit__(type(failure) if failure else None, failure, trace)

    async def _chunks(self) -> AsyncGenerator[bytes, None]:
        names = list(dict.fromkeys(self._stream.columns))
        if self.transform is not None:
            names = list(self.transform(dict.fromkeys(names)))
        yield header(self.format, names)
        batch = self._first
        while batch:
            batch = self._within_limit(batch)
            if batch:
                self.rows += len(batch)
                yield lines(self.format, self._shaped(batch))
            if self.outcome is not None:
                return
            batch = await self._stream.fetch()

    def _within_limit(self, batch: list[Row]) -> list[Row]:
        if self.limit and self.rows + len(batch) > self.limit:
            self.outcome = ROW_LIMIT_REACHED
            return batch[: self.limit - self.rows]
        return batch

    def _shaped(self, batch: list[Row]) -> list[Row]:
        transform = self.transform
        return batch if transform is None else [transform(row) for row in batch]


def _outcome(exc: BaseException) -> str:
    """How a stream that raised ended, for its record."""
    if isinstance(exc, SluiceError):
        return exc.code
    if isinstance(exc, GeneratorExit | anyio.get_cancelled_exc_class()):
        return CLIENT_DISCONNECTED
    return "internal_error"
