"""Macros imported from published definitions."""

import pytest

from sluice.engines.sql import TemplateSyntaxError, compile_template
from tests.engines.sql.support import render

MACROS = {
    "paging": (
        "{% macro limit(size, page=1) %}LIMIT {{ size|sql_int }}"
        " OFFSET {{ (page - 1) * size }}{% endmacro %}"
    ),
    "filters": (
        "{% import 'paging' as p %}\n"
        "{% macro active(col='status') %}{{ col|sql_ident }} = {{ 'active' }}{% endmacro %}\n"
        "{% macro page(size) %}{{ p.limit(size) }}{% endmacro %}\n"
    ),
    "unsafe": "{% macro order(by) %}ORDER BY {{ by|raw }}{% endmacro %}",
}


def test_import_as() -> None:
    source = "{% import 'paging' as p %}SELECT * FROM t {{ p.limit(size, 3) }}"
    statement = render(source, {"size": 10}, macros=MACROS).statements[0]
    assert statement.sql == "SELECT * FROM t LIMIT %s OFFSET %s"
    assert statement.params == [10, 20]


def test_from_import_and_nested_imports() -> None:
    source = "{% from 'filters' import active, page %}SELECT 1 WHERE {{ active() }} {{ page(5) }}"
    statement = render(source, macros=MACROS, paramstyle="qmark").statements[0]
    assert statement.sql == "SELECT 1 WHERE status = ? LIMIT ? OFFSET ?"
    assert statement.params == ["active", 5, 0]


def test_macro_names_include_indirect_imports() -> None:
    template = compile_template("{% import 'filters' as f %}SELECT 1", MACROS)
    assert template.macro_names == ("filters", "paging")
    assert compile_template("SELECT 1", MACROS).macro_names == ()


def test_unknown_macro_is_a_syntax_error() -> None:
    with pytest.raises(TemplateSyntaxError, match="line 2: unknown macro 'nope'"):
        compile_template("SELECT 1\n{% import 'nope' as n %}", MACROS)


def test_an_unknown_macro_inside_a_macro_names_that_macro() -> None:
    with pytest.raises(TemplateSyntaxError, match="macro 'a' line 1: unknown macro 'b'"):
        compile_template("{% import 'a' as a %}", {"a": "{% import 'b' as b %}"})


def test_import_cycles_are_refused() -> None:
    macros = {"a": "{% import 'b' as b %}", "b": "{% import 'a' as a %}"}
    with pytest.raises(TemplateSyntaxError, match="cycle: a -> b -> a"):
        compile_template("{% import 'a' as a %}SELECT 1", macros)


def test_a_macro_with_a_syntax_error_fails_the_template_at_compile_time() -> None:
    with pytest.raises(TemplateSyntaxError, match="macro 'bad' line 2"):
        compile_template("{% import 'bad' as b %}", {"bad": "\n{% macro x( %}"})


def test_a_macro_source_may_only_define_macros() -> None:
    with pytest.raises(TemplateSyntaxError, match="may only define macros"):
        compile_template("{% import 'm' as m %}", {"m": "SELECT {{ 1 }}"})


def test_the_import_name_must_be_a_literal() -> None:
    with pytest.raises(TemplateSyntaxError, match="literal macro name"):
        compile_template("{% import name as m %}", MACROS)


def test_uses_raw_sees_through_macros() -> None:
    assert compile_template("{% import 'unsafe' as u %}SELECT 1", MACROS).uses_raw
    assert not compile_template("{% import 'filters' as f %}SELECT 1", MACROS).uses_raw


def test_renders_do_not_share_values_through_cached_macros() -> None:
    template = compile_template("{% import 'paging' as p %}SELECT 1 {{ p.limit(n) }}", MACROS)
    first = template.render({"n": 1}, "format").statements[0]
    second = template.render({"n": 2}, "format").statements[0]
    assert (first.params, second.params) == ([1, 0], [2, 0])
