"""The gateway as Model Context Protocol tools (streamable HTTP, the `mcp` SDK).

A client authenticates with its gateway token (`Authorization: Bearer`, the JWT of
`POST /token/generate`) on every HTTP request; a bad one is a 401 before the protocol
starts. Its tools are the published APIs it is granted (directly or through a group),
less those hidden from MCP (the API's or its module's `mcp_hidden`) and the writes their
API does not expose (`mcp_writes`).

A tool call is a gateway call: it is turned into the HTTP request the API's own route
takes (path, query, headers, JSON body) and handed to the gateway's ASGI entry
(`Gateway.serve`), so firewall, access check, limits, parameter checks, cache, engine,
access record and metrics are the very code an HTTP call runs, not a copy. The record
says `via: mcp`. The gateway's answer becomes the tool's result: the success envelope as
structured content, or a tool error (`isError`) carrying the gateway's code and message.

The session manager runs stateless with JSON answers (see docs/ARCHITECTURE.md): any
worker of any instance answers any request, and no session outlives its request.

This module holds what needs the SDK (`mcp`, `mcp_types`: 0.4 s of a worker's start);
`gateway.mcp`, the endpoint, imports it on the first request to `/mcp`.
"""

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

import mcp_types as types
import orjson
from fastapi import Request
from mcp.server.context import ServerRequestContext
from mcp.server.lowlevel.server import Server
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from starlette.types import Message, Scope

from sluice.engines.params import param_schema
from sluice.gateway.access_log import VIA_KEY
from sluice.gateway.mcp import CLIENT_KEY
from sluice.models.api import path_placeholders
from sluice.services.gateway_docs import success_schema
from sluice.services.registry import LiveApi, LiveClient, Registry
from sluice.services.result_types import describe_missing

MAX_TOOL_NAME = 64  # the strictest limit common MCP clients put on a tool's name
PAGE_KEYS = {"page": ("page", "page_size"), "offset": ("limit", "offset")}
_NOT_NAME = re.compile(r"[^a-z0-9]+")
_FORWARDED = (b"authorization", b"x-forwarded-for", b"user-agent", b"x-request-id")
"""Headers of the MCP request the tool call's gateway request carries on: the token, the
address behind trusted proxies (the firewall reads it), the caller's agent and id."""


def output_schema(api: LiveApi) -> dict[str, Any]:
    """The tool's output: the gateway's success envelope, `data` typed as the gateway's
    OpenAPI document types it (the version's described result)."""
    return success_schema(api)


@dataclass(frozen=True)
class Tool:
    """One published API as an MCP tool."""

    name: str
    api: LiveApi
    path_names: tuple[str, ...]
    page_keys: tuple[str, ...]

    @property
    def exposed(self) -> bool:
        """Whether any client may see it: not hidden, and a write only if allowed."""
        api = self.api
        hidden = api.mcp_hidden or api.module_mcp_hidden
        return not hidden and (api.method == "GET" or api.mcp_writes)

    def describe(self) -> types.Tool:
        api = self.api
        route = f"{api.method} /{api.module}/{api.path}"
        return types.Tool(
            name=self.name,
            title=api.name or route,
            description=f"{api.description}\n\n{route}" if api.description else route,
            input_schema=self.input_schema(),
            output_schema=output_schema(api),
            annotations=types.ToolAnnotations(
                read_only_hint=api.method == "GET",
                destructive_hint=api.method == "DELETE",
                idempotent_hint=api.method in ("GET", "PUT", "DELETE"),
                open_world_hint=False,
            ),
        )

    def input_schema(self) -> dict[str, Any]:
        """The API's parameters as one object; path placeholders it does not declare are
        required strings; the pagination keys of a paginated API are optional integers."""
        declared = {d.name: d for d in self.api.params}
        properties = {name: param_schema(d) for name, d in declared.items()}
        required = [d.name for d in self.api.params if d.required]
        for name in self.path_names:
            if name not in declared:
                properties[name] = {"type": "string"}
            if name not in required:
                required.append(name)
        for key in self.page_keys:
            properties[key] = {"type": "integer", "minimum": 0 if key == "offset" else 1}
        schema: dict[str, Any] = {"type": "object", "properties": properties}
        if required:
            schema["required"] = required
        return schema


class Catalog:
    """Every published API as a tool, named once per registry: `module__api_name`, the
    API's name in lowercase letters, digits and `_`; an API whose name another API
    (with a lower id) already took gets `_<id>` appended, so names do not move when
    APIs are added later."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self.tools: dict[str, Tool] = {}
        for api in sorted(registry.apis, key=lambda a: a.api_id):
            name = _tool_name(api)
            if name in self.tools:
                suffix = f"_{api.api_id}"
                name = name[: MAX_TOOL_NAME - len(suffix)] + suffix
            names = tuple(path_placeholders(api.path))
            page = tuple(k for k in PAGE_KEYS.get(api.pagination, ()) if k not in names)
            self.tools[name] = Tool(name, api, names, page)

    def for_client(self, client: LiveClient) -> list[Tool]:
        granted = self.registry.granted(client)
        return [t for t in self.tools.values() if t.exposed and t.api.api_id in granted]

    def find(self, name: str, client: LiveClient) -> Tool | None:
        tool = self.tools.get(name)
        if tool is None or not tool.exposed or not self.registry.allows(client, tool.api.api_id):
            return None
        return tool


def _tool_name(api: LiveApi) -> str:
    stem = _NOT_NAME.sub("_", (api.name or api.path).lower()).strip("_") or "api"
    return f"{api.module}__{stem}"[:MAX_TOOL_NAME]


class McpServer:
    """The MCP server of one app: its tools (the current registry's catalog) and what
    listing and calling them do."""

    def __init__(self) -> None:
        self.server: Server[Any] = Server(
            "sluice",
            version="0.1.0",
            instructions="Each tool is a published Sluice API this client may call.",
            on_list_tools=self._list_tools,
            on_call_tool=self._call_tool,
        )
        self._catalog: Catalog | None = None

    def session_manager(self, max_body: int) -> StreamableHTTPSessionManager:
        """A new session manager (one per app lifespan: a manager runs only once)."""
        return StreamableHTTPSessionManager(
            self.server, json_response=True, stateless=True, max_request_body_size=max_body
        )

    def catalog(self, registry: Registry) -> Catalog:
        """The tools of the current registry, built once per registry."""
        if self._catalog is None or self._catalog.registry is not registry:
            self._catalog = Catalog(registry)
        return self._catalog

    async def _list_tools(
        self, ctx: ServerRequestContext[Any, Any], params: types.PaginatedRequestParams | None
    ) -> types.ListToolsResult:
        del params  # every tool at once: a client's list is short
        request, client = _caller(ctx)
        await describe_missing(request.app.state)  # the output schemas need the results
        registry = request.app.state.registry.current
        tools = self.catalog(registry).for_client(client) if client else []
        return types.ListToolsResult(tools=[t.describe() for t in tools])

    async def _call_tool(
        self, ctx: ServerRequestContext[Any, Any], params: types.CallToolRequestParams
    ) -> types.CallToolResult:
        request, client = _caller(ctx)
        holder = request.app.state.registry
        tool = self.catalog(holder.current).find(params.name, client) if client else None
        if tool is None and await holder.confirm():  # granted elsewhere a moment ago?
            request, client = _caller(ctx)
            tool = self.catalog(holder.current).find(params.name, client) if client else None
        if tool is None:
            return _tool_error(
                "not_found", f"No tool named {params.name!r} for this client", None, 404
            )
        return await call_through_gateway(request, tool, params.arguments or {})


def _caller(ctx: ServerRequestContext[Any, Any]) -> tuple[Request, LiveClient | None]:
    """The MCP HTTP request and its client, as the registry knows it now."""
    request = ctx.request
    assert isinstance(request, Request), "the streamable HTTP transport hands its request"
    client_id = request.scope.get(CLIENT_KEY)
    return request, request.app.state.registry.current.clients.get(client_id)


# -- a tool call as a gateway request ------------------------------------------------------


async def call_through_gateway(
    request: Request, tool: Tool, arguments: Mapping[str, Any]
) -> types.CallToolResult:
    """Run the tool's API through the gateway's entry, as the HTTP request its route
    takes, and turn the answer into the tool's result."""
    try:
        scope, body = _gateway_request(request, tool, arguments)
    except ValueError as exc:
        return _tool_error("bad_request", str(exc), None, 400)
    status, headers, raw = await _serve(request.app.gateway.serve, scope, body)
    try:
        answer = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return _tool_error("internal_error", "The gateway's answer was not JSON", None, status)
    if status < 400 and isinstance(answer, dict) and answer.get("success"):
        text = json.dumps(answer, ensure_ascii=False, default=str)
        return types.CallToolResult(
            content=[types.TextContent(type="text", text=text)], structured_content=answer
        )
    if not isinstance(answer, dict):
        answer = {}
    return _tool_error(
        str(answer.get("error") or "internal_error"),
        str(answer.get("message") or "The call failed"),
        answer.get("request_id"),
        status,
        headers.get("retry-after"),
    )


def _tool_error(
    code: str, message: str, request_id: Any, status: int, retry_after: str | None = None
) -> types.CallToolResult:
    """A tool error with the gateway's code and message (and its HTTP status, and when a
    limit refused the call, the seconds its `Retry-After` asks to wait)."""
    body: dict[str, Any] = {"success": False, "error": code, "message": message, "status": status}
    text = f"{code}: {message}"
    if request_id:
        body["request_id"] = request_id
    if retry_after and retry_after.isdigit():
        body["retry_after"] = int(retry_after)
        text += f" (retry after {retry_after} s)"
    return types.CallToolResult(
        content=[types.TextContent(type="text", text=text)],
        structured_content=body,
        is_error=True,
    )


def _gateway_request(
    request: Request, tool: Tool, arguments: Mapping[str, Any]
) -> tuple[Scope, bytes]:
    """The ASGI scope and body of the HTTP call that the arguments make: each argument
    goes where its parameter is declared, as an HTTP client would send it."""
    api, placed = tool.api, _placed(tool, arguments)
    segments = [
        _path_value(s[1:-1], placed["path"].get(s[1:-1])) if s.startswith("{") else s
        for s in api.path.split("/")
    ]
    path = f"/{api.module}/{'/'.join(segments)}"
    headers = [(k, v) for k, v in request.scope["headers"] if k in _FORWARDED]
    for name, value in placed["header"].items():
        key = name.lower().replace("_", "-").encode("latin-1", "replace")
        if key not in _FORWARDED:
            headers.append((key, _text(value).encode("utf-8")))
    body = b""
    if placed["body"]:
        body = orjson.dumps(placed["body"])
        headers += [(b"content-type", b"application/json")]
        headers += [(b"content-length", str(len(body)).encode())]
    outer = request.scope
    scope: Scope = {
        "type": "http",
        "asgi": outer.get("asgi", {"version": "3.0"}),
        "http_version": outer.get("http_version", "1.1"),
        "method": api.method,
        "scheme": outer.get("scheme", "http"),
        "server": outer.get("server"),
        "client": outer.get("client"),
        "root_path": "",
        "path": path,
        "raw_path": quote(path).encode(),
        "query_string": urlencode([(k, _text(v)) for k, v in placed["query"].items()]).encode(),
        "headers": headers,
        "app": request.app,
        "state": {},
        "gateway_route": (api.module, "/".join(segments)),
        VIA_KEY: "mcp",
    }
    return scope, body


def _placed(tool: Tool, arguments: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The arguments by where the API reads them (path, query, header, body); a name the
    API does not take is dropped, as the gateway ignores an unknown parameter."""
    declared = {d.name: d.location for d in tool.api.params}
    placed: dict[str, dict[str, Any]] = {"path": {}, "query": {}, "header": {}, "body": {}}
    for name, value in arguments.items():
        if value is None:
            continue
        if name in tool.path_names:
            placed["path"][name] = value
        elif name in tool.page_keys:
            placed["query"][name] = value
        elif name in declared:
            placed[declared[name]][name] = value
    return placed


def _path_value(name: str, value: Any) -> str:
    if value is None:
        raise ValueError(f"parameter {name!r} is required")
    text = _text(value)
    if not text or "/" in text:
        raise ValueError(f"parameter {name!r}: a path value must be non-empty, without '/'")
    return text


def _text(value: Any) -> str:
    """An argument as the text an HTTP client sends: JSON for arrays, objects and
    booleans (`true`), the string itself for a string."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


async def _serve(app: Any, scope: Scope, body: bytes) -> tuple[int, dict[str, str], bytes]:
    """Run one request through an ASGI app in process; its status, headers and body."""
    sent = False
    status, chunks = 500, []
    headers: dict[str, str] = {}

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: Message) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
            headers.update((k.decode().lower(), v.decode()) for k, v in message["headers"])
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    return status, headers, b"".join(chunks)
