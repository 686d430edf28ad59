"""create_app(): the admin API, the dashboard, health and metrics in one ASGI app.

Everything the app holds (settings, store engine, Redis, limiter, metrics) hangs on
`app.state`, so tests build an app from their own Settings and nothing is global.
"""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import redis
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.routing import APIRoute, iter_route_contexts
from redis.asyncio import Redis as AsyncRedis
from starlette.routing import Match, Route
from starlette.types import Receive, Scope, Send

from sluice.admin.router import PREFIX, api_router
from sluice.admin.routes.tables import IMPORT_PATH
from sluice.background import Periodic
from sluice.collector import collector_paused, startup_objects_frozen
from sluice.config import Settings, get_settings
from sluice.connectors import PoolManager
from sluice.db import make_engine
from sluice.engines.script import ScriptPool
from sluice.gateway.access_log import AccessLog
from sluice.gateway.auth import TokenCache
from sluice.gateway.cache import ResponseCache
from sluice.gateway.limits import Limiter
from sluice.gateway.mcp import McpGateway
from sluice.gateway.router import Gateway, gateway_route
from sluice.gateway.token import router as token_router
from sluice.http import AnswerUnexpectedErrors, RejectLargeBodies, header, install_error_handlers
from sluice.methods import answer_options, without_body
from sluice.observability import health
from sluice.observability.metrics import Metrics
from sluice.observability.requests import (
    CorrelationIdMiddleware,
    ObserveRequests,
    request_id_middleware,
)
from sluice.redis_link import RedisLink
from sluice.security import Keyring, client_secret_key, derive_key
from sluice.services import audit
from sluice.services.alert_runner import make_runner
from sluice.services.registry import RegistryHolder
from sluice.services.throttle import LoginGuard, Throttle
from sluice.swagger import mount_swagger_assets
from sluice.ui import mount_ui


def operation_id(route: APIRoute) -> str:
    """Stable ids for the generated dashboard client: `{tag}-{function name}`."""
    return f"{route.tags[0]}-{route.name}" if route.tags else route.name


class SluiceApp(FastAPI):
    """FastAPI with the gateway in front of it (see `gateway.router`): gateway calls skip
    FastAPI and the admin API's layers entirely."""

    gateway: Gateway | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in ("HEAD", "OPTIONS"):
            scope, send = self._head_or_options(scope, send)
        if self.gateway is not None and scope["type"] == "http":
            route = gateway_route(scope["path"])
            if route is not None:
                scope["app"], scope["gateway_route"] = self, route
                await self.gateway(scope, receive, send)
                return
        await super().__call__(scope, receive, send)

    def _head_or_options(self, scope: Scope, send: Send) -> tuple[Scope, Send]:
        """HEAD runs as GET without the body, everywhere (admin, health, gateway); a plain
        OPTIONS answers 204 with `Allow` (see `answer_options`); a CORS preflight is left
        to the CORS layers."""
        if scope["method"] == "HEAD":
            return {**scope, "method": "GET"}, without_body(send)
        if header(scope, b"access-control-request-method"):
            return scope, send
        return scope, answer_options(send, self._methods_at(scope))

    def _methods_at(self, scope: Scope) -> set[str]:
        """The methods of every admin route at the request's path: the routing's own 405
        names only the first route that matched it. Empty for a gateway path, where the
        gateway's 405 lists them all."""
        if self.gateway is not None and gateway_route(scope["path"]) is not None:
            return set()
        methods: set[str] = set()
        for context in iter_route_contexts(self.routes):
            if context.matches(scope)[0] is not Match.NONE:
                methods |= context.methods or set()
        return methods


class NamedRoute(Route):
    """A plain ASGI route that, like FastAPI's own, names itself in the scope, so the
    request metrics label its calls with its path rather than `unmatched`."""

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        match, child = super().matches(scope)
        if match is not Match.NONE:
            child["route"] = self
        return match, child


def create_app(settings: Settings | None = None) -> FastAPI:
    """The app, with the garbage collector paused while it is assembled: building the admin
    API's route states sets off collections that walk the whole heap the imports left
    (about 300,000 objects, none of them garbage), half of a worker's `create_app` (0.35 s
    of CPU against 0.17 s paused)."""
    with collector_paused():
        return _assemble(settings or get_settings())


def _assemble(settings: Settings) -> FastAPI:

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await asyncio.to_thread(app.state.registry.rebuild)
        background = Periodic()
        background.every(
            settings.REGISTRY_POLL_SECONDS, app.state.registry.refresh, "registry refresh"
        )
        if app.state.redis_async is not None:
            redis_async = app.state.redis_async
            background.until_stopped(
                lambda stop: app.state.registry.listen(redis_async, stop), "registry listener"
            )
        background.every(0.5, app.state.access_log.flush, "writing access records")
        background.every(5, app.state.access_log.report_drops, "reporting dropped records")
        retention = settings.ACCESS_LOG_RETENTION_DAYS
        background.every(
            3600, lambda: app.state.access_log.prune(retention), "pruning access records"
        )
        alerts = make_runner(app.state.engine, settings, app.state.keyring, app.state.redis_async)
        if settings.ALERTS_ENABLED:
            background.every(settings.ALERTS_EVALUATION_SECONDS, alerts.round, "evaluating alerts")
        async with app.state.mcp.running():
            with startup_objects_frozen():
                yield
        await alerts.close()
        await background.stop()
        await alerts.aclose()
        await app.state.access_log.flush(final=True)
        app.state.metrics.close()
        await app.state.pools.close_all()
        await asyncio.to_thread(app.state.scripts.close)
        if app.state.redis_async is not None:
            await app.state.redis_async.aclose()
        if app.state.redis_link is not None:
            await app.state.redis_link.close()
        app.state.engine.dispose()
        if app.state.redis is not None:
            app.state.redis.close()

    app = SluiceApp(
        title="Sluice",
        version="0.1.0",
        lifespan=lifespan,
        generate_unique_id_function=operation_id,
        docs_url=None,  # admin/routes/docs.py serves it without a CDN
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
    )
    app.state.settings = settings
    app.state.engine = make_engine(settings.database_url)
    app.state.redis = _redis_client(settings.REDIS_URL)
    app.state.metrics = Metrics()
    app.state.keyring = Keyring.from_settings(
        settings.secret_key, settings.DATASOURCE_ENCRYPTION_KEY
    )
    app.state.pools = PoolManager(retry_delays_ms=settings.EXTERNAL_DB_RETRY_DELAYS_MS)
    app.state.registry = RegistryHolder(
        app.state.engine, settings, app.state.keyring, app.state.redis
    )
    app.state.client_secret_key = client_secret_key(settings.secret_key)
    app.state.client_token_key = derive_key(settings.secret_key, "client-token")
    app.state.tokens = TokenCache(app.state.client_token_key)
    app.state.redis_async = _async_redis(settings.REDIS_URL)
    app.state.redis_link = RedisLink(settings.REDIS_URL) if settings.REDIS_URL else None
    app.state.limiter = Limiter(
        app.state.redis_link,
        settings.FLOW_CONTROL_SLOT_LEASE_SECONDS,
        settings.REDIS_PREFIX,
        app.state.metrics,
    )
    app.state.metrics.watch(
        lambda: (api.api_id for api in app.state.registry.current.apis), app.state.pools.usage
    )
    app.state.cache = ResponseCache(app.state.redis_link)
    app.state.access_log = AccessLog(
        app.state.engine, app.state.metrics, size=settings.GATEWAY_ACCESS_LOG_QUEUE_SIZE
    )
    app.state.scripts = ScriptPool.from_settings(settings)
    app.state.token_throttle = Throttle(
        "token",
        {"client": settings.TOKEN_RATE_LIMIT_PER_CLIENT, "ip": settings.TOKEN_RATE_LIMIT_PER_IP},
        settings.REDIS_URL,
        settings.REDIS_PREFIX,
    )
    app.state.login_guard = LoginGuard(
        settings.LOGIN_RATE_LIMIT_PER_ACCOUNT,
        settings.LOGIN_RATE_LIMIT_PER_IP,
        settings.REDIS_URL,
        settings.REDIS_PREFIX,
    )

    install_error_handlers(app)
    audit.install()
    app.include_router(api_router, prefix=PREFIX)
    app.include_router(health.router)
    mount_swagger_assets(app)
    mount_ui(app, settings.UI_DIST_DIR)
    app.include_router(token_router)
    app.state.mcp = McpGateway(settings.MAX_REQUEST_BODY_BYTES)
    app.router.routes.append(NamedRoute("/mcp", endpoint=app.state.mcp))
    app.state.route_templates = route_templates(app)
    app.gateway = Gateway(settings)

    app.add_middleware(
        RejectLargeBodies,
        max_body_size=settings.MAX_REQUEST_BODY_BYTES,
        uploads=(IMPORT_PATH, settings.CSV_IMPORT_MAX_BYTES),
    )
    app.add_middleware(AnswerUnexpectedErrors)
    app.add_middleware(ObserveRequests, metrics=app.state.metrics)
    if settings.BACKEND_CORS_ORIGINS:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.BACKEND_CORS_ORIGINS,
            allow_methods=["*"],
            allow_headers=["*"],
            expose_headers=["X-Request-ID"],
        )
    app.add_middleware(CorrelationIdMiddleware, **request_id_middleware())
    return app


def route_templates(app: FastAPI) -> dict[int, str]:
    """Full path templates by route object, for metric labels (routers nest their prefixes)."""
    return {
        id(context.original_route): context.path_format or "unmatched"
        for context in iter_route_contexts(app.routes)
    }


def _async_redis(url: str | None) -> "AsyncRedis | None":
    if not url:
        return None
    return AsyncRedis.from_url(url, socket_timeout=1.0, socket_connect_timeout=0.5)


def _redis_client(url: str | None) -> "redis.Redis | None":
    if not url:
        return None
    return redis.Redis.from_url(url, socket_timeout=1.0, socket_connect_timeout=1.0)
