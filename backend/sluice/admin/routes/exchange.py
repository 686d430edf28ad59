"""Definitions as code over HTTP: the export (YAML), its JSON Schema, and the import.

An export shows everything the definitions hold (clients and their grants, data-source
hosts, every template), so it needs read on each kind it holds; an import may change all
of it, so it needs write on each, and publish on APIs and macros. Neither gives anything
the same user could not do through the other routes one call at a time.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import Field

from sluice.admin.deps import GatekeeperDep, RegistryDep, SessionDep, SettingsDep, require_all
from sluice.errors import UnsupportedMediaType
from sluice.http import StrictJSONRoute, as_json_errors
from sluice.models.user import User
from sluice.services.exchange import (
    ImportOptions,
    ImportReport,
    export_definitions,
    import_definitions,
    json_schema,
    read_bytes,
    to_yaml,
)

router = APIRouter(tags=["exchange"], route_class=StrictJSONRoute)

KINDS = ("datasource", "module", "api", "macro", "group", "client")
Exporter = Annotated[User, Depends(require_all(*[(kind, "read") for kind in KINDS]))]
Importer = Annotated[
    User,
    Depends(
        require_all(*[(kind, "write") for kind in KINDS], ("api", "publish"), ("macro", "publish"))
    ),
]

YAML = "application/yaml"
YAML_TYPES = frozenset({YAML, "application/x-yaml", "text/yaml", "text/x-yaml"})
YAML_TEXT = {
    "type": "string",
    "description": "A definitions file (YAML); GET /api/v1/export/schema is its JSON Schema",
}


class YamlResponse(Response):
    media_type = YAML


@router.get(
    "/export",
    response_class=YamlResponse,
    responses={
        200: {"content": {YAML: {"schema": YAML_TEXT}}, "description": "The file"},
        **as_json_errors(
            {
                404: {"description": "No module of a name asked for"},
                409: {"description": "Two APIs of a module, or two clients, share a name"},
            }
        ),
    },
)
def export_yaml(
    session: SessionDep,
    _: Exporter,
    module: Annotated[
        list[Annotated[str, Field(max_length=63)]] | None,
        Query(max_length=100, description="Only these modules (and what they use)"),
    ] = None,
) -> YamlResponse:
    """The definitions as one YAML document (`sluice export`)."""
    text = to_yaml(export_definitions(session, module or ()))
    disposition = {"Content-Disposition": 'attachment; filename="sluice.yaml"'}
    return YamlResponse(text, headers=disposition)


@router.get("/export/schema")
def export_schema() -> dict[str, Any]:
    """The JSON Schema of the definitions file. Public, like the OpenAPI document: it
    describes the format and holds no data, and editors fetch it without a login."""
    return json_schema()


async def yaml_body(request: Request) -> bytes:
    """The body, as sent with a YAML (or JSON, which is YAML) content type."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind not in YAML_TYPES | {"application/json"}:
        raise UnsupportedMediaType(f"Send the definitions file with Content-Type: {YAML}")
    return await request.body()


@router.post(
    "/import",
    openapi_extra={"requestBody": {"required": True, "content": {YAML: {"schema": YAML_TEXT}}}},
)
def import_yaml(
    user: Importer,
    request: Request,
    settings: SettingsDep,
    registry: RegistryDep,
    keeper: GatekeeperDep,
    body: Annotated[bytes, Depends(yaml_body)],
    dry_run: bool = False,
    prune: bool = False,
    force_reason: Annotated[str | None, Query(min_length=1, max_length=500)] = None,
) -> ImportReport:
    """Create, change (and with `prune`, delete) objects to match the file, all or
    nothing; `dry_run` reports the plan and changes nothing. A new client without
    `secret_env` gets a generated secret, answered once in `new_clients`. An API of a
    module that requires passing tests is published only when they pass, unless
    `force_reason` says why to publish anyway."""
    options = ImportOptions(
        settings=settings,
        keyring=request.app.state.keyring,
        user=user,
        keeper=keeper,
        read_secret=lambda name: settings.import_secret(name, any_name=False),
        dry_run=dry_run,
        prune=prune,
        force_reason=force_reason,
    )
    report = import_definitions(request.app.state.engine, read_bytes(body), options)
    if not dry_run and (report.created or report.changed or report.deleted):
        registry.changed()
    return report
