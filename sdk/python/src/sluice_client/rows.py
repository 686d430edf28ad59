"""Decoding a streamed export as it arrives: text chunks in, rows out.

No I/O here, so the sync and the async stream feed the same decoders. NDJSON gives one
object per line. CSV gives each record as a list of strings after the header (kept as
`columns`); a quoted field may hold line breaks, so a record ends only at a line break
outside quotes (an even count of `"` so far: quotes inside a field are doubled).
"""

import csv
import json
from abc import ABC, abstractmethod
from typing import Any, Generic, Literal, TypeVar

from sluice_client.errors import UnexpectedResponse

Format = Literal["ndjson", "csv"]
Row = TypeVar("Row")


class RowDecoder(Generic[Row], ABC):
    """Splits text at `\n` (only there: JSON text may hold U+2028 and such, which
    `str.splitlines` would break at) and hands each line, with its end, to `_line`."""

    def __init__(self) -> None:
        self._pending = ""
        self.columns: list[str] | None = None
        """The CSV header; None for NDJSON, and until the header has arrived."""

    def feed(self, text: str) -> list[Row]:
        *lines, self._pending = (self._pending + text).split("\n")
        return [row for line in lines for row in self._line(line + "\n")]

    def end(self) -> list[Row]:
        """The rows of what is left once the body has ended."""
        rest, self._pending = self._pending, ""
        return self._line(rest) + self._finish() if rest else self._finish()

    @abstractmethod
    def _line(self, line: str) -> list[Row]:
        """The rows one complete line of the body holds (none for a header)."""

    def _finish(self) -> list[Row]:
        return []


class NdjsonDecoder(RowDecoder[dict[str, Any]]):
    def _line(self, line: str) -> list[dict[str, Any]]:
        if not line.strip():
            return []
        try:
            row = json.loads(line)
        except ValueError:
            raise UnexpectedResponse(f"Not an NDJSON line: {line[:200]!r}") from None
        if not isinstance(row, dict):
            raise UnexpectedResponse(f"An NDJSON line that is not an object: {line[:200]!r}")
        return [row]


class CsvDecoder(RowDecoder[list[str]]):
    def __init__(self) -> None:
        super().__init__()
        self._record = ""
        self._quotes = 0

    def _line(self, line: str) -> list[list[str]]:
        self._record += line
        self._quotes += line.count('"')
        if self._quotes % 2:  # inside a quoted field: the record goes on
            return []
        return self._finish()

    def _finish(self) -> list[list[str]]:
        record, self._record, self._quotes = self._record, "", 0
        if not record.strip():
            return []
        row = next(csv.reader([record]), [])
        if self.columns is None:
            self.columns = row
            return []
        return [row]


def decoder(format: Format) -> RowDecoder[Any]:
    if format == "ndjson":
        return NdjsonDecoder()
    if format == "csv":
        return CsvDecoder()
    raise ValueError(f"format must be 'ndjson' or 'csv', not {format!r}")
