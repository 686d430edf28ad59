"""API test cases: kept with their API, run through the same runner as a debug run.

Running is split in two so the store is never read on the event loop: `plan` (a thread,
the store) compiles each API once (its draft, its live version, or the content a publish
or restore is about to make live) and resolves each test's client; `run` (the event loop,
no store) runs each case with `debug.attempt` inside a `RollbackScope`, so every write
is rolled back, and scripts get a cache of their own. A test sees what a gateway call
would: the parameters coerced as the gateway does, the client's attributes, the status
and error code the gateway would answer. Who may call the API (access, grants, limits) is
not part of a test. Cases run one after another.
"""

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, func, select

from sluice.config import Settings
from sluice.connectors import PoolManager
from sluice.engines.rollback import RollbackScope, Untestable
from sluice.engines.script import MemoryCache, ScriptPool
from sluice.errors import Conflict, NotFound, SluiceError
from sluice.models.api import Api, ApiVersion, Module
from sluice.models.api_test import (
    ApiTest,
    ApiTestCreate,
    ApiTestPublic,
    ApiTestUpdate,
    CaseResult,
    Expectation,
    Failure,
    RunReport,
)
from sluice.models.client import Client
from sluice.models.user import utcnow
from sluice.security import Keyring
from sluice.services import debug
from sluice.services.common import commit
from sluice.services.expectations import answer, failures
from sluice.services.registry import LiveApi, live_api
from sluice.services.runner import Isolation

MAX_TESTS_PER_API = 500
CANNOT = "This API cannot run: "


# -- the test cases ----------------------------------------------------------------------


def api_test_public(test: ApiTest) -> ApiTestPublic:
    return ApiTestPublic.model_validate(test, from_attributes=True)


def list_tests(session: Session, api: Api, limit: int, offset: int) -> tuple[list[ApiTest], int]:
    query = select(ApiTest).where(ApiTest.api_id == api.id)
    page = query.order_by(col(ApiTest.name)).offset(offset).limit(limit)
    return list(session.exec(page).all()), _count(session, api)


def get_test(session: Session, api: Api, test_id: int) -> ApiTest:
    test = session.get(ApiTest, test_id)
    if test is None or test.api_id != api.id:
        raise NotFound(f"Test case {test_id} of API {api.id} not found")
    return test


def create_test(session: Session, api: Api, data: ApiTestCreate) -> ApiTest:
    if _count(session, api) >= MAX_TESTS_PER_API:
        raise Conflict(f"API {api.id} already has {MAX_TESTS_PER_API} test cases, the most it can")
    _check_client(session, data.client_id)
    _check_name_free(session, api.id or 0, data.name)
    test = ApiTest(api_id=api.id or 0, **_stored(data.model_dump(exclude={"expect"}), data.expect))
    session.add(test)
    commit(session, f"API {api.id} already has a test case named {data.name!r}")
    session.refresh(test)
    return test


def update_test(session: Session, test: ApiTest, data: ApiTestUpdate) -> ApiTest:
    changes = data.model_dump(exclude_unset=True, exclude={"expect"})
    if changes.get("name") is not None and changes["name"] != test.name:
        _check_name_free(session, test.api_id, changes["name"])
    if "client_id" in changes:
        _check_client(session, changes["client_id"])
    for field, value in _stored(changes, data.expect).items():
        if value is not None or field == "client_id":
            setattr(test, field, value)
    test.updated_at = utcnow()
    session.add(test)
    commit(session, f"This API already has a test case named {test.name!r}")
    session.refresh(test)
    return test


def delete_test(session: Session, test: ApiTest) -> None:
    session.delete(test)
    session.commit()


def _stored(fields: dict[str, Any], expect: Expectation | None) -> dict[str, Any]:
    """The row's columns: `expect` as its JSON, with `schema` under that name."""
    if expect is not None:
        fields["expect"] = expect.model_dump(mode="json", by_alias=True)
    return fields


def _count(session: Session, api: Api) -> int:
    return session.exec(select(func.count()).where(ApiTest.api_id == api.id)).one()


def _check_name_free(session: Session, api_id: int, name: str) -> None:
    taken = session.exec(select(ApiTest).where(ApiTest.api_id == api_id, ApiTest.name == name))
    if taken.first() is not None:
        raise Conflict(f"API {api_id} already has a test case named {name!r}")


def _check_client(session: Session, client_id: int | None) -> None:
    if client_id is not None and session.get(Client, client_id) is None:
        raise NotFound(f"Client {client_id} not found")


# -- planning (the store) ----------------------------------------------------------------


@dataclass(frozen=True)
class Compiling:
    """What compiling an API for a run needs besides the store."""

    settings: Settings
    keyring: Keyring
    modules: tuple[str, ...]
    """What scripts may import (the default set and SCRIPT_EXTRA_MODULES)."""


@dataclass(frozen=True)
class Case:
    """One test case ready to run: the API compiled (or why it cannot run) and the
    client as templates and scripts see it."""

    test_id: int
    name: str
    params: dict[str, Any]
    expect: Expectation
    api_id: int
    api_name: str
    module: str
    live: LiveApi | None
    problem: SluiceError | None
    client: dict[str, Any] | None
    missing_client: int | None = None


RunCases = Callable[[list[Case]], RunReport]
"""Runs planned cases to a report (a route hands them to the event loop)."""


def select_apis(
    session: Session, module: str | None, api_id: int | None, published: bool
) -> list[Api]:
    """The APIs whose tests a run covers: all, a module's, or one; only the published ones
    when running live versions."""
    query = select(Api).join(Module, col(Module.id) == Api.module_id)
    if module is not None:
        if session.exec(select(Module).where(Module.name == module)).first() is None:
            raise NotFound(f"Module {module!r} not found")
        query = query.where(Module.name == module)
    if api_id is not None:
        if session.get(Api, api_id) is None:
            raise NotFound(f"API {api_id} not found")
        query = query.where(Api.id == api_id)
    if published:
        query = query.where(col(Api.is_published))
    order = (col(Module.name), col(Api.path), col(Api.method))
    return list(session.exec(query.order_by(*order)).all())


def plan(
    session: Session,
    apis: Sequence[Api],
    compiling: Compiling,
    *,
    published: bool = False,
    test_ids: Sequence[int] | None = None,
) -> list[Case]:
    """Every test of `apis` against its draft (or live version), ready to run."""
    cases: list[Case] = []
    for api in apis:
        version = _live_version(session, api) if published else None
        cases += plan_api(session, api, compiling, version, test_ids)
    return cases


def plan_api(
    session: Session,
    api: Api,
    compiling: Compiling,
    version: ApiVersion | None,
    test_ids: Sequence[int] | None = None,
) -> list[Case]:
    """The API's tests against `version`'s content (frozen, with its pinned macros), or
    against the draft when `version` is None."""
    query = select(ApiTest).where(ApiTest.api_id == api.id).order_by(col(ApiTest.name))
    tests = [t for t in session.exec(query).all() if test_ids is None or t.id in test_ids]
    if not tests:
        return []
    module = session.get(Module, api.module_id)
    assert module is not None
    live, problem = _compiled(session, api, module, compiling, version)
    return [_case(session, test, api, module, live, problem) for test in tests]


def _live_version(session: Session, api: Api) -> ApiVersion:
    version = session.get(ApiVersion, api.published_version_id or 0)
    if not api.is_published or version is None:
        raise Conflict(f"API {api.id} is not published")
    return version


def _compiled(
    session: Session, api: Api, module: Module, compiling: Compiling, version: ApiVersion | None
) -> tuple[LiveApi | None, SluiceError | None]:
    settings, keyring, modules = compiling.settings, compiling.keyring, compiling.modules
    what = "draft" if version is None else f"version {version.version}"
    try:
        if version is None:
            return debug.prepare(session, api, settings, keyring, modules), None
        live = live_api(session, settings, keyring, api, version, module)
    except SluiceError as exc:
        return None, Untestable(f"The {what} cannot run: {exc.message.removeprefix(CANNOT)}")
    if live.unavailable:
        return None, Untestable(f"The {what} cannot run: {live.unavailable}")
    return live, None


def _case(
    session: Session,
    test: ApiTest,
    api: Api,
    module: Module,
    live: LiveApi | None,
    problem: SluiceError | None,
) -> Case:
    client = session.get(Client, test.client_id) if test.client_id is not None else None
    seen = (
        {"client_id": client.client_id, "attributes": dict(client.attributes)} if client else None
    )
    return Case(
        test_id=test.id or 0,
        name=test.name,
        params=dict(test.params),
        expect=Expectation.model_validate(test.expect),
        api_id=api.id or 0,
        api_name=api.name,
        module=module.name,
        live=live,
        problem=problem,
        client=seen,
        missing_client=test.client_id if test.client_id is not None and client is None else None,
    )


# -- running (the event loop) ------------------------------------------------------------


@dataclass
class Runtime:
    """What the runner needs outside the app (the CLI): its own pools and script workers."""

    settings: Settings
    pools: PoolManager
    scripts: ScriptPool
    redis_async: None = None


async def run_standalone(cases: list[Case], settings: Settings) -> RunReport:
    """Run the cases with pools and script workers of their own, closed afterwards."""
    pools = PoolManager(retry_delays_ms=settings.EXTERNAL_DB_RETRY_DELAYS_MS)
    runtime = Runtime(settings, pools, ScriptPool.from_settings(settings))
    try:
        return await run(cases, runtime)
    finally:
        await pools.close_all()
        await asyncio.to_thread(runtime.scripts.close)


async def run(cases: list[Case], runtime: Any) -> RunReport:
    """Run the cases one after another; `runtime` is what the runner needs (`pools`,
    `scripts`, `settings`, `redis_async`), the app's state or the CLI's."""
    return report([await run_case(case, runtime) for case in cases])


def report(results: list[CaseResult]) -> RunReport:
    passed = sum(1 for result in results if result.passed)
    return RunReport(passed=passed, failed=len(results) - passed, results=results)


NOT_RUN: tuple[int, str | None] = (0, None)
"""The status and code of a case that did not run (its failure says why)."""


async def run_case(case: Case, runtime: Any) -> CaseResult:
    not_run = _cannot_run(case)
    if not_run or case.live is None:
        return _result(case, not_run, NOT_RUN, 0.0)
    connection = case.live.connection
    scope = RollbackScope(connection.type if connection else None, case.live.timeout_ms)
    async with scope:
        isolation = Isolation(wrap=scope.wrap, cache=MemoryCache())
        ran = await debug.attempt(case.live, case.params, runtime, case.client, isolation)
    if scope.problems:
        refused = [Failure(expectation="run", message=p) for p in dict.fromkeys(scope.problems)]
        return _result(case, refused, NOT_RUN, ran.duration_ms)
    return _result(case, failures(case.expect, ran), answer(ran), ran.duration_ms)


def _cannot_run(case: Case) -> list[Failure]:
    if case.missing_client is not None:
        message = f"Client {case.missing_client} no longer exists: pick another client or none."
        return [Failure(expectation="client", expected=case.missing_client, message=message)]
    if case.problem is not None:
        return [Failure(expectation="run", message=case.problem.message)]
    return []


def _result(
    case: Case, found: list[Failure], status: tuple[int, str | None], duration_ms: float
) -> CaseResult:
    return CaseResult(
        test_id=case.test_id,
        name=case.name,
        api_id=case.api_id,
        api_name=case.api_name,
        module=case.module,
        passed=not found,
        status=status[0],
        code=status[1],
        duration_ms=duration_ms,
        failures=found,
    )
