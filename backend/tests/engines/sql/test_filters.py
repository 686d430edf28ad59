"""Every SQL filter: what it binds or pastes, and what it refuses."""

import datetime
from typing import Any

import pytest

from sluice.engines.sql import TemplateRenderError
from tests.engines.sql.support import one, render


def bound(expression: str, value: Any) -> list[Any]:
    statement = one("SELECT {{ " + expression + " }}", {"v": value})
    assert statement.sql == "SELECT " + "%s" * len(statement.params)
    return statement.params


def refused(expression: str, value: Any, message: str) -> None:
    with pytest.raises(TemplateRenderError, match=message):
        render("SELECT {{ " + expression + " }}", {"v": value})


@pytest.mark.parametrize(
    ("value", "expected"),
    [("abc", "abc"), ("", ""), (5, "5"), (1.5, "1.5"), (None, None), ("0", "0")],
)
def test_sql_string(value: Any, expected: Any) -> None:
    assert bound("v|sql_string", value) == [expected]


@pytest.mark.parametrize("value", [True, [1], {"a": 1}])
def test_sql_string_refuses_non_strings(value: Any) -> None:
    refused("v|sql_string", value, "sql_string: must be a string")


@pytest.mark.parametrize(
    ("value", "expected"),
    [(5, 5), ("42", 42), ("-7", -7), (3.0, 3), (2**63 - 1, 2**63 - 1), (None, None)],
)
def test_sql_int(value: Any, expected: Any) -> None:
    assert bound("v|sql_int", value) == [expected]


@pytest.mark.parametrize(
    "value",
    ["abc", "1.5", "+1", " 1", "1 ", "1\n", "0x10", "1_000", "\u0661", "", True, 1.5, 2**63, [1]],
)
def test_sql_int_refuses(value: Any) -> None:
    refused("v|sql_int", value, "sql_int: must be (an|a 64-bit) integer")


@pytest.mark.parametrize(
    ("value", "expected"), [(1.5, 1.5), (2, 2.0), ("3.25", 3.25), ("-1e3", -1000.0), ("5", 5.0)]
)
def test_sql_float(value: Any, expected: Any) -> None:
    assert bound("v|sql_float", value) == [expected]


@pytest.mark.parametrize(
    "value", ["nan", "inf", "Infinity", float("nan"), float("inf"), True, "1,5"]
)
def test_sql_float_refuses(value: Any) -> None:
    refused("v|sql_float", value, "sql_float: must be a (finite )?number")


@pytest.mark.parametrize(
    ("value", "expected"),
    [(True, True), (False, False), ("true", True), ("NO", False), ("1", True), (0, False)],
)
def test_sql_bool(value: Any, expected: Any) -> None:
    assert bound("v|sql_bool", value) == [expected]


@pytest.mark.parametrize("value", ["maybe", 2, "", [True]])
def test_sql_bool_refuses(value: Any) -> None:
    refused("v|sql_bool", value, "sql_bool: must be a boolean")


def test_sql_date() -> None:
    assert bound("v|sql_date", "2024-02-29") == [datetime.date(2024, 2, 29)]
    assert bound("v|sql_date", datetime.date(2024, 1, 1)) == [datetime.date(2024, 1, 1)]


@pytest.mark.parametrize("value", ["2023-02-29", "yesterday", "2024-01-01T00:00", 20240101])
def test_sql_date_refuses(value: Any) -> None:
    refused("v|sql_date", value, "sql_date: must be")


def test_sql_datetime() -> None:
    utc = datetime.UTC
    assert bound("v|sql_datetime", "2024-01-02T03:04:05Z") == [
        datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=utc)
    ]
    assert bound("v|sql_datetime", datetime.date(2024, 1, 2)) == [datetime.datetime(2024, 1, 2)]


@pytest.mark.parametrize("value", ["2024-13-01T00:00", "now", 1700000000])
def test_sql_datetime_refuses(value: Any) -> None:
    refused("v|sql_datetime", value, "sql_datetime: must be")


class TestInList:
    def test_binds_each_item(self) -> None:
        statement = one("SELECT * FROM t WHERE id IN {{ v|in_list }}", {"v": [1, "2", None]})
        assert statement.sql == "SELECT * FROM t WHERE id IN (%s, %s, %s)"
        assert statement.params == [1, "2", None]

    def test_an_empty_list_matches_nothing(self) -> None:
        statement = one("SELECT * FROM t WHERE id IN {{ v|in_list }}", {"v": []})
        assert (statement.sql, statement.params) == ("SELECT * FROM t WHERE id IN (NULL)", [])

    def test_converts_items_when_given_a_type(self) -> None:
        statement = one("SELECT {{ v|in_list('int') }}", {"v": ["1", 2]})
        assert statement.params == [1, 2]
        assert one("SELECT {{ v|in_list('string') }}", {"v": [0, "a"]}).params == ["0", "a"]

    @pytest.mark.parametrize("value", ["1,2", {"a": 1}, 5, None])
    def test_refuses_a_non_list(self, value: Any) -> None:
        refused("v|in_list", value, "in_list: must be a list")

    def test_refuses_nested_items(self) -> None:
        refused("v|in_list", [[1]], "in_list: items must be scalar")
        refused("v|in_list('int')", ["x"], "in_list\\('int'\\): must be an integer")
        refused("v|in_list('nope')", [1], "unknown item type")


class TestLike:
    @pytest.mark.parametrize(
        ("filter_", "expected"),
        [
            ("sql_like", "%a!%b!_c!!d%"),
            ("sql_like_start", "a!%b!_c!!d%"),
            ("sql_like_end", "%a!%b!_c!!d"),
        ],
    )
    def test_escapes_wildcards_and_binds(self, filter_: str, expected: str) -> None:
        statement = one("SELECT * FROM t WHERE n LIKE {{ v|" + filter_ + " }}", {"v": "a%b_c!d"})
        assert statement.sql == "SELECT * FROM t WHERE n LIKE %s ESCAPE '!'"
        assert statement.params == [expected]

    def test_qmark_style(self) -> None:
        statement = one("SELECT * FROM t WHERE n LIKE {{ v|sql_like }}", {"v": "x"}, "qmark")
        assert statement.sql == "SELECT * FROM t WHERE n LIKE ? ESCAPE '!'"

    def test_refuses_non_strings(self) -> None:
        refused("v|sql_like", ["a"], "sql_like: must be a string")


class TestJson:
    def test_json_binds_json_text(self) -> None:
        value = {"a": [1, "x'y"], "d": datetime.date(2024, 1, 1)}
        assert bound("v|json", value) == ['{"a":[1,"x\'y"],"d":"2024-01-01"}']

    def test_json_refuses_nan(self) -> None:
        refused("v|json", float("nan"), "json: Out of range float")

    def test_fromjson_parses_inside_the_template(self) -> None:
        statement = one("SELECT {% for x in v|fromjson %}{{ x }}{% endfor %}", {"v": "[1, 2]"})
        assert (statement.sql, statement.params) == ("SELECT %s%s", [1, 2])

    @pytest.mark.parametrize("value", ["{bad", "NaN", 5])
    def test_fromjson_refuses(self, value: Any) -> None:
        refused("v|fromjson", value, "fromjson: must be")


class TestCompare:
    @pytest.mark.parametrize("op", ["=", "!=", "<>", "<", "<=", ">", ">="])
    def test_pastes_an_allowed_operator(self, op: str) -> None:
        statement = one("SELECT * FROM t WHERE a {{ op|compare }} {{ v }}", {"op": op, "v": 1})
        assert statement.sql == f"SELECT * FROM t WHERE a {op} %s"

    @pytest.mark.parametrize("op", ["LIKE", "= 1 OR 1 =", ";", "==", "", 1, None])
    def test_refuses_anything_else(self, op: Any) -> None:
        refused("v|compare", op, "compare: must be one of")


class TestSqlIdent:
    @pytest.mark.parametrize("name", ["name", "_x1", "public.users", "A" * 63])
    def test_pastes_a_plain_identifier(self, name: str) -> None:
        assert one("SELECT {{ v|sql_ident }} FROM t", {"v": name}).sql == f"SELECT {name} FROM t"

    @pytest.mark.parametrize(
        "name",
        ["1a", "a b", "a;b", "a.b.c", 'a"', "a`", "A" * 64, "", "naïve", "a--", "a\n", None, 5],
    )
    def test_refuses_anything_else(self, name: Any) -> None:
        refused("v|sql_ident", name, "sql_ident: must be a plain identifier")

    def test_an_allow_list(self) -> None:
        assert one("SELECT {{ v|sql_ident(['a', 'b']) }}", {"v": "b"}).sql == "SELECT b"
        refused("v|sql_ident(['a', 'b'])", "c", "is not one of the allowed names")


class TestRaw:
    def test_pastes_text(self) -> None:
        statement = one("SELECT * FROM t ORDER BY {{ v|raw }}", {"v": "a DESC"})
        assert (statement.sql, statement.params) == ("SELECT * FROM t ORDER BY a DESC", [])

    def test_refuses_control_characters(self) -> None:
        refused("v|raw", "a\x02", "control characters")


class TestHelpers:
    def test_join_of_values_binds_one_value(self) -> None:
        assert bound("v|join(',')", [1, 2]) == ["1,2"]

    def test_join_with_sql_text_binds_the_values(self) -> None:
        source = "{% set a %}x{% endset %}SELECT {{ [a, v]|join(' = ') }}"
        statement = one(source, {"v": "1; DROP"})
        assert (statement.sql, statement.params) == ("SELECT x%s%s", [" = ", "1; DROP"])

    def test_replace_works_on_values_only(self) -> None:
        assert bound("v|replace('a', 'b')", "aa") == ["bb"]
        with pytest.raises(TemplateRenderError, match="replace: works on plain strings"):
            render("{% set a %}x{% endset %}SELECT {{ a|replace('x', v) }}", {"v": "1"})
