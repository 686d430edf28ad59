"""`sluice sdk-stubs MODULE`: a typed Python module of wrappers for a module's published
APIs, over the `sluice-client` SDK.

One class for `Client` and one for `AsyncClient`, one method per published API, named
after the API; its parameters are the API's, typed from their definitions (an `enum` a
`Literal`, a `date` a `datetime.date` or ISO text), path parameters positional, the rest
keyword-only, the optional ones None (not sent) by default. Each method calls
`client.call` with the path, the method, and every parameter where its definition puts
it. The text is built here from the published versions (never the drafts), so it says
what the gateway serves; the backend never imports the SDK, it only writes code that does.
"""

import json
import keyword
import re
import textwrap
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from sluice.engines.params import ParamDef
from sluice.errors import NotFound
from sluice.models.api import Api, ApiVersion, Module

SCALARS = {
    "string": "str",
    "integer": "int",
    "number": "float",
    "boolean": "bool",
    "date": "datetime.date | str",
    "datetime": "datetime.datetime | str",
    "object": "dict[str, Any]",
}
PAGE_KEYS = {"page": ("page", "page_size"), "offset": ("limit", "offset")}
PAGE_DOCS = {
    "page": "The page, from 1",
    "page_size": "Rows a page (the gateway's default 50, at most 1000)",
    "limit": "Rows to answer (the gateway's default 50, at most 1000)",
    "offset": "Rows to skip",
}


@dataclass(frozen=True)
class StubApi:
    """What a wrapper needs of one published API version."""

    module: str
    name: str
    method: str
    path: str
    access: str
    pagination: str
    description: str | None
    params: tuple[ParamDef, ...]


def module_stubs(session: Session, module_name: str) -> str:
    module = session.exec(select(Module).where(Module.name == module_name)).first()
    if module is None:
        raise NotFound(f"No module is called {module_name!r}")
    query = (
        select(ApiVersion)
        .join(Api, col(Api.published_version_id) == ApiVersion.id)
        .where(col(Api.module_id) == module.id, col(Api.is_published))
        .order_by(col(Api.path), col(Api.method))
    )
    apis = [_stub_api(module.name, version.snapshot) for version in session.exec(query).all()]
    return render(module.name, module.description, apis)


def _stub_api(module: str, frozen: dict[str, Any]) -> StubApi:
    return StubApi(
        module=module,
        name=str(frozen["name"]),
        method=str(frozen["method"]),
        path=str(frozen["path"]),
        access=str(frozen["access"]),
        pagination=str(frozen.get("pagination") or "none"),
        description=frozen.get("description") or None,
        params=tuple(ParamDef.model_validate(p) for p in frozen["params"]),
    )


def render(module: str, description: str | None, apis: list[StubApi]) -> str:
    named = list(zip(method_names(apis), apis, strict=True))
    cls = class_name(module)
    about = description or f"The published APIs of the module `{module}`."
    sync = [_method(api, name, is_async=False) for name, api in named]
    asynchronous = [_method(api, name, is_async=True) for name, api in named]
    head = HEAD.format(module=module, names=f"{_literal(cls)}, {_literal('Async' + cls)}")
    classes = _class(cls, "Client", about, sync) + _class(
        f"Async{cls}", "AsyncClient", about, asynchronous
    )
    return head.strip() + classes + "\n"


HEAD = '''
"""Typed wrappers for the published APIs of the Sluice module `{module}`.

Written by `sluice sdk-stubs {module}` from the published versions: do not
edit it, run the command again after a publish. Needs `sluice-client`.
"""

import datetime
from typing import Any, Literal
from urllib.parse import quote

from sluice_client import AsyncClient, Client

__all__ = [{names}]


def _present(values: dict[str, Any]) -> dict[str, Any]:
    """The body: the parameters given (None means not sent)."""
    return {{key: value for key, value in values.items() if value is not None}}


def _text(value: object) -> str | None:
    """A header value: None is not sent."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return value.isoformat() if isinstance(value, datetime.date) else str(value)
'''
"""The module's docstring, imports and helpers (a module name needs no escaping: it is
`[a-z0-9_-]`)."""


def _class(name: str, client: str, about: str, methods: list[str]) -> str:
    head = [
        "\n\n",  # two blank lines before a class
        f"class {name}:",
        _docstring(about, "    "),
        "",
        f"    def __init__(self, client: {client}) -> None:",
        "        self.client = client",
    ]
    return "\n".join(head + ["", *methods]).rstrip()


# -- one method ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Arg:
    """A Python argument standing for one API parameter."""

    name: str
    """The Python name (the parameter's, with `_` added where it is a keyword)."""
    key: str
    """The parameter's name, as the gateway reads it."""
    location: str
    annotation: str
    required: bool
    description: str | None = None

    def signature(self) -> str:
        if self.required:
            return f"{self.name}: {self.annotation}"
        return f"{self.name}: {self.annotation} | None = None"


def _method(api: StubApi, name: str, *, is_async: bool) -> str:
    args = arguments(api)
    positional = [a.signature() for a in args if a.location == "path"]
    others = sorted((a for a in args if a.location != "path"), key=lambda a: not a.required)
    keywords = [a.signature() for a in others]
    signature = ["self", *positional, *(["*", *keywords] if keywords else [])]
    lines = [
        f"    {'async def' if is_async else 'def'} {name}(",
        *(f"        {part}," for part in signature),
        "    ) -> Any:",
        _docstring(_method_doc(api, args), "        "),
        f"        return {'await ' if is_async else ''}self.client.call(",
        f"            {_path_expression(api, args)},",
        *(f"            {line}" for line in _call_arguments(api, args)),
        "        )",
        "",
    ]
    return "\n".join(lines)


def arguments(api: StubApi) -> list[Arg]:
    """The path's parameters in the path's order, then the others as declared, then the
    pagination keys of a paginated API."""
    taken = {"self"}
    declared = {p.name: p for p in api.params if p.location == "path"}
    args = []
    for placeholder in re.findall(r"\{(\w+)\}", api.path):
        found = declared.get(placeholder)
        about = found.description if found else None
        annotation = annotation_of(found) if found else "str"
        args.append(Arg(_free(placeholder, taken), placeholder, "path", annotation, True, about))
    for param in api.params:
        if param.location != "path":
            name = _free(param.name, taken)
            annotation = annotation_of(param)
            args.append(
                Arg(name, param.name, param.location, annotation, param.required, param.description)
            )
    names = {p.name for p in api.params}
    for key in PAGE_KEYS.get(api.pagination, ()):
        if key not in names:
            args.append(Arg(_free(key, taken), key, "query", "int", False, PAGE_DOCS[key]))
    return args


def annotation_of(param: ParamDef) -> str:
    if param.enum and all(isinstance(v, str | int | bool) for v in param.enum):
        return f"Literal[{', '.join(_literal(v) for v in param.enum)}]"
    if param.type == "array":
        return f"list[{SCALARS[param.items] if param.items else 'Any'}]"
    return SCALARS[param.type]


def _free(name: str, taken: set[str]) -> str:
    while keyword.iskeyword(name) or name in taken:
        name += "_"
    taken.add(name)
    return name


def _path_expression(api: StubApi, args: list[Arg]) -> str:
    """`"demo/customers/" + quote(str(id), safe="") + "/orders"`: each path parameter
    quoted into its segment."""
    by_key = {a.key: a.name for a in args if a.location == "path"}
    parts, literal = [], ""
    for index, segment in enumerate(f"{api.module}/{api.path}".split("/")):
        literal += "/" if index else ""
        if segment.startswith("{"):
            parts += [_literal(literal)] if literal else []
            parts.append(f'quote(str({by_key[segment[1:-1]]}), safe="")')
            literal = ""
        else:
            literal += segment
    return " + ".join(parts + ([_literal(literal)] if literal else []))


def _call_arguments(api: StubApi, args: list[Arg]) -> list[str]:
    """The lines after the path: `method=...`, then `params`, `json`, `headers` (each
    with the parameters of that location), one entry a line when a line would be long."""
    lines = [f"method={_literal(api.method)},"]
    for keyword_, location, wrap, value in (
        ("params", "query", "{}", "{}"),
        ("json", "body", "_present({})", "{}"),
        ("headers", "header", "{}", "_text({})"),
    ):
        items = [
            f"{_literal(_sent_name(a))}: {value.format(a.name)}"
            for a in args
            if a.location == location
        ]
        if not items:
            continue
        one_line = f"{keyword_}={wrap.format('{' + ', '.join(items) + '}')},"
        if len(one_line) <= 88:
            lines.append(one_line)
            continue
        opening, closing = wrap.split("{}")
        lines += [f"{keyword_}={opening}{{", *(f"    {item}," for item in items), f"}}{closing},"]
    return lines


def _sent_name(arg: Arg) -> str:
    """The key the gateway reads; a header's with dashes, which proxies pass on (many
    drop a header whose name holds `_`), and which the gateway matches to `_`."""
    return arg.key.replace("_", "-") if arg.location == "header" else arg.key


def _method_doc(api: StubApi, args: list[Arg]) -> str:
    head = f"{api.method} /{api.module}/{api.path} ({api.access}): {api.name}."
    lines = [head]
    if api.description:
        lines += ["", api.description]
    described = [f"{a.name}: {a.description}" for a in args if a.description]
    if described:
        lines += ["", *described]
    return "\n".join(lines)


# -- names and text -------------------------------------------------------------------------


def method_names(apis: list[StubApi]) -> list[str]:
    """A Python name per API: from its name, else from its method and path; unique."""
    taken = {"client"}
    names = []
    for api in apis:
        by_route = _identifier(f"{api.method} {api.path}")  # never empty: starts with a letter
        by_name = _identifier(api.name)
        names.append(_free(by_name if by_name and by_name not in taken else by_route, taken))
    return names


def _identifier(text: str) -> str:
    words = re.sub(r"[^0-9a-zA-Z]+", " ", text.replace("'", "")).lower().split()
    name = "_".join(words)
    return "" if not name or name[0].isdigit() else name


def class_name(module: str) -> str:
    name = "".join(part[:1].upper() + part[1:] for part in re.split(r"[-_]+", module) if part)
    return name if name[:1].isalpha() else f"Module{name}"


def _literal(value: object) -> str:
    """A Python literal; strings in double quotes (JSON's string syntax is Python's)."""
    return json.dumps(value) if isinstance(value, str) else repr(value)


def _docstring(text: str, indent: str) -> str:
    """A docstring at `indent`, its paragraphs wrapped to 88 columns."""
    width = 88 - len(indent)
    text = "\n".join(
        textwrap.fill(line, width, break_long_words=False) if len(line) > width else line
        for line in text.splitlines()
    )
    safe = text.replace("\\", "\\\\").replace('"""', '\\"""')
    safe = safe[:-1] + '\\"' if safe.endswith('"') else safe
    first, *rest = safe.splitlines() or [""]
    if not rest:
        return f'{indent}"""{first}"""'
    body = "\n".join(f"{indent}{line}" if line.strip() else "" for line in rest)
    return f'{indent}"""{first}\n{body}\n{indent}"""'
