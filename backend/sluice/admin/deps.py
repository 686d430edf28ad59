"""Dependencies shared by admin routes: settings, store session, current user, permissions.

Each admin route states its permission once with `require(resource, action)`; handlers
never repeat the check.
"""

from collections.abc import Callable, Iterator
from typing import Annotated

from anyio import from_thread
from fastapi import Depends, Path, Query, Request
from fastapi.security import OAuth2PasswordBearer
from sqlmodel import Session

from sluice.config import Settings
from sluice.errors import Forbidden, Unauthorized
from sluice.models.api_test import RunReport
from sluice.models.fields import MAX_ID
from sluice.models.user import RESOURCE_ACTIONS, User
from sluice.security import Keyring, decode_user_token
from sluice.services import api_tests, audit
from sluice.services.api_tests import Case, Compiling, RunCases
from sluice.services.publish_gate import Gatekeeper
from sluice.services.registry import RegistryHolder
from sluice.services.roles import permissions_of
from sluice.services.scripts import script_modules
from sluice.services.throttle import LoginGuard

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/login/access-token", auto_error=False)


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_session(request: Request) -> Iterator[Session]:
    with Session(request.app.state.engine) as session:
        yield session


def get_login_guard(request: Request) -> LoginGuard:
    guard: LoginGuard = request.app.state.login_guard
    return guard


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_session)]
LoginGuardDep = Annotated[LoginGuard, Depends(get_login_guard)]


def get_current_user(
    session: SessionDep, settings: SettingsDep, token: Annotated[str | None, Depends(oauth2_scheme)]
) -> User:
    if not token:
        raise Unauthorized()
    user_id, generation = decode_user_token(token, settings.secret_key)
    user = session.get(User, user_id)
    if user is None:
        raise Unauthorized("User no longer exists")
    if generation != user.token_generation:
        raise Unauthorized("Session ended: log in again")
    if not user.is_active:
        raise Unauthorized("This account is disabled")
    audit.set_actor(session, user.email)
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


def require(resource: str, action: str) -> Callable[[User], User]:
    """A dependency that answers 403 unless the current user holds {resource, action}."""
    return require_all((resource, action))


def require_all(*needed: tuple[str, str]) -> Callable[[User], User]:
    """A dependency that answers 403 (naming the first one missing) unless the current user
    holds every permission in `needed`: for the routes that do in one call what several
    resources' routes do (an export reads them all, an import writes them all)."""
    for resource, action in needed:
        if action not in RESOURCE_ACTIONS.get(resource, ()):
            raise ValueError(f"unknown permission {resource}:{action}")

    def check(user: CurrentUser) -> User:
        held = permissions_of(user)
        for resource, action in needed:
            if (resource, action) not in held:
                raise Forbidden(f"Missing permission {resource}:{action}")
        return user

    return check


def pagination(
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=2**31)] = 0,
) -> tuple[int, int]:
    return limit, offset


Page = Annotated[tuple[int, int], Depends(pagination)]

SEARCH_MAX_LENGTH = 200


def search_text(
    q: Annotated[
        str | None,
        Query(
            max_length=SEARCH_MAX_LENGTH,
            description="Case-insensitive text search (a substring; `%` and `_` are literal)",
        ),
    ] = None,
) -> str | None:
    """The list's search text, trimmed; None when blank (a blank search finds everything)."""
    return (q or "").strip() or None


Search = Annotated[str | None, Depends(search_text)]

Id = Annotated[int, Path(ge=1, le=MAX_ID, description="A row id")]
"""A path id; out-of-range ids are a 422 here, not an overflow in the store driver."""


def get_keyring(request: Request) -> Keyring:
    keyring: Keyring = request.app.state.keyring
    return keyring


KeyringDep = Annotated[Keyring, Depends(get_keyring)]


def get_registry(request: Request) -> RegistryHolder:
    registry: RegistryHolder = request.app.state.registry
    return registry


RegistryDep = Annotated[RegistryHolder, Depends(get_registry)]


def get_compiling(request: Request, settings: SettingsDep) -> Compiling:
    return Compiling(settings, request.app.state.keyring, script_modules(settings))


def get_case_runner(request: Request) -> RunCases:
    """Runs test cases on the app's event loop, from the worker thread of a sync route:
    the route keeps its store work off the loop, the runs need the loop's pools."""
    state = request.app.state

    def run(cases: list[Case]) -> RunReport:
        return from_thread.run(api_tests.run, cases, state)

    return run


CompilingDep = Annotated[Compiling, Depends(get_compiling)]
CaseRunnerDep = Annotated[RunCases, Depends(get_case_runner)]


def get_gatekeeper(compiling: CompilingDep, runner: CaseRunnerDep) -> Gatekeeper:
    return Gatekeeper(compiling, runner)


GatekeeperDep = Annotated[Gatekeeper, Depends(get_gatekeeper)]
