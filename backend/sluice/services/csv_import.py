"""CSV into a table: the header mapped to the table's columns, each value converted by its
column's type (`csv_values`), rows inserted a batch at a time, and a report.

The upload is read from its spooled file as it is parsed (`csv` over a text wrapper, one
batch of rows at a time, on a worker thread), so a file of any size costs one batch of
memory. A line over `MAX_LINE_CHARS`, bytes that are not UTF-8 (a byte-order mark is
allowed) or a NUL character mean the file is not a text CSV: a 400 naming the line, and
nothing written. So is a header naming a column the table does not have, found before
the first row is read.

The import runs in one transaction, each batch under a savepoint. A batch the database
refuses is rolled back to its savepoint and tried again row by row (each under its own),
so the report can name every refused row with its line and the database's reason:

- `all_or_nothing`: the first bad row (a value that does not convert, or one the database
  refuses) stops the inserting; the rest of the file is still read, to report the values
  that do not convert (up to the report's limit), and everything is rolled back.
- `best_effort`: bad rows are reported and skipped; the good ones are committed.

A report lists at most `max_errors` rows; `failed` counts them all. Lines are numbered
from 1, the header's, and a row is named by the line it starts on.
"""

import asyncio
import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from sluice.connectors.base import (
    ColumnInfo,
    ConnectionConfig,
    Connector,
    ConnectorError,
    DatasourceUnavailable,
    QueryTimeout,
    TableInfo,
    Transaction,
    quote_identifier,
)
from sluice.engines.sql.statements import PLACEHOLDERS
from sluice.errors import BadRequest
from sluice.models.datasource import ImportMode, ImportRowError, TableImportReport
from sluice.services.csv_values import converter
from sluice.services.tables import find_table, quoted, short_lived

MAX_LINE_CHARS = 1024 * 1024
MAX_MESSAGE_CHARS = 500


class CsvProblem(BadRequest):
    """The file cannot be imported into this table at all; nothing was written."""


@dataclass
class Report:
    """What an import did: rows inserted, rows refused, and the first refusals."""

    max_errors: int
    inserted: int = 0
    failed: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    def fail(self, line: int, message: str) -> None:
        self.failed += 1
        if len(self.errors) < self.max_errors:
            self.errors.append((line, " ".join(message.split())[:MAX_MESSAGE_CHARS]))

    @property
    def full(self) -> bool:
        return len(self.errors) >= self.max_errors


Row = tuple[int, list[Any]]
"""A converted row and the line it starts on."""


class CsvSource:
    """The upload as rows of the table: the header mapped to its columns on opening,
    then converted rows a batch at a time. Blocking: run it on a worker thread."""

    def __init__(self, binary: BinaryIO, table: TableInfo) -> None:
        self._text = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")
        self._reader = csv.reader(_lines(self._text), strict=True)
        self.columns = self._header(table)
        self._converters = [converter(column.type) for column in self.columns]

    def _next(self) -> list[str] | None:
        try:
            return next(self._reader)
        except StopIteration:
            return None
        except csv.Error as exc:
            raise CsvProblem(f"Line {self._reader.line_num}: {exc}") from None

    def _header(self, table: TableInfo) -> list[ColumnInfo]:
        names = [name.strip() for name in self._next() or []]
        if not any(names):
            raise CsvProblem("The file is empty: its first line must name the columns")
        columns = [_column(table, name, position) for position, name in enumerate(names, 1)]
        unknown = [name for name, column in zip(names, columns, strict=True) if column is None]
        if unknown:
            known = ", ".join(column.name for column in table.columns[:50])
            raise CsvProblem(
                f"Unknown column(s) for table {table.name!r}: "
                f"{', '.join(map(repr, unknown))} (its columns: {known})"
            )
        found = [column for column in columns if column is not None]
        twice = {c.name for c in found if sum(other is c for other in found) > 1}
        if twice:
            raise CsvProblem(f"Column(s) named twice in the header: {', '.join(sorted(twice))}")
        computed = [column.name for column in found if not column.writable]
        if computed:
            raise CsvProblem(
                f"Column(s) the database computes, which take no value: {', '.join(computed)}"
            )
        return found

    def batch(self, size: int, report: Report) -> list[Row]:
        """Up to `size` converted rows; those that do not convert go to the report."""
        rows: list[Row] = []
        while len(rows) < size:
            line = self._reader.line_num + 1
            record = self._next()
            if record is None:
                break
            if not record:  # a blank line
                continue
            try:
                rows.append((line, self._converted(record)))
            except ValueError as exc:
                report.fail(line, str(exc))
        return rows

    def _converted(self, record: list[str]) -> list[Any]:
        if len(record) != len(self.columns):
            raise ValueError(f"{len(record)} values for the header's {len(self.columns)} columns")
        values = []
        for text, column, convert in zip(record, self.columns, self._converters, strict=True):
            try:
                values.append(None if text == "" else convert(text))
            except ValueError as exc:
                raise ValueError(f"column {column.name!r} {exc}") from None
        return values


def _column(table: TableInfo, name: str, position: int) -> ColumnInfo | None:
    """The table's column a header name means: the same name, else the only one that is
    the same but for case."""
    if not name:
        raise CsvProblem(f"The header's column {position} has no name")
    exact = [column for column in table.columns if column.name == name]
    loose = [column for column in table.columns if column.name.casefold() == name.casefold()]
    if len(exact) == 1 or len(loose) == 1:
        return exact[0] if exact else loose[0]
    if len(loose) > 1:
        raise CsvProblem(f"Header column {name!r} matches several columns but for their case")
    return None


def _lines(text: io.TextIOWrapper) -> Iterator[str]:
    """The file's lines, each checked: bounded, UTF-8, without NUL."""
    number = 0
    while True:
        number += 1
        try:
            line = text.readline(MAX_LINE_CHARS + 1)
        except UnicodeDecodeError:
            raise CsvProblem(f"Near line {number}: the file is not UTF-8 text") from None
        if not line:
            return
        if len(line) > MAX_LINE_CHARS and not line.endswith("\n"):
            raise CsvProblem(f"Line {number} is longer than {MAX_LINE_CHARS} characters")
        if "\x00" in line:
            raise CsvProblem(f"Line {number} holds a NUL character: the file is not a text CSV")
        yield line


def insert_sql(connector: Connector, table: TableInfo, columns: Sequence[ColumnInfo]) -> str:
    """The INSERT of one row of `columns` (quoted; `%` doubled where `%s` marks a value)."""
    mark = PLACEHOLDERS[connector.paramstyle]
    quote = connector.identifier_quote
    names = ", ".join(quote_identifier(column.name, quote) for column in columns)
    target = f"{quoted(connector, table)} ({names})"
    if connector.paramstyle == "format":
        target = target.replace("%", "%%")
    return f"INSERT INTO {target} VALUES ({', '.join([mark] * len(columns))})"


class _Abandoned(Exception):
    """Raised inside the transaction to roll an all-or-nothing import back."""


async def import_into_table(
    config: ConnectionConfig,
    name: str,
    schema: str | None,
    upload: BinaryIO,
    mode: ImportMode,
    *,
    batch_rows: int,
    max_errors: int,
) -> TableImportReport:
    """Import `upload` into the table `name` of the source (404 when it has none)."""
    if config.type == "trino":
        raise BadRequest("CSV import writes into PostgreSQL, MySQL and SQLite tables, not Trino")
    connector = short_lived(config)
    try:
        table = await find_table(connector, name, schema)
        report, committed = await import_csv(
            connector, table, upload, mode, batch_rows=batch_rows, max_errors=max_errors
        )
    finally:
        await connector.close()
    return TableImportReport(
        table=table.name,
        schema=table.schema,
        mode=mode,
        committed=committed,
        inserted=report.inserted if committed else 0,
        failed=report.failed,
        errors=[ImportRowError(line=line, message=text) for line, text in sorted(report.errors)],
    )


async def import_csv(
    connector: Connector,
    table: TableInfo,
    upload: BinaryIO,
    mode: ImportMode,
    *,
    batch_rows: int,
    max_errors: int,
) -> tuple[Report, bool]:
    """The report, and whether the rows were committed."""
    source = await asyncio.to_thread(CsvSource, upload, table)
    sql = insert_sql(connector, table, source.columns)
    report = Report(max_errors)
    try:
        async with connector.transaction() as tx:
            await _load(tx, sql, source, mode, report, batch_rows)
            if mode == "all_or_nothing" and report.failed:
                raise _Abandoned
    except _Abandoned:
        return report, False
    return report, True


async def _load(
    tx: Transaction, sql: str, source: CsvSource, mode: ImportMode, report: Report, size: int
) -> None:
    all_or_nothing = mode == "all_or_nothing"
    while batch := await asyncio.to_thread(source.batch, size, report):
        if all_or_nothing and report.failed:
            if report.full:
                return
            continue  # nothing more is inserted; the file is read for conversion errors
        await _insert(tx, sql, batch, report, first_only=all_or_nothing)


async def _insert(
    tx: Transaction, sql: str, batch: list[Row], report: Report, *, first_only: bool
) -> None:
    """The batch in one executemany; if refused, row by row to find the refused rows."""
    await tx.execute("SAVEPOINT sluice_batch")
    try:
        await tx.execute_many(sql, [values for _, values in batch])
        report.inserted += len(batch)
    except ConnectorError as error:
        _unless_fatal(error)
        await tx.execute("ROLLBACK TO SAVEPOINT sluice_batch")
        await _row_by_row(tx, sql, batch, report, first_only)
    await tx.execute("RELEASE SAVEPOINT sluice_batch")


async def _row_by_row(
    tx: Transaction, sql: str, batch: list[Row], report: Report, first_only: bool
) -> None:
    for line, values in batch:
        await tx.execute("SAVEPOINT sluice_row")
        try:
            await tx.execute(sql, values)
            report.inserted += 1
        except ConnectorError as error:
            _unless_fatal(error)
            await tx.execute("ROLLBACK TO SAVEPOINT sluice_row")
            report.fail(line, error.detail or error.message)
            if first_only:
                return
        await tx.execute("RELEASE SAVEPOINT sluice_row")


def _unless_fatal(error: ConnectorError) -> None:
    """A lost connection or a timeout ends the import (rolled back); any other refusal is
    the row's."""
    if isinstance(error, DatasourceUnavailable | QueryTimeout):
        raise error
