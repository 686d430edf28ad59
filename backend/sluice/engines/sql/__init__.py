"""The SQL engine: a Jinja2 template in, statements with bound parameters out.

(Written for API developers; this is the source of the user guide's SQL chapter.)

Binding
-------
`{{ expression }}` never pastes text. It puts a placeholder in the SQL (`%s` for
PostgreSQL and MySQL, `?` for SQLite and Trino) and sends the value to the database
separately, so a parameter cannot change the statement, even without a filter:

    SELECT * FROM users WHERE name = {{ name }} AND age > {{ min_age }}

renders `... WHERE name = %s AND age > %s` with the values `[name, min_age]`. `None`
binds SQL NULL; a list binds as one value (a PostgreSQL array: `= ANY({{ ids }})`);
an object (dict) cannot be bound directly, use `|json`. Strings inside an expression
are values too: `{{ 'abc' }}` binds `'abc'`. SQL text comes from the template itself.
A `{{ }}` inside quotes or a SQL comment is an error (it would not be a placeholder);
write `LIKE {{ q|sql_like }}` instead of `LIKE '%{{ q }}%'`, and comment template lines
out with `{# ... #}`. Because the statement is always sent with a parameter list, a
literal `%` in the template is sent as `%%` for PostgreSQL/MySQL (handled for you);
for SQLite/Trino a literal `?` outside quotes is an error.

Filters
-------
Typed binding (coerce or refuse, then bind; `None` binds NULL; a refusal is a 400
naming the filter and the rule):
- `sql_string`: a string (numbers become their text; booleans, lists, objects refused).
- `sql_int`: a 64-bit integer, or a string of digits (no floats, no booleans).
- `sql_float`: a finite number, or a numeric string (NaN, Infinity refused).
- `sql_bool`: a boolean, 0/1, or true/false/1/0/yes/no (any case).
- `sql_date`: a date or an ISO 8601 date string `YYYY-MM-DD`.
- `sql_datetime`: a date-time or an ISO 8601 date-time string (a date means midnight).
Lists and patterns:
- `in_list`: `id IN {{ ids|in_list }}` renders `id IN (%s, %s, %s)`. An empty list
  renders `(NULL)`, so `x IN (NULL)` matches no row (and `NOT IN (NULL)` none either).
  `ids|in_list('int')` converts each item like `sql_int` (also 'string', 'float',
  'bool', 'date', 'datetime'); without it items must be scalars.
- `sql_like`, `sql_like_start`, `sql_like_end`: bind `%v%`, `v%`, `%v` with `%`, `_` and
  `!` in the value escaped, followed by ` ESCAPE '!'` (portable across PostgreSQL,
  MySQL, SQLite and Trino): `name LIKE {{ q|sql_like }}` -> `name LIKE %s ESCAPE '!'`.
JSON:
- `json`: binds the value as JSON text (`{{ filters|json }}::jsonb`).
- `fromjson`: parses a JSON string into a value for use inside the template.
Validated text (pasted into the SQL, so only what the rule allows):
- `compare`: one of `= != <> < <= > >=`: `age {{ op|compare }} {{ age }}`.
- `sql_ident`: an identifier `name` or `schema.name` (letters, digits, `_`, at most 63
  characters each, not starting with a digit), pasted unquoted, so it is case-folded
  by the database like any bare name. `{{ col|sql_ident(['name', 'created_at']) }}`
  also requires one of the listed names; prefer that, or an `enum` on the parameter,
  since any readable column or table name passes the pattern.
- `raw`: pastes the value as SQL text with no check at all. This is the one way to
  inject text; the editor flags templates that use it.
Jinja's harmless filters are available too: abs capitalize count default dictsort
first float groupby int items join last length list lower map max min reject
rejectattr replace reverse round select selectattr sort string sum title trim truncate
unique upper.

Tags
----
`{% where %}...{% endwhere %}` builds a WHERE clause from the conditions that are left:

    SELECT * FROM users
    {% where %}
      {% if name %}AND name = {{ name }}{% endif %}
      {% if min_age %}AND age >= {{ min_age|sql_int }}{% endif %}
    {% endwhere %}

Each line (line breaks inside parentheses do not count) is one condition; blank lines
drop out; a leading AND/OR joins a condition to the previous one, a condition without
one is joined with AND (`{% where or %}` joins with OR); the first leading AND/OR is
dropped; with two or more conditions each is wrapped in parentheses. Nothing left, no
WHERE. `--` comments inside the block are removed.

`{% setclause %}...{% endsetclause %}` builds an UPDATE's SET list:

    UPDATE users
    {% setclause %}
      {% if name is not none %}name = {{ name }},{% endif %}
      {% if age is not none %}age = {{ age|sql_int }},{% endif %}
    {% endsetclause %}
    WHERE id = {{ id|sql_int }}

Items are split at commas outside parentheses; empty items (and so the trailing comma)
drop out; the result is `SET name = %s, age = %s` or nothing.

Macros
------
Published SQL macros are imported by name: `{% import 'paging' as p %}` then
`{{ p.limit(size) }}`, or `{% from 'filters' import active %}`. A macro's result is SQL
text (its own `{{ }}` are bound like the template's). A macro source may only define
macros and import other macros. Imports are checked when the template is saved:
an unknown macro or an import cycle is an error. Macros do not see the caller's
parameters unless imported `with context`; pass values as arguments.

Statements
----------
A template may render several statements separated by `;` (quotes, dollar quotes,
comments are respected); each keeps its own bound values; empty ones are dropped. Each
is classified read-only or write (see `statements.py`: anything not clearly a read is a
write) and says whether it has RETURNING. An UPDATE or DELETE that renders without a WHERE clause
is refused unless the API allows whole-table writes (see `engines/whole_table.py`).

Undefined names
---------------
Every declared parameter is in the context (`None` when absent without a default), by
name and as `params.name`. A name that is not defined at all is false in `{% if x %}`
and works with `x is defined` and `x|default(...)`; printing, comparing or reading from
it is an error naming it, so a typo does not silently bind NULL.

Limits
------
Source size 100,000 characters; rendered SQL 1,000,000 characters; 20 statements;
10,000 bound values; `range()` at most 10,000 items; 100,000 steps of work per render
(each loop iteration and call costs at least one) and 2 seconds; values built by `~`,
`+`, `*`, `join` at most 1,000,000 items; integers at most 4,096 bits. These are the
defaults of `Limits` and can be changed per compile.

Sandbox
-------
Templates run in Jinja's immutable sandbox tightened further (`sandbox.py`): no
attribute or method starting with `_`, only read-only methods of strings, dicts,
lists and dates, no `format`, no `extends`/`include`/`block`/`autoescape`, no
recursive loops.
"""

from sluice.engines.sql.errors import (
    RenderBudgetError,
    TemplateRenderError,
    TemplateSecurityError,
    TemplateSyntaxError,
)
from sluice.engines.sql.limits import DEFAULT_LIMITS, Limits, Paramstyle
from sluice.engines.sql.paging import Page, paginate
from sluice.engines.sql.statements import Rendered, Statement
from sluice.engines.sql.template import (
    CompiledTemplate,
    compile_template,
    template_imports,
    template_parameters,
)

__all__ = [
    "DEFAULT_LIMITS",
    "CompiledTemplate",
    "Limits",
    "Page",
    "Paramstyle",
    "RenderBudgetError",
    "Rendered",
    "Statement",
    "TemplateRenderError",
    "TemplateSecurityError",
    "TemplateSyntaxError",
    "compile_template",
    "paginate",
    "template_imports",
    "template_parameters",
]
