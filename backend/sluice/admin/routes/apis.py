from typing import Annotated, Any

from anyio import from_thread
from fastapi import APIRouter, BackgroundTasks, Body, Depends, Query, Request, Response, status

from sluice.admin.deps import (
    GatekeeperDep,
    Id,
    Page,
    RegistryDep,
    Search,
    SessionDep,
    SettingsDep,
    require,
)
from sluice.http import ErrorBody, StrictJSONRoute, passes_nul_through
from sluice.models.api import (
    Api,
    ApiCreate,
    ApiPublic,
    ApisPublic,
    ApiUpdate,
    ApiVersionDetail,
    ApiVersionPublished,
    ApiVersionsPublic,
    DebugRequest,
    DebugResult,
    EditorReference,
    Engine,
    Method,
    PublishRequest,
    RestoreRequest,
    ResultColumnPublic,
    VersionDiff,
)
from sluice.models.api_test import RunReport
from sluice.models.user import User
from sluice.services import apis as service
from sluice.services import audit, debug, publish_gate, versions
from sluice.services.common import get_or_404
from sluice.services.editor_reference import editor_reference
from sluice.services.gateway_docs import operation_ids
from sluice.services.registry import LiveApi
from sluice.services.result_types import describe, describe_missing
from sluice.services.scripts import script_modules

router = APIRouter(prefix="/apis", tags=["apis"], route_class=StrictJSONRoute)

Reader = Annotated[User, Depends(require("api", "read"))]
Writer = Annotated[User, Depends(require("api", "write"))]
Publisher = Annotated[User, Depends(require("api", "publish"))]
Debugger = Annotated[User, Depends(require("api", "debug"))]


def load(session: SessionDep, api_id: Id) -> Api:
    return get_or_404(session, Api, api_id)


Loaded = Annotated[Api, Depends(load)]


@router.get("")
def read_apis(
    session: SessionDep,
    _: Reader,
    page: Page,
    q: Search,
    module_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    engine: Engine | None = None,
    method: Method | None = None,
    published: Annotated[bool | None, Query(description="Only published (or unpublished)")] = None,
) -> ApisPublic:
    """APIs by module and path; `q` is text in the name, path or description."""
    filters = service.ApiFilters(q, module_id, engine, method, published)
    items, total = service.list_apis(session, *page, filters)
    return ApisPublic(data=[service.api_public(session, a) for a in items], count=total)


@router.post("", status_code=status.HTTP_201_CREATED)
def create_api(session: SessionDep, _: Writer, body: ApiCreate) -> ApiPublic:
    return service.api_public(session, service.create_api(session, body))


@router.get("/editor-reference")
def read_editor_reference(_: Reader) -> EditorReference:
    """The template filters and tags and the script's names, with their docs: what the
    editor completes and shows on hover."""
    return editor_reference()


@router.get("/{api_id}")
def read_api(session: SessionDep, _: Reader, registry: RegistryDep, api: Loaded) -> ApiPublic:
    public = service.api_public(session, api)
    public.operation_id = operation_ids(registry.current.apis).get(public.id)
    return public


@router.patch("/{api_id}")
def update_api(
    session: SessionDep, _: Writer, registry: RegistryDep, api: Loaded, body: ApiUpdate
) -> ApiPublic:
    updated = service.update_api(session, api, body)
    registry.changed()
    return service.api_public(session, updated)


@router.delete("/{api_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_api(session: SessionDep, _: Writer, registry: RegistryDep, api: Loaded) -> None:
    service.delete_api(session, api)
    registry.changed()


def draft_plan(
    session: SessionDep, settings: SettingsDep, request: Request, api: Loaded, body: DebugRequest
) -> LiveApi:
    if body.draft is not None:  # before the audit row's commit expires the loaded API
        api = service.unsaved(session, api, body.draft.model_dump(exclude_unset=True))
    audit.record(session, "debug", "api", api.id, {"params": body.params})
    return debug.prepare(
        session, api, settings, request.app.state.keyring, script_modules(settings)
    )


@router.post("/{api_id}/debug")
@passes_nul_through
async def debug_api(
    request: Request, _: Debugger, plan: Annotated[LiveApi, Depends(draft_plan)], body: DebugRequest
) -> DebugResult:
    """Run the draft with the given params: data, rendered SQL (or a script's log lines),
    bound values, duration. With `draft`, run that (the editor's unsaved state) in place of
    the stored draft, checked like a save (4xx with the reason) and not stored."""
    result = await debug.run(plan, body.params, request.app.state)
    if result.ok:
        shape = await describe(request.app.state, plan, body.params)
        if shape is not None and shape["kind"] == "rows":
            result.result_columns = [
                ResultColumnPublic(
                    name=c["name"],
                    db_type=c["db_type"],
                    nullable=c["nullable"],
                    json_schema=c["schema"],
                )
                for c in shape["columns"]
            ]
    return result


class GateRefusal(ErrorBody):
    """A 409: a name or version conflict, or (`code` `tests_failed`) the module holds
    publishes to passing tests and `tests` lists the results."""

    tests: RunReport | None = None


GATED: dict[int | str, dict[str, Any]] = {
    409: {"model": GateRefusal, "description": "A conflict, or failing test cases"}
}


@router.post("/{api_id}/publish", status_code=status.HTTP_201_CREATED, responses=GATED)
def publish_api(
    request: Request,
    session: SessionDep,
    user: Publisher,
    registry: RegistryDep,
    keeper: GatekeeperDep,
    api: Loaded,
    body: PublishRequest,
    background: BackgroundTasks,
) -> ApiVersionPublished:
    """Publish the draft as a new version. When the module requires passing tests, they
    run first: 409 `tests_failed` with the results, unless `force` with a `reason`.

    The new version's result shape is described after the answer: describing runs the
    query on its data source, which would make a publish as slow as the source (the
    gateway document and a version diff describe what is missing before they answer)."""
    version, tests = publish_gate.publish(session, api, body, user, keeper)
    registry.changed()
    background.add_task(describe_missing, request.app.state)
    return versions.version_published(api, version, tests)


@router.post("/{api_id}/unpublish")
def unpublish_api(
    session: SessionDep, _: Publisher, registry: RegistryDep, api: Loaded
) -> ApiPublic:
    updated = versions.unpublish(session, api)
    registry.changed()
    return service.api_public(session, updated)


@router.get("/{api_id}/versions")
def read_api_versions(session: SessionDep, _: Reader, api: Loaded) -> ApiVersionsPublic:
    items = [versions.version_public(api, v) for v in versions.list_versions(session, api)]
    return ApiVersionsPublic(data=items, count=len(items))


@router.get("/{api_id}/versions/{version_id}")
def read_api_version(
    session: SessionDep, _: Reader, api: Loaded, version_id: Id
) -> ApiVersionDetail:
    return versions.version_detail(api, versions.get_version(session, api, version_id))


@router.get("/{api_id}/versions/{version_id}/diff")
def diff_api_version(
    request: Request,
    session: SessionDep,
    _: Reader,
    api: Loaded,
    version_id: Id,
    against: Annotated[int, Query(ge=1, le=2**31 - 1)],
) -> VersionDiff:
    """What changed from version `against` to this version (a live version just published
    is described first, so its result's changes are in)."""
    from_thread.run(describe_missing, request.app.state)
    old = versions.get_version(session, api, against)
    return versions.diff(old, versions.get_version(session, api, version_id))


@router.get("/{api_id}/draft/diff")
def diff_api_draft(session: SessionDep, _: Reader, api: Loaded) -> VersionDiff:
    """What publishing the draft would change: the last published version against the
    draft (`to_version` is the number it would get). 404 before the first publish."""
    return versions.draft_diff(session, api)


@router.post(
    "/{api_id}/versions/{version_id}/restore",
    status_code=status.HTTP_201_CREATED,
    responses=GATED,
)
def restore_api_version(
    session: SessionDep,
    user: Publisher,
    registry: RegistryDep,
    keeper: GatekeeperDep,
    api: Loaded,
    version_id: Id,
    response: Response,
    body: Annotated[RestoreRequest | None, Body()] = None,
) -> ApiVersionPublished | ApiPublic:
    """Publish that version's content again (the module's test gate applies to it) and
    answer the new version; with `{"to": "draft"}`, only copy it into the draft (201 with
    the API, nothing published)."""
    body = body or RestoreRequest()
    if body.to == "draft":
        changes = versions.draft_of(session, api, version_id)
        response.status_code = status.HTTP_200_OK
        updated = service.update_api(session, api, changes)
        registry.changed()
        return service.api_public(session, updated)
    version, tests = publish_gate.restore(session, api, version_id, body, user, keeper)
    registry.changed()
    return versions.version_published(api, version, tests)
