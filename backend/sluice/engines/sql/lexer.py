"""A small SQL lexer: just enough to know what is code, what is quoted and what is a
comment, so statements can be split, classified and tags can find their conditions.

It knows single, double and backtick quotes (doubled quotes inside), PostgreSQL E''
strings and dollar quotes (`$$...$$`, `$tag$...$tag$`), `--` and `/* */` comments, and
the binding markers. With `backslash_escapes` (the `format` paramstyle: MySQL's default,
and harmless for PostgreSQL templates that do not put a backslash before a quote) a
backslash escapes the next character inside '' and "" strings.
"""

import re
from collections.abc import Iterator, Mapping
from typing import Literal, NamedTuple, NoReturn

from sluice.engines.sql.errors import TemplateRenderError

Kind = Literal["marker", "newline", "space", "comment", "quoted", "word", "punct", "other"]

_COMMON_HEAD = r"""
  (?P<marker>\x02\d+\x03)
| (?P<newline>\n)
| (?P<space>[ \t\r\f\v]+)
| (?P<comment>--[^\n]*|/\*(?:[^*]|\*(?!/))*+\*/)
| (?P<dollar>(?<![\w$])\$(?P<tag>(?:[A-Za-z_]\w*)?)\$.*?\$(?P=tag)\$)
| (?P<estring>(?<![\w$])[eE]'(?:[^'\\]|\\.|'')*+')
"""
_QUOTES_PLAIN = r"""
| (?P<squote>'(?:[^']|'')*+')
| (?P<dquote>"(?:[^"]|"")*+")
"""
_QUOTES_BACKSLASH = r"""
| (?P<squote>'(?:[^'\\]|\\.|'')*+')
| (?P<dquote>"(?:[^"\\]|\\.|"")*+")
"""
_COMMON_TAIL = r"""
| (?P<backtick>`(?:[^`]|``)*+`)
| (?P<word>[A-Za-z_][\w$]*)
| (?P<punct>[(),;.])
| (?P<unterminated>['"`]|/\*)
| (?P<control>[\x00-\x08\x0b\x0c\x0e-\x1f])
| (?P<other>[^\x00-\x1f\s'"`(),;.A-Za-z_$/-]+|.)
"""
_PATTERNS = {
    flag: re.compile(_COMMON_HEAD + quotes + _COMMON_TAIL, re.VERBOSE | re.DOTALL)
    for flag, quotes in ((False, _QUOTES_PLAIN), (True, _QUOTES_BACKSLASH))
}
_KINDS: Mapping[str | None, Kind] = {
    **dict.fromkeys(("dollar", "tag", "estring", "squote", "dquote", "backtick"), "quoted"),
    **{k: k for k in ("marker", "newline", "space", "comment", "word", "punct", "other")},
}


class Token(NamedTuple):
    kind: Kind
    text: str


def tokenize(sql: str, *, backslash_escapes: bool) -> Iterator[Token]:
    for match in _PATTERNS[backslash_escapes].finditer(sql):
        kind = _KINDS.get(match.lastgroup)
        if kind is None:
            _refuse(match.lastgroup, match.group())
        else:
            yield Token(kind, match.group())


def _refuse(group: str | None, text: str) -> NoReturn:
    if group == "unterminated":
        raise TemplateRenderError(f"unterminated {_describe(text)} in the SQL")
    raise TemplateRenderError("a bound value was cut or moved inside the SQL text")


def _describe(opener: str) -> str:
    return "comment" if opener == "/*" else f"quoted text ({opener})"


def ignorable(token: Token) -> bool:
    """Whitespace, or a comment that is only a comment (MySQL's `/*! */` and optimizer
    hints `/*+ */` are code)."""
    if token.kind == "comment":
        return not token.text.startswith(("/*!", "/*+"))
    return token.kind in ("space", "newline")


def is_blank(tokens: list[Token]) -> bool:
    return all(ignorable(t) for t in tokens)


def join(tokens: list[Token]) -> str:
    return "".join(t.text for t in tokens)


def split_top_level(tokens: list[Token], separator: Token) -> list[list[Token]]:
    """Split at each separator token outside parentheses."""
    parts: list[list[Token]] = [[]]
    depth = 0
    for token in tokens:
        depth = _depth(depth, token)
        if depth == 0 and token == separator:
            parts.append([])
        else:
            parts[-1].append(token)
    return parts


def _depth(depth: int, token: Token) -> int:
    if token.kind != "punct":
        return depth
    if token.text == "(":
        return depth + 1
    if token.text == ")":
        return max(0, depth - 1)
    return depth


def strip(tokens: list[Token]) -> list[Token]:
    """Drop leading and trailing whitespace and comments."""
    start, end = 0, len(tokens)
    while start < end and ignorable(tokens[start]):
        start += 1
    while end > start and ignorable(tokens[end - 1]):
        end -= 1
    return tokens[start:end]
