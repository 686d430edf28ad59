"""{{ expressions }} bind; they never paste text."""

import datetime
import decimal

import pytest

from sluice.engines.sql import TemplateRenderError
from tests.engines.sql.support import one, render, sql

INJECTIONS = [
    "' OR '1'='1",
    "1; DROP TABLE x",
    "\\' --",
    "\u2019 OR \u20181\u2019=\u20181",
    "x' /* */ UNION SELECT password FROM users --",
    "$$; DROP TABLE x; $$",
    "%s%s%(x)s",
    "?",
]


@pytest.mark.parametrize("value", INJECTIONS)
@pytest.mark.parametrize("paramstyle", ["format", "qmark"])
def test_a_hostile_value_is_bound_not_pasted(value: str, paramstyle: str) -> None:
    statement = one("SELECT * FROM t WHERE name = {{ name }}", {"name": value}, paramstyle)  # type: ignore[arg-type]
    placeholder = "%s" if paramstyle == "format" else "?"
    assert statement.sql == f"SELECT * FROM t WHERE name = {placeholder}"
    assert statement.params == [value]


@pytest.mark.parametrize("value", INJECTIONS)
def test_a_hostile_value_is_bound_through_every_binding_filter(value: str) -> None:
    source = (
        "SELECT {{ v|sql_string }}, {{ v|sql_like }}, {{ v|json }} FROM t"
        " WHERE a IN {{ [v, v]|in_list }} AND b = {{ 'x' ~ v }}"
    )
    statement = one(source, {"v": value})
    assert value not in statement.sql
    assert statement.params[0] == value
    assert statement.sql.count("%s") == len(statement.params) == 6


def test_values_keep_their_python_types() -> None:
    values = {
        "s": "text",
        "i": 7,
        "f": 1.5,
        "b": True,
        "n": None,
        "d": datetime.date(2024, 1, 2),
        "dec": decimal.Decimal("1.10"),
        "arr": [1, 2],
    }
    source = " ".join(f"{{{{ {name} }}}}" for name in values)
    assert one("SELECT " + source, values).params == list(values.values())


def test_an_object_cannot_be_bound_directly() -> None:
    with pytest.raises(TemplateRenderError, match="cannot bind a value of type 'dict'"):
        render("SELECT {{ obj }}", {"obj": {"a": 1}})


def test_a_literal_percent_is_escaped_in_format_style_only() -> None:
    source = "SELECT '100%' AS p, a % 2, {{ x }} FROM t WHERE b LIKE 'a%'"
    assert one(source, {"x": 1}, "format").sql == (
        "SELECT '100%%' AS p, a %% 2, %s FROM t WHERE b LIKE 'a%%'"
    )
    assert one(source, {"x": 1}, "qmark").sql == (
        "SELECT '100%' AS p, a % 2, ? FROM t WHERE b LIKE 'a%'"
    )


def test_a_template_without_values_still_escapes_percent() -> None:
    statement = one("SELECT 5 % 2")
    assert (statement.sql, statement.params) == ("SELECT 5 %% 2", [])


def test_a_literal_question_mark_is_refused_in_qmark_style() -> None:
    with pytest.raises(TemplateRenderError, match="literal '\\?'"):
        render("SELECT data ? 'key' FROM t", paramstyle="qmark")
    assert one("SELECT data ? 'key' FROM t").sql == "SELECT data ? 'key' FROM t"
    assert one("SELECT '?' FROM t", paramstyle="qmark").sql == "SELECT '?' FROM t"


@pytest.mark.parametrize(
    "source",
    [
        "SELECT * FROM t WHERE name LIKE '%{{ q }}%'",
        'SELECT * FROM t WHERE name = "{{ q }}"',
        "SELECT 1 -- {{ q }}",
        "SELECT 1 /* {{ q }} */",
        "SELECT $$ {{ q }} $$",
    ],
)
def test_a_value_inside_quotes_or_a_comment_is_an_error(source: str) -> None:
    with pytest.raises(TemplateRenderError, match="inside quoted SQL text or a comment"):
        render(source, {"q": "x"})


def test_strings_inside_an_expression_are_values() -> None:
    statement = one("SELECT {{ 'a' ~ x ~ 'b' }}, {{ 'lit' }}", {"x": 1})
    assert (statement.sql, statement.params) == ("SELECT %s, %s", ["a1b", "lit"])


def test_sql_text_joined_to_a_value_binds_the_value() -> None:
    source = "{% set frag %}a = {{ x }}{% endset %}SELECT 1 WHERE {{ frag ~ ' AND ' ~ y }}"
    statement = one(source, {"x": 1, "y": "2; DROP"})
    assert statement.sql == "SELECT 1 WHERE a = %s%s%s"
    assert statement.params == [1, " AND ", "2; DROP"]


def test_a_captured_fragment_can_be_reused() -> None:
    source = "{% set cond %}a = {{ x }}{% endset %}SELECT 1 WHERE {{ cond }} OR {{ cond }}"
    statement = one(source, {"x": 5})
    assert (statement.sql, statement.params) == ("SELECT 1 WHERE a = %s OR a = %s", [5, 5])


@pytest.mark.parametrize("expression", ["f|truncate(2, True, '', 0)", "f|reverse", "f[1:]"])
def test_a_cut_fragment_is_an_error_not_a_wrong_value(expression: str) -> None:
    source = "{% set f %}{{ x }}{% endset %}SELECT {{ " + expression + " }}"
    with pytest.raises(TemplateRenderError, match="cut or moved"):
        render(source, {"x": 12})


class TestUndefinedNames:
    def test_an_undefined_name_is_false_in_an_if(self) -> None:
        assert sql("SELECT 1{% if missing %} WHERE x{% endif %}") == "SELECT 1"

    def test_defined_and_default_work(self) -> None:
        source = "SELECT {{ missing|default(3) }}{% if missing is defined %}, 1{% endif %}"
        assert one(source).params == [3]

    def test_printing_an_undefined_name_is_an_error_naming_it(self) -> None:
        with pytest.raises(TemplateRenderError, match="line 2: 'stauts' is undefined"):
            render("SELECT *\nFROM t WHERE status = {{ stauts }}")

    def test_comparing_an_undefined_name_is_an_error(self) -> None:
        with pytest.raises(TemplateRenderError, match="'missing' is undefined"):
            render("SELECT 1{% if missing == 1 %}{% endif %}")

    def test_a_declared_param_that_is_none_binds_null(self) -> None:
        assert one("SELECT {{ x }}", {"x": None}).params == [None]

    def test_params_are_also_under_params(self) -> None:
        context = {"x": 1, "params": {"x": 1}}
        assert one("SELECT {{ params.x }}, {{ params['x'] }}", context).params == [1, 1]
