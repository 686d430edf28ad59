"""What a script call may touch, built the same way for the gateway and for debug runs.

Python macros are the latest published versions (debug) or the pinned ones (live APIs).
"""

from typing import Any

from redis.asyncio import Redis

from sluice.config import Settings
from sluice.connectors.base import ConnectionConfig, Connector
from sluice.engines.script import (
    CacheBackend,
    Host,
    HttpPolicy,
    MemoryCache,
    RedisCache,
    describe_datasource,
)
from sluice.engines.script.sandbox import DEFAULT_MODULES
from sluice.engines.whole_table import WriteGuard

_MEMORY_CACHE = MemoryCache()
"""One in-process cache for every script of this process when there is no Redis."""


def script_modules(settings: Settings) -> tuple[str, ...]:
    """What scripts may import: the default set and SCRIPT_EXTRA_MODULES."""
    return (*DEFAULT_MODULES, *settings.SCRIPT_EXTRA_MODULES)


def build_host(
    settings: Settings,
    api_id: int,
    connector: Connector | None,
    config: ConnectionConfig | None,
    datasource_name: str | None,
    redis: Redis | None,
    cache: CacheBackend | None = None,
    write_guard: WriteGuard | None = None,
) -> Host:
    """`cache`: the scripts' cache when not the shared one (a test run's private cache)."""
    ds: dict[str, Any] = describe_datasource(datasource_name or "", config) if config else {}
    if cache is None:
        cache = RedisCache(redis, settings.REDIS_PREFIX) if redis is not None else _MEMORY_CACHE
    return Host(
        connector=connector,
        cache=cache,
        namespace=f"api:{api_id}",
        http=HttpPolicy(
            allowed_hosts=frozenset(settings.SCRIPT_HTTP_ALLOWED_HOSTS),
            timeout_s=settings.SCRIPT_HTTP_TIMEOUT,
            max_bytes=settings.SCRIPT_HTTP_MAX_BYTES,
        ),
        env=settings.script_env(),
        ds=ds,
        statement_timeout_ms=config.statement_timeout_ms if config else None,
        write_guard=write_guard,
    )
