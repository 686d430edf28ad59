"""A run held against a test case's expectations: each unmet one becomes a Failure whose
message says what was expected and what came, in a sentence.

The answer is what the gateway would give: 200 and the data, or the error's status and
code as the gateway maps them. With neither `status` nor `code` expected, the run must
succeed. The row count is the length of a row result, or `rows_affected` of a write.
Values compare as JSON: a number equals the same number (1 == 1.0) but never a boolean or
a string; decimals come back as strings, as the gateway sends them.
"""

from typing import Any

import orjson

from sluice.errors import SluiceError, gateway_status
from sluice.json_schema import schema_errors
from sluice.models.api_test import Expectation, ExpectationName, Failure, FieldCheck
from sluice.services.debug import Attempt

SHOWN_CHARS = 1000
REASON_CHARS = 500


def answer(ran: Attempt) -> tuple[int, str | None]:
    """The status and code the gateway would answer this run with."""
    return (200, None) if ran.error is None else gateway_status(ran.error)


def failures(expect: Expectation, ran: Attempt) -> list[Failure]:
    found = _outcome(expect, ran)
    if ran.error is None:
        found += _data(expect, ran.data)
    elif not found:
        found += _no_data(expect, ran.error)
    if expect.max_ms is not None and ran.duration_ms > expect.max_ms:
        message = f"Took {ran.duration_ms:g} ms, over the {expect.max_ms} ms allowed."
        found.append(
            Failure(
                expectation="max_ms", expected=expect.max_ms, got=ran.duration_ms, message=message
            )
        )
    return found


def _outcome(expect: Expectation, ran: Attempt) -> list[Failure]:
    status, code = answer(ran)
    wanted = 200 if expect.status is None and expect.code is None else expect.status
    found = []
    if wanted is not None and status != wanted:
        message = f"Expected status {wanted}, got {status}{_why(ran)}."
        found.append(Failure(expectation="status", expected=wanted, got=status, message=message))
    if expect.code is not None and code != expect.code:
        got = f"error {code}" if code else "a success"
        message = f"Expected error {expect.code}, got {got}{_why(ran)}."
        found.append(Failure(expectation="code", expected=expect.code, got=code, message=message))
    return found


def _why(ran: Attempt) -> str:
    if ran.error is None:
        return ""
    _, code = answer(ran)
    return f" ({code}: {_clip(ran.reason or '', REASON_CHARS)})"


def _no_data(expect: Expectation, error: SluiceError) -> list[Failure]:
    """The run failed as expected, yet the test also expects data."""
    status, code = gateway_status(error)
    wanted: dict[ExpectationName, Any] = {
        "rows": expect.rows,
        "rows_min": expect.rows_min,
        "rows_max": expect.rows_max,
        "fields": expect.fields or None,
        "schema": expect.json_schema,
    }
    return [
        Failure(
            expectation=name,
            expected=_shown(value),
            message=f"Expects {name}, but the run answered {status} {code} and no data.",
        )
        for name, value in wanted.items()
        if value is not None
    ]


def _data(expect: Expectation, data: Any) -> list[Failure]:
    found = _counts(expect, data)
    found += [f for check in expect.fields if (f := _field(check, data)) is not None]
    if expect.json_schema is not None:
        errors = schema_errors(expect.json_schema, data)
        if errors:
            message = "The data does not match the schema: " + "; ".join(errors) + "."
            found.append(Failure(expectation="schema", got=errors, message=message))
    return found


def row_count(data: Any) -> int | None:
    """Rows of a row result; `rows_affected` of a write; None for anything else."""
    if isinstance(data, list):
        return len(data)
    if isinstance(data, dict) and set(data) == {"rows_affected"}:
        affected = data["rows_affected"]
        return affected if isinstance(affected, int) else None
    return None


def _counts(expect: Expectation, data: Any) -> list[Failure]:
    count = row_count(data)
    rules: tuple[tuple[ExpectationName, int | None, str], ...] = (
        ("rows", expect.rows, ""),
        ("rows_min", expect.rows_min, "at least "),
        ("rows_max", expect.rows_max, "at most "),
    )
    found = []
    for name, wanted, how in rules:
        if wanted is None or (count is not None and _holds(name, count, wanted)):
            continue
        got = f"{count}" if count is not None else f"{_kind(data)}, not rows"
        message = f"Expected {how}{_rows(wanted)}, got {got}."
        found.append(Failure(expectation=name, expected=wanted, got=count, message=message))
    return found


def _holds(name: ExpectationName, count: int, wanted: int) -> bool:
    if name == "rows_min":
        return count >= wanted
    if name == "rows_max":
        return count <= wanted
    return count == wanted


def _field(check: FieldCheck, data: Any) -> Failure | None:
    where = f"Row {check.row}, field {check.field!r}"
    if not isinstance(data, list):
        return _field_failure(check, None, f"{where}: the data is {_kind(data)}, not rows.")
    if check.row >= len(data):
        return _field_failure(
            check, None, f"Row {check.row} does not exist: the data has {_rows(len(data))}."
        )
    row = data[check.row]
    if not isinstance(row, dict):
        return _field_failure(
            check, _shown(row), f"{where}: the row is {_kind(row)}, not an object."
        )
    if check.field not in row:
        names = ", ".join(list(row)[:20]) or "none"
        return _field_failure(check, None, f"{where}: no such field (the row has: {names}).")
    got = row[check.field]
    if same(check.equals, got):
        return None
    return _field_failure(
        check, _shown(got), f"{where}: expected {_text(check.equals)}, got {_text(got)}."
    )


def _field_failure(check: FieldCheck, got: Any, message: str) -> Failure:
    expected = {"row": check.row, "field": check.field, "equals": _shown(check.equals)}
    return Failure(expectation="fields", expected=expected, got=got, message=message)


def same(expected: Any, got: Any) -> bool:
    """JSON equality: numbers by value, but a boolean is never a number."""
    if isinstance(expected, bool) or isinstance(got, bool):
        return type(expected) is type(got) and expected == got
    numbers = (int, float)
    if isinstance(expected, numbers) and isinstance(got, numbers):
        return expected == got
    if isinstance(expected, dict) and isinstance(got, dict):
        return expected.keys() == got.keys() and all(same(expected[k], got[k]) for k in expected)
    if isinstance(expected, list) and isinstance(got, list):
        return len(expected) == len(got) and all(map(same, expected, got))
    return type(expected) is type(got) and expected == got


def _kind(value: Any) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    return names.get(type(value), "a number")


def _rows(n: int) -> str:
    return f"{n} row" if n == 1 else f"{n} rows"


def _text(value: Any) -> str:
    return _clip(orjson.dumps(value, default=str).decode(), 200)


def _shown(value: Any) -> Any:
    """`value`, or its JSON text cut short when it is large (a failure is read by a person)."""
    text = orjson.dumps(value, default=str)
    return value if len(text) <= SHOWN_CHARS else _clip(text.decode(), SHOWN_CHARS)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
