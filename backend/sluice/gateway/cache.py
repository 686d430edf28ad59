"""Stage: the response cache of read-only results, per API `cache_ttl_seconds`.

The key is the live version (so a publish starts afresh), the normalized parameters, and
the client when the template reads `client`. Stored in Redis when configured (falling back
to memory while it is unreachable), else in a bounded in-process map. Redis is reached
over the gateway's multiplexed `RedisLink`: through redis-py's pooled client a hit cost
more CPU than the query it saves.
"""

import asyncio
import hashlib
import logging
import time
from typing import Any

import orjson
from redis.exceptions import RedisError

from sluice.redis_link import RedisLink
from sluice.services.registry import LiveApi, LiveClient

log = logging.getLogger(__name__)
MAX_LOCAL_ENTRIES = 10_000


def cache_key(
    api: LiveApi, params: dict[str, Any], client: LiveClient | None, prefix: str = "sluice"
) -> str:
    parts: dict[str, Any] = {"params": params}
    if api.uses_client and client is not None:
        parts["client"] = [client.client_id, client.attributes]
    digest = hashlib.sha256(
        orjson.dumps(parts, option=orjson.OPT_SORT_KEYS, default=str)
    ).hexdigest()
    return f"{prefix}:cache:{api.version_id}:{digest}"


class ResponseCache:
    def __init__(self, redis: RedisLink | None) -> None:
        self._redis = redis
        self._local: dict[str, tuple[float, bytes]] = {}

    def ask(self, key: str) -> "asyncio.Future[Any] | None":
        """Send the read of `key` now, to be collected by `get(key, asked)`: the pipeline
        asks before it takes its flow-control budget, so both leave in one write and come
        back in one reply (one Redis round trip for a hit, not two). None without a
        connected Redis."""
        return self._redis.request("GET", key) if self._redis is not None else None

    async def get(self, key: str, asked: "asyncio.Future[Any] | None" = None) -> Any:
        if asked is not None:
            try:
                found = await asked
                return None if found is None else orjson.loads(found)
            except RedisError:
                pass  # read again below: memory, or Redis once reconnected
        raw = await self._read(key)
        return None if raw is None else orjson.loads(raw)

    async def put(self, key: str, value: Any, ttl: int) -> None:
        raw = orjson.dumps(value)
        if self._redis is not None:
            try:
                await self._redis.call("SET", key, raw, "EX", ttl)
                return
            except RedisError:
                log.warning("Redis unreachable: caching in process memory")
        if len(self._local) >= MAX_LOCAL_ENTRIES:
            self._local.clear()
        self._local[key] = (time.monotonic() + ttl, raw)

    async def _read(self, key: str) -> bytes | None:
        if self._redis is not None:
            try:
                found = await self._redis.call("GET", key)
                return found.encode() if isinstance(found, str) else found
            except RedisError:
                log.warning("Redis unreachable: reading the cache from process memory")
        entry = self._local.get(key)
        if entry is None or entry[0] < time.monotonic():
            self._local.pop(key, None)
            return None
        return entry[1]
