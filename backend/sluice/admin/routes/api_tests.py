"""An API's test cases (`/apis/{id}/tests`) and test runs (`/apis/{id}/tests/run`,
`/tests/run`). Reading needs `api:read`, changing `api:write`, running `api:debug`.

The run routes are sync: the store work (planning) stays off the event loop, and the runs
go to the loop through `CaseRunnerDep`."""

from typing import Annotated

from fastapi import APIRouter, Body, Depends, status

from sluice.admin.deps import CaseRunnerDep, CompilingDep, Id, Page, SessionDep, require
from sluice.admin.routes.apis import Loaded
from sluice.http import StrictJSONRoute
from sluice.models.api_test import (
    ApiTest,
    ApiTestCreate,
    ApiTestPublic,
    ApiTestsPublic,
    ApiTestUpdate,
    RunAllRequest,
    RunReport,
    RunRequest,
)
from sluice.models.user import User
from sluice.services import api_tests as service

router = APIRouter(tags=["tests"], route_class=StrictJSONRoute)

Reader = Annotated[User, Depends(require("api", "read"))]
Writer = Annotated[User, Depends(require("api", "write"))]
Runner = Annotated[User, Depends(require("api", "debug"))]


def load(session: SessionDep, api: Loaded, test_id: Id) -> ApiTest:
    return service.get_test(session, api, test_id)


LoadedTest = Annotated[ApiTest, Depends(load)]


@router.get("/apis/{api_id}/tests")
def read_tests(session: SessionDep, _: Reader, api: Loaded, page: Page) -> ApiTestsPublic:
    items, total = service.list_tests(session, api, *page)
    return ApiTestsPublic(data=[service.api_test_public(t) for t in items], count=total)


@router.post("/apis/{api_id}/tests", status_code=status.HTTP_201_CREATED)
def create_test(session: SessionDep, _: Writer, api: Loaded, body: ApiTestCreate) -> ApiTestPublic:
    return service.api_test_public(service.create_test(session, api, body))


@router.post("/apis/{api_id}/tests/run")
def run_api_tests(
    session: SessionDep,
    _: Runner,
    compiling: CompilingDep,
    runner: CaseRunnerDep,
    api: Loaded,
    body: Annotated[RunRequest | None, Body()] = None,
) -> RunReport:
    """Run the API's test cases (or `test_ids`) against its draft, or its live version
    with `published`; writes are rolled back."""
    body = body or RunRequest()
    cases = service.plan(
        session, [api], compiling, published=body.published, test_ids=body.test_ids
    )
    return runner(cases)


@router.get("/apis/{api_id}/tests/{test_id}")
def read_test(_: Reader, test: LoadedTest) -> ApiTestPublic:
    return service.api_test_public(test)


@router.patch("/apis/{api_id}/tests/{test_id}")
def update_test(
    session: SessionDep, _: Writer, test: LoadedTest, body: ApiTestUpdate
) -> ApiTestPublic:
    return service.api_test_public(service.update_test(session, test, body))


@router.delete("/apis/{api_id}/tests/{test_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_test(session: SessionDep, _: Writer, test: LoadedTest) -> None:
    service.delete_test(session, test)


@router.post("/tests/run")
def run_tests(
    session: SessionDep,
    _: Runner,
    compiling: CompilingDep,
    runner: CaseRunnerDep,
    body: Annotated[RunAllRequest | None, Body()] = None,
) -> RunReport:
    """Run the test cases of every API (or of `module`, or of `api_id`): the drafts, or
    the live versions with `published` (unpublished APIs are then left out)."""
    body = body or RunAllRequest()
    apis = service.select_apis(session, body.module, body.api_id, body.published)
    return runner(service.plan(session, apis, compiling, published=body.published))
