"""`/mcp`: the gateway as Model Context Protocol tools (streamable HTTP, the `mcp` SDK).

A client authenticates with its gateway token (`Authorization: Bearer`, the JWT of
`POST /token/generate`) on every HTTP request; a bad one is a 401 before the protocol
starts. Its tools, and how a tool call becomes a gateway call, are in `mcp_server`.

The SDK is imported on the first request to `/mcp`, not when a worker starts: it was
0.4 s of each worker's import (its hundreds of pydantic models), and most installations
serve far more HTTP calls than MCP ones. The session manager's task group must be entered
and left by one task, so a task of the app's lifespan (`McpGateway.running`) waits for
that first request, starts the manager and keeps it until the app stops.
"""

import asyncio
import importlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from fastapi import Request
from starlette.types import Receive, Scope, Send

from sluice.errors import Forbidden, SluiceError
from sluice.gateway.auth import authenticate
from sluice.gateway.errors import error_response
from sluice.gateway.firewall import check_global, client_ip
from sluice.services.registry import LiveClient, Refusal

if TYPE_CHECKING:
    from mcp.server.streamable_http_manager import StreamableHTTPSessionManager

    from sluice.gateway.mcp_server import McpServer

CLIENT_KEY = "sluice.mcp_client"
"""Where the endpoint leaves the authenticated client's id in the ASGI scope."""


class _Run:
    """One lifespan's session manager: asked for by the first request, started by the
    lifespan's task, stopped with the app."""

    def __init__(self) -> None:
        self.wanted, self.started, self.stop = asyncio.Event(), asyncio.Event(), asyncio.Event()
        self.manager: StreamableHTTPSessionManager | None = None


class McpGateway:
    """The `/mcp` endpoint of one app: authentication, then the MCP server and its tools."""

    def __init__(self, max_body: int) -> None:
        self.max_body = max_body
        self.server: McpServer | None = None
        """The tools' server, made on the first request (kept across lifespans)."""
        self._run: _Run | None = None

    @asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """Serve `/mcp` for one app lifespan (the session manager runs only once)."""
        run = self._run = _Run()
        task = asyncio.create_task(self._serve(run))
        try:
            yield
        finally:
            run.stop.set()
            run.wanted.set()
            await task

    async def _serve(self, run: _Run) -> None:
        await run.wanted.wait()
        try:
            if run.stop.is_set():
                return
            if self.server is None:  # imported in a thread: the loop serves meanwhile
                module = await asyncio.to_thread(
                    importlib.import_module, f"{__package__}.mcp_server"
                )
                self.server = module.McpServer()
            manager = self.server.session_manager(self.max_body)
            async with manager.run():
                run.manager = manager
                run.started.set()
                await run.stop.wait()
        finally:
            run.started.set()  # a failed start answers the waiting requests too

    async def _manager(self) -> "StreamableHTTPSessionManager":
        run = self._run
        assert run is not None, "the app's lifespan runs the MCP endpoint"
        run.wanted.set()
        await run.started.wait()
        if run.manager is None:
            raise RuntimeError("the MCP session manager did not start")
        return run.manager

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The ASGI endpoint: the token and the firewall first, then the protocol."""
        request = Request(scope, receive)
        try:
            client = await self._client(request)
        except SluiceError as error:
            response = error_response(error)
            if response.status_code == 401:
                response.headers["WWW-Authenticate"] = "Bearer"
            await response(scope, receive, send)
            return
        scope[CLIENT_KEY] = client.client_id
        manager = await self._manager()
        await manager.handle_request(scope, receive, send)

    async def _client(self, request: Request) -> LiveClient:
        state = request.app.state
        try:
            client = authenticate(request, state.registry.current, state.tokens)
        except Refusal:
            if not await state.registry.confirm():
                raise
            client = authenticate(request, state.registry.current, state.tokens)
        settings = state.settings
        ip = client_ip(request, settings.TRUSTED_PROXY_COUNT)
        check_global(ip, tuple(settings.GATEWAY_IP_ALLOWLIST), tuple(settings.GATEWAY_IP_DENYLIST))
        if not client.allows_ip(ip):
            raise Forbidden("This client may not call from this address")
        return client
