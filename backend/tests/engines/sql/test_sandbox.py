"""Every escape we know of, refused with a clear message; every resource bomb refused
before it is computed."""

import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from sluice.engines.sql import (
    Limits,
    RenderBudgetError,
    TemplateRenderError,
    TemplateSecurityError,
    TemplateSyntaxError,
)
from sluice.errors import SluiceError
from tests.engines.sql.support import render

CONTEXT = {"x": "abc", "items": [1, 2], "params": {"x": "abc"}}

ATTRIBUTE_ESCAPES = [
    ("{{ ''.__class__.__mro__ }}", "__class__"),
    ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "__class__"),
    ("{{ ().__class__.__bases__[0].__subclasses__() }}", "__class__"),
    ("{{ namespace.__init__.__globals__ }}", "__init__"),
    ("{{ range.__self__ }}", "__self__"),
    ("{{ range.__globals__ }}", "__globals__"),
    ("{{ self._TemplateReference__context }}", "_TemplateReference__context"),
    ("{{ '{0.__class__}'.format('') }}", "format"),
    ("{{ '{x}'.format_map(params) }}", "format_map"),
    ("{{ x.format_map }}", "format_map"),
    ("{{ 'x'|attr('__class__') }}", "__class__"),
    ("{{ x|attr('format') }}", "format"),
    ("{% set c = ''.__class__ %}SELECT 1", "__class__"),
    ("{% set c = x['__class__'] %}SELECT 1", "__class__"),
    ("{{ items|map(attribute='__class__')|list }}", "__class__"),
    ("{{ items|sort(attribute='__class__') }}", "__class__"),
    ("{{ items|selectattr('__class__')|list }}", "__class__"),
    ("{{ items|sum(attribute='__class__') }}", "__class__"),
    ("{{ params.__class__ }}", "__class__"),
    ("{{ params['__class__'] }}", "__class__"),
    ("{{ params.pop('x') }}", "pop"),
    ("{{ params.update(a=1) }}", "update"),
    ("{{ items.append(3) }}", "append"),
    ("{{ dict.fromkeys(items) }}", "fromkeys"),
    ("{{ x.ljust(10) }}", "ljust"),
    ("{{ x.encode() }}", "encode"),
    ("{% for i in items %}{{ loop.__class__ }}{% endfor %}", "__class__"),
    ("{% macro m() %}{% endmacro %}{{ m.__call__ }}", "__call__"),
    ("{% macro m() %}{% endmacro %}{{ m._func }}", "_func"),
    ("{{ (items|map('string')).gi_frame }}", "gi_frame"),
    ("{{ (items|map('string')).gi_code }}", "gi_code"),
    ("{{ (items|map('string')).send(1) }}", "send"),
    ("{{ x.upper.__self__ }}", "__self__"),
    ("{% import 'm' as m %}{{ m.__dict__ }}", "__dict__"),
]


@pytest.mark.parametrize(("source", "attribute"), ATTRIBUTE_ESCAPES)
def test_attribute_escapes_are_refused(source: str, attribute: str) -> None:
    with pytest.raises(TemplateSecurityError) as caught:
        render(source, CONTEXT, macros={"m": "{% macro f() %}{% endmacro %}"})
    assert f"access to attribute {attribute!r} is not allowed" in caught.value.message
    assert caught.value.status == 400


@pytest.mark.parametrize(
    "source",
    [
        "{{ cycler.__init__.__globals__ }}",
        "{{ joiner.__init__.__globals__ }}",
        "{{ lipsum.__globals__ }}",
        "{{ request }}",
        "{{ config }}",
        "{{ url_for }}",
        "{{ get_flashed_messages() }}",
        "{{ namespace(a=1).__dict__ }}",
    ],
)
def test_names_that_do_not_exist_here_are_undefined(source: str) -> None:
    with pytest.raises(SluiceError, match="is undefined|is not allowed|has no attribute"):
        render(source, CONTEXT)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("{{ x|safe }}", "No filter named 'safe'"),
        ("{{ x|e }}", "No filter named 'e'"),
        ("{{ x|format(1) }}", "No filter named 'format'"),
        ("{{ x|center(100000000) }}", "No filter named 'center'"),
        ("{{ items|batch(100000000, 0) }}", "No filter named 'batch'"),
        ("{{ x|pprint }}", "No filter named 'pprint'"),
        ("{{ x|tojson }}", "No filter named 'tojson'"),
        ("{% include 'x' %}", "'include' tag is not available"),
        ("{% extends 'x' %}", "'extends' tag is not available"),
        ("{% block b %}{% endblock %}", "'block' tag is not available"),
        ("{% autoescape false %}{{ x }}{% endautoescape %}", "'autoescape' tag"),
        ("{% for i in items recursive %}{{ loop(i) }}{% endfor %}", "recursive loops"),
        ("SELECT \x02 1", "control characters"),
    ],
)
def test_unavailable_filters_and_tags_fail_at_compile_time(source: str, message: str) -> None:
    with pytest.raises(TemplateSyntaxError, match=message):
        render(source, CONTEXT)


def test_string_formatting_with_percent_is_refused() -> None:
    with pytest.raises(TemplateSecurityError, match="string formatting"):
        render("{{ '%999999999d' % 1 }}")
    assert render("SELECT {{ 7 % 3 }}").statements[0].params == [1]


@contextmanager
def fast(seconds: float = 1.5) -> Iterator[None]:
    start = time.perf_counter()
    yield
    assert time.perf_counter() - start < seconds


BOMBS = [
    ("{{ 7 ** 10000000 }}", "number too large"),
    ("{{ 2 ** 100000 * 2 ** 100000 }}", "number too large"),
    ("{{ 'a' * 100000000 }}", "value too large"),
    ("{{ 100000000 * 'a' }}", "value too large"),
    ("{{ [0] * 10**9 }}", "value too large"),
    ("{% for i in range(10**9) %}{% endfor %}", "range\\(\\) of 1000000000 items"),
    ("{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}", "budget"),
    (
        "{% for i in range(10000) %}{% for j in range(10000) %}{{ 1 }}{% endfor %}{% endfor %}",
        "budget|bound values",
    ),
    (
        "{% set ns = namespace(s='ab') %}{% for i in range(64) %}"
        "{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
        "value too large",
    ),
    (
        "{% set ns = namespace(s=[1]) %}{% for i in range(64) %}"
        "{% set ns.s = ns.s + ns.s %}{% endfor %}",
        "value too large",
    ),
    ("{{ (x * 500000)|replace('a', x * 500000) }}", "value too large"),
    (
        "{% set ns = namespace(s='ab') %}{% for i in range(64) %}"
        "{% set ns.s = [ns.s, ns.s]|join %}{% endfor %}",
        "value too large",
    ),
    (
        "{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}"
        "SELECT {{ f(40) }}",
        "budget",
    ),
    ("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", "recursed too deeply|budget"),
    ("{% for i in range(10000) %}" + "x" * 20_000 + "{% endfor %}", "budget|longer than"),
]


@pytest.mark.parametrize(("source", "message"), BOMBS)
def test_resource_bombs_are_refused_fast(source: str, message: str) -> None:
    with fast(), pytest.raises(RenderBudgetError, match=message):
        render(source, CONTEXT)


def test_the_deadline_stops_a_slow_render() -> None:
    source = "{% for i in range(10000) %}{{ range(10000)|list|sum }}{% endfor %}"
    limits = Limits(max_seconds=0.2)
    with fast(), pytest.raises(RenderBudgetError, match="render time"):
        render(source, limits=limits)


def test_limits_can_be_raised() -> None:
    limits = Limits(max_range=20_000)
    rendered = render("SELECT {{ range(15000)|length }}", limits=limits)
    assert rendered.statements[0].params == [15000]
    with pytest.raises(RenderBudgetError):
        render("SELECT {{ range(15000)|length }}")


def test_the_number_of_bound_values_is_limited() -> None:
    with pytest.raises(RenderBudgetError, match="too many bound values"):
        render(
            "SELECT {{ items|in_list }}",
            {"items": list(range(11))},
            limits=Limits(max_bound_values=10),
        )


def test_the_rendered_size_is_limited() -> None:
    with pytest.raises(RenderBudgetError, match="longer than 100 characters"):
        render("SELECT 1" + " " * 200, limits=Limits(max_rendered_chars=100))


def test_the_source_size_is_limited() -> None:
    with pytest.raises(TemplateSyntaxError, match="the limit is 50"):
        render("SELECT 1" + " " * 50, limits=Limits(max_source_chars=50))


def test_a_render_error_is_a_400_with_the_line() -> None:
    with pytest.raises(TemplateRenderError) as caught:
        render("SELECT 1\n{{ 1 / 0 }}")
    assert caught.value.status == 400
    assert caught.value.code == "bad_request"
    assert caught.value.message == "line 2: ZeroDivisionError: division by zero"


def test_ordinary_templates_still_work() -> None:
    source = (
        "{% set ns = namespace(total=0) %}{% for i in items %}{% set ns.total = ns.total + i %}"
        "{% endfor %}SELECT {{ ns.total }}, {{ x.upper() }}, {{ x|length }},"
        " {{ items|map('string')|join(',') }}, {{ params.get('x') }}"
    )
    assert render(source, CONTEXT).statements[0].params == [3, "ABC", 3, "1,2", "abc"]
