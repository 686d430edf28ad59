"""Publishing: every publish freezes the API into a new immutable, numbered version.

The snapshot holds every field that decides what a call does, and the ids of the macro
versions the template imports, so a later macro publish never changes a live API.
"""

import difflib
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError
from sqlmodel import Session, col, func, select

from sluice.engines.script.sandbox import compile_script, macro_imports
from sluice.engines.sql import compile_template
from sluice.errors import Conflict, NotFound, SluiceError, Unprocessable
from sluice.models.api import (
    Api,
    ApiUpdate,
    ApiVersion,
    ApiVersionDetail,
    ApiVersionPublic,
    ApiVersionPublished,
    ResultChange,
    VersionDiff,
)
from sluice.models.api_test import GateReport
from sluice.models.user import utcnow
from sluice.services import audit
from sluice.services.common import commit
from sluice.services.macros import published_sources
from sluice.services.publication import bump

FROZEN_FIELDS = (
    "name",
    "path",
    "method",
    "engine",
    "datasource_id",
    "content",
    "params",
    "result_transform",
    "param_validation",
    "access",
    "cache_ttl_seconds",
    "rate_limit_per_minute",
    "timeout_ms",
    "pagination",
    "allow_whole_table_writes",
    "description",
    "mcp_hidden",
    "mcp_writes",
    "output_schema",
)
SNAPSHOT_DEFAULTS = {
    "allow_whole_table_writes": False,
    "mcp_hidden": False,
    "mcp_writes": False,
    "output_schema": None,
}
"""Frozen fields added after the first versions were taken: what an older snapshot meant."""


def snapshot(api: Api) -> dict[str, Any]:
    data = api.model_dump(include=set(FROZEN_FIELDS), mode="json")
    return {field: data[field] for field in FROZEN_FIELDS}


def pin_macros(
    session: Session, frozen: Mapping[str, Any], modules: tuple[str, ...]
) -> dict[str, int]:
    """Compile what a version freezes (see `snapshot`) against the latest published
    macros; pin the ones it imports."""
    for source in _scripts(frozen):
        compile_script(source, modules=modules)
    return _pins(session, frozen)


def _scripts(frozen: Mapping[str, Any]) -> list[str]:
    scripts = [frozen["content"]] if frozen["engine"] == "script" else []
    return scripts + [s for s in (frozen["result_transform"], frozen["param_validation"]) if s]


def _pins(session: Session, frozen: Mapping[str, Any]) -> dict[str, int]:
    """The latest published macro versions the content imports (the SQL template is
    compiled to find them; scripts are only parsed, `pin_macros` checks them)."""
    pins: dict[str, int] = {}
    if frozen["engine"] == "sql":
        sources = published_sources(session)
        compiled = compile_template(frozen["content"], {n: v.content for n, v in sources.items()})
        pins = {name: _id(sources[name].id) for name in compiled.macro_names}
    python = published_sources(session, kind="python")
    for source in _scripts(frozen):
        for name in macro_imports(source):
            if name not in python:
                raise Unprocessable(f"Python macro {name!r} is not published")
            pins[name] = _id(python[name].id)
    return pins


class NothingToPublish(Conflict):
    """A publish (or restore) that would freeze the live version's content again."""

    code = "nothing_to_publish"

    def __init__(self) -> None:
        super().__init__("nothing to publish: the draft is the same as the live version")


def live_version(session: Session, api: Api) -> ApiVersion | None:
    """The version the gateway serves; None while the API is unpublished."""
    if not api.is_published or api.published_version_id is None:
        return None
    return session.get(ApiVersion, api.published_version_id)


def same_fields(frozen: Mapping[str, Any], version: ApiVersion) -> bool:
    """Whether `frozen` holds what `version` froze, field by field as `diff` compares."""
    before = SNAPSHOT_DEFAULTS | version.snapshot
    return all(before.get(field) == frozen.get(field) for field in FROZEN_FIELDS)


def draft_differs(session: Session, api: Api) -> bool:
    """Whether publishing the draft would change the live version: a frozen field differs,
    or the template now imports a newer published macro. False while unpublished (the
    header says so instead)."""
    live = live_version(session, api)
    if live is None:
        return False
    frozen = snapshot(api)
    if not same_fields(frozen, live):
        return True
    try:
        return _pins(session, frozen) != live.macro_versions
    except (SluiceError, SyntaxError):
        return True  # publishing would report the error; it is no longer the live version


def refuse_unchanged(
    session: Session,
    api: Api,
    frozen: Mapping[str, Any],
    modules: tuple[str, ...] = (),
    pins: Mapping[str, int] | None = None,
) -> None:
    """409 `nothing_to_publish` rather than a duplicate of the live version. `pins`: the
    macro versions `frozen` would pin (computed, with `modules`, when None)."""
    live = live_version(session, api)
    if live is None or not same_fields(frozen, live):
        return
    pins = pin_macros(session, frozen, modules) if pins is None else pins
    if dict(pins) == live.macro_versions:
        raise NothingToPublish()


def _id(value: int | None) -> int:
    assert value is not None
    return value


def publish(
    session: Session,
    api: Api,
    message: str | None,
    author: str,
    modules: tuple[str, ...],
    frozen: dict[str, Any] | None = None,
) -> ApiVersion:
    """Freeze the draft (or `frozen`, a `snapshot` of other content: an import publishes
    the live version its file holds, which may differ from the draft) as the next version.
    `modules`: what scripts may import (the default set and SCRIPT_EXTRA_MODULES)."""
    frozen = snapshot(api) if frozen is None else frozen
    if frozen["engine"] == "sql" and frozen["datasource_id"] is None:
        raise Unprocessable("An SQL API needs a data source before it can be published")
    pins = pin_macros(session, frozen, modules)
    refuse_unchanged(session, api, frozen, pins=pins)
    return _new_version(session, api, frozen, pins, message, author)


def _new_version(
    session: Session,
    api: Api,
    frozen: dict[str, Any],
    pins: dict[str, int],
    message: str | None,
    author: str,
) -> ApiVersion:
    assert api.id is not None
    last = session.exec(
        select(func.max(ApiVersion.version)).where(ApiVersion.api_id == api.id)
    ).one()
    version = ApiVersion(
        api_id=api.id,
        version=(last or 0) + 1,
        snapshot=frozen,
        macro_versions=pins,
        message=message,
        created_by=author,
    )
    session.add(version)
    session.flush()
    api.published_version_id = version.id
    api.is_published = True
    api.updated_at = utcnow()
    session.add(api)
    audit.name_change(session, "publish", api, {"version": version.version, "message": message})
    bump(session, "api", [api.id])
    commit(session, "This API was published at the same time; try again")
    session.refresh(version)
    return version


def unpublish(session: Session, api: Api) -> Api:
    api.is_published = False
    api.updated_at = utcnow()
    session.add(api)
    audit.name_change(session, "unpublish", api, {})
    bump(session, "api", [api.id])
    session.commit()
    session.refresh(api)
    return api


def restore(
    session: Session, api: Api, version_id: int, author: str, message: str | None = None
) -> ApiVersion:
    """Publish an older version's content again as a new version; the draft follows it."""
    old = get_version(session, api, version_id)
    frozen = SNAPSHOT_DEFAULTS | old.snapshot
    refuse_unchanged(session, api, frozen, pins=old.macro_versions)
    _set_draft(api, frozen)
    message = message or f"Restored version {old.version}"
    audit.name_change(session, "restore", api, {"restored_version": old.version})
    return _new_version(session, api, frozen, dict(old.macro_versions), message, author)


def draft_of(session: Session, api: Api, version_id: int) -> ApiUpdate:
    """An older version's content as a save of the draft: restoring to the draft goes
    through a save's checks (references, route) and publishes nothing."""
    frozen = SNAPSHOT_DEFAULTS | get_version(session, api, version_id).snapshot
    try:
        return ApiUpdate.model_validate(frozen)
    except ValidationError as exc:
        raise Unprocessable(str(exc.errors()[0]["msg"])) from None


def _set_draft(api: Api, frozen: Mapping[str, Any]) -> None:
    for field, value in frozen.items():
        setattr(api, field, value)


def get_version(session: Session, api: Api, version_id: int) -> ApiVersion:
    version = session.get(ApiVersion, version_id)
    if version is None or version.api_id != api.id:
        raise NotFound(f"Version {version_id} of API {api.id} not found")
    return version


def list_versions(session: Session, api: Api) -> list[ApiVersion]:
    query = select(ApiVersion).where(ApiVersion.api_id == api.id)
    return list(session.exec(query.order_by(col(ApiVersion.version).desc())).all())


def version_public(api: Api, version: ApiVersion) -> ApiVersionPublic:
    return ApiVersionPublic(
        **version.model_dump(include={"id", "version", "message", "created_at", "created_by"}),
        is_live=api.is_published and api.published_version_id == version.id,
    )


def version_published(
    api: Api, version: ApiVersion, tests: GateReport | None
) -> ApiVersionPublished:
    return ApiVersionPublished(**version_public(api, version).model_dump(), tests=tests)


def version_detail(api: Api, version: ApiVersion) -> ApiVersionDetail:
    return ApiVersionDetail(
        **version_public(api, version).model_dump(),
        snapshot=version.snapshot,
        macro_versions=version.macro_versions,
    )


def draft_diff(session: Session, api: Api) -> VersionDiff:
    """What publishing the draft would change: the last published version against the
    draft, numbered as the version it would become. Macro pins are compared when the
    draft compiles (a broken draft shows its fields and text only)."""
    if api.published_version_id is None:
        raise NotFound(f"API {api.id} has not been published")
    live = get_version(session, api, api.published_version_id)
    frozen = snapshot(api)
    try:
        pins = _pins(session, frozen)
    except (SluiceError, SyntaxError):
        pins = dict(live.macro_versions)
    last = session.exec(
        select(func.max(ApiVersion.version)).where(ApiVersion.api_id == api.id)
    ).one()
    draft = ApiVersion(
        api_id=live.api_id, version=(last or 0) + 1, snapshot=frozen, macro_versions=pins
    )
    return diff(live, draft)


def diff(old: ApiVersion, new: ApiVersion) -> VersionDiff:
    before, after = SNAPSHOT_DEFAULTS | old.snapshot, SNAPSHOT_DEFAULTS | new.snapshot
    changed = {
        field: [before.get(field), after.get(field)]
        for field in FROZEN_FIELDS
        if field != "content" and before.get(field) != after.get(field)
    }
    if old.macro_versions != new.macro_versions:
        changed["macro_versions"] = [old.macro_versions, new.macro_versions]
    lines = difflib.unified_diff(
        str(old.snapshot.get("content", "")).splitlines(),
        str(new.snapshot.get("content", "")).splitlines(),
        fromfile=f"version {old.version}",
        tofile=f"version {new.version}",
        lineterm="",
    )
    text = "\n".join(lines)
    results = result_changes(old.result_shape, new.result_shape)
    return VersionDiff(
        from_version=old.version,
        to_version=new.version,
        changed=changed,
        content_diff=text,
        result_changes=results,
        breaking=any(r.breaking for r in results),
    )


def _json_types(schema: Mapping[str, Any]) -> frozenset[str]:
    """The JSON types a column's values may have (empty: any value)."""
    kind = schema.get("type")
    if kind is None:
        return frozenset({"any"})
    return frozenset([kind] if isinstance(kind, str) else kind)


def _widens(old: Mapping[str, Any], new: Mapping[str, Any]) -> bool:
    before, after = _json_types(old), _json_types(new)
    return "any" not in before and not after <= before


def result_changes(
    before: Mapping[str, Any] | None, after: Mapping[str, Any] | None
) -> list[ResultChange]:
    """The result shape's changes (`services/result_types`): nothing when either side was
    not described (a draft, a version not live yet, a result that could not be told). A
    type change is breaking when the new values may be of a JSON type the old were not
    (`integer` to `string`, or now NULL); narrowing (no longer NULL) is not."""
    known = ("rows", "write")
    if not before or not after or before["kind"] not in known or after["kind"] not in known:
        return []
    if before["kind"] != after["kind"]:
        kinds = before["kind"], after["kind"]
        return [
            ResultChange(
                column=None, change="kind_changed", breaking=True, before=kinds[0], after=kinds[1]
            )
        ]
    old = {c["name"]: c["schema"] for c in before.get("columns", [])}
    new = {c["name"]: c["schema"] for c in after.get("columns", [])}
    changes = [
        ResultChange(column=name, change="removed", breaking=True, before=old[name])
        for name in old
        if name not in new
    ]
    changes += [
        ResultChange(
            column=name,
            change="type_changed",
            breaking=_widens(old[name], new[name]),
            before=old[name],
            after=new[name],
        )
        for name in old
        if name in new and _json_types(old[name]) != _json_types(new[name])
    ]
    changes += [
        ResultChange(column=name, change="added", breaking=False, after=new[name])
        for name in new
        if name not in old
    ]
    return changes
