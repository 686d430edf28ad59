"""The SQL templates and parameters of the generated APIs, one function per operation.

Every value is bound (`{{ name }}`); identifiers come from the table's own description,
quoted for the dialect; the sort column is chosen by an `{% if %}` chain over an
allow-list written into the template, so no caller text ever becomes SQL.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sluice.connectors.base import TableInfo
from sluice.engines.params import ParamDef
from sluice.services.crud_columns import Field, Names, is_json

MAX_LIMIT = 1000
DEFAULT_LIMIT = 50


@dataclass(frozen=True)
class Dialect:
    """What differs between the databases in the generated SQL."""

    returning: frozenset[str]
    offset_first: bool
    """Trino writes `OFFSET n LIMIT m`."""
    default_keyword: bool
    """`VALUES (DEFAULT)` exists (PostgreSQL, MySQL; not SQLite)."""


@dataclass
class Sql:
    """One operation's template and parameters."""

    content: str
    params: list[ParamDef] = field(default_factory=list)


def param(name: str, location: str, kind: str, description: str, **rules: Any) -> ParamDef:
    return ParamDef.model_validate(
        {"name": name, "location": location, "type": kind, "description": description} | rules
    )


def column_list(fields: Sequence[Field], indent: str = "       ") -> str:
    """`"a", "b", ...` wrapped at about 80 characters, never inside a quoted name."""
    lines, line = [], ""
    for item in fields:
        piece = item.sql if not line else f", {item.sql}"
        if line and len(line) + len(piece) > 80:
            lines.append(line + ",")
            piece = item.sql
            line = ""
        line += piece
    return f"\n{indent}".join([*lines, line])


def _key_match(keys: Sequence[Field]) -> str:
    return " AND ".join(f"{k.sql} = {{{{ {k.param} }}}}" for k in keys)


def key_params(keys: Sequence[Field]) -> list[ParamDef]:
    return [
        param(k.param, "path", k.family or "string", f"The row's {k.name}", required=True)
        for k in keys
    ]


def _returning(dialect: Dialect, verb: str, fields: Sequence[Field]) -> str:
    if verb not in dialect.returning:
        return ""
    return f"\nRETURNING {column_list(fields, '          ')}"


# -- list ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListShape:
    table: TableInfo
    source: str
    """The table's name as written in the FROM clause."""
    fields: list[Field]
    filters: list[Field]
    sortable: list[Field]
    keys: list[Field]
    """The tie-break after the chosen sort: a page never repeats or skips a row."""


def list_sql(shape: ListShape, names: Names, dialect: Dialect) -> Sql:
    sql = Sql("")
    conditions = [line for f in shape.filters for line in _filter(f, names, sql.params)]
    text = [f for f in shape.filters if f.family == "string"]
    if text:
        search = " OR ".join(f"LOWER({f.sql}) LIKE {{{{ q|lower|sql_like }}}}" for f in text)
        conditions.append(f"{{% if q %}}AND ({search}){{% endif %}}")
        words = ", ".join(f.name for f in text)
        sql.params.append(param("q", "query", "string", f"Text search in {words}", max=200))
    where = ""
    if conditions:
        where = "{% where %}\n" + "\n".join(f"  {c}" for c in conditions) + "\n{% endwhere %}\n"
    paging = "LIMIT {{ limit }} OFFSET {{ offset }}"
    if dialect.offset_first:
        paging = "OFFSET {{ offset }} LIMIT {{ limit }}"
    sql.content = (
        f"SELECT {column_list(shape.fields)}\nFROM {shape.source}\n{where}"
        f"{_order_by(shape, sql.params)}\n{paging}\n"
    )
    sql.params += _paging_params()
    return sql


def _filter(item: Field, names: Names, params: list[ParamDef]) -> list[str]:
    """Equality on every filter column, an `in` list but on booleans, a range on numbers
    and dates."""
    kind = item.family or "string"
    params.append(param(item.param, "query", kind, f"Rows whose {item.name} equals this"))
    lines = [
        f"{{% if {item.param} is not none %}}AND {item.sql} = {{{{ {item.param} }}}}{{% endif %}}"
    ]
    if kind != "boolean":
        listed = names.take(f"{item.param}_in")
        described = f"Rows whose {item.name} is one of these"
        params.append(param(listed, "query", "array", described, items=kind))
        lines.append(
            f"{{% if {listed} %}}AND {item.sql} IN {{{{ {listed}|in_list }}}}{{% endif %}}"
        )
    if kind in ("integer", "number", "date", "datetime"):
        for suffix, operator, word in (("min", ">=", "at least"), ("max", "<=", "at most")):
            bound = names.take(f"{item.param}_{suffix}")
            params.append(param(bound, "query", kind, f"Rows whose {item.name} is {word} this"))
            lines.append(
                f"{{% if {bound} is not none %}}AND {item.sql} {operator} {{{{ {bound} }}}}"
                "{% endif %}"
            )
    return lines


def _order_by(shape: ListShape, params: list[ParamDef]) -> str:
    """ORDER BY an allow-listed column (the `sort` parameter names it), then the key."""
    tiebreak = ", ".join(k.sql for k in shape.keys)
    if not shape.sortable:
        return f"ORDER BY {tiebreak}" if tiebreak else ""
    choices = [f.param for f in shape.sortable]
    params.append(
        param("sort", "query", "string", "The column to sort by", enum=choices, default=choices[0])
    )
    params.append(
        param("sort_dir", "query", "string", "Sort direction", enum=["asc", "desc"], default="asc")
    )
    direction = "{% if sort_dir == 'desc' %}DESC{% else %}ASC{% endif %}"
    return f"ORDER BY {_sort_choice(shape.sortable)} {direction}" + (
        f", {tiebreak}" if tiebreak else ""
    )


def _sort_choice(sortable: list[Field]) -> str:
    """`{% if sort == 'b' %}"b"{% elif ... %}...{% else %}"a"{% endif %}`: the column is
    one of the template's own, whatever `sort` holds."""
    first, *others = sortable
    if not others:
        return first.sql
    branches = "".join(
        f"{{% {'el' if i else ''}if sort == '{f.param}' %}}{f.sql}" for i, f in enumerate(others)
    )
    return f"{branches}{{% else %}}{first.sql}{{% endif %}}"


def _paging_params() -> list[ParamDef]:
    return [
        param(
            "limit",
            "query",
            "integer",
            "Rows per page",
            min=1,
            max=MAX_LIMIT,
            default=DEFAULT_LIMIT,
        ),
        param("offset", "query", "integer", "Rows to skip", min=0, max=2**31 - 1, default=0),
    ]


# -- get, create, update, delete ----------------------------------------------------------


def get_sql(source: str, fields: list[Field], keys: list[Field]) -> Sql:
    content = f"SELECT {column_list(fields)}\nFROM {source}\nWHERE {_key_match(keys)}\n"
    return Sql(content, key_params(keys))


def _value(item: Field) -> str:
    return f"{{{{ {item.param}|json }}}}" if is_json(item.column) else f"{{{{ {item.param} }}}}"


def _body_param(item: Field, *, required: bool) -> ParamDef:
    kind = "object" if is_json(item.column) else item.family or "string"
    rules: dict[str, Any] = {"required": True} if required else {}
    if kind == "string" and item.max_length:
        rules["max"] = item.max_length
    return param(item.param, "body", kind, f"The {item.name} column", **rules)


def create_sql(source: str, writable: list[Field], fields: list[Field], dialect: Dialect) -> Sql:
    """Columns with a default are left out when the body leaves them out (DEFAULT where the
    dialect has it, else out of the column list), so the database fills them."""
    params = [
        _body_param(f, required=not f.column.nullable and not f.column.has_default)
        for f in writable
    ]
    if dialect.default_keyword:
        values = ",\n  ".join(
            f"{{% if {f.param} is not none %}}{_value(f)}{{% else %}}DEFAULT{{% endif %}}"
            if f.column.has_default
            else _value(f)
            for f in writable
        )
        head = f"INSERT INTO {source} ({column_list(writable, '  ')})\nVALUES (\n  {values}\n)"
    else:
        head = _anchored_insert(source, writable)
    return Sql(head + _returning(dialect, "INSERT", fields) + "\n", params)


def _anchored_insert(source: str, writable: list[Field]) -> str:
    """For SQLite (no DEFAULT keyword): the columns without a default expression are always
    listed (NULL gives the rowid alias its next id); the others only when sent. With no
    column always listed, the rowid anchors the list."""
    always = [f for f in writable if f.column.default is None]
    sometimes = [f for f in writable if f.column.default is not None]
    names = [f.sql for f in always] or ["rowid"]
    values = [_value(f) for f in always] or ["NULL"]
    for f in sometimes:
        names.append(f"{{% if {f.param} is not none %}}, {f.sql}{{% endif %}}")
        values.append(f"{{% if {f.param} is not none %}}, {_value(f)}{{% endif %}}")
    return f"INSERT INTO {source} ({_joined(names)})\nVALUES ({_joined(values)})"


def _joined(items: list[str]) -> str:
    """Fixed items joined by commas; conditional ones bring their own leading comma."""
    text = ""
    for item in items:
        text += item if not text or item.startswith("{%") else f", {item}"
    return text


def update_sql(
    source: str, changeable: list[Field], fields: list[Field], keys: list[Field], dialect: Dialect
) -> Sql:
    """Only the columns sent change; `set_null` names the nullable ones to empty (a JSON
    null reads as not sent). A body with nothing to change leaves the row as it is."""
    nullable = [f for f in changeable if f.column.nullable]
    items = []
    for f in changeable:
        item = f"{{% if {f.param} is not none %}}{f.sql} = {_value(f)},"
        if f.column.nullable:
            item += f"{{% elif '{f.param}' in set_null %}}{f.sql} = NULL,"
        items.append(item + "{% endif %}")
    sent = " or ".join(
        [f"{f.param} is not none" for f in changeable]
        + [f"'{f.param}' in set_null" for f in nullable]
    )
    noop = ", ".join(f"{k.sql} = {k.sql}" for k in keys)
    items.append(f"{{% if not ({sent}) %}}{noop},{{% endif %}}" if sent else f"{noop},")
    body = "\n".join(f"  {item}" for item in items)
    content = (
        f"UPDATE {source}\n{{% setclause %}}\n{body}\n{{% endsetclause %}}\n"
        f"WHERE {_key_match(keys)}{_returning(dialect, 'UPDATE', fields)}\n"
    )
    params = key_params(keys) + [_body_param(f, required=False) for f in changeable]
    if nullable:
        words = ", ".join(f.param for f in nullable)
        params.append(
            param(
                "set_null",
                "body",
                "array",
                f"Columns to set to NULL, of: {words}"[:2000],
                items="string",
                default=[],
            )
        )
    return Sql(content, params)


def delete_sql(source: str, fields: list[Field], keys: list[Field], dialect: Dialect) -> Sql:
    content = f"DELETE FROM {source}\nWHERE {_key_match(keys)}"
    return Sql(content + _returning(dialect, "DELETE", fields) + "\n", key_params(keys))
