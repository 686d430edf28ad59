"""Macros and their versions. Templates import the latest published version of a macro
when an API is debugged or published; a published API keeps the versions it pinned."""

from sqlmodel import Session, col, select

from sluice.engines.sql import compile_template
from sluice.errors import Conflict, Unprocessable
from sluice.models.api import Api, ApiVersion
from sluice.models.macro import (
    Macro,
    MacroCreate,
    MacroKind,
    MacroPublic,
    MacroUpdate,
    MacroUsage,
    MacroVersion,
)
from sluice.models.user import utcnow
from sluice.services import audit
from sluice.services.common import commit, get_or_404, matching, page_of


def list_macros(
    session: Session, limit: int, offset: int, q: str | None = None, kind: MacroKind | None = None
) -> tuple[list[Macro], int]:
    """Macros by name; `q` is text in the name or description."""
    conditions = [
        matching(q, Macro.name, Macro.description),
        None if kind is None else col(Macro.kind) == kind,
    ]
    return page_of(session, select(Macro), conditions, [col(Macro.name)], limit, offset)


def latest_version(session: Session, macro_id: int) -> MacroVersion | None:
    query = select(MacroVersion).where(MacroVersion.macro_id == macro_id)
    return session.exec(query.order_by(col(MacroVersion.version).desc())).first()


def macro_public(session: Session, macro: Macro) -> MacroPublic:
    assert macro.id is not None
    latest = latest_version(session, macro.id)
    return MacroPublic(
        **macro.model_dump(),
        latest_version=latest.version if latest else None,
        used_by=usage(session, macro, latest),
    )


def usage(session: Session, macro: Macro, latest: MacroVersion | None) -> list[MacroUsage]:
    """The APIs whose live version imports this macro, and whether they pin its latest."""
    pinned: list[MacroUsage] = []
    query = select(Api, ApiVersion).where(col(Api.published_version_id) == ApiVersion.id)
    for api, version in session.exec(query.where(col(Api.is_published))).all():
        version_id = version.macro_versions.get(macro.name)
        if version_id is None or api.id is None:
            continue
        pinned_version = session.get(MacroVersion, version_id)
        number = pinned_version.version if pinned_version else 0
        is_latest = latest is not None and latest.id == version_id
        pinned.append(
            MacroUsage(api_id=api.id, api_name=api.name, pinned_version=number, is_latest=is_latest)
        )
    return pinned


def _ensure_name_free(session: Session, name: str, macro_id: int | None = None) -> None:
    existing = session.exec(select(Macro).where(Macro.name == name)).first()
    if existing is not None and existing.id != macro_id:
        raise Conflict(f"A macro named {name!r} already exists")


def create_macro(session: Session, data: MacroCreate) -> Macro:
    _ensure_name_free(session, data.name)
    macro = Macro.model_validate(data)
    session.add(macro)
    commit(session, f"A macro named {data.name!r} already exists")
    session.refresh(macro)
    return macro


def update_macro(session: Session, macro: Macro, data: MacroUpdate) -> Macro:
    changes = data.model_dump(exclude_unset=True)
    if changes.get("name") and changes["name"] != macro.name:
        _ensure_name_free(session, changes["name"], macro.id)
        if _is_pinned(session, macro):
            raise Conflict(f"Macro {macro.name!r} is used by published APIs; it cannot be renamed")
    for field, value in changes.items():
        if value is not None or field in ("description", "module_id"):
            setattr(macro, field, value)
    macro.updated_at = utcnow()
    session.add(macro)
    commit(session, f"A macro named {macro.name!r} already exists")
    session.refresh(macro)
    return macro


def _is_pinned(session: Session, macro: Macro) -> bool:
    for pins in session.exec(select(ApiVersion.macro_versions)).all():
        if macro.name in pins:
            return True
    return False


def delete_macro(session: Session, macro: Macro) -> None:
    if _is_pinned(session, macro):
        raise Conflict(
            f"Macro {macro.name!r} is used by published API versions; it cannot be deleted"
        )
    session.delete(macro)
    session.commit()


def publish_macro(
    session: Session,
    macro: Macro,
    message: str | None,
    author: str,
    frozen: tuple[MacroKind, str] | None = None,
) -> MacroVersion:
    """Freeze the draft (or `frozen`, a kind and content: an import publishes the version
    its file holds, which may differ from the draft) as the next version. Live APIs keep
    their pinned versions."""
    assert macro.id is not None
    kind, content = frozen or (macro.kind, macro.content)
    if kind == "sql":
        _check_sql_macro(session, macro.name, content)
    latest = latest_version(session, macro.id)
    version = MacroVersion(
        macro_id=macro.id,
        version=(latest.version if latest else 0) + 1,
        name=macro.name,
        kind=kind,
        content=content,
        message=message,
        created_by=author,
    )
    session.add(version)
    session.flush()
    macro.published_version_id = version.id
    session.add(macro)
    audit.name_change(session, "publish", macro, {"version": version.version, "message": message})
    commit(session, "This macro was published at the same time; try again")
    session.refresh(version)
    return version


def _check_sql_macro(session: Session, name: str, content: str) -> None:
    """A macro that does not compile (or imports an unpublished macro) cannot be published."""
    sources = {n: v.content for n, v in published_sources(session).items()}
    compile_template(f"{{% import {name!r} as m %}}", sources | {name: content})


def versions(session: Session, macro_id: int) -> list[MacroVersion]:
    get_or_404(session, Macro, macro_id)
    query = select(MacroVersion).where(MacroVersion.macro_id == macro_id)
    return list(session.exec(query.order_by(col(MacroVersion.version).desc())).all())


def published_sources(
    session: Session, names: list[str] | None = None, kind: str = "sql"
) -> dict[str, MacroVersion]:
    """The latest published version of every macro of a kind (or of the named ones)."""
    query = select(MacroVersion, Macro).where(col(Macro.published_version_id) == MacroVersion.id)
    query = query.where(Macro.kind == kind)
    if names is not None:
        query = query.where(col(Macro.name).in_(names))
    return {macro.name: version for version, macro in session.exec(query).all()}


def pinned_sources(session: Session, pins: dict[str, int]) -> dict[str, str]:
    """The contents of exactly the macro versions an API version pinned."""
    if not pins:
        return {}
    query = select(MacroVersion).where(col(MacroVersion.id).in_(list(pins.values())))
    found = {v.id: v for v in session.exec(query).all()}
    missing = [name for name, vid in pins.items() if vid not in found]
    if missing:
        raise Unprocessable(f"Pinned macro version of {missing[0]!r} no longer exists")
    return {name: found[vid].content for name, vid in pins.items()}
