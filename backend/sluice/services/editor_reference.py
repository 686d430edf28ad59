"""What the API editor completes and explains: the template filters and tags, and the
names a script starts with. One source, read from the engines themselves, so the editor's
hints cannot drift from what the sandbox allows.
"""

from jinja2.filters import FILTERS

from sluice.engines.script.context import Cache, Db, Http, Log, Tx
from sluice.engines.sql.sandbox import ALLOWED_FILTERS
from sluice.models.api import EditorReference, ReferenceEntry

SQL_FILTER_DOCS: dict[str, str] = {
    "sql_string": "Binds the value as text; None binds NULL.",
    "sql_int": "Binds the value as an integer (refused with a 400 if it is not one).",
    "sql_float": "Binds the value as a floating point number.",
    "sql_bool": "Binds the value as a boolean (true/false, 1/0, yes/no).",
    "sql_date": "Binds the value as a date (YYYY-MM-DD).",
    "sql_datetime": "Binds the value as a timestamp (ISO 8601).",
    "in_list": "A list as a bound `(v1, v2, ...)` for IN; `in_list('int')` converts each item."
    " An empty list gives `(NULL)`.",
    "sql_like": "Binds `%value%` for LIKE, with % and _ in the value escaped.",
    "sql_like_start": "Binds `value%` (starts with) for LIKE, escaped.",
    "sql_like_end": "Binds `%value` (ends with) for LIKE, escaped.",
    "json": "Binds the value as JSON text.",
    "fromjson": "Parses a JSON string into data for the template (binds nothing).",
    "compare": "Pastes a comparison operator, one of = != <> < <= > >=.",
    "sql_ident": "Pastes a plain identifier (name or schema.name);"
    " `sql_ident(['a', 'b'])` allows only those names.",
    "raw": "Pastes the text into the SQL unbound. Never give it what a caller controls.",
    "join": "Joins the items with the separator, binding each value.",
    "replace": "Replaces text in a plain string.",
    "attr": "Reads an attribute, through the sandbox's policy.",
}

TAG_DOCS: dict[str, str] = {
    "where": "{% where %} ... {% endwhere %}: one condition a line; empty lines dropped,"
    " joined by AND (or `{% where or %}`), WHERE added if any remain.",
    "set": "{% set x = ... %} assigns a variable; {% setclause %} ... {% endsetclause %}"
    " builds an UPDATE's SET from one assignment a line, dropping empty ones.",
    "setclause": "{% setclause %} ... {% endsetclause %}: the SET of an UPDATE from one"
    " `col = value` a line; empty lines dropped, commas added.",
    "if": "{% if name %} ... {% elif %} ... {% else %} ... {% endif %}: a parameter not"
    " sent is false.",
    "for": "{% for item in items %} ... {% endfor %}: loop.first, loop.last, loop.index.",
    "import": "{% import 'macro_name' as m %}: a published SQL macro.",
    "from": "{% from 'macro_name' import fn %}: one macro of a published SQL macro.",
    "macro": "{% macro name(args) %} ... {% endmacro %}: a reusable piece of template.",
    "call": "{% call m.fn() %} ... {% endcall %}: a macro called with a body.",
    "filter": "{% filter upper %} ... {% endfilter %}: a filter over a block.",
    "with": "{% with x = ... %} ... {% endwith %}: a scope with its own variables.",
}

SCRIPT_DOCS: dict[str, str] = {
    "params": "The call's parameters, coerced to their declared types: params['name'].",
    "req": "The same parameters, as a global.",
    "db": Db.__doc__ or "",
    "tx": Tx.__doc__ or "",
    "http": Http.__doc__ or "",
    "cache": Cache.__doc__ or "",
    "log": Log.__doc__ or "",
    "env": "env['NAME']: the environment variables an administrator allowed.",
    "ds": "The data source's name, type, database and paramstyle (no secrets).",
    "result": "Assign the answer at the top level instead of defining execute(params).",
    "DatabaseError": "Raised by db and tx calls that fail.",
    "HttpError": "Raised by http calls that fail or are not allowed.",
    "CacheError": "Raised by cache calls that fail.",
}


def _first_paragraph(doc: str | None) -> str:
    text = (doc or "").strip().split("\n\n")[0]
    return " ".join(line.strip() for line in text.splitlines())


def _entries(docs: dict[str, str]) -> list[ReferenceEntry]:
    return [ReferenceEntry(name=name, doc=_first_paragraph(doc)) for name, doc in docs.items()]


def editor_reference() -> EditorReference:
    jinja = {name: FILTERS[name].__doc__ or "" for name in sorted(ALLOWED_FILTERS)}
    return EditorReference(
        filters=_entries(SQL_FILTER_DOCS) + _entries(jinja),
        tags=_entries(TAG_DOCS),
        script_names=_entries(SCRIPT_DOCS),
    )
