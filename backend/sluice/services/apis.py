"""API drafts: CRUD, with the route rules checked at every change.

`(module, method, path)` is unique, and two paths that would match the same URL with the
same method (`users/{id}` and `users/{name}`) are refused with a 409 naming the other API.
A static segment wins over a placeholder, so `users/me` and `users/{id}` live together.
"""

import ast
import re
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlmodel import Session, col, select

from sluice.engines.sql import TemplateSyntaxError, template_parameters
from sluice.errors import Conflict, NotFound, Unprocessable
from sluice.models.api import (
    Api,
    ApiCreate,
    ApiPublic,
    ApiSettings,
    ApiUpdate,
    Engine,
    Method,
    Module,
)
from sluice.models.client import Group, GroupApiLink
from sluice.models.datasource import Datasource
from sluice.models.fields import clip_json
from sluice.models.user import utcnow
from sluice.services import versions
from sluice.services.common import commit, get_or_404, matching, page_of
from sluice.services.publication import bump

RAW_FILTER = re.compile(r"\|\s*raw\b")


def api_public(session: Session, api: Api) -> ApiPublic:
    names: list[str] = []
    uses_raw = False
    if api.engine == "sql":
        try:
            names = template_parameters(api.content)
        except TemplateSyntaxError:
            names = []
        uses_raw = RAW_FILTER.search(api.content) is not None
    elif api.engine == "script":
        names = script_parameters(api.content)
    groups = session.exec(select(GroupApiLink.group_id).where(GroupApiLink.api_id == api.id)).all()
    return ApiPublic(
        **api.model_dump(exclude={"params"}),
        params=clip_json(api.params),  # a row from before the JSON bounds may nest deeper
        group_ids=sorted(g for g in groups if g is not None),
        parameters_in_content=names,
        uses_raw=uses_raw,
        draft_differs=versions.draft_differs(session, api),
    )


def script_parameters(source: str) -> list[str]:
    """Names a script reads as `params["x"]` or `params.get("x")`, in order of first use;
    none when the script does not parse yet."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return []
    found: list[tuple[int, int, str]] = []
    for node in ast.walk(tree):
        key: ast.expr | None = None
        if isinstance(node, ast.Subscript) and _is_params(node.value):
            key = node.slice
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get"
            and _is_params(node.func.value)
            and node.args
        ):
            key = node.args[0]
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            found.append((key.lineno, key.col_offset, key.value))
    return list(dict.fromkeys(name for _, _, name in sorted(found)))


def _is_params(node: ast.expr) -> bool:
    return isinstance(node, ast.Name) and node.id in ("params", "req")


def set_groups(session: Session, api: Api, group_ids: list[int]) -> None:
    wanted = set(group_ids)
    found = set(session.exec(select(Group.id).where(col(Group.id).in_(wanted))).all())
    if wanted - found:
        raise NotFound(f"Group {min(wanted - found)} not found")
    for link in session.exec(select(GroupApiLink).where(GroupApiLink.api_id == api.id)).all():
        session.delete(link)
    session.flush()
    for group_id in sorted(wanted):
        session.add(GroupApiLink(group_id=group_id, api_id=api.id))


@dataclass(frozen=True)
class ApiFilters:
    """What the API list is narrowed to; None is "any"."""

    q: str | None = None
    """Text in the name, path or description."""
    module_id: int | None = None
    engine: Engine | None = None
    method: Method | None = None
    published: bool | None = None


def list_apis(
    session: Session, limit: int, offset: int, filters: ApiFilters = ApiFilters()
) -> tuple[list[Api], int]:
    conditions = [
        matching(filters.q, Api.name, Api.path, Api.description),
        _equals(Api.module_id, filters.module_id),
        _equals(Api.engine, filters.engine),
        _equals(Api.method, filters.method),
        _equals(Api.is_published, filters.published),
    ]
    order = [col(Api.module_id), col(Api.path), col(Api.method)]
    return page_of(session, select(Api), conditions, order, limit, offset)


def _equals(column: Any, value: object) -> Any:
    return None if value is None else col(column) == value


def shape(path: str) -> tuple[str, ...]:
    """The path with every placeholder made alike: two paths of one shape match one URL."""
    return tuple("{}" if s.startswith("{") else s for s in path.split("/"))


def check_route(
    session: Session, module_id: int, method: str, path: str, api_id: int | None
) -> None:
    """Refuse a route another API of the module already answers."""
    query = select(Api).where(Api.module_id == module_id, Api.method == method)
    for other in session.exec(query).all():
        if other.id != api_id and shape(other.path) == shape(path):
            raise Conflict(
                f"{method} {path} would answer the same URLs as API {other.name!r} "
                f"(id {other.id}, {other.method} {other.path})"
            )


def _check_references(session: Session, settings: ApiSettings, module_id: int) -> None:
    if session.get(Module, module_id) is None:
        raise NotFound(f"Module {module_id} not found")
    if (
        settings.datasource_id is not None
        and session.get(Datasource, settings.datasource_id) is None
    ):
        raise NotFound(f"Datasource {settings.datasource_id} not found")
    check_python_syntax(settings.result_transform, "result_transform")
    check_python_syntax(settings.param_validation, "param_validation")


def check_python_syntax(source: str | None, field: str) -> None:
    """Python syntax of a transform or a validation, checked on save (the sandbox's own
    rules are checked when the API is debugged or published)."""
    if not source:
        return
    try:
        ast.parse(source, filename="<transform>")
    except SyntaxError as exc:
        raise Unprocessable(f"{field}: line {exc.lineno}: {exc.msg}") from None


def validation_message(exc: ValidationError) -> str:
    """Each problem as `field: message` (str() of the error ends with a link, not the
    problem)."""
    return "; ".join(
        ".".join(str(part) for part in error["loc"]) + ": " + error["msg"] for error in exc.errors()
    )


def create_api(session: Session, data: ApiCreate) -> Api:
    api = add_api(session, data)
    bump(session, "api", [api.id])
    commit(session, f"{data.method} {data.path} already exists in this module")
    session.refresh(api)
    return api


def add_api(session: Session, data: ApiCreate) -> Api:
    """Check and add a draft to the session (flushed, not committed), so several can be
    created in one transaction."""
    _check_references(session, data, data.module_id)
    check_route(session, data.module_id, data.method, data.path, None)
    api = Api.model_validate(data.model_dump(mode="json", exclude={"group_ids"}))
    session.add(api)
    session.flush()
    set_groups(session, api, data.group_ids)
    return api


def update_api(session: Session, api: Api, data: ApiUpdate) -> Api:
    """Apply the sent fields to the draft; the live version changes only when published."""
    checked = merged(session, api, data.model_dump(exclude_unset=True))
    check_route(session, checked.module_id, checked.method, checked.path, api.id)
    for field, value in checked.model_dump(mode="json", exclude={"group_ids"}).items():
        setattr(api, field, value)
    if data.group_ids is not None:
        set_groups(session, api, data.group_ids)
    api.updated_at = utcnow()
    session.add(api)
    bump(session, "api", [api.id])
    commit(session, f"{checked.method} {checked.path} already exists in this module")
    session.refresh(api)
    return api


def merged(session: Session, api: Api, changes: dict[str, Any]) -> ApiCreate:
    """The stored draft with `changes` applied, checked as a save checks it (422 or 404
    with the reason); shared by saving and by debugging an unsaved draft."""
    fields = api.model_dump(
        exclude={"id", "created_at", "updated_at", "is_published", "published_version_id"}
    ) | {k: v for k, v in changes.items() if v is not None or k in _NULLABLE}
    try:
        checked = ApiCreate.model_validate(fields)
    except ValidationError as exc:
        raise Unprocessable(validation_message(exc)) from None
    _check_references(session, checked, checked.module_id)
    return checked


def unsaved(session: Session, api: Api, changes: dict[str, Any]) -> Api:
    """A detached copy of the API with `changes` applied, for one debug run: never added
    to the session, so nothing of it is stored."""
    checked = merged(session, api, changes)
    copy = Api.model_validate(checked.model_dump(mode="json", exclude={"group_ids"}))
    copy.id = api.id
    return copy


_NULLABLE = {
    "datasource_id",
    "result_transform",
    "param_validation",
    "cache_ttl_seconds",
    "rate_limit_per_minute",
    "timeout_ms",
    "description",
}


def delete_api(session: Session, api: Api) -> None:
    session.delete(api)
    bump(session, "api", [api.id])  # its group and client grants go with it
    session.commit()


def get_api(session: Session, api_id: int) -> Api:
    return get_or_404(session, Api, api_id)
