"""The public API: compile errors, parameters, raw detection, paramstyles."""

import pytest

from sluice.engines.sql import (
    Paramstyle,
    TemplateRenderError,
    TemplateSyntaxError,
    compile_template,
    template_parameters,
)


def test_a_syntax_error_is_a_422_with_the_line() -> None:
    with pytest.raises(TemplateSyntaxError) as caught:
        compile_template("SELECT 1\nFROM t\nWHERE {{ a + }}")
    assert caught.value.status == 422
    assert caught.value.lineno == 3
    assert caught.value.message.startswith("line 3: ")


def test_an_unknown_filter_is_a_syntax_error() -> None:
    with pytest.raises(TemplateSyntaxError, match="line 1: No filter named 'sql_nope'"):
        compile_template("SELECT {{ a|sql_nope }}")


def test_one_compiled_template_renders_in_both_styles() -> None:
    template = compile_template("SELECT * FROM t WHERE a = {{ a }} AND b = {{ b }}")
    assert template.render({"a": 1, "b": 2}, "format").statements[0].sql.count("%s") == 2
    assert template.render({"a": 1, "b": 2}, "qmark").statements[0].sql.count("?") == 2
    with pytest.raises(ValueError, match="paramstyle"):
        template.render({}, "named")  # type: ignore[arg-type]


def test_template_parameters() -> None:
    source = """
    {% set limit = 10 %}
    {% for r in regions %}{{ r }}{% endfor %}
    SELECT * FROM t WHERE a = {{ a|sql_int }} AND b = {{ params.b }} AND c = {{ params['c'] }}
    {% if d %}AND d = {{ d }}{% endif %} {{ range(3)|length }} {{ client.id }} LIMIT {{ limit }}
    """
    assert template_parameters(source) == ["a", "b", "c", "d", "regions"]


def test_template_parameters_of_a_broken_template() -> None:
    with pytest.raises(TemplateSyntaxError, match="line 1"):
        template_parameters("{{ a + }}")


@pytest.mark.parametrize(
    ("source", "uses_raw"),
    [
        ("SELECT {{ a }}", False),
        ("SELECT {{ a|raw }}", True),
        ("SELECT {% filter raw %}{{ a }}{% endfilter %}", True),
        ("SELECT {{ items|map('raw')|join }}", True),
        ("SELECT {{ items|map(name)|join }}", True),
        ("SELECT {{ items|map('upper')|join }}", False),
        ("SELECT {{ 'raw' }}", False),
    ],
)
def test_uses_raw(source: str, uses_raw: bool) -> None:
    assert compile_template(source).uses_raw is uses_raw


PLAIN_CASES = [
    ("SELECT id, name FROM items WHERE id = {{ id }}", {"id": 7}),
    (
        "SELECT * FROM t WHERE a = {{ a }} AND b = {{ b }};\nDELETE FROM t WHERE a = {{ a }}",
        {"a": "x'y", "b": None},
    ),
    ("SELECT '50%' AS p, {{ n }} AS n -- {# gone #} trailing", {"n": 1.5}),
    (
        "UPDATE t SET tags = {{ tags }} WHERE id = {{ id }} RETURNING id",
        {"tags": ["a", "b"], "id": 3},
    ),
]


@pytest.mark.parametrize(("source", "context"), PLAIN_CASES)
@pytest.mark.parametrize("paramstyle", ["format", "qmark"])
def test_a_plain_template_renders_as_the_full_engine_does(
    source: str, context: dict[str, object], paramstyle: Paramstyle
) -> None:
    """Text and `{{ name }}` only: rendered without Jinja, to exactly what the full
    render (forced here by an always-true `if`) gives."""
    plain = compile_template(source).render(context, paramstyle)
    full = compile_template("{% if true %}" + source + "{% endif %}").render(context, paramstyle)
    assert plain == full


def test_a_plain_template_missing_a_value_fails_as_the_full_render_does() -> None:
    with pytest.raises(TemplateRenderError, match="'id' is undefined"):
        compile_template("SELECT {{ id }}").render({}, "format")
    with pytest.raises(TemplateRenderError, match="cannot bind a value of type 'dict'"):
        compile_template("SELECT {{ id }}").render({"id": {"a": 1}}, "format")
