"""Hand-made hostile requests to every endpoint family: each gets a 4xx with a message,
never a 5xx (and never a success). Each case is named, so a failure says which one.

Ids in paths are real rows of the shared world (`{user}`, `{api}`...), so a request reaches
body validation and the services rather than stopping at a 404.

Oversized request heads are not here: the 431 cap lives in the server `sluice serve`
runs (not in the app this suite calls in-process), so
`tests/test_http_hardening.py` sends them to a real `sluice serve`.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import orjson
import pytest

from tests.hostile.conftest import World

BIG = 2**31
HUGE = 2**63
JSON = {"Content-Type": "application/json"}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
YAML = {"Content-Type": "application/yaml"}
LIMIT = 1024 * 1024
"""The default MAX_REQUEST_BODY_BYTES."""


@dataclass
class Case:
    id: str
    method: str
    path: str
    json: Any = field(default=None, repr=False)
    raw: bytes | None = field(default=None, repr=False)
    form: dict[str, str] | None = None
    headers: dict[str, str] = field(default_factory=dict, repr=False)
    expect: int | None = None
    """The exact status when the contract fixes it; else any 4xx."""
    as_client: bool = False
    """Send the client token (gateway calls to private APIs) instead of the admin's."""
    files: dict[str, tuple[str, bytes, str]] | None = field(default=None, repr=False)
    """A multipart upload (with `form` as its other fields)."""


def deep(depth: int) -> str:
    """JSON text of arrays nested `depth` deep."""
    return "[" * depth + "1" + "]" * depth


def chunks(size: int) -> Iterator[bytes]:
    """A body sent without a Content-Length (chunked), `size` bytes in 64 KiB pieces."""
    piece = b"x" * 65536
    for _ in range(size // len(piece) + 1):
        yield piece


NAME = "{unique}"
MCP_LIST = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
MCP_ACCEPT = {"Accept": "application/json, text/event-stream"}
"""Stands for a name made from the case's id, so no case trips over another one's row."""
USER = {"email": f"{NAME}@example.com", "password": "password-1"}
SOURCE = {"name": NAME, "type": "postgres", "host": "db.example.com", "port": 5432}
API = {"name": NAME, "path": NAME, "module_id": 1, "content": "SELECT 1", "access": "public"}
GENERATE = {"module_name": NAME, "filter_columns": ["name"]}


def generate_url(table: str, source: str = "{datasource}") -> str:
    """The CRUD generator's route, as a preview."""
    return f"/api/v1/datasources/{source}/tables/{table}/generate?preview=true"


GENERATE_ITEMS = generate_url("items")


def body_cases(
    family: str, method: str, path: str, good: dict[str, Any], invalid: int = 422
) -> list[Case]:
    """The hostile bodies every JSON-taking endpoint must refuse with a 4xx (`invalid`: the
    status of a body that does not parse, 422 in the admin API and 400 at the gateway)."""
    return [
        Case(f"{family}-deep-json", method, path, raw=deep(5000).encode(), expect=invalid),
        Case(f"{family}-lone-surrogate", method, path, raw=b'{"name": "\\ud800"}', expect=invalid),
        Case(f"{family}-invalid-utf8", method, path, raw=b'{"name": "\xff\xfe"}', expect=invalid),
        Case(f"{family}-not-an-object", method, path, json=[good], expect=invalid),
        Case(
            f"{family}-wrong-content-type",
            method,
            path,
            raw=orjson.dumps(good),
            headers={"Content-Type": "text/plain"},
        ),
        Case(
            f"{family}-gzip",
            method,
            path,
            raw=orjson.dumps(good),
            headers=JSON | {"Content-Encoding": "gzip"},
            expect=415,
        ),
        Case(f"{family}-oversized", method, path, raw=b"[" + b"1," * LIMIT + b"1]", expect=413),
    ]


def id_cases(family: str, path: str) -> list[Case]:
    """Out-of-range and ill-typed ids in the path."""
    return [
        Case(f"{family}-id-2^31", "GET", f"{path}/{BIG}", expect=422),
        Case(f"{family}-id-2^63", "GET", f"{path}/{HUGE}", expect=422),
        Case(f"{family}-id-negative", "GET", f"{path}/-1", expect=422),
        Case(f"{family}-id-text", "GET", f"{path}/abc", expect=422),
    ]


TABLE = "/api/v1/datasources/{datasource}/tables"


def upload(content: bytes, mode: str = "best_effort") -> dict[str, Any]:
    """A CSV upload to the import route."""
    return {"files": {"file": ("items.csv", content, "text/csv")}, "form": {"mode": mode}}


CASES: list[Case] = [
    # login
    Case(
        "login-nul",
        "POST",
        "/api/v1/login/access-token",
        form={"username": "a\0@b.c", "password": "x"},
    ),
    Case(
        "login-oversized-password",
        "POST",
        "/api/v1/login/access-token",
        form={"username": "admin@example.com", "password": "x" * 100_000},
    ),
    Case(
        "login-json-body",
        "POST",
        "/api/v1/login/access-token",
        json={"username": "a", "password": "b"},
        expect=422,
    ),
    Case(
        "login-invalid-utf8",
        "POST",
        "/api/v1/login/access-token",
        raw=b"username=%ff%fe&password=x",
        headers=FORM,
    ),
    Case(
        "login-chunked-oversized",
        "POST",
        "/api/v1/login/access-token",
        raw=b"",
        headers=FORM | {"X-Chunked": str(2 * LIMIT)},
        expect=413,
    ),
    # users
    *body_cases("users", "POST", "/api/v1/users", USER),
    *id_cases("users", "/api/v1/users"),
    Case("users-nul-name", "POST", "/api/v1/users", json=USER | {"full_name": "a\0b"}, expect=422),
    Case(
        "users-role-id-2^31", "POST", "/api/v1/users", json=USER | {"role_ids": [BIG]}, expect=422
    ),
    Case(
        "users-role-id-2^63", "POST", "/api/v1/users", json=USER | {"role_ids": [HUGE]}, expect=422
    ),
    Case(
        "users-wrong-types",
        "POST",
        "/api/v1/users",
        json={"email": 5, "password": ["x"]},
        expect=422,
    ),
    Case("users-me-nul", "PATCH", "/api/v1/users/me", json={"full_name": "\0"}, expect=422),
    Case(
        "users-patch-nul-email",
        "PATCH",
        "/api/v1/users/{user}",
        json={"email": "a\0@example.com"},
        expect=422,
    ),
    Case(
        "users-password-nul",
        "PATCH",
        "/api/v1/users/me/password",
        json={"current_password": "\0", "new_password": "password-2\0"},
    ),
    # roles
    *body_cases("roles", "POST", "/api/v1/roles", {"name": NAME}),
    *id_cases("roles", "/api/v1/roles"),
    Case("roles-nul-name", "POST", "/api/v1/roles", json={"name": "r\0"}, expect=422),
    Case(
        "roles-nul-permission",
        "POST",
        "/api/v1/roles",
        json={"name": NAME, "permissions": [{"resource": "api\0", "action": "read"}]},
        expect=422,
    ),
    Case(
        "roles-patch-nul", "PATCH", "/api/v1/roles/{role}", json={"description": "\0"}, expect=422
    ),
    # data sources
    *body_cases("datasources", "POST", "/api/v1/datasources", SOURCE),
    *id_cases("datasources", "/api/v1/datasources"),
    *[
        Case(
            f"datasources-bad-host-{name}",
            "POST",
            "/api/v1/datasources",
            json=SOURCE | {"host": host},
            expect=422,
        )
        for name, host in [
            ("nul", "db\0.example.com"),
            ("space", "db example.com"),
            ("url", "http://db.example.com/"),
            ("option", "-oProxyCommand=x"),
            ("slash", "db.example.com/../x"),
            ("long", "a" * 300),
        ]
    ],
    Case(
        "datasources-test-bad-host",
        "POST",
        "/api/v1/datasources/test",
        json=SOURCE | {"host": "db example.com"},
        expect=422,
    ),
    Case(
        "datasources-port-2^31",
        "POST",
        "/api/v1/datasources",
        json=SOURCE | {"host": "db", "port": BIG},
        expect=422,
    ),
    Case(
        "datasources-nul-name",
        "POST",
        "/api/v1/datasources",
        json=SOURCE | {"host": "db", "name": "s\0"},
        expect=422,
    ),
    Case(
        "datasources-sqlite-escape",
        "POST",
        "/api/v1/datasources",
        json={"name": NAME, "type": "sqlite", "options": {"path": "../../etc/passwd"}},
    ),
    Case(
        "datasources-patch-bad-host",
        "PATCH",
        "/api/v1/datasources/{datasource}",
        json={"host": "db example.com"},
        expect=422,
    ),
    # table tools: the CRUD generator (previews, so the shared world stays as it is)
    *body_cases("generate", "POST", GENERATE_ITEMS, GENERATE),
    Case("generate-unknown-table", "POST", generate_url("nope"), json=GENERATE, expect=404),
    Case(
        "generate-quoted-table",
        "POST",
        generate_url("it%22ems'%3B%20DROP%20TABLE%20items%3B%20--"),
        json=GENERATE,
        expect=404,
    ),
    Case("generate-nul-table", "POST", generate_url("it%00ems"), json=GENERATE, expect=422),
    Case("generate-long-table", "POST", generate_url("t" * 300), json=GENERATE, expect=422),
    Case(
        "generate-pg-unknown-table",
        "POST",
        generate_url("nope", "{pg_datasource}"),
        json=GENERATE,
        expect=404,
    ),
    Case(
        "generate-source-2^31", "POST", generate_url("items", str(BIG)), json=GENERATE, expect=422
    ),
    Case(
        "generate-nul-column",
        "POST",
        GENERATE_ITEMS,
        json=GENERATE | {"filter_columns": ["na\0me"]},
        expect=422,
    ),
    Case(
        "generate-many-columns",
        "POST",
        GENERATE_ITEMS,
        json=GENERATE | {"filter_columns": ["name"] * 1000},
        expect=422,
    ),
    Case("generate-module-2^31", "POST", GENERATE_ITEMS, json={"module_id": BIG}, expect=422),
    Case(
        "generate-unknown-operation",
        "POST",
        GENERATE_ITEMS,
        json=GENERATE | {"operations": ["drop"]},
        expect=422,
    ),
    Case(
        "generate-prefix-escape",
        "POST",
        GENERATE_ITEMS,
        json=GENERATE | {"path_prefix": "../../api/v1"},
        expect=422,
    ),
    # table tools: export and import (the world's SQLite source has a table `items`: id, name, price)
    Case("tables-export-unknown", "GET", f"{TABLE}/nope/export", expect=404),
    Case("tables-export-nul-table", "GET", f"{TABLE}/it%00ems/export", expect=422),
    Case("tables-export-nul-schema", "GET", f"{TABLE}/items/export?schema=%00", expect=422),
    Case("tables-export-bad-format", "GET", f"{TABLE}/items/export?format=xml", expect=422),
    Case("tables-export-long-name", "GET", f"{TABLE}/{'t' * 300}/export", expect=422),
    Case("tables-import-no-file", "POST", f"{TABLE}/items/import", json={}, expect=422),
    Case("tables-import-bad-mode", "POST", f"{TABLE}/items/import", **upload(b"id\n", "x")),
    Case("tables-import-unknown", "POST", f"{TABLE}/nope/import", **upload(b"id\n1\n")),
    *[
        Case(
            f"tables-import-{name}", "POST", f"{TABLE}/items/import", **upload(content), expect=400
        )
        for name, content in [
            ("empty", b""),
            ("unknown-column", b"id,colour\n3,red\n"),
            ("not-csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00"),
            ("nul", b"id,name\n3,a\x00b\n"),
            ("latin-1", b"id,name\n3,caf\xe9\n"),
            ("huge-line", b"id,name\n3," + b"x" * (1024 * 1024 + 1) + b"\n"),
            ("huge-field", b'id,name\n3,"' + b"x" * 200_000 + b'"\n'),
        ]
    ],
    Case(
        "tables-import-gzip",
        "POST",
        f"{TABLE}/items/import",
        raw=b"x",
        headers={"Content-Type": "multipart/form-data; boundary=x", "Content-Encoding": "gzip"},
        expect=415,
    ),
    Case(
        "tables-import-no-boundary",
        "POST",
        f"{TABLE}/items/import",
        raw=b"id\n3\n",
        headers={"Content-Type": "multipart/form-data"},
    ),
    # modules
    *body_cases("modules", "POST", "/api/v1/modules", {"name": NAME}),
    *id_cases("modules", "/api/v1/modules"),
    Case(
        "modules-nul-description",
        "POST",
        "/api/v1/modules",
        json={"name": NAME, "description": "\0"},
        expect=422,
    ),
    Case("modules-reserved", "POST", "/api/v1/modules", json={"name": "api"}, expect=422),
    # macros
    *body_cases("macros", "POST", "/api/v1/macros", {"name": NAME}),
    *id_cases("macros", "/api/v1/macros"),
    Case(
        "macros-nul-content",
        "POST",
        "/api/v1/macros",
        json={"name": NAME, "content": "\0"},
        expect=422,
    ),
    Case(
        "macros-module-2^31",
        "POST",
        "/api/v1/macros",
        json={"name": NAME, "module_id": BIG},
        expect=422,
    ),
    # apis
    *body_cases("apis", "POST", "/api/v1/apis", API),
    *id_cases("apis", "/api/v1/apis"),
    Case("apis-module-2^63", "POST", "/api/v1/apis", json=API | {"module_id": HUGE}, expect=422),
    Case(
        "apis-datasource-2^31",
        "POST",
        "/api/v1/apis",
        json=API | {"datasource_id": BIG},
        expect=422,
    ),
    Case("apis-group-2^31", "POST", "/api/v1/apis", json=API | {"group_ids": [BIG]}, expect=422),
    Case(
        "apis-dot-segments",
        "POST",
        "/api/v1/apis",
        json=API | {"path": "a/../../api/v1/users"},
        expect=422,
    ),
    Case("apis-dot-segment", "POST", "/api/v1/apis", json=API | {"path": "./x"}, expect=422),
    Case(
        "apis-nul-content",
        "POST",
        "/api/v1/apis",
        json=API | {"content": "SELECT '\0'"},
        expect=422,
    ),
    Case(
        "apis-nul-param-name",
        "POST",
        "/api/v1/apis",
        json=API | {"params": [{"name": "a\0", "location": "query", "type": "string"}]},
        expect=422,
    ),
    Case(
        "apis-debug-deep-params",
        "POST",
        "/api/v1/apis/{api}/debug",
        raw=f'{{"params": {{"x": {deep(1000)}}}}}'.encode(),
        expect=422,
    ),
    Case("apis-version-2^63", "GET", f"/api/v1/apis/{{api}}/versions/{HUGE}", expect=422),
    Case(
        "apis-diff-against-2^63",
        "GET",
        f"/api/v1/apis/{{api}}/versions/{{version}}/diff?against={HUGE}",
        expect=422,
    ),
    Case("apis-list-module-text", "GET", "/api/v1/apis?module_id=abc", expect=422),
    # test cases
    *body_cases("tests", "POST", "/api/v1/apis/{api}/tests", {"name": NAME}),
    *id_cases("tests", "/api/v1/apis/{api}/tests"),
    *[
        Case(f"tests-{name}", "POST", "/api/v1/apis/{api}/tests", json=body, expect=422)
        for name, body in [
            ("long-name", {"name": "t" * 101}),
            ("nul-name", {"name": "t\0"}),
            ("client-2^31", {"name": NAME, "client_id": BIG}),
            ("unknown-expectation", {"name": NAME, "expect": {"row_min": 1}}),
            ("status-999", {"name": NAME, "expect": {"status": 999}}),
            ("rows-2^63", {"name": NAME, "expect": {"rows": HUGE}}),
            ("rows-range", {"name": NAME, "expect": {"rows_min": 5, "rows_max": 1}}),
            (
                "negative-row",
                {"name": NAME, "expect": {"fields": [{"row": -1, "field": "a", "equals": 1}]}},
            ),
            (
                "many-fields",
                {"name": NAME, "expect": {"fields": [{"row": 0, "field": "a", "equals": 1}] * 101}},
            ),
            (
                "empty-field",
                {"name": NAME, "expect": {"fields": [{"row": 0, "field": "", "equals": 1}]}},
            ),
            (
                "schema-remote-ref",
                {"name": NAME, "expect": {"schema": {"$ref": "http://169.254.169.254/"}}},
            ),
            ("schema-invalid", {"name": NAME, "expect": {"schema": {"type": "nope"}}}),
            ("schema-list", {"name": NAME, "expect": {"schema": [1]}}),
            ("max-ms-zero", {"name": NAME, "expect": {"max_ms": 0}}),
        ]
    ],
    Case(
        "tests-deep-params",
        "POST",
        "/api/v1/apis/{api}/tests",
        raw=f'{{"name": "{NAME}", "params": {{"x": {deep(1000)}}}}}'.encode(),
        expect=422,
    ),
    Case(
        "tests-big-params",
        "POST",
        "/api/v1/apis/{api}/tests",
        json={"name": NAME, "params": {"x": "p" * 70_000}},
        expect=422,
    ),
    Case(
        "tests-deep-schema",
        "POST",
        "/api/v1/apis/{api}/tests",
        raw=f'{{"name": "{NAME}", "expect": {{"schema": {{"const": {deep(100)}}}}}}}'.encode(),
        expect=422,
    ),
    Case(
        "tests-patch-nul",
        "PATCH",
        f"/api/v1/apis/{{api}}/tests/{BIG}",
        json={"name": "\0"},
        expect=422,
    ),
    Case(
        "tests-run-ids-2^63",
        "POST",
        "/api/v1/apis/{api}/tests/run",
        json={"test_ids": [HUGE]},
        expect=422,
    ),
    Case(
        "tests-run-many-ids",
        "POST",
        "/api/v1/apis/{api}/tests/run",
        json={"test_ids": list(range(1, 1100))},
        expect=422,
    ),
    Case(
        "tests-run-all-nul-module", "POST", "/api/v1/tests/run", json={"module": "\0"}, expect=422
    ),
    Case("tests-run-all-api-2^31", "POST", "/api/v1/tests/run", json={"api_id": BIG}, expect=422),
    Case(
        "tests-run-all-unknown-module",
        "POST",
        "/api/v1/tests/run",
        json={"module": "nope"},
        expect=404,
    ),
    Case(
        "apis-publish-force-without-reason",
        "POST",
        "/api/v1/apis/{api}/publish",
        json={"force": True},
        expect=422,
    ),
    Case(
        "apis-publish-long-reason",
        "POST",
        "/api/v1/apis/{api}/publish",
        json={"force": True, "reason": "r" * 501},
        expect=422,
    ),
    # groups
    *body_cases("groups", "POST", "/api/v1/groups", {"name": NAME}),
    *id_cases("groups", "/api/v1/groups"),
    Case(
        "groups-api-2^31",
        "POST",
        "/api/v1/groups",
        json={"name": NAME, "api_ids": [BIG]},
        expect=422,
    ),
    Case("groups-nul-name", "POST", "/api/v1/groups", json={"name": "g\0"}, expect=422),
    # clients
    *body_cases("clients", "POST", "/api/v1/clients", {"name": NAME}),
    *id_cases("clients", "/api/v1/clients"),
    Case(
        "clients-deep-attributes",
        "POST",
        "/api/v1/clients",
        raw=f'{{"name": "{NAME}", "attributes": {{"a": {deep(1000)}}}}}'.encode(),
        expect=422,
    ),
    Case(
        "clients-nul-attribute",
        "POST",
        "/api/v1/clients",
        json={"name": NAME, "attributes": {"a": "\0"}},
        expect=422,
    ),
    Case(
        "clients-nul-ip",
        "POST",
        "/api/v1/clients",
        json={"name": NAME, "allowed_ips": ["10.0.0.1\0"]},
        expect=422,
    ),
    Case(
        "clients-api-2^63",
        "POST",
        "/api/v1/clients",
        json={"name": NAME, "api_ids": [HUGE]},
        expect=422,
    ),
    Case(
        "clients-patch-group-2^31",
        "PATCH",
        "/api/v1/clients/{client}",
        json={"group_ids": [BIG]},
        expect=422,
    ),
    # definitions import
    *body_cases("import", "POST", "/api/v1/import", {"format_version": 1}),
    Case(
        "import-yaml-bomb",
        "POST",
        "/api/v1/import",
        raw=b"a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        + b"c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n",
        headers=YAML,
        expect=422,
    ),
    Case(
        "import-deep-yaml",
        "POST",
        "/api/v1/import",
        raw=deep(5000).encode(),
        headers=YAML,
        expect=422,
    ),
    Case(
        "import-nul-escape",
        "POST",
        "/api/v1/import",
        raw=b'format_version: 1\nmodules:\n- {name: m, description: "a\\0b"}\n',
        headers=YAML,
        expect=422,
    ),
    Case(
        "import-surrogate-escape",
        "POST",
        "/api/v1/import",
        raw=b'format_version: 1\ngroups:\n- {name: "\\ud800"}\n',
        headers=YAML,
        expect=422,
    ),
    Case(
        "import-python-tag",
        "POST",
        "/api/v1/import",
        raw=b"format_version: !!python/object/apply:os.system [id]\n",
        headers=YAML,
        expect=422,
    ),
    Case(
        "import-huge-integer",
        "POST",
        "/api/v1/import",
        raw=b"format_version: " + b"9" * 100_000 + b"\n",
        headers=YAML,
        expect=422,
    ),
    Case(
        "import-env-not-allowed",
        "POST",
        "/api/v1/import",
        raw=b"format_version: 1\ndatasources:\n- {name: s, type: sqlite, options: {path: x.db},"
        + b" password_env: SECRET_KEY}\n",
        headers=YAML,
        expect=422,
    ),
    Case("export-module-nul", "GET", "/api/v1/export?module=%00", expect=422),
    Case("export-module-long", "GET", "/api/v1/export?module=" + "m" * 100, expect=422),
    # access and audit logs
    *id_cases("access-logs", "/api/v1/access-logs"),
    Case("access-logs-nul-client", "GET", "/api/v1/access-logs?client_id=%00", expect=422),
    Case("access-logs-api-2^63", "GET", f"/api/v1/access-logs?api_id={HUGE}", expect=422),
    Case("access-logs-bad-since", "GET", "/api/v1/access-logs?since=yesterday", expect=422),
    Case("access-logs-status-text", "GET", "/api/v1/access-logs?status=abc", expect=422),
    Case("access-logs-offset-2^63", "GET", f"/api/v1/access-logs?offset={HUGE}", expect=422),
    Case("audit-logs-nul-actor", "GET", "/api/v1/audit-logs?actor=a%00", expect=422),
    Case("audit-logs-nul-resource", "GET", "/api/v1/audit-logs?resource=%00", expect=422),
    Case("audit-logs-bad-until", "GET", "/api/v1/audit-logs?until=%00", expect=422),
    # overview
    Case(
        "overview-garbage-token",
        "GET",
        "/api/v1/overview",
        headers={"Authorization": "Bearer " + "a" * 5000},
        expect=401,
    ),
    Case("overview-post", "POST", "/api/v1/overview", json={}, expect=405),
    # token
    *body_cases("token", "POST", "/token/generate", {"client_id": "x", "client_secret": "y"}, 400)[
        :-1
    ],
    Case(
        "token-wrong-types", "POST", "/token/generate", json={"client_id": 1, "client_secret": [2]}
    ),
    Case("token-nul", "POST", "/token/generate", json={"client_id": "\0", "client_secret": "\0"}),
    Case(
        "token-huge-secret",
        "POST",
        "/token/generate",
        json={"client_id": "x", "client_secret": "s" * 500_000},
    ),
    Case(
        "token-nul-form", "POST", "/token/generate", form={"client_id": "a\0", "client_secret": "b"}
    ),
    Case(
        "token-oversized", "POST", "/token/generate", raw=b"[" + b"1," * LIMIT + b"1]", expect=413
    ),
    # gateway calls
    Case("gateway-id-2^63", "GET", f"/shop/items/{HUGE}", expect=400),
    Case("gateway-id-text", "GET", "/shop/items/abc", expect=400),
    Case("gateway-dot-segments", "GET", "/shop/items/%2e%2e/%2e%2e/api/v1/users"),
    Case("gateway-dot-segment-module", "GET", "/shop/%2e%2e/items"),
    Case("gateway-limit-text", "GET", "/shop/items?limit=abc", expect=400, as_client=True),
    Case("gateway-limit-2^63", "GET", f"/shop/items?limit={HUGE}", expect=400, as_client=True),
    Case("gateway-bad-date", "GET", "/shop/items?since=%00", expect=400, as_client=True),
    Case("gateway-bad-array", "GET", "/shop/items?skip=[1", expect=400, as_client=True),
    Case("gateway-no-token", "GET", "/shop/items", expect=401),
    Case(
        "gateway-deep-json",
        "POST",
        "/shop/items",
        raw=f'{{"name": "a", "meta": {deep(5000)}}}'.encode(),
        headers=JSON,
        expect=400,
        as_client=True,
    ),
    Case(
        "gateway-lone-surrogate",
        "POST",
        "/shop/items",
        raw=b'{"name": "\\ud800"}',
        headers=JSON,
        expect=400,
        as_client=True,
    ),
    Case(
        "gateway-invalid-utf8",
        "POST",
        "/shop/items",
        raw=b'{"name": "\xff\xfe"}',
        headers=JSON,
        expect=400,
        as_client=True,
    ),
    Case(
        "gateway-wrong-types",
        "POST",
        "/shop/items",
        json={"name": ["a"], "price": "cheap"},
        expect=400,
        as_client=True,
    ),
    Case(
        "gateway-gzip",
        "POST",
        "/shop/items",
        raw=b'{"name": "a"}',
        headers=JSON | {"Content-Encoding": "gzip"},
        expect=415,
        as_client=True,
    ),
    Case(
        "gateway-oversized",
        "POST",
        "/shop/items",
        raw=b"[" + b"1," * LIMIT + b"1]",
        headers=JSON,
        expect=413,
        as_client=True,
    ),
    Case(
        "gateway-chunked-oversized",
        "POST",
        "/shop/items",
        raw=b"",
        headers=JSON | {"X-Chunked": str(2 * LIMIT)},
        expect=413,
        as_client=True,
    ),
    Case("gateway-pg-int-overflow", "GET", f"/shop/numbers/{2**40}", expect=400),
    Case(
        "gateway-csv-body-no-array",
        "POST",
        "/shop/items",
        raw=b"name,price\na,1\n",
        headers={"Content-Type": "text/csv"},
        expect=400,
        as_client=True,
    ),
    Case(
        "gateway-csv-body-not-utf8",
        "POST",
        "/shop/items",
        raw=b"name\ncaf\xe9\n",
        headers={"Content-Type": "text/csv"},
        expect=400,
        as_client=True,
    ),
    # the MCP endpoint: the token first, then the transport's refusals (JSON-RPC error
    # bodies); a well-formed request for an unknown method is a JSON-RPC error in a 200
    Case("mcp-no-token", "POST", "/mcp", json=MCP_LIST, headers=MCP_ACCEPT, expect=401),
    Case(
        "mcp-admin-token", "POST", "/mcp", json=MCP_LIST, headers=MCP_ACCEPT, expect=401
    ),  # a dashboard token is not a client token
    Case("mcp-not-json", "POST", "/mcp", raw=b"{", headers=MCP_ACCEPT, as_client=True),
    Case("mcp-batch", "POST", "/mcp", json=[MCP_LIST], headers=MCP_ACCEPT, as_client=True),
    Case(
        "mcp-deep-json",
        "POST",
        "/mcp",
        raw=f'{{"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {deep(5000)}}}'.encode(),
        headers=MCP_ACCEPT,
        as_client=True,
    ),
    Case(
        "mcp-oversized",
        "POST",
        "/mcp",
        raw=b"[" + b"1," * LIMIT + b"1]",
        headers=MCP_ACCEPT,
        expect=413,
        as_client=True,
    ),
    # health
    Case("health-post", "POST", "/health/live", json={}, expect=405),
    Case("health-dot-segments", "GET", "/health/%2e%2e/api/v1/users"),
]


def send(world: World, case: Case) -> Any:
    headers = (world.gateway if case.as_client else world.admin) | case.headers
    path = case.path.format(**world.ids)
    unique = re.sub(r"\W", "_", case.id).encode()
    kwargs: dict[str, Any] = {"headers": headers}
    if "X-Chunked" in headers:
        kwargs["content"] = chunks(int(headers.pop("X-Chunked")))
    elif case.raw is not None:
        kwargs["content"] = case.raw.replace(NAME.encode(), unique)
        kwargs["headers"] = JSON | headers
    elif case.files is not None:
        kwargs["files"] = case.files
        kwargs["data"] = case.form or {}
    elif case.form is not None:
        kwargs["data"] = case.form
    elif case.json is not None:
        kwargs["json"] = orjson.loads(orjson.dumps(case.json).replace(NAME.encode(), unique))
    return world.client.request(case.method, path, **kwargs)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_hostile_request_gets_a_4xx_with_a_message(world: World, case: Case) -> None:
    response = send(world, case)
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:300])
    if case.expect is not None:
        assert response.status_code == case.expect, response.text[:300]
    body = response.json()
    message = body.get("detail") or body.get("message")
    if isinstance(body.get("error"), dict):  # JSON-RPC, at /mcp
        message = body["error"].get("message")
    assert message, body


def test_case_names_are_unique() -> None:
    names = [case.id for case in CASES]
    assert len(names) == len(set(names))
