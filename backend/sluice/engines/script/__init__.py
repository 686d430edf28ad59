"""The script engine: API endpoints, result transforms and parameter checks in Python.

(Written for API developers; this is the source of the user guide's script chapter.)

Entry points
------------
A script is a small Python module. What it answers depends on its kind:

- An endpoint defines `def execute(params)` and returns the response data, or simply
  assigns `result` at the top level:

      def execute(params):
          rows = db.query("SELECT id, name FROM users WHERE age > %s", [params["min_age"]])
          return {"count": len(rows), "users": rows}

- A result transform defines `def transform(result, params)` and returns the new data;
  `result` (the endpoint's data) is also a global it may reassign:

      def transform(result, params):
          return [dict(row, name=row["name"].title()) for row in result]

- A parameter check defines `def validate(params)`. Returning `True` or `None` accepts
  the parameters; returning `False` or a message, or raising `ValueError("message")`,
  refuses them with a 400 carrying that message. Any other exception is a script error.

      def validate(params):
          if params["end"] < params["start"]:
              return "end must not be before start"

`params` and the global `req` are the same dict: the call's merged parameters. An
optional parameter that was not sent and has no default is left out of it, so read one
with `get` and a default, as in any Python code (a SQL template sees it as None):

      def execute(params):
          return {"limit": int(params.get("limit", 20))}

The answer must be JSON data: dicts, lists, strings, numbers, booleans, None. `Decimal`
becomes a string, dates ISO strings, tuples and sets lists, integers past 64 bits strings.

The context
-----------
- `db.query(sql, params)` -> a list of row dicts; `db.query_one(sql, params)` -> a row
  or None; `db.execute(sql, params)` -> rows affected. Always bind values: `%s`
  placeholders for PostgreSQL and MySQL, `?` for SQLite and Trino (`ds["paramstyle"]`
  says which). Each call commits on its own, unless inside a transaction. An UPDATE or
  DELETE without a WHERE clause raises `DatabaseError` unless the API allows whole-table
  writes; uncaught, the call answers 400 `bad_request` as a template's would.
- `tx.begin()`, `tx.commit()`, `tx.rollback()`, or `with tx:` (commits at the end of the
  block, rolls back if it raises). A transaction left open is rolled back.
- `http.get(url, params=None, headers=None)`, `http.post(url, json=None, data=None, ...)`,
  `http.put(...)`, `http.delete(...)` -> a response with `status_code`, `ok`, `headers`
  (lower-case names), `text` and `json()`. Only hosts in SCRIPT_HTTP_ALLOWED_HOSTS can be
  reached; redirects are not followed; SCRIPT_HTTP_TIMEOUT and SCRIPT_HTTP_MAX_BYTES apply.
- `cache.get(key, default=None)`, `cache.set(key, value, ttl=None)` (seconds),
  `cache.delete(key)`, `cache.incr(key, amount=1)`. Keys are private to the API; values
  are JSON data. Redis when REDIS_URL is set, else memory of one server process.
- `env["NAME"]`: only the variables named in SCRIPT_ENV_ALLOWED.
- `log.debug(...)`, `log.info(...)`, `log.warning(...)`, `log.error(...)` and `print(...)`:
  lines shown in the debug view (at most 200 lines of 2000 characters per call).
- `ds`: the data source's `name`, `type`, `database`, `host`, `port`, `username`,
  `paramstyle`; never its password.
- Failed `db`/`tx`, `http` and `cache` calls raise `DatabaseError`, `HttpError` and
  `CacheError`, which a script may catch:

      try:
          db.execute("INSERT INTO audit (event) VALUES (%s)", ["login"])
      except DatabaseError as error:
          log.warning("audit failed:", error)

Modules and macros
------------------
`import math`, `json`, `datetime`, `decimal`, `re`, `random`, `uuid`, `hashlib`,
`base64`, plus the modules an administrator lists in SCRIPT_EXTRA_MODULES. Each is a
read-only stand-in holding the module's public functions, classes and constants (`json`
has `loads` and `dumps`), never the module itself. Macros are shared helpers written in
the same language: `from macros import money` then `money.fmt(x)`, or
`from macros.money import fmt`.

What is refused
---------------
At save time (a 422 naming the line): names and attributes starting with `_`; the
internals of frames, generators, coroutines and tracebacks (`gi_frame`, `f_globals`,
`tb_frame`, ...); `mro`, `str.format` and `format_map` (use f-strings or `%`); `exec`,
`eval`; `async`; `nonlocal`; `match`; `try/except*`; importing anything else. At run time:
the same names reached through `getattr`; changing anything but dicts, lists and the
script's own objects; `open`, `type`, `object`, `vars`, `dir`, `globals`, `locals`,
`compile`, `super` do not exist. A bare `except:` catches `Exception` only.

Limits
------
Every kind has the same limits. A call may run SCRIPT_EXEC_TIMEOUT seconds (then it is
stopped: 504 `timeout`), use SCRIPT_CPU_SECONDS of CPU and SCRIPT_MEMORY_MB of memory,
and answer at most SCRIPT_MAX_OUTPUT_BYTES (else 500 `script_limit`). Nothing is kept
between calls: module-level variables start afresh each time (use `cache` to remember).
An uncaught exception is a 500 `script_error` naming the line, the exception type and
its message, e.g. `line 3: ZeroDivisionError: division by zero` (or
`macro 'money' line 2: ...`).

For the server side see `workers.ScriptPool` (the entry point), `host.Host` (what a call
may touch), `sandbox` (the policy) and `limits` (the resource limits).
"""

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sluice.engines.script.errors import (
        ScriptCompileError,
        ScriptConfigError,
        ScriptCrashed,
        ScriptError,
        ScriptRejected,
        ScriptResourceError,
        ScriptRuntimeError,
        ScriptTimeout,
    )
    from sluice.engines.script.host import (
        CacheBackend,
        Host,
        HttpPolicy,
        MemoryCache,
        RedisCache,
        describe_datasource,
    )
    from sluice.engines.script.limits import ScriptLimits
    from sluice.engines.script.sandbox import compile_script
    from sluice.engines.script.workers import Kind, ScriptOutcome, ScriptPool

_HOMES = {
    "errors": "ScriptCompileError ScriptConfigError ScriptCrashed ScriptError ScriptRejected"
    " ScriptResourceError ScriptRuntimeError ScriptTimeout",
    "host": "CacheBackend Host HttpPolicy MemoryCache RedisCache describe_datasource",
    "limits": "ScriptLimits",
    "sandbox": "compile_script",
    "workers": "Kind ScriptOutcome ScriptPool",
}
_EXPORTS = {name: home for home, names in _HOMES.items() for name in names.split()}


def __getattr__(name: str) -> Any:
    """Exports load lazily: a worker process imports this package too, and must not pay
    for (or hold) the connectors, Redis or HTTP clients the parent side uses."""
    home = _EXPORTS.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{home}"), name)


__all__ = [
    "CacheBackend",
    "Host",
    "HttpPolicy",
    "Kind",
    "MemoryCache",
    "RedisCache",
    "ScriptCompileError",
    "ScriptConfigError",
    "ScriptCrashed",
    "ScriptError",
    "ScriptLimits",
    "ScriptOutcome",
    "ScriptPool",
    "ScriptRejected",
    "ScriptResourceError",
    "ScriptRuntimeError",
    "ScriptTimeout",
    "compile_script",
    "describe_datasource",
]
