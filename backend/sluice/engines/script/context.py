"""What a script sees besides builtins: `req`, `db`, `tx`, `http`, `cache`, `env`, `log`,
`ds`. These objects live in the worker and hold nothing but a way to ask the parent:
every `db`, `tx`, `http` and `cache` call is an RPC over the worker's pipe, answered by
the parent's `Host` (host.py) with plain JSON data. The worker never holds a connection,
a credential, a Redis client or a socket.

Their state is in underscore attributes, which no script can read.
"""

import json
from collections.abc import Callable
from typing import Any

Call = Callable[[str, list[Any]], Any]
"""Send one RPC to the parent and return its answer (or raise the error it reports)."""


class HostError(Exception):
    """A db, tx, http or cache call the parent refused or that failed."""


class DatabaseError(HostError):
    pass


class HttpError(HostError):
    pass


class CacheError(HostError):
    pass


HOST_ERRORS: dict[str, type[HostError]] = {
    "db": DatabaseError,
    "tx": DatabaseError,
    "http": HttpError,
    "cache": CacheError,
}


class Db:
    """`db.query(sql, params)` -> rows, `db.query_one` -> a row or None, `db.execute` ->
    rows affected. Inside `tx.begin()` ... `tx.commit()` they share one transaction."""

    def __init__(self, call: Call) -> None:
        self._call = call

    def query(self, sql: str, params: Any = None) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = self._call("db.query", [sql, params])
        return rows

    def query_one(self, sql: str, params: Any = None) -> dict[str, Any] | None:
        rows = self.query(sql, params)
        return rows[0] if rows else None

    def execute(self, sql: str, params: Any = None) -> int:
        count: int = self._call("db.execute", [sql, params])
        return count


class Tx:
    """`tx.begin()`, `tx.commit()`, `tx.rollback()`; or `with tx:` (commit on success,
    roll back on an exception). A transaction still open when the script ends is rolled
    back."""

    def __init__(self, call: Call) -> None:
        self._call = call

    def begin(self, read_only: bool = False) -> None:
        self._call("tx.begin", [bool(read_only)])

    def commit(self) -> None:
        self._call("tx.commit", [])

    def rollback(self) -> None:
        self._call("tx.rollback", [])

    def __enter__(self) -> "Tx":
        self.begin()
        return self

    def __exit__(self, kind: Any, error: Any, trace: Any) -> None:
        if kind is None:
            self.commit()
        else:
            self.rollback()


class HttpResponse:
    """An answer from `http`: `status_code`, `headers` (lower-case names), `text`,
    `json()`, `ok` (status below 400)."""

    def __init__(self, answer: dict[str, Any]) -> None:
        self.status_code: int = answer["status_code"]
        self.headers: dict[str, str] = answer["headers"]
        self.text: str = answer["text"]
        self.ok = self.status_code < 400

    def json(self) -> Any:
        return json.loads(self.text)

    def __repr__(self) -> str:
        return f"<HttpResponse {self.status_code}>"


class Http:
    """`http.get(url, params=None, headers=None)`, `post`/`put` (also `json=` or
    `data=`), `delete`: to allow-listed hosts only, with a timeout and a size cap."""

    def __init__(self, call: Call) -> None:
        self._call = call

    def _request(self, method: str, url: str, options: dict[str, Any]) -> HttpResponse:
        return HttpResponse(self._call("http.request", [method, url, options]))

    def get(self, url: str, params: Any = None, headers: Any = None) -> HttpResponse:
        return self._request("GET", url, {"params": params, "headers": headers})

    def delete(self, url: str, params: Any = None, headers: Any = None) -> HttpResponse:
        return self._request("DELETE", url, {"params": params, "headers": headers})

    def post(
        self, url: str, json: Any = None, data: Any = None, params: Any = None, headers: Any = None
    ) -> HttpResponse:
        options = {"json": json, "data": data, "params": params, "headers": headers}
        return self._request("POST", url, options)

    def put(
        self, url: str, json: Any = None, data: Any = None, params: Any = None, headers: Any = None
    ) -> HttpResponse:
        options = {"json": json, "data": data, "params": params, "headers": headers}
        return self._request("PUT", url, options)


class Cache:
    """`cache.get(key, default=None)`, `cache.set(key, value, ttl=None)` (seconds),
    `cache.delete(key)`, `cache.incr(key, amount=1)` -> the new value. Keys are private to
    the API; values are JSON data."""

    def __init__(self, call: Call) -> None:
        self._call = call

    def get(self, key: str, default: Any = None) -> Any:
        found: list[Any] = self._call("cache.get", [key])
        return found[0] if found else default

    def set(self, key: str, value: Any, ttl: float | None = None) -> None:
        self._call("cache.set", [key, value, ttl])

    def delete(self, key: str) -> None:
        self._call("cache.delete", [key])

    def incr(self, key: str, amount: int = 1) -> int:
        value: int = self._call("cache.incr", [key, amount])
        return value


class LogBuffer:
    """The lines `log.*` and `print` produced in one call, capped in count and width."""

    def __init__(self, max_lines: int, max_chars: int) -> None:
        self.lines: list[str] = []
        self.dropped = 0
        self._max_lines = max_lines
        self._max_chars = max_chars
        self._pending = ""

    def add(self, line: str) -> None:
        if len(self.lines) >= self._max_lines:
            self.dropped += 1
            return
        if len(line) > self._max_chars:
            line = line[: self._max_chars] + "..."
        self.lines.append(line)

    def printed(self, text: str) -> None:
        """Text from print(): whole lines are logged as they complete."""
        *done, self._pending = (self._pending + text).split("\n")
        for line in done:
            self.add(line)

    def result(self) -> list[str]:
        if self._pending:
            self.add(self._pending)
            self._pending = ""
        if self.dropped:
            return [*self.lines, f"... {self.dropped} more log lines dropped"]
        return list(self.lines)


class Log:
    """`log.debug(...)`, `log.info(...)`, `log.warning(...)`, `log.error(...)`: arguments
    joined by spaces, collected for the debug view."""

    def __init__(self, buffer: LogBuffer) -> None:
        self._buffer = buffer

    def _write(self, level: str, args: tuple[Any, ...]) -> None:
        self._buffer.add(f"{level}: " + " ".join(str(arg) for arg in args))

    def debug(self, *args: Any) -> None:
        self._write("DEBUG", args)

    def info(self, *args: Any) -> None:
        self._write("INFO", args)

    def warning(self, *args: Any) -> None:
        self._write("WARNING", args)

    def error(self, *args: Any) -> None:
        self._write("ERROR", args)


def context_names(call: Call, inputs: dict[str, Any], buffer: LogBuffer) -> dict[str, Any]:
    """The names a script starts with."""
    return {
        "req": inputs.get("req") or {},
        "env": inputs.get("env") or {},
        "ds": inputs.get("ds") or {},
        "db": Db(call),
        "tx": Tx(call),
        "http": Http(call),
        "cache": Cache(call),
        "log": Log(buffer),
        "DatabaseError": DatabaseError,
        "HttpError": HttpError,
        "CacheError": CacheError,
    }
