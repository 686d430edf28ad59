"""A small Trino coordinator for tests: the real `trino` client talks to it over HTTP.

It speaks the client protocol (POST /v1/statement, then GET on each `nextUri` until
there is none; DELETE cancels; errors in Trino's `error` shape; transactions through
the `X-Trino-*-Transaction-Id` headers) and answers from an in-memory SQLite database, so
real SQL works. Parameters arrive as `EXECUTE IMMEDIATE '<sql>' USING <literals>`.

Test-only conventions:
- a result column named `name__<trino type>` is reported as that Trino type under
  `name` (e.g. `'1.50' AS "d__decimal(3,2)"`), so the client's own value mappers run;
- `sleep_ms(n)` (at most 5000) waits, and stops early when the query is cancelled;
- Trino's `OFFSET m LIMIT n` is run as SQLite's `LIMIT m, n`;
- a name qualified with the one schema, `"default".t`, is SQLite's `main.t`.

It listens on 127.0.0.1 on a free port, serves at most `max_requests` requests and stops
by itself after `lifetime_s` seconds.
"""

import base64
import itertools
import json
import math
import re
import sqlite3
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_EXECUTE = re.compile(
    r"^\s*EXECUTE\s+IMMEDIATE\s+'((?:[^']|'')*)'\s*(?:USING\s+(.*))?$", re.S | re.I
)
_LITERAL = re.compile(
    r"\s*(?:(?P<typed>[A-Za-z]+)\s+'(?P<tv>(?:[^']|'')*)'|'(?P<str>(?:[^']|'')*)'"
    r"|X'(?P<hex>[0-9a-fA-F]*)'|(?P<num>-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)"
    r"|(?P<word>NULL|true|false|-?infinity\(\)|nan\(\)))\s*(?:,|$)",
    re.I,
)
_OFFSET_LIMIT = re.compile(r"\bOFFSET\s+(\?|\d+)\s+LIMIT\s+(\?|\d+)", re.I)
"""Trino's `OFFSET m LIMIT n`, which SQLite writes `LIMIT m, n` (same order of values)."""
_DEFAULT_SCHEMA = re.compile(r'"default"\s*\.')
"""The quoted schema of `memory.default`, the fake's only one (SQLite's `main`)."""
_WORDS: dict[str, Any] = {
    "null": None,
    "true": True,
    "false": False,
    "infinity()": math.inf,
    "-infinity()": -math.inf,
    "nan()": math.nan,
}
_TYPE = re.compile(r"^(?P<raw>[a-z ]+?)(?:\((?P<args>.*)\))?(?P<tz> with time zone)?$")


def parse_parameters(text: str | None) -> list[Any]:
    """The literals after USING, as Python values for SQLite."""
    values: list[Any] = []
    position = 0
    while text and position < len(text):
        match = _LITERAL.match(text, position)
        if match is None:
            raise ValueError(f"unsupported parameter near: {text[position : position + 20]}")
        values.append(_literal(match))
        position = match.end()
    return values


def _literal(match: re.Match[str]) -> Any:
    if match["typed"]:
        value = match["tv"].replace("''", "'")
        return float(value) if match["typed"].lower() == "double" else value
    if match["str"] is not None:
        return match["str"].replace("''", "'")
    if match["hex"] is not None:
        return bytes.fromhex(match["hex"])
    if match["num"]:
        number = match["num"]
        return int(number) if re.fullmatch(r"-?\d+", number) else float(number)
    return _WORDS[match["word"].lower()]


def type_signature(name: str) -> dict[str, Any]:
    """A Trino type name to the `typeSignature` the client's mappers read."""
    match = _TYPE.match(name.strip())
    if match is None:
        return {"rawType": name, "arguments": []}
    raw = match["raw"].strip() + (match["tz"] or "")
    args = match["args"]
    if raw in ("array", "map"):
        return {"rawType": raw, "arguments": [_type_argument(a) for a in _split(args or "")]}
    arguments = [{"kind": "LONG", "value": int(a)} for a in _split(args or "")]
    if raw in ("varchar", "char") and not arguments:
        arguments = [{"kind": "LONG", "value": 2147483647}]
    return {"rawType": raw, "arguments": arguments}


def _type_argument(name: str) -> dict[str, Any]:
    return {"kind": "TYPE", "value": type_signature(name)}


def _split(text: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    return [*parts, current.strip()] if current.strip() else parts


@dataclass
class _Query:
    id: str
    sql: str
    transaction: str | None
    done: threading.Event = field(default_factory=threading.Event)
    cancelled: threading.Event = field(default_factory=threading.Event)
    columns: list[dict[str, Any]] | None = None
    rows: list[list[Any]] = field(default_factory=list)
    update: tuple[str, int | None] | None = None
    error: dict[str, Any] | None = None
    served: int = 0


class FakeTrino:
    """The fake coordinator: `start()` returns the port, `stop()` ends it."""

    def __init__(self, *, page_size: int = 2, lifetime_s: float = 120, max_requests: int = 50_000):
        self.page_size = page_size
        self.lifetime_s = lifetime_s
        self.max_requests = max_requests
        self.requests = 0
        self.cancels = 0
        self.db = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
        self.db.execute("ATTACH ':memory:' AS information_schema")
        self.db.create_function("sleep_ms", 1, self._sleep_ms)
        self._lock = threading.RLock()
        self._queries: dict[str, _Query] = {}
        self._ids: Iterator[int] = itertools.count(1)
        self._running: _Query | None = None
        self._server: ThreadingHTTPServer | None = None
        self._timer: threading.Timer | None = None

    # -- lifecycle ---------------------------------------------------------------------

    def start(self) -> int:
        fake = self

        class Handler(_Handler):
            server_fake = fake

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        self._server = server
        threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        self._timer = threading.Timer(self.lifetime_s, self.stop)
        self._timer.daemon = True
        self._timer.start()
        return int(server.server_address[1])

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()

    # -- queries -----------------------------------------------------------------------

    def submit(self, sql: str, transaction: str | None) -> _Query:
        query = _Query(id=f"q{next(self._ids)}", sql=sql, transaction=transaction)
        self._queries[query.id] = query
        threading.Thread(target=self._run, args=(query,), daemon=True).start()
        return query

    def get(self, query_id: str) -> _Query | None:
        return self._queries.get(query_id)

    def cancel(self, query: _Query) -> None:
        self.cancels += 1
        query.cancelled.set()
        if self._running is query:
            self.db.interrupt()

    def _sleep_ms(self, milliseconds: int) -> int:
        query = self._running
        deadline = time.monotonic() + min(int(milliseconds), 5000) / 1000
        while time.monotonic() < deadline:
            if query is not None and query.cancelled.wait(0.01):
                raise sqlite3.OperationalError("interrupted")
        return 0

    def _run(self, query: _Query) -> None:
        try:
            with self._lock:
                self._running = query
                try:
                    self._execute(query)
                finally:
                    self._running = None
        except (sqlite3.Error, ValueError) as exc:
            query.error = _error(query, str(exc))
        finally:
            query.done.set()

    def _execute(self, query: _Query) -> None:
        sql, params = query.sql, []
        match = _EXECUTE.match(sql)
        if match:
            sql, params = match[1].replace("''", "'"), parse_parameters(match[2])
        if re.match(r"\s*START\s+TRANSACTION", sql, re.I):
            sql = "BEGIN"
        sql = _OFFSET_LIMIT.sub(r"LIMIT \1, \2", sql)
        sql = _DEFAULT_SCHEMA.sub("main.", sql)
        if "information_schema" in sql.lower():
            self._refresh_information_schema()
        cursor = self.db.execute(sql, params)
        if cursor.description is None:
            kind = sql.split(None, 1)[0].upper()
            query.update = (kind, cursor.rowcount if cursor.rowcount >= 0 else None)
            return
        names = [column[0] for column in cursor.description]
        rows = [list(row) for row in cursor.fetchall()]
        query.columns = [_column(name, rows, index) for index, name in enumerate(names)]
        query.rows = [
            [_wire(value, col) for value, col in zip(row, query.columns, strict=True)]
            for row in rows
        ]

    def _refresh_information_schema(self) -> None:
        self.db.executescript(
            """
            DROP TABLE IF EXISTS information_schema.columns;
            CREATE TABLE information_schema.columns AS
            SELECT 'memory' AS table_catalog, 'default' AS table_schema, m.name AS table_name,
                   p.name AS column_name, p.cid + 1 AS ordinal_position,
                   lower(p.type) AS data_type,
                   CASE WHEN p."notnull" THEN 'NO' ELSE 'YES' END AS is_nullable,
                   p.dflt_value AS column_default
            FROM main.sqlite_master m JOIN pragma_table_info(m.name) p
            WHERE m.type IN ('table', 'view');
            """
        )

    # -- responses ---------------------------------------------------------------------

    def response(self, query: _Query, base: str) -> dict[str, Any]:
        """The next page of a query: waits a little for it, then reports where it is."""
        query.done.wait(0.05)
        body: dict[str, Any] = {"id": query.id, "infoUri": f"{base}/ui/query.html?{query.id}"}
        if not query.done.is_set():
            body["nextUri"] = f"{base}/v1/statement/executing/{query.id}/{query.served}"
            body["stats"] = {"state": "RUNNING"}
            return body
        if query.cancelled.is_set() or query.error is not None:
            body["error"] = query.error or _error(query, "Query was canceled", "USER_CANCELED")
            body["stats"] = {"state": "FAILED"}
            return body
        return self._page(query, body, base)

    def _page(self, query: _Query, body: dict[str, Any], base: str) -> dict[str, Any]:
        body["stats"] = {"state": "FINISHED"}
        if query.update is not None:
            body["updateType"], body["updateCount"] = query.update
            body["columns"] = [_column("rows__bigint", [], 0)]
            body["data"] = [[query.update[1]]]
            return body
        start = query.served * self.page_size
        body["columns"] = query.columns
        body["data"] = query.rows[start : start + self.page_size]
        query.served += 1
        if query.served * self.page_size < len(query.rows):
            body["nextUri"] = f"{base}/v1/statement/executing/{query.id}/{query.served}"
            body["stats"] = {"state": "RUNNING"}
        return body


def _column(name: str, rows: list[list[Any]], index: int) -> dict[str, Any]:
    if "__" in name:
        name, kind = name.split("__", 1)
    else:
        kind = _infer_type(next((row[index] for row in rows if row[index] is not None), None))
    return {"name": name, "type": kind, "typeSignature": type_signature(kind)}


def _infer_type(value: Any) -> str:
    kinds = {int: "bigint", float: "double", bytes: "varbinary"}
    return kinds.get(type(value), "varchar")


def _wire(value: Any, column: dict[str, Any]) -> Any:
    """A SQLite value as Trino puts it in JSON."""
    raw = column["typeSignature"]["rawType"]
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if raw in ("array", "map") and isinstance(value, str):
        return json.loads(value)
    if raw == "boolean" and value is not None:
        return bool(value)
    return value


def _error(query: _Query, message: str, name: str | None = None) -> dict[str, Any]:
    if name is None:
        lowered = message.lower()
        name = (
            "SYNTAX_ERROR"
            if "syntax error" in lowered
            else "TABLE_NOT_FOUND"
            if "no such table" in lowered
            else "USER_CANCELED"
            if "interrupted" in lowered
            else "GENERIC_USER_ERROR"
        )
    return {
        "message": message,
        "errorCode": 1,
        "errorName": name,
        "errorType": "USER_ERROR",
        "failureInfo": {
            "type": "io.trino.spi.TrinoException",
            "message": message,
            "suppressed": [],
            "stack": [],
        },
        "query_id": query.id,
    }


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_fake: FakeTrino

    def log_message(self, format: str, *args: Any) -> None:  # noqa: ARG002 (silence)
        return

    @property
    def _base(self) -> str:
        return f"http://{self.headers.get('Host', '127.0.0.1')}"

    def _send(
        self, status: int, body: dict[str, Any] | None, headers: dict[str, str] | None = None
    ) -> None:
        payload = json.dumps(body).encode() if body is not None else b""
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(payload)

    def _counted(self) -> bool:
        fake = self.server_fake
        fake.requests += 1
        if fake.requests > fake.max_requests:
            self._send(503, None)
            return False
        return True

    def do_POST(self) -> None:
        if not self._counted():
            return
        length = int(self.headers.get("Content-Length", "0"))
        sql = self.rfile.read(length).decode("utf-8")
        transaction = self.headers.get("X-Trino-Transaction-Id")
        query = self.server_fake.submit(sql, None if transaction == "NONE" else transaction)
        headers = {}
        if re.match(r"\s*START\s+TRANSACTION", sql, re.I):
            headers["X-Trino-Started-Transaction-Id"] = f"tx-{query.id}"
        self._send(200, self.server_fake.response(query, self._base), headers)

    def _query(self) -> Any:
        parts = self.path.rstrip("/").split("/")
        return self.server_fake.get(parts[-2]) if len(parts) >= 2 else None

    def do_GET(self) -> None:
        if not self._counted():
            return
        query = self._query()
        if query is None:
            self._send(404, None)
            return
        self._send(200, self.server_fake.response(query, self._base))

    def do_DELETE(self) -> None:
        if not self._counted():
            return
        query = self._query()
        if query is not None:
            self.server_fake.cancel(query)
        self._send(204, None)
