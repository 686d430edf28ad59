"""YAML in and out, for files people read, review and diff.

Out: keys in the order the file's models declare them, lists already sorted by the caller,
multi-line text as literal `|` blocks (tabs and trailing spaces included, which PyYAML's
emitter would otherwise turn into one escaped line), no line folding. The same data always
gives the same bytes, and every dump is read back and compared before it is returned.

In: a safe loader held to what a definitions file needs, so hostile text is refused with
a message rather than expanded: no anchors or aliases (the "billion laughs" bomb), no
explicit tags beyond JSON's types, no timestamps or other YAML 1.1 surprises (`on`, `no`,
`0777`, `1:30` stay text), no duplicate or non-text keys, finite numbers only, nesting at
most MAX_DEPTH deep. Every node's line is kept, so a problem can name where it is.
"""

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

import yaml
from yaml.constructor import ConstructorError
from yaml.events import AliasEvent, NodeEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

MAX_DEPTH = 64
"""Deeper than any definitions file nests (a param's default may hold JSON)."""

HEADER = (
    "# Sluice definitions: `sluice import` reads this file. Secrets are never written here:\n"
    "# name the environment variable that holds one (password_env, secret_env).\n"
)

Path = tuple[str | int, ...]
"""Where a value sits in the document: keys and list indexes from the top."""


class YamlProblem(ValueError):
    """The text is not a YAML document this loader accepts; the message says where."""


# --- out ------------------------------------------------------------------------------


_TRAILING_BLANKS = re.compile(r"[ \t]+(?=\n)|[ \t]+$")


class _Dumper(yaml.SafeDumper):
    """Literal blocks for multi-line text, even with tabs or trailing spaces in it (YAML
    keeps both in a literal block; PyYAML's emitter refuses them to be safe)."""

    relaxed = True

    def ignore_aliases(self, data: Any) -> bool:  # noqa: ARG002
        return True  # the loader refuses them: a value used twice is written twice

    def analyze_scalar(self, scalar: str) -> Any:
        analysis = super().analyze_scalar(scalar)
        if self.relaxed and "\n" in scalar and not analysis.allow_block:
            plain = _TRAILING_BLANKS.sub("", scalar.replace("\t", " "))
            analysis.allow_block = super().analyze_scalar(plain).allow_block
        return analysis


class _StrictDumper(_Dumper):
    relaxed = False


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def dump_yaml(data: Any, header: str = HEADER) -> str:
    """`data` (JSON-like) as YAML text that loads back to exactly `data`."""
    attempts = ((_Dumper, True), (_StrictDumper, True), (_StrictDumper, False))
    for dumper, unicode in attempts:  # each one safer and less readable than the last
        text = header + yaml.dump(
            data, Dumper=dumper, sort_keys=False, allow_unicode=unicode, width=4096
        )
        if load_yaml(text).data == data:
            return text
    raise AssertionError("the YAML emitter did not keep the data as it was")  # pragma: no cover


# --- in -------------------------------------------------------------------------------


class _Loader(yaml.SafeLoader):
    """SafeLoader restricted to JSON's types (see the module's docstring)."""

    yaml_implicit_resolvers: dict[Any, Any] = {}
    yaml_constructors: ClassVar[dict[Any, Any]] = {}

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, AliasEvent):
            raise _problem("aliases (*name) are not allowed", event)
        if isinstance(event, NodeEvent) and event.anchor is not None:
            raise _problem("anchors (&name) are not allowed", event)
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _problem(f"the document nests deeper than {MAX_DEPTH} levels", event)
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[str] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                raise ConstructorError(None, None, "keys must be text", key_node.start_mark)
            if key in seen:
                raise ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _problem(message: str, event: Any) -> yaml.MarkedYAMLError:
    return yaml.MarkedYAMLError(problem=message, problem_mark=event.start_mark)


def _bool(loader: _Loader, node: ScalarNode) -> bool:
    return loader.construct_scalar(node).lower() == "true"


def _null(_: _Loader, __: ScalarNode) -> None:
    return None


def _int(loader: _Loader, node: ScalarNode) -> int:
    return int(loader.construct_scalar(node))


def _float(loader: _Loader, node: ScalarNode) -> float:
    value = float(loader.construct_scalar(node))
    if not math.isfinite(value):
        raise ConstructorError(None, None, "numbers must be finite", node.start_mark)
    return value


_CORE_TYPES: list[tuple[str, str, str, Any]] = [
    ("bool", r"true|True|TRUE|false|False|FALSE", "tTfF", _bool),
    ("int", r"[-+]?(?:0|[1-9][0-9]*)", "-+0123456789", _int),
    (
        "float",
        r"[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+][0-9]+)?",
        "-+.0123456789",
        _float,
    ),
    ("null", r"~|null|Null|NULL|", "~nN", _null),
]
"""YAML 1.2's core types, each written in a way YAML 1.1 (PyYAML's emitter) reads alike,
so whatever the emitter writes as plain text, this loader reads as text too."""

_CONTAINERS: list[tuple[str | None, Any]] = [
    ("tag:yaml.org,2002:str", yaml.SafeLoader.construct_yaml_str),
    ("tag:yaml.org,2002:seq", yaml.SafeLoader.construct_yaml_seq),
    ("tag:yaml.org,2002:map", yaml.SafeLoader.construct_yaml_map),
    (None, yaml.SafeLoader.construct_undefined),  # any other tag: an error naming it
]


def _register() -> None:
    for name, pattern, first, construct in _CORE_TYPES:
        tag = f"tag:yaml.org,2002:{name}"
        starts: list[str | None] = [*first, None] if name == "null" else [*first]
        _Loader.add_implicit_resolver(tag, re.compile(f"^(?:{pattern})$"), starts)
        _Loader.add_constructor(tag, construct)
    for known, construct in _CONTAINERS:
        _Loader.add_constructor(known, construct)


_register()


@dataclass
class Loaded:
    """A document's data, and the line (1-based) of each value in its file."""

    data: Any
    source: str = "<text>"
    lines: dict[Path, int] = field(default_factory=dict)


def load_yaml(text: str, source: str = "<text>") -> Loaded:
    """One YAML document as JSON-like data, or YamlProblem naming the place."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = None if node is None else loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        raise YamlProblem(_located(exc, source)) from None
    except yaml.YAMLError as exc:  # the reader: a character YAML does not allow
        raise YamlProblem(f"{source}: {exc}") from None
    except ValueError:  # an integer with more digits than Python converts
        raise YamlProblem(f"{source}: a number has too many digits") from None
    finally:
        loader.dispose()
    lines = dict(_lines(node, ())) if node is not None else {}
    return Loaded(data, source, lines)


def _located(exc: yaml.MarkedYAMLError, source: str) -> str:
    mark = exc.problem_mark or exc.context_mark
    where = f"{source} line {mark.line + 1}, column {mark.column + 1}" if mark else source
    return f"{where}: {exc.problem or exc.context}"


def _lines(node: Node, path: Path) -> Iterator[tuple[Path, int]]:
    yield path, node.start_mark.line + 1
    if isinstance(node, MappingNode):
        for key, value in node.value:
            yield from _lines(value, (*path, key.value))
    elif isinstance(node, SequenceNode):
        for index, item in enumerate(node.value):
            yield from _lines(item, (*path, index))
