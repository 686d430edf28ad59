"""Parameter definitions and coercion."""

import datetime
from typing import Any

import pytest
from pydantic import ValidationError

from sluice.engines.params import ParamDef, ParamError, RawParams, coerce, json_schema


def param(name: str = "p", location: str = "query", type: str = "string", **rules: Any) -> ParamDef:
    return ParamDef.model_validate({"name": name, "location": location, "type": type, **rules})


def value(definition: ParamDef, raw: RawParams) -> Any:
    return coerce([definition], raw)[definition.name]


def from_query(type: str, *texts: str, **rules: Any) -> Any:
    return value(param(type=type, **rules), RawParams(query=[("p", t) for t in texts]))


def from_body(type: str, json_value: Any, **rules: Any) -> Any:
    return value(param(location="body", type=type, **rules), RawParams(body={"p": json_value}))


def refused(message: str, call: Any, *args: Any, **kwargs: Any) -> None:
    with pytest.raises(ParamError) as caught:
        call(*args, **kwargs)
    assert caught.value.message == message
    assert (caught.value.status, caught.value.code) == (400, "bad_request")


class TestFromText:
    @pytest.mark.parametrize(
        ("type", "text", "expected"),
        [
            ("string", " a b ", " a b "),
            ("integer", "42", 42),
            ("integer", "-9223372036854775808", -(2**63)),
            ("number", "1.5", 1.5),
            ("number", "-2e3", -2000.0),
            ("boolean", "TRUE", True),
            ("boolean", "no", False),
            ("boolean", "1", True),
            ("date", "2024-02-29", datetime.date(2024, 2, 29)),
            ("datetime", "2024-01-02T03:04:05", datetime.datetime(2024, 1, 2, 3, 4, 5)),
            ("array", '[1, "a"]', [1, "a"]),
            ("object", '{"a": 1}', {"a": 1}),
        ],
    )
    def test_parses(self, type: str, text: str, expected: Any) -> None:
        assert from_query(type, text) == expected

    @pytest.mark.parametrize(
        ("type", "text", "rule"),
        [
            ("integer", "1.0", "must be an integer"),
            ("integer", "+5", "must be an integer"),
            ("integer", "1_000", "must be an integer"),
            ("integer", "\uff15", "must be an integer"),
            ("number", "+1.5", "must be a number"),
            ("string", "a\x00b", "must not contain the NUL character"),
            ("integer", " 1", "must be an integer"),
            ("integer", "1\n", "must be an integer"),
            ("integer", "true", "must be an integer"),
            ("integer", "\u0661", "must be an integer"),
            ("integer", "1" * 20, "must be an integer"),
            ("integer", "9223372036854775808", "must be a 64-bit integer"),
            ("number", "NaN", "must be a number"),
            ("number", "Infinity", "must be a number"),
            ("number", "1e999", "must be a finite number"),
            ("number", "0x1", "must be a number"),
            ("boolean", "maybe", "must be a boolean (true/false, 1/0, yes/no)"),
            ("date", "2023-02-29", "must be an ISO 8601 date (YYYY-MM-DD)"),
            ("datetime", "tomorrow", "must be an ISO 8601 date-time"),
            ("object", "[1]", "must be a JSON object"),
            ("object", '{"a": NaN}', "must be a JSON object"),
            ("array", "[1", "must be a JSON array"),
        ],
    )
    def test_refuses(self, type: str, text: str, rule: str) -> None:
        refused(f"parameter 'p': {rule}", from_query, type, text)

    def test_repeated_keys_make_an_array(self) -> None:
        assert from_query("array", "1", "2") == ["1", "2"]

    def test_a_scalar_given_twice_is_refused(self) -> None:
        refused("parameter 'p': must be given once", from_query, "integer", "1", "2")

    def test_query_arrays_also_split_at_commas(self) -> None:
        assert from_query("array", "3,5", "8") == ["3", "5", "8"]
        assert from_query("array", "a,,b") == ["a", "", "b"]
        assert from_query("array", "") == []
        assert from_query("array", '["a,b", "c"]') == ["a,b", "c"]

    def test_form_arrays_take_one_item_per_key(self) -> None:
        definition = param(location="body", type="array", items="integer")
        assert value(definition, RawParams(form=[("p", "3")])) == [3]
        assert value(definition, RawParams(form=[("p", "3"), ("p", "5")])) == [3, 5]
        refused(
            "parameter 'p': item 1 must be an integer",
            value,
            definition,
            RawParams(form=[("p", "3,5")]),
        )

    def test_items_are_parsed_as_their_type(self) -> None:
        assert from_query("array", "3,-5", items="integer") == [3, -5]
        assert from_query("array", "2024-01-01", items="date") == [datetime.date(2024, 1, 1)]
        assert from_query("array", "[1, 2]", items="integer") == [1, 2]
        refused(
            "parameter 'p': item 2 must be an integer", from_query, "array", "1,x", items="integer"
        )
        refused(
            "parameter 'p': item 1 must be an integer",
            from_query,
            "array",
            '["1"]',
            items="integer",
        )
        refused(
            "parameter 'p': item 1 must not contain the NUL character", from_query, "array", "\x00"
        )

    def test_a_query_mapping_works_too(self) -> None:
        raw = RawParams(query={"p": ["1", "2"], "q": "x"})
        assert coerce([param(type="array"), param("q")], raw) == {"p": ["1", "2"], "q": "x"}


class TestFromJsonBody:
    @pytest.mark.parametrize(
        ("type", "json_value", "expected"),
        [
            ("string", "abc", "abc"),
            ("integer", 5, 5),
            ("integer", 5.0, 5),
            ("number", 5, 5),
            ("number", 1.25, 1.25),
            ("boolean", False, False),
            ("date", "2024-01-01", datetime.date(2024, 1, 1)),
            (
                "datetime",
                "2024-01-01T00:00:00+02:00",
                datetime.datetime.fromisoformat("2024-01-01T00:00:00+02:00"),
            ),
            ("array", [1, [2]], [1, [2]]),
            ("object", {"a": None}, {"a": None}),
        ],
    )
    def test_accepts_the_declared_json_type(
        self, type: str, json_value: Any, expected: Any
    ) -> None:
        assert from_body(type, json_value) == expected

    @pytest.mark.parametrize(
        ("type", "json_value", "rule"),
        [
            ("string", 0, "must be a string"),
            ("string", 1.5, "must be a string"),
            ("string", True, "must be a string"),
            ("string", ["a"], "must be a string"),
            ("string", {"a": 1}, "must be a string"),
            ("integer", True, "must be an integer"),
            ("integer", 1.5, "must be an integer"),
            ("integer", "5", "must be an integer"),
            ("integer", 2**64, "must be a 64-bit integer"),
            ("number", False, "must be a number"),
            ("number", "1.5", "must be a number"),
            ("number", float("inf"), "must be a finite number"),
            ("boolean", 1, "must be a boolean"),
            ("boolean", "true", "must be a boolean"),
            ("date", 20240101, "must be a string"),
            ("array", "[1]", "must be an array"),
            ("object", [], "must be an object"),
        ],
    )
    def test_refuses_another_json_type(self, type: str, json_value: Any, rule: str) -> None:
        refused(f"parameter 'p': {rule}", from_body, type, json_value)

    def test_a_body_that_is_not_an_object(self) -> None:
        definition = param(location="body")
        refused(
            "parameter 'p': the request body must be a JSON object",
            value,
            definition,
            RawParams(body=[1]),
        )

    def test_null_means_absent(self) -> None:
        assert from_body("string", None) is None
        refused("parameter 'p' is required", from_body, "string", None, required=True)

    def test_form_bodies_are_text(self) -> None:
        definition = param(location="body", type="integer")
        assert value(definition, RawParams(form=[("p", "7")])) == 7
        assert value(definition, RawParams(form={"p": "8"}, body={"p": 9})) == 8


class TestLocations:
    def test_each_param_reads_only_its_location(self) -> None:
        defs = [
            param("id", "path", "integer"),
            param("q", "query"),
            param("b", "body"),
            param("h", "header"),
        ]
        raw = RawParams(
            path={"id": "1", "q": "path", "b": "path", "h": "path"},
            query=[("id", "2"), ("q", "query"), ("b", "query"), ("h", "query")],
            body={"id": 3, "q": "body", "b": "body", "h": "body"},
            headers={"id": "4", "q": "header", "b": "header", "h": "header"},
        )
        assert coerce(defs, raw) == {"id": 1, "q": "query", "b": "body", "h": "header"}

    def test_a_path_param_cannot_be_overridden(self) -> None:
        definition = param("id", "path", "integer", required=True)
        raw = RawParams(query=[("id", "2")], body={"id": 3}, headers={"id": "4"})
        refused("parameter 'id' is required", value, definition, raw)

    def test_headers_are_case_insensitive_and_underscores_match_dashes(self) -> None:
        definition = param("x_tenant_id", "header", "integer")
        assert value(definition, RawParams(headers={"X-Tenant-Id": "12"})) == 12
        assert value(param("Token", "header"), RawParams(headers={"token": "t"})) == "t"

    def test_unknown_params_are_ignored_and_absent_ones_are_none(self) -> None:
        raw = RawParams(query=[("other", "1")], body={"x": 1})
        assert coerce([param("a"), param("b", "body")], raw) == {"a": None, "b": None}


class TestRules:
    def test_required(self) -> None:
        refused("parameter 'p' is required", from_query, "string", required=True)

    def test_default(self) -> None:
        assert from_query("integer", default=5) == 5
        assert from_query("date", default="2024-01-01") == datetime.date(2024, 1, 1)
        assert from_query("integer", "6", default=5) == 6

    def test_pattern_is_a_full_match(self) -> None:
        assert from_query("string", "ab12", pattern="[a-z]+[0-9]+") == "ab12"
        refused(
            "parameter 'p': must match the pattern [a-z]+",
            from_query,
            "string",
            "ab1",
            pattern="[a-z]+",
        )

    def test_min_max_of_numbers(self) -> None:
        assert from_query("integer", "100", min=1, max=100) == 100
        refused("parameter 'p': must be at most 100", from_query, "integer", "101", max=100)
        refused("parameter 'p': must be at least 0.5", from_query, "number", "0.1", min=0.5)

    def test_min_max_of_strings_and_arrays_are_lengths(self) -> None:
        refused("parameter 'p': must be at least 3 characters", from_query, "string", "ab", min=3)
        refused("parameter 'p': must be at most 2 items", from_query, "array", "1", "2", "3", max=2)

    def test_enum(self) -> None:
        assert from_query("string", "asc", enum=["asc", "desc"]) == "asc"
        refused(
            "parameter 'p': must be one of: asc, desc",
            from_query,
            "string",
            "up",
            enum=["asc", "desc"],
        )
        assert from_query("integer", "2", enum=[1, 2]) == 2
        assert from_query("date", "2024-01-01", enum=["2024-01-01"]) == datetime.date(2024, 1, 1)


class TestDefinitions:
    @pytest.mark.parametrize(
        ("rules", "message"),
        [
            ({"name": "1a"}, "String should match pattern"),
            ({"name": "a-b"}, "String should match pattern"),
            ({"location": "cookie"}, "Input should be"),
            ({"type": "uuid"}, "Input should be"),
            ({"pattern": "("}, "pattern does not compile"),
            ({"pattern": "a" * 501}, "at most 500 characters"),
            ({"pattern": "(a+)+$"}, "atomic group"),
            ({"type": "integer", "pattern": "[0-9]+"}, "pattern applies to string parameters only"),
            ({"min": 5, "max": 1}, "min must not be greater than max"),
            ({"type": "boolean", "min": 1}, "min and max do not apply to boolean"),
            ({"min": 1.5}, "whole numbers"),
            ({"type": "integer", "enum": [1, "a"]}, "enum value 'a' must be an integer"),
            ({"type": "object", "enum": [{}]}, "enum does not apply to object"),
            ({"enum": []}, "at least 1 item"),
            ({"type": "integer", "default": "5"}, "default '5' must be an integer"),
            ({"type": "string", "items": "integer"}, "items applies to array parameters only"),
            ({"type": "array", "items": "object"}, "Input should be"),
            ({"type": "array", "items": "integer", "default": ["1"]}, "item 1 must be an integer"),
            ({"default": "x", "enum": ["a"]}, "must be one of: a"),
            ({"default": "x", "min": 2}, "must be at least 2 characters"),
            ({"default": "x", "required": True}, "a required parameter cannot have a default"),
            ({"unknown": 1}, "Extra inputs are not permitted"),
        ],
    )
    def test_invalid_definitions_are_refused(self, rules: dict[str, Any], message: str) -> None:
        with pytest.raises(ValidationError, match=message):
            param(**rules)

    def test_safe_patterns_are_accepted(self) -> None:
        for pattern in [r"^([\w-]+\.)+\w+$", r"(?>a+)+", r"(\d{3}-)+\d{4}", r"[a-z]{2,8}"]:
            assert param(pattern=pattern).pattern == pattern


def test_json_schema() -> None:
    defs = [
        param("name", type="string", pattern="[a-z]+", min=1, max=20, description="Name"),
        param("age", type="integer", min=0, max=150, default=18),
        param("ratio", type="number", min=0.5),
        param("ids", type="array", max=10),
        param("tags", type="array", items="date"),
        param("day", type="date", enum=["2024-01-01"]),
        param("at", type="datetime"),
        param("flag", type="boolean"),
        param("meta", type="object"),
    ]
    assert json_schema(defs) == {
        "name": {
            "type": "string",
            "pattern": "[a-z]+",
            "minLength": 1,
            "maxLength": 20,
            "description": "Name",
        },
        "age": {"type": "integer", "format": "int64", "minimum": 0, "maximum": 150, "default": 18},
        "ratio": {"type": "number", "minimum": 0.5},
        "ids": {"type": "array", "items": {}, "maxItems": 10},
        "tags": {"type": "array", "items": {"type": "string", "format": "date"}},
        "day": {"type": "string", "format": "date", "enum": ["2024-01-01"]},
        "at": {"type": "string", "format": "date-time"},
        "flag": {"type": "boolean"},
        "meta": {"type": "object"},
    }
