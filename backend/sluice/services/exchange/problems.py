"""What is wrong with a definitions file, said by object: `api demo/orders (sluice.yaml
line 42): content: line 3: unexpected '}'`. An import that finds problems changes nothing
and answers every problem it found at once (422)."""

from dataclasses import dataclass
from typing import Any

from sluice.errors import Unprocessable

MAX_PROBLEMS = 50
"""Listed in one answer; a file with more is usually one mistake repeated."""

KINDS = {
    "datasources": "datasource",
    "macros": "macro",
    "groups": "group",
    "clients": "client",
    "modules": "module",
}
"""The file's top-level lists, and the word that names one of their objects."""

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    where: str
    """The object (`api demo/orders`, `datasource shop`) or the file."""
    message: str
    place: str | None = None
    """The file and line, when the text is at hand (`sluice.yaml line 42`)."""

    def __str__(self) -> str:
        where = f"{self.where} ({self.place})" if self.place else self.where
        return f"{where}: {self.message}"


def shown(text: str, limit: int = 300) -> str:
    """Text from the file as a message may quote it: encodable (a lone surrogate escaped)
    and short."""
    safe = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return safe if len(safe) <= limit else safe[: limit - 3] + "..."


class DefinitionsRefused(Unprocessable):
    """The file cannot be imported; nothing was changed. The admin API answers each
    problem as an issue of `detail` (`loc`: the object; `msg`: the place and the rule)."""

    def __init__(self, problems: list[Problem]) -> None:
        listed = [
            Problem(shown(p.where, 150), shown(p.message, 1000), p.place and shown(p.place))
            for p in problems[:MAX_PROBLEMS]
        ]
        more = f"\n(and {len(problems) - len(listed)} more)" if len(problems) > len(listed) else ""
        text = "\n".join(f"- {p}" for p in listed)
        super().__init__(f"The definitions were not imported; nothing changed:\n{text}{more}")
        self.problems = listed

    def body(self) -> dict[str, Any]:
        issues = [
            {
                "loc": [p.where],
                "msg": f"{p.place}: {p.message}" if p.place else p.message,
                "type": "definitions",
            }
            for p in self.problems
        ]
        return {"detail": issues, "code": self.code}


def _name(item: Any, index: int) -> str:
    name = item.get("name") if isinstance(item, dict) else None
    return shown(name, 80) if isinstance(name, str) and name else f"#{index + 1}"


def _at(data: Any, index: str | int) -> Any:
    try:
        return data[index]
    except (KeyError, IndexError, TypeError):
        return None


def object_at(data: Any, path: Path) -> tuple[str, Path]:
    """The object a path in the document falls in, named as a report names it, and the
    rest of the path inside that object."""
    top = path[0] if path else None
    if top not in KINDS or len(path) < 2 or not isinstance(path[1], int):
        return "file", path
    item = _at(_at(data, top), path[1])
    name = _name(item, path[1])
    if top == "modules" and len(path) >= 4 and path[2] in ("apis", "macros"):
        inner = path[3]
        if isinstance(inner, int):
            own = _name(_at(_at(item, path[2]), inner), inner)
            label = f"api {name}/{own}" if path[2] == "apis" else f"macro {own}"
            return label, path[4:]
    return f"{KINDS[str(top)]} {name}", path[2:]


def field_text(path: Path) -> str:
    """`params[0].name`."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else str(part)
    return text
