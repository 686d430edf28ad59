"""From a document to Definitions: the format version, then the published JSON Schema
(the same one editors validate with), then the models' own rules (paths, params, hosts,
names). Every problem found is reported at once, by object and line."""

import json
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError as SchemaError
from jsonschema.exceptions import best_match
from pydantic import ValidationError

from sluice.services.exchange.files import Source
from sluice.services.exchange.problems import (
    DefinitionsRefused,
    Path,
    Problem,
    field_text,
    object_at,
)
from sluice.services.exchange.schema import FORMAT_VERSION, Definitions, json_schema


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(json_schema())


def parse(source: Source) -> Definitions:
    """The document as Definitions, or DefinitionsRefused listing every problem."""
    _check_version(source)
    problems = _text_problems(source)
    problems += [p for e in _validator().iter_errors(source.data) for p in _problems(source, e)]
    if problems:
        raise DefinitionsRefused(problems)
    try:
        return Definitions.model_validate(source.data)
    except ValidationError as exc:
        raise DefinitionsRefused(_model_problems(source, exc)) from None


def _check_version(source: Source) -> None:
    data = source.data
    if not isinstance(data, dict):
        raise DefinitionsRefused([Problem("file", "must be a mapping (key: value lines)")])
    version = data.get("format_version")
    if version != FORMAT_VERSION:
        message = (
            "needs format_version: 1 at the top"
            if version is None
            else f"format_version {version!r} is not one this Sluice reads ({FORMAT_VERSION})"
        )
        raise DefinitionsRefused([Problem("file", message, source.place(("format_version",)))])


def _located(source: Source, path: Path, message: str) -> Problem:
    where, rest = object_at(source.data, path)
    field = field_text(rest)
    return Problem(where, f"{field}: {message}" if field else message, source.place(path))


def _text_problems(source: Source) -> list[Problem]:
    """Text the store cannot hold, which YAML's escapes can write: a NUL character
    (`"\\0"`, which PostgreSQL refuses) or half a surrogate pair (`"\\ud800"`)."""
    found = []
    stack: list[tuple[Any, Path]] = [(source.data, ())]
    while stack:
        item, path = stack.pop()
        if isinstance(item, str) and _unstorable(item):
            found.append(_located(source, path, "holds a NUL character or a lone surrogate"))
        elif isinstance(item, dict):
            stack += [(value, (*path, key)) for key, value in item.items()]
            if any(_unstorable(key) for key in item):
                found.append(_located(source, path, "a key holds a NUL or a lone surrogate"))
        elif isinstance(item, list):
            stack += [(value, (*path, i)) for i, value in enumerate(item)]
    return found


def _unstorable(text: str) -> bool:
    if "\x00" in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _problems(source: Source, error: SchemaError) -> list[Problem]:
    error = best_match([error])
    path = tuple(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
        unknown = sorted(key for key in error.instance if key not in known)
        return [_located(source, (*path, key), "is not a key of this object") for key in unknown]
    return [_located(source, path, _message(error))]


def _message(error: SchemaError) -> str:
    """The rule broken, without echoing the value (a template can be 100,000 characters)."""
    rule, value = error.validator, error.validator_value
    texts = {
        "type": f"must be {_type_text(value)}",
        "enum": f"must be one of {', '.join(json.dumps(v) for v in value)}"
        if isinstance(value, list)
        else "",
        "const": f"must be {json.dumps(value)}",
        "maxLength": f"is longer than {value} characters",
        "minLength": "must not be empty" if value == 1 else f"is shorter than {value} characters",
        "pattern": f"does not match the pattern {value}",
        "maximum": f"must be at most {value}",
        "minimum": f"must be at least {value}",
        "exclusiveMinimum": f"must be more than {value}",
        "exclusiveMaximum": f"must be less than {value}",
        "maxItems": f"has more than {value} items",
        "minItems": f"has fewer than {value} items",
    }
    text = texts.get(str(rule))
    return text if text else error.message[:300]


def _type_text(value: Any) -> str:
    names = {"object": "a mapping", "array": "a list", "string": "text", "null": "null"}
    kinds = value if isinstance(value, list) else [value]
    return " or ".join(names.get(kind, f"a {kind}") for kind in kinds)


_BRANCHES = {"ApiBody", "MacroBody"}
"""Pydantic names the member of `published: bool | mapping` it tried in an error's place."""


def _model_problems(source: Source, exc: ValidationError) -> list[Problem]:
    problems = []
    for error in exc.errors():
        loc = tuple(error["loc"])
        if loc[-2:-1] == ("published",) and loc[-1] == "bool":
            continue  # the mapping is the member that failed, reported on its own
        path = tuple(part for part in loc if part not in _BRANCHES)
        message = str(error["msg"]).removeprefix("Value error, ")
        problems.append(_located(source, path, message))
    return problems
