"""Table tools: a saved source's table exported as a file, or a CSV file imported into it.

Both reach the table's rows with the stored password, so both need `datasource:debug`,
which `read` (seeing a source's settings) does not give; an import writes, so it needs
`datasource:write` as well. See docs/SECURITY.md.
"""

import re
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Path, Query, Response, UploadFile
from starlette.concurrency import run_in_threadpool

from sluice.admin.deps import KeyringDep, SessionDep, SettingsDep, require, require_all
from sluice.admin.routes.datasources import Loaded
from sluice.connectors.base import ConnectionConfig
from sluice.downloads import StreamedDownload, attachment_headers
from sluice.http import ErrorBody, StrictJSONRoute
from sluice.models.datasource import (
    PREVIEW_MAX_ROWS,
    ImportMode,
    TableImportReport,
    TablePreview,
)
from sluice.models.user import User
from sluice.services import audit, tables
from sluice.services import datasources as sources
from sluice.services.csv_import import import_into_table
from sluice.services.exports import MEDIA_TYPES, Format, csv_text

router = APIRouter(prefix="/datasources", tags=["tables"], route_class=StrictJSONRoute)

IMPORT_PATH = re.compile(r"^/api/v1/datasources/[^/]+/tables/[^/]+/import$")
"""The one admin path whose body may be larger than MAX_REQUEST_BODY_BYTES (up to
CSV_IMPORT_MAX_BYTES): the upload is spooled to disk as it arrives."""

DataUser = Annotated[User, Depends(require("datasource", "debug"))]
Importer = Annotated[User, Depends(require_all(("datasource", "write"), ("datasource", "debug")))]
TableName = Annotated[
    str, Path(min_length=1, max_length=255, description="The table's name, spelled exactly")
]
SchemaName = Annotated[
    str | None,
    Query(
        min_length=1,
        max_length=255,
        description="The table's schema (PostgreSQL, Trino) or database (MySQL); "
        "by default the connection's current one",
    ),
]


def data_config(
    _: DataUser, ds: Loaded, settings: SettingsDep, keyring: KeyringDep
) -> ConnectionConfig:
    """The saved source with its password, for those who may work with its rows."""
    return sources.connection_config(ds, settings, sources.stored_password(ds, keyring))


DataConfig = Annotated[ConnectionConfig, Depends(data_config)]

FILES: dict[str, Any] = {"content": {MEDIA_TYPES["csv"]: {}, MEDIA_TYPES["ndjson"]: {}}}


@router.get("/{datasource_id}/tables/{table}/preview")
async def preview_table(
    config: DataConfig,
    table: TableName,
    schema: SchemaName = None,
    limit: Annotated[int, Query(ge=1, le=PREVIEW_MAX_ROWS, description="Rows to show")] = 20,
) -> TablePreview:
    """The table's columns (type, nullability, primary key) and its first rows. It reads
    data, so it needs `datasource:debug`, as an export does; it is not audited (a glance,
    not a copy)."""
    return await tables.preview_table(config, table, schema, limit)


@router.get(
    "/{datasource_id}/tables/{table}/export",
    response_class=Response,
    responses={200: {"description": "Every row of the table, streamed", **FILES}},
)
async def export_table(
    session: SessionDep,
    _: DataUser,
    ds: Loaded,
    config: DataConfig,
    table: TableName,
    schema: SchemaName = None,
    fmt: Annotated[Format, Query(alias="format")] = "csv",
) -> Response:
    """The table as a file, `<source>-<table>-<date>.csv` (or `.ndjson`), streamed from a
    server-side cursor. Audited."""
    export, found = await tables.export_table(config, table, schema, fmt)
    details = {"table": found.name, "schema": found.schema, "format": fmt}
    try:
        await run_in_threadpool(audit.record, session, "export", "datasource", ds.id, details)
    except BaseException:
        await export.close()
        raise
    return StreamedDownload(export, f"{ds.name}-{found.name}")


@router.post(
    "/{datasource_id}/tables/{table}/import",
    response_model=TableImportReport,
    responses={
        200: {"content": {MEDIA_TYPES["csv"]: {}}},
        413: {"model": ErrorBody, "description": "The upload is over CSV_IMPORT_MAX_BYTES"},
    },
)
async def import_table(
    session: SessionDep,
    _: Importer,
    ds: Loaded,
    config: DataConfig,
    settings: SettingsDep,
    table: TableName,
    file: Annotated[UploadFile, File(description="UTF-8 CSV; its first line names columns")],
    mode: Annotated[ImportMode, Form()] = "all_or_nothing",
    schema: SchemaName = None,
    report: Annotated[
        Literal["json", "csv"], Query(description="`csv`: the report as a CSV attachment")
    ] = "json",
) -> TableImportReport | Response:
    """Insert the file's rows into the table (see the user guide, "Importing a CSV file").
    Audited with its report."""
    outcome = await import_into_table(
        config,
        table,
        schema,
        file.file,
        mode,
        batch_rows=settings.CSV_IMPORT_BATCH_ROWS,
        max_errors=settings.CSV_IMPORT_MAX_ERRORS,
    )
    details = outcome.model_dump(by_alias=True) | {"file": _shown(file.filename)}
    await run_in_threadpool(audit.record, session, "import", "datasource", ds.id, details)
    return report_csv(outcome) if report == "csv" else outcome


def report_csv(outcome: TableImportReport) -> Response:
    """The report's refused rows as `line,message`, its counts in headers."""
    rows: list[list[Any]] = [["line", "message"], *([e.line, e.message] for e in outcome.errors)]
    headers = attachment_headers(f"{outcome.table}-import-report", "csv") | {
        "X-Import-Inserted": str(outcome.inserted),
        "X-Import-Failed": str(outcome.failed),
        "X-Import-Committed": "true" if outcome.committed else "false",
    }
    return Response(csv_text(rows), media_type=MEDIA_TYPES["csv"], headers=headers)


def _shown(filename: str | None) -> str | None:
    """The upload's name as the audit log keeps it: printable, at most 255 characters."""
    if filename is None:
        return None
    return "".join(c if c.isprintable() else "?" for c in filename)[:255]
