"""The gateway's registry: every published API loaded once, looked up without the store.

Static paths sit in a dict; paths with placeholders are matched segment by segment, a
literal segment winning over a placeholder. When the published state counter moves (see
`publication`), the registry reloads only the APIs, clients and groups its change log
names (`update`), sharing the rest with the registry before; a template is compiled on its
first call. `RegistryHolder` says how every process is brought up to date before the
admin API answers.
"""

import asyncio
import logging
import re
import secrets
import threading
import time
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_network
from typing import Any, NamedTuple, Protocol

import redis
from redis.asyncio import Redis as AsyncRedis
from redis.exceptions import RedisError
from sqlalchemy import Engine
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from sluice.collector import collector_paused
from sluice.config import Settings
from sluice.connectors.base import ConnectionConfig
from sluice.engines.params import ParamDef
from sluice.engines.sql import CompiledTemplate, compile_template
from sluice.engines.whole_table import WriteGuard
from sluice.errors import MethodNotAllowed, NotFound, SluiceError
from sluice.models.api import Api, ApiVersion, Module
from sluice.models.client import Client, ClientApiLink, ClientGroupLink, Group, GroupApiLink
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
    param_specs: tuple[dict[str, Any], ...]
    """Its params as the version froze them (made into `params` on first use)."""
    sql: str | None
    """The SQL template's source (compiled on first use: `template`)."""
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
    name: str = ""
    allow_whole_table_writes: bool = False
    """An UPDATE or DELETE without WHERE may run (refused with a 400 otherwise)."""
    problem: str | None = None
    """Why this API cannot run, found when it was loaded (its data source was removed or
    disabled, a macro it pins is gone)."""
    description: str | None = None
    mcp_hidden: bool = False
    """The version hides it from `/mcp`."""
    module_mcp_hidden: bool = False
    """Its module hides it from `/mcp` (a live setting of the module, not versioned)."""
    mcp_writes: bool = False
    """A non-GET API may be a tool at `/mcp`."""
    result_shape: dict[str, Any] | None = None
    """What it answers (`services/result_types`); None until described."""
    output_schema: dict[str, Any] | None = None
    """The JSON Schema of `data` its author declared (used before the described result)."""

    @cached_property
    def params(self) -> tuple[ParamDef, ...]:
        return tuple(ParamDef.model_validate(p) for p in self.param_specs)

    @property
    def template(self) -> CompiledTemplate | None:
        """Its SQL template (None for another engine, or when it does not compile)."""
        return self._compiled[0]

    @property
    def unavailable(self) -> str | None:
        """Why this API cannot run (its data source was removed or disabled, it no longer
        compiles); calls get a 503 saying so instead of a 404."""
        return self.problem or self._compiled[1]

    @cached_property
    def _compiled(self) -> tuple[CompiledTemplate | None, str | None]:
        """Its template compiled on first use, or why it does not compile: most of a
        registry's APIs are never called by a given worker, and a compiled template holds
        a Jinja environment of its own (most of a loaded API's memory and load time)."""
        if self.sql is None or self.problem is not None:
            return None, None
        try:
            return compile_template(self.sql, self.script_macros), None
        except SluiceError as exc:
            log.warning("published API %s cannot run: %s", self.api_id, exc.message)
            return None, exc.message

    @cached_property
    def write_guard(self) -> WriteGuard:
        """Its whole-table-write check, in its data source's dialect (made once)."""
        dialect = self.connection.type if self.connection is not None else "postgres"
        return WriteGuard(self.name, dialect, self.allow_whole_table_writes)

    @cached_property
    def param_locations(self) -> frozenset[str]:
        """Where its params come from: a call reads only those parts of the request."""
        return frozenset(d.location for d in self.params)


Methods = dict[str, LiveApi]


class Refusal(SluiceError):
    """A refusal the registry decided (no such route, unknown client, no grant). The
    gateway confirms it against the store before answering (`RegistryHolder.confirm`), so
    a change another process has just made is never refused here."""


class RouteMissing(Refusal, NotFound):
    pass


class MethodMissing(Refusal, MethodNotAllowed):
    pass


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
    """The APIs granted to the client directly."""
    group_ids: frozenset[int] = frozenset()
    """Its groups: it reaches their APIs too (`Registry.allows`)."""

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
    """One version of the published state: the routes, the clients and the groups.

    A registry is never changed once a request may hold it: `patched` makes the next one,
    sharing every API, client and route that did not change."""

    def __init__(
        self,
        apis: Iterable[LiveApi],
        version: int,
        clients: Iterable[LiveClient] = (),
        groups: Mapping[int, frozenset[int]] | None = None,
    ) -> None:
        self.version = version
        self.by_id: dict[int, LiveApi] = {api.api_id: api for api in apis}
        self.clients: dict[str, LiveClient] = {c.client_id: c for c in clients}
        self._client_keys = {c.id: c.client_id for c in self.clients.values()}
        self.groups: dict[int, frozenset[int]] = dict(groups or {})
        """Each group's API ids, shared by every client in it."""
        self._static: dict[tuple[str, str], Methods] = {}
        self._patterns: dict[str, list[_Pattern]] = {}
        for api in self.by_id.values():
            self._add(api)
        for patterns in self._patterns.values():
            patterns.sort(key=_specificity)

    @property
    def apis(self) -> Collection[LiveApi]:
        return self.by_id.values()

    def allows(self, client: LiveClient, api_id: int) -> bool:
        """Whether `client` reaches the API, directly or through one of its groups."""
        if api_id in client.api_ids:
            return True
        return any(api_id in self.groups.get(group, ()) for group in client.group_ids)

    def granted(self, client: LiveClient) -> frozenset[int]:
        """Every API id `client` reaches."""
        return client.api_ids.union(*(self.groups.get(g, ()) for g in client.group_ids))

    def patched(
        self,
        version: int,
        apis: Mapping[int, LiveApi | None],
        clients: Mapping[int, LiveClient | None],
        groups: Mapping[int, frozenset[int] | None],
    ) -> "Registry":
        """The next registry: this one with the APIs, clients (by row id) and groups given
        replaced (None removes one). What did not change is shared, not copied."""
        new = Registry.__new__(Registry)
        new.version = version
        new.by_id = dict(self.by_id)
        new._static, new._patterns = dict(self._static), dict(self._patterns)
        new._patch_routes(self, apis)
        new.clients, new._client_keys = dict(self.clients), dict(self._client_keys)
        for pk, client in clients.items():
            key = new._client_keys.pop(pk, "")
            new.clients.pop(key, None)
            if client is not None:
                new.clients[client.client_id] = client
                new._client_keys[pk] = client.client_id
        new.groups = {**self.groups, **groups}  # type: ignore[dict-item]
        for group, api_ids in groups.items():
            if api_ids is None:
                del new.groups[group]
        return new

    def _patch_routes(self, before: "Registry", apis: Mapping[int, LiveApi | None]) -> None:
        """Replace `apis` on routes shared with `before`, copying only the routes touched."""
        olds = [a for a in (before.by_id.get(i) for i in apis) if a is not None]
        touched = olds + [a for a in apis.values() if a is not None]
        for key in {(a.module, a.path) for a in touched} & before._static.keys():
            self._static[key] = dict(before._static[key])
        modules = {a.module for a in touched}
        for module in modules & before._patterns.keys():
            self._patterns[module] = [
                _Pattern(p.segments, p.names, dict(p.methods)) for p in before._patterns[module]
            ]
        for old in olds:
            self._remove(old)
            del self.by_id[old.api_id]
        for api in apis.values():
            if api is not None:
                self.by_id[api.api_id] = api
                self._add(api)
        for module in modules & self._patterns.keys():
            self._patterns[module].sort(key=_specificity)

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

    def _remove(self, api: LiveApi) -> None:
        """Take `api` off its route (the route's containers must be this registry's own)."""
        key = (api.module, api.path)
        methods = self._static.get(key)
        if methods is not None:
            if methods.get(api.method) is api:
                del methods[api.method]
            if not methods:
                del self._static[key]
            return
        segments = tuple(None if s.startswith("{") else s for s in api.path.split("/"))
        patterns = self._patterns.get(api.module, [])
        for pattern in patterns:
            if pattern.segments == segments and pattern.methods.get(api.method) is api:
                del pattern.methods[api.method]
                if not pattern.methods:
                    patterns.remove(pattern)
                break
        if not patterns:
            self._patterns.pop(api.module, None)

    def resolve(self, module: str, path: str, method: str) -> tuple[LiveApi, dict[str, str]]:
        """The API answering `method /module/path`, and the path parameters' raw values."""
        path = path.strip("/")
        values: dict[str, str] = {}
        methods = self._static.get((module, path))
        if methods is None:
            methods, values = self._match(module, path)
        api = methods.get(method)
        if api is None:
            raise MethodMissing(f"{method} is not allowed here", allowed=list(methods))
        return api, values

    def _match(self, module: str, path: str) -> tuple[Methods, dict[str, str]]:
        parts = path.split("/")
        for pattern in self._patterns.get(module, ()):
            values = pattern.match(parts)
            if values is not None:
                return pattern.methods, values
        raise RouteMissing(f"No API at /{module}/{path}")


def _specificity(pattern: _Pattern) -> tuple[bool, ...]:
    return tuple(s is None for s in pattern.segments)


MAX_INCREMENTAL_APIS = 1000
"""More changed APIs than this in one step (a data source used by thousands): a full
rebuild, which keeps every API whose inputs did not change, costs about the same."""


class VersionLike(Protocol):
    """What loading reads of a live version: an `ApiVersion`, or a row of its columns."""

    @property
    def id(self) -> int | None: ...
    @property
    def version(self) -> int: ...
    @property
    def snapshot(self) -> dict[str, Any]: ...
    @property
    def macro_versions(self) -> dict[str, int]: ...
    @property
    def result_shape(self) -> dict[str, Any] | None: ...


class ModuleLike(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def mcp_hidden(self) -> bool: ...


class _Version(NamedTuple):
    id: int | None
    version: int
    snapshot: dict[str, Any]
    macro_versions: dict[str, int]
    result_shape: dict[str, Any] | None


class _Module(NamedTuple):
    name: str
    mcp_hidden: bool


def _live_rows(
    session: Session, ids: list[int] | None = None
) -> list[tuple[int, _Version, _Module]]:
    """Every live API (or those of `ids`) as plain columns: the full rows and ORM objects
    of 10,000 APIs cost more than everything else a load does."""
    query = (
        sa_select(
            col(Api.id),
            col(ApiVersion.id),
            col(ApiVersion.version),
            col(ApiVersion.snapshot),
            col(ApiVersion.macro_versions),
            col(ApiVersion.result_shape),
            col(Module.name),
            col(Module.mcp_hidden),
        )
        .where(col(Api.is_published), col(Api.published_version_id) == ApiVersion.id)
        .where(col(Module.id) == Api.module_id, col(Module.is_active))
    )
    if ids is not None:
        query = query.where(col(Api.id).in_(ids))
    modules: dict[tuple[str, bool], _Module] = {}
    return [
        (
            api_id or 0,
            _Version(version_id, number, snapshot, pins or {}, shape),
            modules.setdefault((name, hidden), _Module(name, hidden)),
        )
        for api_id, version_id, number, snapshot, pins, shape, name, hidden in session.execute(
            query
        )
    ]


def build(
    session: Session,
    settings: Settings,
    keyring: Keyring,
    previous: Registry | None = None,
    version: int | None = None,
) -> Registry:
    """Compile every published API of an active module from its live version.

    An API of `previous` whose inputs did not change is kept as it is. The garbage
    collector is paused meanwhile (`collector_paused`: most of a large load's time)."""
    version = publication.current(session) if version is None else version
    sources = {ds.id: ds for ds in session.exec(select(Datasource)).all()}
    known = {api.version_id: api for api in previous.apis} if previous else {}
    connections: Connections = {}
    with collector_paused():
        apis = [
            _unchanged(known.get(v.id or 0), v, m, sources)
            or _live(session, settings, keyring, a, v, m, connections)
            for a, v, m in _live_rows(session)
        ]
        return Registry(apis, version, _clients(session), _groups(session))


def update(
    session: Session, settings: Settings, keyring: Keyring, registry: Registry, version: int
) -> Registry:
    """`registry` brought to `version`: only what the change log names is reloaded; a full
    rebuild when the log does not reach back to the registry's version or names `all`."""
    found = (
        None if registry.version < 0 else publication.changes(session, registry.version, version)
    )
    if found is None or any(kind == "all" for kind, _ in found):
        return build(session, settings, keyring, registry, version)
    named: dict[str, set[int]] = {}
    for kind, object_id in found:
        named.setdefault(kind, set()).add(object_id or 0)
    api_ids = set(named.get("api", ()))
    for module_id in named.get("module", ()):
        api_ids.update(
            i or 0 for i in session.exec(select(Api.id).where(Api.module_id == module_id))
        )
    for ds_id in named.get("datasource", ()):
        api_ids.update(a.api_id for a in registry.apis if a.datasource_id == ds_id)
    if len(api_ids) > MAX_INCREMENTAL_APIS:
        return build(session, settings, keyring, registry, version)
    apis, clients, groups = _changed_apis(session, settings, keyring, registry, api_ids)
    for group_id in named.get("group", ()):
        groups[group_id] = _group_apis(session, group_id)
        if groups[group_id] is None:  # gone: its clients leave it (their links went with it)
            _leave(registry, clients, group_id)
    if client_ids := named.get("client"):
        reloaded = {c.id: c for c in _clients(session, client_ids)}
        clients.update({pk: reloaded.get(pk) for pk in client_ids})
    return registry.patched(version, apis, clients, groups)


def _leave(registry: Registry, clients: dict[int, LiveClient | None], group_id: int) -> None:
    for client in registry.clients.values():
        if group_id in client.group_ids:
            base = clients.get(client.id) or client
            clients[client.id] = replace(base, group_ids=base.group_ids - {group_id})


def _group_apis(session: Session, group_id: int) -> frozenset[int] | None:
    """The group's API ids, or None when it is gone."""
    if session.get(Group, group_id) is None:
        return None
    query = select(GroupApiLink.api_id).where(GroupApiLink.group_id == group_id)
    return frozenset(i or 0 for i in session.exec(query))


def _changed_apis(
    session: Session, settings: Settings, keyring: Keyring, registry: Registry, api_ids: set[int]
) -> tuple[
    dict[int, LiveApi | None], dict[int, LiveClient | None], dict[int, frozenset[int] | None]
]:
    """The APIs `api_ids` as they are now (None: not live), and the groups and clients
    whose grants they change (a draft's groups are saved with it; a deleted API takes its
    grants with it)."""
    if not api_ids:
        return {}, {}, {}
    ids = sorted(api_ids)
    sources = {ds.id: ds for ds in session.exec(select(Datasource)).all()}
    connections: Connections = {}
    live: dict[int, LiveApi] = {}
    for a, v, m in _live_rows(session, ids):
        old = registry.by_id.get(a)
        kept = _unchanged(old, v, m, sources) if old and old.version_id == v.id else None
        live[a] = kept or _live(session, settings, keyring, a, v, m, connections)
    apis: dict[int, LiveApi | None] = {i: live.get(i) for i in ids}
    links: dict[int, set[int]] = {}
    for group_id, api_id in session.exec(
        select(GroupApiLink.group_id, GroupApiLink.api_id).where(col(GroupApiLink.api_id).in_(ids))
    ).all():
        links.setdefault(group_id or 0, set()).add(api_id or 0)
    groups: dict[int, frozenset[int] | None] = {}
    for group_id in registry.groups.keys() | links.keys():
        before = registry.groups.get(group_id, frozenset())
        after = (before - api_ids) | links.get(group_id, set())
        if after != before:
            groups[group_id] = frozenset(after)
    gone = api_ids - set(session.exec(select(Api.id).where(col(Api.id).in_(ids))).all())
    clients: dict[int, LiveClient | None] = {
        c.id: replace(c, api_ids=c.api_ids - gone)
        for c in registry.clients.values()
        if gone and c.api_ids & gone
    }
    return apis, clients, groups


def _unchanged(
    api: LiveApi | None,
    version: VersionLike,
    module: ModuleLike,
    sources: dict[int | None, Datasource],
) -> LiveApi | None:
    """`api` when nothing it was built from changed: a version's content is immutable, so
    only its result shape (described once, after it went live), its module's name or MCP
    setting and its data source (whose every edit moves `updated_at`) can have."""
    if api is None or api.module != module.name or api.result_shape != version.result_shape:
        return None
    if api.module_mcp_hidden != module.mcp_hidden:
        return None
    ds = sources.get(api.datasource_id) if api.datasource_id is not None else None
    key = ds.updated_at.isoformat() if ds is not None and ds.is_active else ""
    return api if key == api.datasource_key else None


def _clients(session: Session, ids: set[int] | None = None) -> list[LiveClient]:
    """The clients (all, or those of `ids`) with their direct grants and their groups."""
    direct_q = select(ClientApiLink.client_id, ClientApiLink.api_id)
    groups_q = select(ClientGroupLink.client_id, ClientGroupLink.group_id)
    clients_q = sa_select(
        col(Client.id),
        col(Client.client_id),
        col(Client.secret_hash),
        col(Client.is_active),
        col(Client.token_generation),
        col(Client.allowed_ips),
        col(Client.max_concurrent),
        col(Client.rate_limit_per_minute),
        col(Client.token_expire_seconds),
        col(Client.attributes),
    )
    if ids is not None:
        direct_q = direct_q.where(col(ClientApiLink.client_id).in_(ids))
        groups_q = groups_q.where(col(ClientGroupLink.client_id).in_(ids))
        clients_q = clients_q.where(col(Client.id).in_(ids))
    direct: dict[int, set[int]] = {}
    for client_id, api_id in session.exec(direct_q).all():
        direct.setdefault(client_id or 0, set()).add(api_id or 0)
    groups: dict[int, set[int]] = {}
    for client_id, group_id in session.exec(groups_q).all():
        groups.setdefault(client_id or 0, set()).add(group_id or 0)
    return [
        _live_client(c, frozenset(direct.get(c[0] or 0, ())), frozenset(groups.get(c[0] or 0, ())))
        for c in session.execute(clients_q).all()
    ]


def _groups(session: Session) -> dict[int, frozenset[int]]:
    """Every group's API ids."""
    found: dict[int, set[int]] = {g: set() for g in session.exec(select(Group.id)).all() if g}
    for group_id, api_id in session.exec(select(GroupApiLink.group_id, GroupApiLink.api_id)).all():
        found.setdefault(group_id or 0, set()).add(api_id or 0)
    return {g: frozenset(ids) for g, ids in found.items()}


def _live_client(row: Any, api_ids: frozenset[int], group_ids: frozenset[int]) -> LiveClient:
    """A client from its row's columns (in `_clients`' order)."""
    pk, client_id, secret_hash, active, generation, ips, concurrent, rate, expire, attrs = row
    return LiveClient(
        id=pk,
        client_id=client_id,
        secret_hash=secret_hash,
        is_active=active,
        generation=generation,
        networks=tuple(ip_network(n, strict=False) for n in ips or ()),
        max_concurrent=concurrent,
        rate_limit_per_minute=rate,
        token_expire_seconds=expire,
        attributes=dict(attrs or {}),
        api_ids=api_ids,
        group_ids=group_ids,
    )


Connections = dict[int, tuple[ConnectionConfig | None, str, str | None]]
"""Each data source's connection, made once per build and shared by its APIs."""


def live_api(
    session: Session,
    settings: Settings,
    keyring: Keyring,
    api: Api,
    version: ApiVersion,
    module: Module,
) -> LiveApi:
    """The API ready to run; its SQL template is compiled on first use (`template`)."""
    assert api.id is not None
    return _live(session, settings, keyring, api.id, version, module, None)


def _live(
    session: Session,
    settings: Settings,
    keyring: Keyring,
    api_id: int,
    version: VersionLike,
    module: ModuleLike,
    connections: Connections | None,
) -> LiveApi:
    frozen = version.snapshot
    assert version.id is not None
    connection, key, problem, name = None, "", None, None
    pinned: dict[str, str] = {}
    try:
        pinned = pinned_sources(session, version.macro_versions)
        connection, key, name = _connection(
            session, settings, keyring, frozen.get("datasource_id"), connections
        )
    except SluiceError as exc:
        problem = exc.message
        log.warning("published API %s cannot run: %s", api_id, problem)
    return LiveApi(
        api_id=api_id,
        version_id=version.id,
        version=version.version,
        module=module.name,
        path=frozen["path"],
        method=frozen["method"],
        access=frozen["access"],
        engine=frozen["engine"],
        param_specs=tuple(frozen["params"]),
        sql=frozen["content"] if frozen["engine"] == "sql" else None,
        datasource_id=frozen.get("datasource_id"),
        datasource_key=key,
        connection=connection,
        timeout_ms=frozen.get("timeout_ms"),
        pagination=frozen.get("pagination", "none"),
        cache_ttl_seconds=frozen.get("cache_ttl_seconds"),
        rate_limit_per_minute=frozen.get("rate_limit_per_minute"),
        result_transform=frozen.get("result_transform"),
        param_validation=frozen.get("param_validation"),
        problem=problem,
        uses_client=bool(CLIENT_REFERENCE.search(frozen.get("content", ""))),
        datasource_name=name,
        script_macros=pinned,
        script=frozen["content"] if frozen["engine"] == "script" else None,
        name=frozen["name"],
        allow_whole_table_writes=bool(frozen.get("allow_whole_table_writes", False)),
        description=frozen.get("description"),
        mcp_hidden=bool(frozen.get("mcp_hidden", False)),
        module_mcp_hidden=module.mcp_hidden,
        mcp_writes=bool(frozen.get("mcp_writes", False)),
        result_shape=version.result_shape,
        output_schema=frozen.get("output_schema"),
    )


def _connection(
    session: Session,
    settings: Settings,
    keyring: Keyring,
    datasource_id: int | None,
    connections: Connections | None = None,
) -> tuple[ConnectionConfig | None, str, str | None]:
    if datasource_id is None:
        return None, "", None
    if connections is not None and datasource_id in connections:
        return connections[datasource_id]
    ds = session.get(Datasource, datasource_id)
    if ds is None or not ds.is_active:
        raise SluiceError(f"its data source {datasource_id} is missing or inactive")
    config = connection_config(ds, settings, stored_password(ds, keyring))
    made = config, ds.updated_at.isoformat(), ds.name
    if connections is not None:
        connections[datasource_id] = made
    return made


class RegistryHolder:
    """The current registry of one process, and what keeps it fresh (read-your-writes).

    Once the admin API has answered a change, a call that starts afterwards sees it on
    every process:
    - the process that made the change rebuilds before it answers (`changed`) and, with
      Redis, announces the new counter and waits until every process listening on the
      channel confirms that it has rebuilt (`listen`), at most REGISTRY_SYNC_TIMEOUT_SECONDS;
      a revocation therefore holds everywhere once the answer is out, with no cost on the
      gateway's hot path;
    - a refusal the registry decides (unknown route or client, missing grant) is confirmed
      against the store's counter first (`confirm`), which covers a process that is not
      listening (no Redis, or Redis away for it) for every change that grants something.
    Every process also polls the counter every REGISTRY_POLL_SECONDS, which is how a
    process without Redis learns of a revocation made elsewhere."""

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
        self.current = Registry([], -1)
        self._building = threading.Lock()
        self._check: asyncio.Future[None] | None = None
        self._checks_started = self._checks_done = 0

    def rebuild(self) -> Registry:
        """Bring the registry up to the store's counter; one tiny query when it already is.

        Builds run one at a time, so a slower, older build never replaces a newer one."""
        with self._building, Session(self._engine) as session:
            version = publication.current(session)
            if version != self.current.version:
                self.current = update(session, self._settings, self._keyring, self.current, version)
        return self.current

    def changed(self) -> None:
        """After a change made in this process (call it from a thread, not the event loop):
        rebuild now, then announce it and wait until every listening process has it."""
        version = self.rebuild().version
        if self._redis is None:
            return
        nonce = secrets.token_hex(8)
        try:
            listeners = int(self._redis.publish(self.channel, f"{version} {nonce}"))
            missing = self._await_confirmations(nonce, listeners)
        except RedisError:
            log.warning("could not announce a registry change on Redis; others poll for it")
            return
        if missing:
            log.warning("%s process(es) did not confirm registry %s in time", missing, version)

    def _await_confirmations(self, nonce: str, listeners: int) -> int:
        """How many of `listeners` did not confirm within REGISTRY_SYNC_TIMEOUT_SECONDS."""
        assert self._redis is not None
        key = f"{self.channel}:applied:{nonce}"
        deadline = time.monotonic() + self._settings.REGISTRY_SYNC_TIMEOUT_SECONDS
        while listeners and (left := deadline - time.monotonic()) > 0:
            if self._redis.blpop([key], timeout=min(left, 0.5)) is not None:
                listeners -= 1
        self._redis.delete(key)
        return listeners

    async def refresh(self) -> None:
        """Rebuild when another process changed the published state (one tiny query)."""
        await asyncio.to_thread(self.rebuild)

    async def confirm(self) -> bool:
        """Before a refusal: make sure the registry is as new as the store, by a check that
        started after this call did (concurrent callers share one). True when the registry
        moved, so the caller decides again; a store that does not answer within
        REGISTRY_SYNC_TIMEOUT_SECONDS leaves the refusal as it was."""
        before, wanted = self.current, self._checks_started + 1
        try:
            async with asyncio.timeout(self._settings.REGISTRY_SYNC_TIMEOUT_SECONDS):
                while self._checks_done < wanted:
                    if self._check is None:
                        self._checks_started += 1
                        self._check = asyncio.ensure_future(self._checked(self._checks_started))
                    await asyncio.shield(self._check)
        except TimeoutError:
            log.warning("the store did not confirm the registry in time")
        return self.current is not before

    async def _checked(self, number: int) -> None:
        try:
            await self.refresh()
        except Exception:  # the store is away: the registry stays as it is
            log.exception("could not check the registry against the store")
        finally:
            self._check, self._checks_done = None, number

    async def listen(self, redis: AsyncRedis, stop: asyncio.Event) -> None:
        """Apply every announced change and confirm it to its announcer, until `stop`."""
        async with redis.pubsub(ignore_subscribe_messages=True) as pubsub:
            await pubsub.subscribe(self.channel)
            await self.refresh()  # what was announced while this process was not listening
            while not stop.is_set():
                message = await pubsub.get_message(timeout=0.5)
                if message is not None:
                    await self._apply(redis, message["data"])

    async def _apply(self, redis: AsyncRedis, data: bytes) -> None:
        version, _, nonce = data.decode().partition(" ")
        if self.current.version < int(version):
            await self.refresh()
        if nonce:
            key = f"{self.channel}:applied:{nonce}"
            await redis.rpush(key, 1)
            await redis.expire(key, 60)
