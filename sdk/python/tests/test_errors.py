"""Every way a live gateway fails, as the typed error an app catches."""

import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2
import pytest

import sluice_client
from sluice_client import (
    BadRequest,
    Client,
    ClientTimeout,
    DatasourceError,
    DatasourceUnavailable,
    Forbidden,
    MethodNotAllowed,
    NotFound,
    PayloadTooLarge,
    ScriptError,
    ScriptLimit,
    ServerError,
    SluiceError,
    Timeout,
    TransportError,
    Unauthorized,
    UnexpectedResponse,
    UnsupportedMediaType,
)
from sluice_client.errors import ERRORS, from_response
from tests.conftest import Live, free_port


@dataclass
class Case:
    error: type[SluiceError]
    status: int
    path: str
    client: str | None = "main"
    call: dict[str, Any] = field(default_factory=dict)
    says: str = ""
    """Words the message holds."""


CASES = {
    "a missing parameter": Case(BadRequest, 400, "sdk/echo", call={"json": {}}, says="day"),
    "no token for a private API": Case(Unauthorized, 401, "demo/orders", client=None),
    "no grant": Case(Forbidden, 403, "sdk/products", client="narrow"),
    "no such API": Case(NotFound, 404, "sdk/nothing-here"),
    "a method the API does not answer": Case(
        MethodNotAllowed, 405, "demo/products", client=None, call={"method": "DELETE"}
    ),
    "a body over the limit": Case(
        PayloadTooLarge,
        413,
        "sdk/echo",
        call={"json": {"day": "2025-01-01", "tags": ["x" * 70_000]}},
    ),
    "a compressed body": Case(
        UnsupportedMediaType,
        415,
        "sdk/echo",
        call={"json": {"day": "2025-01-01"}, "headers": {"Content-Encoding": "gzip"}},
    ),
    "the database refuses the statement": Case(DatasourceError, 502, "sdk/broken"),
    "the database is down": Case(DatasourceUnavailable, 503, "sdk/offline"),
    "a script past its time": Case(Timeout, 504, "sdk/spin"),
    "a script that raises": Case(ScriptError, 500, "sdk/fails", says="script failed"),
    "a script past its output limit": Case(ScriptLimit, 500, "sdk/huge"),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_each_gateway_failure_raises_its_error(live: Live, case: Case) -> None:
    credentials = live.credentials(case.client) if case.client else ()
    with Client(live.url, *credentials, max_retries=0) as sluice:
        with pytest.raises(case.error) as raised:
            sluice.call(case.path, **case.call)
    error = raised.value
    assert type(error) is case.error
    assert (error.status, error.code) == (case.status, case.error.code)
    assert error.request_id and error.request_id == error.headers["x-request-id"]
    assert case.says in error.message
    assert error.request_id in str(error) and error.code in str(error)


def test_the_request_id_finds_the_access_record(live: Live) -> None:
    with Client(live.url, *live.credentials("main")) as sluice:
        with pytest.raises(DatasourceError) as raised:
            sluice.call("sdk/broken")
    wanted = raised.value.request_id

    def record() -> list[dict[str, Any]]:
        found = live.admin.get("/api/v1/access-logs", params={"limit": 50}).json()["data"]
        return [r for r in found if r["request_id"] == wanted]

    deadline = time.monotonic() + 10
    while not record() and time.monotonic() < deadline:  # records are written in batches
        time.sleep(0.2)
    assert [(r["path"], r["status"]) for r in record()] == [("/sdk/broken", 502)]


def test_wrong_credentials_are_unauthorized(live: Live) -> None:
    client_id, _ = live.credentials("main")
    with Client(live.url, client_id, "cs_not-the-secret") as sluice:
        with pytest.raises(Unauthorized) as raised:
            sluice.call("demo/orders")
    assert raised.value.status == 401 and raised.value.request_id
    assert "wrong secret" in raised.value.message


def test_a_method_not_allowed_lists_the_allowed_ones(live: Live) -> None:
    with Client(live.url) as sluice:
        with pytest.raises(MethodNotAllowed) as raised:
            sluice.call("demo/products", method="PUT")
    assert "GET" in raised.value.allowed


def test_no_server_is_a_transport_error() -> None:
    with Client(f"http://127.0.0.1:{free_port()}") as nowhere:
        with pytest.raises(TransportError) as raised:
            nowhere.call("demo/products")
    assert raised.value.status is None and raised.value.request_id is None
    assert isinstance(raised.value.__cause__, httpx2.ConnectError)


def test_a_server_slower_than_the_timeout_is_a_client_timeout(live: Live) -> None:
    with Client(live.url, *live.credentials("main"), timeout=0.05) as sluice:
        with pytest.raises(ClientTimeout) as raised:
            sluice.call("sdk/slow")
    assert isinstance(raised.value, Timeout) and isinstance(raised.value, TransportError)


def documented_codes() -> dict[str, int]:
    """The gateway's error codes and statuses, from the table of docs/TECHNICAL.md (which
    a backend test holds to the codes the gateway answers with)."""
    text = (Path(__file__).parents[3] / "docs" / "TECHNICAL.md").read_text()
    section = text.split("## Gateway error codes", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([a-z_]+)` \| (\d{3}) \|", section, flags=re.MULTILINE)
    return {code: int(status) for code, status in rows}


def test_every_gateway_code_has_its_error_class() -> None:
    codes = documented_codes()
    assert len(codes) >= 14
    by_code = {error.code: error for error in ERRORS}
    assert set(codes) <= set(by_code) - {"internal_error"}
    for code, status in codes.items():
        answer = _answer(status, {"success": False, "error": code, "message": "m"})
        assert type(from_response(answer)) is by_code[code]
    assert all(error.__name__ in sluice_client.__all__ for error in ERRORS)


@pytest.mark.parametrize(
    ("status", "body", "error"),
    [
        (500, {"success": False, "error": "internal_error", "message": "m"}, ServerError),
        (418, {"success": False, "error": "teapot", "message": "m"}, SluiceError),
        (404, {"success": False, "error": "gone_fishing", "message": "m"}, NotFound),
        (503, {"success": False, "error": "store_unavailable", "message": "m"}, ServerError),
        (502, "<html>Bad gateway</html>", DatasourceError),
    ],
)
def test_codes_this_version_does_not_know_fall_back_to_their_status(
    status: int, body: Any, error: type[SluiceError]
) -> None:
    raised = from_response(_answer(status, body))
    assert type(raised) is error and raised.status == status


def test_a_success_that_is_not_the_envelope_is_unexpected(live: Live) -> None:
    with Client(live.url) as sluice:
        with pytest.raises(UnexpectedResponse):
            sluice.call("health/live")  # a Sluice path, but not a gateway call


def _answer(status: int, body: Any) -> httpx2.Response:
    """An answer as a proxy or a newer gateway might give it: built, not served."""
    request = httpx2.Request("GET", "http://sluice.test/m/p")
    if isinstance(body, str):
        return httpx2.Response(status, text=body, request=request)
    return httpx2.Response(status, json=body, request=request)
