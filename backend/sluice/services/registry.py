"""The gateway's registry: every published API compiled once, looked up without the store.

Static paths sit in a dict; paths with placeholders are matched segment by segment, a
literal segment winning over a placeholder. The registry is rebuilt when the published
state counter moves (see `publication`): at once in the process that made the change, in
moments in every other process when Redis carries the news, and within a poll interval
otherwise.
"""

import asyncio
import logging
import re
from dataclasses import dataclass, field
from functools import cached_property
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_network
from typing import Any

import redis
from redis.asyncio import Redis as AsyncRedis
from redis.exceptions import RedisError
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from sluice.config import Settings
from sluice.connectors.base import ConnectionConfig
from sluice.engines.params import ParamDef
from sluice.engines.sql import CompiledTemplate, compile_template
from sluice.errors import MethodNotAllowed, NotFound, SluiceError
from sluice.models.api import Api, ApiVersion, Module
from sluice.models.client import Client, ClientApiLink, ClientGroupLink, GroupApiLink
from sluice.models.datasource import Datasource
from sluice.security import Keyring
from sluice.services import publication
from sluice.services.datasources import connection_config, stored_password
from sluice.services.macros import pinned_sources

log = logging.getLogger(__name__)
CLIENT_REFERENCE = re.compile(r"\bclient\b")


@dataclass(frozen=True, eq=False)
class LiveApi:
    """One published API version, ready to run."""

    api_id: int
    version_id: int
    version: int
    module: str
    path: str
    method: str
    access: str
    engine: str
    params: tuple[ParamDef, ...]
    template: CompiledTemplate | None
    datasource_id: int | None
    datasource_key: str
    connection: ConnectionConfig | None
    timeout_ms: int | None
    pagination: str
    cache_ttl_seconds: int | None
    rate_limit_per_minute: int | None
    result_transform: str | None
    param_validation: str | None = None
    datasource_name: str | None = None
    script: str | None = None
    """The source of a script API."""
    script_macros: dict[str, str] = field(default_factory=dict)
    """The pinned Python macros a script or transform imports, by name."""
    uses_client: bool = False
    """The template reads `client`, so cached answers are kept per client."""
    unavailable: str | None = None
    """Why this API cannot run (its data source was removed or disabled, it no longer
    compiles); calls get a 503 saying so instead of a 404."""

    @cached_property
    def param_locations(self) -> frozenset[str]:
        """Where its params come from: a call reads only those parts of the request."""
        return frozenset(d.location for d in self.params)


Methods = dict[str, LiveApi]


@dataclass(frozen=True, eq=False)
class LiveClient:
    """A client app as the gateway needs it: credentials, policy and grants."""

    id: int
    client_id: str
    secret_hash: str
    is_active: bool
    generation: int
    networks: tuple[IPv4Network | IPv6Network, ...]
    max_concurrent: int | None
    rate_limit_per_minute: int | None
    token_expire_seconds: int | None
    attributes: dict[str, Any]
    api_ids: frozenset[int]
    """Every API the client reaches, directly or through a group."""

    def allows_ip(self, ip: IPv4Address | IPv6Address | None) -> bool:
        if not self.networks:
            return True
        return ip is not None and any(ip in network for network in self.networks)


@dataclass
class _Pattern:
    segments: tuple[str | None, ...]  # None for a placeholder
    names: tuple[str, ...]
    methods: Methods = field(default_factory=dict)

    def match(self, parts: list[str]) -> dict[str, str] | None:
        if len(parts) != len(self.segments):
            return None
        values: list[str] = []
        for part, segment in zip(parts, self.segments, strict=True):
            if segment is None:
                values.append(part)
            elif segment != part:
                return None
        return dict(zip(self.names, values, strict=True))


class Registry:
    def __init__(
        self, apis: list[LiveApi], version: int, clients: list[LiveClient] | None = None
    ) -> None:
        self.version = version
        self.apis = apis
        self.clients = {c.client_id: c for c in clients or []}
        self._static: dict[tuple[str, str], Methods] = {}
        self._patterns: dict[str, list[_Pattern]] = {}
        for api in apis:
            self._add(api)
        for patterns in self._patterns.values():
            patterns.sort(key=lambda p: tuple(s is None for s in p.segments))

    def _add(self, api: LiveApi) -> None:
        segments = tuple(None if s.startswith("{") else s for s in api.path.split("/"))
        if None not in segments:
            self._static.setdefault((api.module, api.path), {})[api.method] = api
            return
        patterns = self._patterns.setdefault(api.module, [])
        found = next((p for p in patterns if p.segments == segments), None)
        if found is None:
            names = tuple(s[1:-1] for s in api.path.split("/") if s.startswith("{"))
            found = _Pattern(segments, names)
            patterns.append(found)
        found.methods[api.method] = api

    def resolve(self, module: str, path: str, method: str) -> tuple[LiveApi, dict[str, str]]:
        """The API answering `method /module/path`, and the path parameters' raw values."""
        path = path.strip("/")
        values: dict[str, str] = {}
        methods = self._static.get((module, path))
        if methods is None:
            methods, values = self._match(module, path)
        api = methods.get(method)
        if api is None:
            raise MethodNotAllowed(f"{method} is not allowed here", allowed=list(methods))
        return api, values

    def _match(self, module: str, path: str) -> tuple[Methods, dict[str, str]]:
        parts = path.split("/")
        for pattern in self._patterns.get(module, ()):
            values = pattern.match(parts)
            if values is not None:
                return pattern.methods, values
        raise NotFound(f"No API at /{module}/{path}")


def build(session: Session, settings: Settings, keyring: Keyring) -> Registry:
    """Compile every published API of an active module from its live version."""
    version = publication.current(session)
    query = (
        select(Api, ApiVersion, Module)
        .where(col(Api.is_published), col(Api.published_version_id) == ApiVersion.id)
        .where(col(Module.id) == Api.module_id, col(Module.is_active))
    )
    apis = [live_api(session, settings, keyring, a, v, m) for a, v, m in session.exec(query).all()]
    return Registry(apis, version, _clients(session))


def _clients(session: Session) -> list[LiveClient]:
    direct: dict[int, set[int]] = {}
    for client_id, api_id in session.exec(
        select(ClientApiLink.client_id, ClientApiLink.api_id)
    ).all():
        direct.setdefault(client_id or 0, set()).add(api_id or 0)
    via = select(ClientGroupLink.client_id, GroupApiLink.api_id).where(
        ClientGroupLink.group_id == GroupApiLink.group_id
    )
    for client_id, api_id in session.exec(via).all():
        direct.setdefault(client_id or 0, set()).add(api_id or 0)
    return [
        _live_client(c, frozenset(direct.get(c.id or 0, ())))
        for c in session.exec(select(Client)).all()
    ]


def _live_client(client: Client, api_ids: frozenset[int]) -> LiveClient:
    assert client.id is not None
    return LiveClient(
        id=client.id,
        client_id=client.client_id,
        secret_hash=client.secret_hash,
        is_active=client.is_active,
        generation=client.token_generation,
        networks=tuple(ip_network(n, strict=False) for n in client.allowed_ips),
        max_concurrent=client.max_concurrent,
        rate_limit_per_minute=client.rate_limit_per_minute,
        token_expire_seconds=client.token_expire_seconds,
        attributes=dict(client.attributes),
        api_ids=api_ids,
    )


def live_api(
    session: Session,
    settings: Settings,
    keyring: Keyring,
    api: Api,
    version: ApiVersion,
    module: Module,
) -> LiveApi:
    frozen = version.snapshot
    assert api.id is not None and version.id is not None
    template, connection, key, problem, name = None, None, "", None, None
    pinned: dict[str, str] = {}
    try:
        pinned = pinned_sources(session, version.macro_versions)
        if frozen["engine"] == "sql":
            template = compile_template(frozen["content"], pinned)
        connection, key, name = _connection(session, settings, keyring, frozen.get("datasource_id"))
    except SluiceError as exc:
        problem = exc.message
        log.warning("published API %s cannot run: %s", api.id, problem)
    return LiveApi(
        api_id=api.id,
        version_id=version.id,
        version=version.version,
        module=module.name,
        path=frozen["path"],
        method=frozen["method"],
        access=frozen["access"],
        engine=frozen["engine"],
        params=tuple(ParamDef.model_validate(p) for p in frozen["params"]),
        template=template,
        datasource_id=frozen.get("datasource_id"),
        datasource_key=key,
        connection=connection,
        timeout_ms=frozen.get("timeout_ms"),
        pagination=frozen.get("pagination", "none"),
        cache_ttl_seconds=frozen.get("cache_ttl_seconds"),
        rate_limit_per_minute=frozen.get("rate_limit_per_minute"),
        result_transform=frozen.get("result_transform"),
        param_validation=frozen.get("param_validation"),
        unavailable=problem,
        uses_client=bool(CLIENT_REFERENCE.search(frozen.get("content", ""))),
        datasource_name=name,
        script_macros=pinned,
        script=frozen["content"] if frozen["engine"] == "script" else None,
    )


def _connection(
    session: Session, settings: Settings, keyring: Keyring, datasource_id: int | None
) -> tuple[ConnectionConfig | None, str, str | None]:
    if datasource_id is None:
        return None, "", None
    ds = session.get(Datasource, datasource_id)
    if ds is None or not ds.is_active:
        raise SluiceError(f"its data source {datasource_id} is missing or inactive")
    config = connection_config(ds, settings, stored_password(ds, keyring))
    return config, ds.updated_at.isoformat(), ds.name


class RegistryHolder:
    """The current registry of one process, and what keeps it fresh.

    The process that makes a change rebuilds at once (`changed`) and, with Redis, announces
    it on a channel every other process listens to (`listen`), so they rebuild within
    moments. Each process also polls the store's counter (`refresh`, every
    REGISTRY_POLL_SECONDS): the fallback without Redis, or for an announcement missed
    while Redis was away."""

    def __init__(
        self,
        engine: Engine,
        settings: Settings,
        keyring: Keyring,
        redis: "redis.Redis | None" = None,
    ) -> None:
        self._engine, self._settings, self._keyring = engine, settings, keyring
        self._redis = redis
        self.channel = f"{settings.REDIS_PREFIX}:registry"
        self.current = Registry([], 0)

    def rebuild(self) -> Registry:
        with Session(self._engine) as session:
            self.current = build(session, self._settings, self._keyring)
        return self.current

    def stale(self) -> bool:
        with Session(self._engine) as session:
            return publication.current(session) != self.current.version

    def changed(self) -> None:
        """After a change made in this process: rebuild now and tell the others."""
        self.rebuild()
        if self._redis is None:
            return
        try:
            self._redis.publish(self.channel, str(self.current.version))
        except RedisError:
            log.warning("could not announce a registry change on Redis; others poll for it")

    async def refresh(self) -> None:
        """Rebuild when another process changed the published state (one tiny query)."""
        if await asyncio.to_thread(self.stale):
            await asyncio.to_thread(self.rebuild)

    async def listen(self, redis: AsyncRedis, stop: asyncio.Event) -> None:
        """Refresh whenever another process announces a change, until `stop`."""
        async with redis.pubsub(ignore_subscribe_messages=True) as pubsub:
            await pubsub.subscribe(self.channel)
            while not stop.is_set():
                if await pubsub.get_message(timeout=0.5) is not None:
                    await self.refresh()
