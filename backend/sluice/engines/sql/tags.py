"""The `{% where %}` and `{% setclause %}` tags (MyBatis's <where> and <set>).

    {% where %} ... {% endwhere %}      conditions joined with AND
    {% where or %} ... {% endwhere %}   conditions joined with OR

The body is rendered, then split into conditions at each line break outside
parentheses, quotes and comments; blank lines (an `{% if %}` that rendered nothing)
drop out. A condition may start with AND or OR: that word joins it to the previous one;
a condition without one is joined with the block's word. The first condition's leading
AND/OR (and the last one's trailing AND/OR) is dropped. With two conditions or more,
each is wrapped in parentheses, so an OR inside a line stays inside it. The result is
`WHERE ...`, or nothing when no condition is left. `--` comments are removed from the
body (they would swallow the closing parenthesis); a condition spanning several lines
must have its line breaks inside parentheses.

    {% setclause %} ... {% endsetclause %}

The body is split at commas outside parentheses and quotes; empty items drop out (so a
trailing comma after the last `{% if %}` does no harm); the result is
`SET a = %s, b = %s`, or nothing when empty.

Both work on the rendered text, where bound values are markers, so binding is intact.
"""

from typing import Any

from jinja2 import nodes
from jinja2.ext import Extension
from jinja2.parser import Parser
from markupsafe import Markup

from sluice.engines.sql.lexer import Token, is_blank, join, split_top_level, strip, tokenize
from sluice.engines.sql.limits import current_state

CONNECTORS = frozenset({"AND", "OR"})
_NEWLINE = Token("newline", "\n")
_COMMA = Token("punct", ",")


class WhereExtension(Extension):
    tags = {"where"}

    def parse(self, parser: Parser) -> nodes.Node:
        lineno = next(parser.stream).lineno
        connector = "AND"
        if parser.stream.current.test_any("name:and", "name:or"):
            connector = str(next(parser.stream).value).upper()
        body = parser.parse_statements(("name:endwhere",), drop_needle=True)
        call = self.call_method("_where", [nodes.Const(connector)])
        return nodes.CallBlock(call, [], [], body).set_lineno(lineno)

    def _where(self, connector: str, caller: Any) -> Markup:
        return Markup(build_where(str(caller()), connector))


class SetClauseExtension(Extension):
    tags = {"setclause"}

    def parse(self, parser: Parser) -> nodes.Node:
        lineno = next(parser.stream).lineno
        body = parser.parse_statements(("name:endsetclause",), drop_needle=True)
        call = self.call_method("_setclause", [])
        return nodes.CallBlock(call, [], [], body).set_lineno(lineno)

    def _setclause(self, caller: Any) -> Markup:
        return Markup(build_set(str(caller())))


def _tokens(text: str) -> list[Token]:
    backslash = current_state().paramstyle == "format"
    return [t for t in tokenize(text, backslash_escapes=backslash) if not _line_comment(t)]


def _line_comment(token: Token) -> bool:
    return token.kind == "comment" and token.text.startswith("--")


def build_where(text: str, connector: str) -> str:
    lines = [strip(line) for line in split_top_level(_tokens(text), _NEWLINE)]
    conditions = [_condition(line) for line in lines if not is_blank(line)]
    conditions = [c for c in conditions if c[1]]
    if not conditions:
        return ""
    if len(conditions) == 1:
        return "WHERE " + conditions[0][1]
    parts = [f"({conditions[0][1]})"]
    for (_, _, after), (before, body, _) in zip(conditions, conditions[1:], strict=False):
        parts.append(f"{before or after or connector} ({body})")
    return "WHERE " + " ".join(parts)


def _condition(line: list[Token]) -> tuple[str | None, str, str | None]:
    """(leading connector, the condition, trailing connector)."""
    before = after = None
    if line and _connector(line[0]):
        before, line = line[0].text.upper(), strip(line[1:])
    if line and _connector(line[-1]):
        after, line = line[-1].text.upper(), strip(line[:-1])
    return before, join(line), after


def _connector(token: Token) -> bool:
    return token.kind == "word" and token.text.upper() in CONNECTORS


def build_set(text: str) -> str:
    items = [join(strip(item)) for item in split_top_level(_tokens(text), _COMMA)]
    items = [item for item in items if item]
    return "SET " + ", ".join(items) if items else ""
