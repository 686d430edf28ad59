"""Schemathesis against both OpenAPI documents: generated valid and invalid requests to
every operation must never answer 5xx, and every answer must match the documented schema.

The examples are few and derandomized (a fixed seed), so each run sends the same requests
and the suite stays fast; each operation is a subtest named by its method and path.
"""

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.conftest import pg_template
from tests.hostile.conftest import Headers, World

CHECKS = [not_a_server_error, response_schema_conformance]
ADMIN_EXAMPLES = 3
GATEWAY_EXAMPLES = 10


@pytest.fixture(scope="module")
def store_template() -> Iterator[str]:
    """Generated input meets the PostgreSQL store only, the stricter of the two (32-bit
    integers, no NUL in text), and only once, which keeps the suite fast."""
    with pg_template(f"sluice_fuzz_{os.getpid()}") as name:
        yield name


def send(client: TestClient, case: Any, headers: Headers) -> Any:
    """Send a generated case through the test client (the case serializes itself for the
    `requests` library; the test client speaks httpx)."""
    kwargs = case.as_transport_kwargs(headers=headers)
    assert not kwargs.pop("cookies"), "no operation takes cookies"
    data = kwargs.pop("data", None)
    if isinstance(data, bytes | str):
        kwargs["content"] = data
    elif data is not None:
        kwargs["data"] = data
    if "files" not in kwargs:
        return client.request(**kwargs)
    kwargs["files"] = [(name, sendable(part)) for name, part in kwargs["files"]]
    request = client.build_request(**kwargs)
    request.read()  # a multipart body streams; the checks read the sent body back
    return client.send(request)


def sendable(part: Any) -> Any:
    """A generated multipart part as the wire carries it: a value that is not text (an
    ill-typed case's number) as its text."""
    if isinstance(part, tuple):
        return (part[0], sendable(part[1]), *part[2:])
    return part if isinstance(part, bytes | str) else str(part)


def takes_input(operation: Any) -> bool:
    parts = (operation.path_parameters, operation.query, operation.headers, operation.body)
    return any(len(part) for part in parts)


def fuzz(operation: Any, client: TestClient, headers: Headers, examples: int) -> None:
    """Valid then (for an operation that takes input) invalid cases, each sent and checked."""
    modes = list(GenerationMode) if takes_input(operation) else [GenerationMode.POSITIVE]
    for mode in modes:

        @settings(
            max_examples=examples,
            derandomize=True,
            database=None,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(generation_mode=mode))
        def check(case: Any) -> None:
            case.validate_response(send(client, case, headers), checks=CHECKS)

        check()


def fuzz_document(world: World, path: str, headers: Headers, examples: int, subtests: Any) -> None:
    document = world.client.get(path)
    assert document.status_code == 200
    schema = schemathesis.openapi.from_dict(document.json())
    operations = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result  # the document itself must be sound
        operations.append(result.ok())
    assert operations
    for operation in operations:
        with subtests.test(msg=operation.label):
            fuzz(operation, world.client, headers, examples)


def test_gateway_under_generated_requests(world: World, subtests: pytest.Subtests) -> None:
    fuzz_document(world, "/api/v1/gateway/openapi.json", world.gateway, GATEWAY_EXAMPLES, subtests)


# Last: it may delete what the gateway test calls.
def test_admin_api_under_generated_requests(world: World, subtests: pytest.Subtests) -> None:
    fuzz_document(world, "/api/v1/openapi.json", world.admin, ADMIN_EXAMPLES, subtests)
