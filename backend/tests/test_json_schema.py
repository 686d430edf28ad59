"""Test cases' JSON Schemas: checked on save, and matched without leaving the server or
running for ever, whatever the schema holds."""

import gc
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest

from sluice.json_schema import CHECK_SECONDS, check_schema, schema_errors

SLOW = "(a|aa)+$"
TEXT = "a" * 80 + "b"


@pytest.fixture
def worker_heap() -> Iterator[None]:
    """The heap as a serving worker has it (`collector.startup_objects_frozen`): what
    exists is frozen, so the check's own allocations do not set off collections over
    everything the test process has made before (thousands of tests' objects, which took
    a full pass of several seconds in the middle of a timed check)."""
    gc.collect()
    gc.freeze()
    yield
    gc.unfreeze()


@pytest.fixture
def listener() -> Iterator[tuple[str, list[str]]]:
    """A local HTTP server that records every request it gets."""
    hits: list[str] = []

    class Record(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'{"type": "string"}')

        def log_message(self, *_: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Record)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()
    server.server_close()


def test_a_reference_outside_the_schema_is_refused_and_never_fetched(
    listener: tuple[str, list[str]],
) -> None:
    url, hits = listener
    schema = {"$ref": f"{url}/item.json"}
    with pytest.raises(ValueError, match="points outside the schema"):
        check_schema(schema)
    (problem,) = schema_errors(schema, 1)
    assert problem.startswith("a $ref cannot be resolved inside the schema")
    assert hits == []


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "string", "pattern": SLOW},
        {"type": "object", "patternProperties": {SLOW: {}}},
        {"type": "object", "patternProperties": {SLOW: {}}, "additionalProperties": False},
    ],
    ids=["pattern", "patternProperties", "additionalProperties"],
)
@pytest.mark.usefixtures("worker_heap")
def test_a_pattern_that_backtracks_for_ever_is_stopped(schema: dict[str, Any]) -> None:
    check_schema(schema)
    started = time.monotonic()
    problems = schema_errors(schema, TEXT if "pattern" in schema else {TEXT: 1})
    assert problems == [f"the check took over {CHECK_SECONDS:g} s and was stopped"]
    assert time.monotonic() - started < CHECK_SECONDS + 4  # unbounded, it would run for years


@pytest.mark.usefixtures("worker_heap")
def test_references_that_branch_without_end_are_stopped() -> None:
    defs: dict[str, Any] = {
        f"d{i}": {"anyOf": [{"$ref": f"#/$defs/d{i + 1}"}] * 3} for i in range(40)
    }
    defs["d40"] = {"type": "string"}
    started = time.monotonic()
    problems = schema_errors({"$defs": defs, "$ref": "#/$defs/d0"}, 1)
    assert problems == [f"the check took over {CHECK_SECONDS:g} s and was stopped"]
    assert time.monotonic() - started < CHECK_SECONDS + 4
    assert schema_errors({"$ref": "#"}, 1) == ["the schema refers to itself without end"]


def test_a_schema_is_checked_against_its_draft() -> None:
    seven = {"$schema": "http://json-schema.org/draft-07/schema#", "type": "array"}
    assert check_schema(seven) == seven
    assert schema_errors(seven, {}) == ["at $: {} is not of type 'array'"]
    cases: list[tuple[dict[str, Any], str]] = [
        ({"$schema": "https://example.com/mine"}, "is not a JSON Schema draft this server knows"),
        ({"$schema": 7}, "$schema must be a string"),
        ({"type": "nope"}, "is not a valid JSON Schema (at type)"),
        ({"pattern": "(("}, "is not a valid JSON Schema (at pattern)"),
        ({"patternProperties": {"((": {}}}, "is not a valid JSON Schema (at patternProperties)"),
        (
            {"patternProperties": {"a": {}}, "unevaluatedProperties": False},
            "cannot combine patternProperties with unevaluatedProperties",
        ),
    ]
    for schema, why in cases:
        with pytest.raises(ValueError) as refused:
            check_schema(schema)
        assert why in str(refused.value)


def test_errors_name_their_place_and_are_few() -> None:
    schema = {"type": "array", "items": {"type": "integer"}}
    assert schema_errors(schema, [1, 2]) == []
    problems = schema_errors(schema, ["a", "b", "c", "d", "e", "f", "g"])
    assert len(problems) == 5
    assert problems[0] == "at $[0]: 'a' is not of type 'integer'"
    assert schema_errors(True, None) == []
    assert schema_errors(False, None) == ["the schema is false: nothing matches it"]
    long = schema_errors({"type": "integer"}, "x" * 5000)
    assert len(long[0]) < 400 and long[0].endswith("…")
