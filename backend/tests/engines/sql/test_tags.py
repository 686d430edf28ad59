"""{% where %} and {% setclause %}."""

from typing import Any

import pytest

from sluice.engines.sql import TemplateSyntaxError
from tests.engines.sql.support import one, sql

WHERE = """SELECT * FROM t
{% where %}
  {% if a is not none %}AND a = {{ a }}{% endif %}
  {% if b is not none %}AND b = {{ b }}{% endif %}
  {% if c is not none %}c = {{ c }}{% endif %}
{% endwhere %}"""


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({}, "SELECT * FROM t"),
        ({"a": 1}, "SELECT * FROM t\nWHERE a = ?"),
        ({"c": 1}, "SELECT * FROM t\nWHERE c = ?"),
        ({"a": 1, "b": 2}, "SELECT * FROM t\nWHERE (a = ?) AND (b = ?)"),
        ({"a": 1, "b": 2, "c": 3}, "SELECT * FROM t\nWHERE (a = ?) AND (b = ?) AND (c = ?)"),
        ({"b": 2, "c": 3}, "SELECT * FROM t\nWHERE (b = ?) AND (c = ?)"),
    ],
)
def test_where_keeps_the_conditions_that_are_left(values: dict[str, Any], expected: str) -> None:
    context = {"a": None, "b": None, "c": None, **values}
    statement = one(WHERE, context, "qmark")
    assert statement.sql == expected
    assert statement.params == list(values.values())


def test_where_or_joins_with_or() -> None:
    source = "SELECT 1 {% where or %}\na = {{ a }}\nb = {{ b }}\n{% endwhere %}"
    assert sql(source, {"a": 1, "b": 2}) == "SELECT 1 WHERE (a = ?) OR (b = ?)"


def test_explicit_connectors_win_and_each_condition_is_parenthesised() -> None:
    source = "SELECT 1 {% where %}\nOR a = 1 OR b = 2\nOR c = 3\nd = 4\n{% endwhere %}"
    assert sql(source) == "SELECT 1 WHERE (a = 1 OR b = 2) OR (c = 3) AND (d = 4)"


def test_a_trailing_connector_joins_to_the_next_line() -> None:
    source = "SELECT 1 {% where %}\na = 1 OR\nb = 2 AND\n{% endwhere %}"
    assert sql(source) == "SELECT 1 WHERE (a = 1) OR (b = 2)"


def test_line_breaks_inside_parentheses_do_not_split() -> None:
    source = "SELECT 1 {% where %}\nAND (a = 1\n  OR b = 2)\nAND c IN (1,\n2)\n{% endwhere %}"
    assert sql(source) == "SELECT 1 WHERE ((a = 1\n  OR b = 2)) AND (c IN (1,\n2))"


def test_conditions_on_one_line_keep_their_connectors() -> None:
    source = (
        "SELECT 1 {% where %}{% if a %}AND a = {{ a }} {% endif %}"
        "{% if b %}AND b = {{ b }}{% endif %}{% endwhere %}"
    )
    assert sql(source, {"a": 1, "b": 2}) == "SELECT 1 WHERE a = ? AND b = ?"
    assert sql(source, {"a": 0, "b": 2}) == "SELECT 1 WHERE b = ?"


def test_quotes_and_comments_inside_where() -> None:
    source = "SELECT 1 {% where %}\nAND a = 'x\ny' -- note (\nAND b = /* ) */ 2\n{% endwhere %}"
    assert sql(source) == "SELECT 1 WHERE (a = 'x\ny') AND (b = /* ) */ 2)"


def test_where_in_a_loop() -> None:
    source = (
        "SELECT 1 {% where %}\n{% for f in filters %}\n"
        "AND {{ f.col|sql_ident }} = {{ f.value }}\n{% endfor %}\n{% endwhere %}"
    )
    filters = [{"col": "a", "value": 1}, {"col": "b", "value": "x"}]
    statement = one(source, {"filters": filters}, "qmark")
    assert statement.sql == "SELECT 1 WHERE (a = ?) AND (b = ?)"
    assert statement.params == [1, "x"]
    assert sql(source, {"filters": []}) == "SELECT 1"


SET = """UPDATE t
{% setclause %}
  {% if name is not none %}name = {{ name }},{% endif %}
  {% if age is not none %}age = {{ age }},{% endif %}
  {% if tags is not none %}tags = coalesce({{ tags|json }}, '[]'),{% endif %}
{% endsetclause %}
WHERE id = {{ id }}"""


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({}, "UPDATE t\n\nWHERE id = ?"),
        ({"name": "x"}, "UPDATE t\nSET name = ?\nWHERE id = ?"),
        ({"name": "x", "age": 3}, "UPDATE t\nSET name = ?, age = ?\nWHERE id = ?"),
        ({"tags": ["a"]}, "UPDATE t\nSET tags = coalesce(?, '[]')\nWHERE id = ?"),
    ],
)
def test_setclause(values: dict[str, Any], expected: str) -> None:
    context = {"name": None, "age": None, "tags": None, "id": 9, **values}
    statement = one(SET, context, "qmark")
    assert statement.sql == expected
    assert statement.params[-1] == 9
    assert len(statement.params) == len(values) + 1


def test_setclause_keeps_commas_inside_quotes_and_parentheses() -> None:
    source = "UPDATE t {% setclause %}, a = 'x,y', b = f(1, 2),, {% endsetclause %}"
    assert sql(source) == "UPDATE t SET a = 'x,y', b = f(1, 2)"


def test_unclosed_tags_are_syntax_errors() -> None:
    with pytest.raises(TemplateSyntaxError, match="line 1"):
        one("SELECT 1 {% where %} a = 1")
    with pytest.raises(TemplateSyntaxError):
        one("UPDATE t {% setclause %} a = 1")
