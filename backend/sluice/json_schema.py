"""JSON Schemas in test cases: checked when saved, matched against an answer's `data`.

The `jsonschema` library does the work, held on a leash because the schema is written by
an API developer and runs inside the server:
- `$ref` never leaves the schema. jsonschema's default registry fetches a remote reference
  over HTTP (a request from the server to anywhere); here the registry has no retriever,
  and a saved schema may only refer inside itself (`#...`).
- A check has a deadline (CHECK_SECONDS) tested at every keyword, so a schema whose
  references branch without end stops in time instead of holding the event loop.
- Regular expressions (`pattern`, `patternProperties`, and the latter inside
  `additionalProperties`) run on the `regex` module under the same deadline: Python's
  `re` cannot be interrupted, and a pattern such as `(a|aa)+$` backtracks for ever.
  `unevaluatedProperties` would match `patternProperties` with `re`, so a schema may not
  hold both.
- `format` is an annotation (JSON Schema 2020-12's default): it is not asserted.
A module of its own, below `models` (which checks a schema on save) and `services`.
"""

import time
from collections.abc import Callable, Iterator
from typing import Any

import jsonschema
import referencing
import regex
from jsonschema.exceptions import ValidationError
from jsonschema.protocols import Validator
from jsonschema.validators import Draft202012Validator, extend, validator_for

CHECK_SECONDS = 1.0
MAX_ERRORS = 5
MESSAGE_CHARS = 300
DRAFTS = "4, 6, 7, 2019-09 or 2020-12"

Schema = dict[str, Any] | bool
Keyword = Callable[[Any, Any, Any, dict[str, Any]], Iterator[ValidationError]]


class TooSlow(Exception):
    """The check ran past its deadline."""


def check_schema(schema: Schema) -> Schema:
    """`schema`, if it is a JSON Schema this server will run; else ValueError saying why."""
    if isinstance(schema, bool):
        return schema
    base = _draft(schema)
    try:
        base.check_schema(schema)
    except jsonschema.SchemaError as exc:
        where = "/".join(str(part) for part in exc.absolute_path) or "the top"
        raise ValueError(f"is not a valid JSON Schema (at {where}): {_clip(exc.message)}") from None
    _check_parts(schema)
    return schema


def _draft(schema: dict[str, Any]) -> type[Validator]:
    declared = schema.get("$schema")
    if declared is None:
        return Draft202012Validator
    if not isinstance(declared, str):
        raise ValueError("$schema must be a string")
    found: type[Validator] | None = validator_for(schema, default=None)  # type: ignore[arg-type]
    if found is None:
        raise ValueError(
            f"$schema {declared!r} is not a JSON Schema draft this server knows ({DRAFTS})"
        )
    return found


def _check_parts(schema: Any) -> None:
    """References stay inside the schema; no combination that only `re` would run. (That
    patterns compile, the draft's meta-schema checks.)"""
    pattern_properties = unevaluated = False
    stack = [schema]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        if not isinstance(item, dict):
            continue
        ref = item.get("$ref")
        if isinstance(ref, str) and not ref.startswith("#"):
            raise ValueError(f"$ref {ref!r} points outside the schema; only #... references work")
        pattern_properties = pattern_properties or "patternProperties" in item
        unevaluated = unevaluated or "unevaluatedProperties" in item
        stack.extend(item.values())
    if pattern_properties and unevaluated:
        raise ValueError("cannot combine patternProperties with unevaluatedProperties")


def schema_errors(schema: Schema, instance: Any) -> list[str]:
    """What in `instance` does not match (at most MAX_ERRORS, each with its JSON path);
    empty when it matches."""
    if isinstance(schema, bool):
        return [] if schema else ["the schema is false: nothing matches it"]
    deadline = time.monotonic() + CHECK_SECONDS
    checker = _leashed(_draft(schema), deadline)(schema, registry=referencing.Registry())
    found: list[str] = []
    try:
        for error in checker.iter_errors(instance):
            found.append(f"at {error.json_path}: {_clip(error.message)}")
            if len(found) == MAX_ERRORS:
                break
    except TooSlow:
        found.append(f"the check took over {CHECK_SECONDS:g} s and was stopped")
    except RecursionError:
        found.append("the schema refers to itself without end")
    except referencing.exceptions.Unresolvable as exc:
        found.append(f"a $ref cannot be resolved inside the schema: {_clip(str(exc))}")
    return found


def _leashed(base: type[Validator], deadline: float) -> type[Validator]:
    """`base` with every keyword checking the deadline, and regular expressions on `regex`."""
    keywords: dict[str, Keyword] = {
        name: _timed(keyword, deadline) for name, keyword in base.VALIDATORS.items()
    }
    matches = _matcher(deadline)
    for name, keyword in (
        ("pattern", _pattern(matches)),
        ("patternProperties", _pattern_properties(matches)),
        ("additionalProperties", _additional_properties(matches)),
    ):
        if name in keywords:
            keywords[name] = _timed(keyword, deadline)
    leashed: type[Validator] = extend(base, keywords)  # type: ignore[no-untyped-call]
    return leashed


def _timed(keyword: Keyword, deadline: float) -> Keyword:
    def run(validator: Any, value: Any, instance: Any, schema: dict[str, Any]) -> Iterator[Any]:
        if time.monotonic() > deadline:
            raise TooSlow
        yield from keyword(validator, value, instance, schema) or ()

    return run


def _matcher(deadline: float) -> Callable[[str, str], bool]:
    def matches(pattern: str, text: str) -> bool:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TooSlow
        try:
            return regex.search(pattern, text, timeout=left) is not None
        except TimeoutError:
            raise TooSlow from None

    return matches


def _pattern(matches: Callable[[str, str], bool]) -> Keyword:
    def pattern(validator: Any, value: Any, instance: Any, _: dict[str, Any]) -> Iterator[Any]:
        if validator.is_type(instance, "string") and not matches(value, instance):
            yield ValidationError(f"{_clip(repr(instance))} does not match {value!r}")

    return pattern


def _pattern_properties(matches: Callable[[str, str], bool]) -> Keyword:
    def pattern_properties(
        validator: Any, value: Any, instance: Any, _: dict[str, Any]
    ) -> Iterator[Any]:
        if not validator.is_type(instance, "object"):
            return
        for pattern, subschema in value.items():
            for key, item in instance.items():
                if matches(pattern, key):
                    yield from validator.descend(item, subschema, path=key, schema_path=pattern)

    return pattern_properties


def _additional_properties(matches: Callable[[str, str], bool]) -> Keyword:
    """Keys neither in `properties` nor matched by a `patternProperties` pattern must
    match the subschema (or, when it is false, not be there)."""

    def additional_properties(
        validator: Any, value: Any, instance: Any, schema: dict[str, Any]
    ) -> Iterator[Any]:
        if not validator.is_type(instance, "object"):
            return
        named, patterns = schema.get("properties", {}), schema.get("patternProperties", {})
        extra = [
            key
            for key in instance
            if key not in named and not any(matches(p, key) for p in patterns)
        ]
        if validator.is_type(value, "object"):
            for key in extra:
                yield from validator.descend(instance[key], value, path=key)
        elif value is False and extra:
            listed = ", ".join(repr(key) for key in extra[:10])
            yield ValidationError(f"additional properties are not allowed ({listed})")

    return additional_properties


def _clip(text: str) -> str:
    return text if len(text) <= MESSAGE_CHARS else text[: MESSAGE_CHARS - 1] + "…"
