"""Stage: flow control. A concurrency slot and a rate budget, taken together.

Rate: GCRA per (subject, API), exact under concurrency: `limit` calls a minute, any burst
up to `limit`, so the call past the limit is the one refused. Concurrency: a sorted set of
slot leases per subject; a lease left behind by a crashed process expires on its own.
On Redis one Lua script takes both in a single round trip (atomic across workers and
hosts), over the multiplexed `RedisLink`. A slot given back is released by the next take
of the same subject in this process (the script drops it first), or else by a ZREM sent
on the next turn of the event loop, unawaited; so under load a call costs one Redis
command. Without Redis, or while it is unreachable, the same rules run in process memory.
"""

import asyncio
import hashlib
import itertools
import logging
import math
import os
import time
from collections.abc import Iterable
from typing import NamedTuple

from redis.exceptions import RedisError, ResponseError

from sluice.errors import RateLimited, SluiceError
from sluice.observability.metrics import Metrics
from sluice.redis_link import RedisLink

log = logging.getLogger(__name__)


class ConcurrencyLimited(SluiceError):
    status = 429
    code = "concurrency_limited"


class Budget(NamedTuple):
    subject: str
    api_id: int
    rate_per_minute: int  # 0: no rate limit
    max_concurrent: int  # 0: no concurrency limit


class Grant(NamedTuple):
    """What was taken: the slot to give back, and the headers to send."""

    slot: str | None
    headers: dict[str, str]
    shared: bool = False
    """The slot lives in Redis (else in this process)."""


# KEYS: rate key, slot key.
# ARGV: now_ms, interval_ms, burst_ms, max_concurrent, slot, lease_ms, slots given back...
_LUA = """
local now, interval, burst = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local maxc, lease = tonumber(ARGV[4]), tonumber(ARGV[6])
for i = 7, #ARGV do
  redis.call('ZREM', KEYS[2], ARGV[i])
end
local tat = now
if interval > 0 then
  tat = math.max(tonumber(redis.call('GET', KEYS[1]) or now), now)
  if tat - now > burst - interval then
    return {0, tat - (burst - interval) - now, 0}
  end
end
if maxc > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
  if redis.call('ZCARD', KEYS[2]) >= maxc then
    return {1, 0, 0}
  end
  redis.call('ZADD', KEYS[2], now + lease, ARGV[5])
  redis.call('PEXPIRE', KEYS[2], lease)
end
if interval > 0 then
  redis.call('SET', KEYS[1], tat + interval, 'PX', math.ceil(burst + interval))
end
return {2, 0, tat + interval - now}
"""
_SHA = hashlib.sha1(_LUA.encode()).hexdigest()


class Limiter:
    def __init__(
        self,
        redis: RedisLink | None,
        lease_seconds: float,
        prefix: str = "sluice",
        metrics: Metrics | None = None,
    ) -> None:
        self._redis = redis
        self._prefix = prefix
        self._metrics = metrics
        self._lease_ms = int(lease_seconds * 1000)
        self._slot_ids = itertools.count()
        self._slot_prefix = os.urandom(6).hex()
        """Slot names: unique across processes and hosts, and cheap (no uuid per call)."""
        self._tats: dict[str, float] = {}
        self._slots: dict[str, dict[str, float]] = {}
        self._returned: dict[str, list[str]] = {}
        """Slots given back to Redis and not yet released there, by slot key."""
        self.redis_ok = redis is not None
        if metrics is not None:
            metrics.limiter_shared.set(1 if self.redis_ok else 0)

    async def take(self, budget: Budget) -> Grant:
        if budget.rate_per_minute == 0 and budget.max_concurrent == 0:
            return Grant(None, {})
        slot = f"{self._slot_prefix}{next(self._slot_ids)}"
        outcome, shared = await self._take(budget, slot)
        return _judge(budget, outcome, slot, shared)

    async def give_back(self, budget: Budget, grant: Grant) -> None:
        if grant.slot is None or budget.max_concurrent == 0:
            return
        key = f"{self._prefix}:slots:{budget.subject}"
        if not grant.shared:
            self._slots.get(key, {}).pop(grant.slot, None)
            return
        self._to_release(key, (grant.slot,))

    def _to_release(self, key: str, slots: Iterable[str]) -> None:
        if not self._returned:
            asyncio.get_running_loop().call_soon(self._release)
        self._returned.setdefault(key, []).extend(slots)

    def _release(self) -> None:
        """Send the slots no take has carried since they were given back."""
        returned, self._returned = self._returned, {}
        for key, slots in returned.items():
            try:
                self._redis.send("ZREM", key, *slots)  # type: ignore[union-attr]
            except RedisError:
                log.warning("could not give slots back to Redis; their leases will expire them")

    async def _take(self, budget: Budget, slot: str) -> tuple[tuple[int, float, float], bool]:
        now = time.time() * 1000
        interval = 60_000 / budget.rate_per_minute if budget.rate_per_minute else 0
        args = (now, interval, interval * budget.rate_per_minute, budget.max_concurrent, slot)
        keys = (
            f"{self._prefix}:rate:{budget.subject}:{budget.api_id}",
            f"{self._prefix}:slots:{budget.subject}",
        )
        if self._redis is not None:
            returned = self._returned.pop(keys[1], ()) if budget.max_concurrent else ()
            try:
                found = await self._run_script(keys, (*args, self._lease_ms, *returned))
                self._recover()
                return (int(found[0]), float(found[1]), float(found[2])), True
            except RedisError:
                self._degrade()
                if returned:  # not released after all
                    self._to_release(keys[1], returned)
        return self._take_in_memory(keys, *args), False

    async def _run_script(
        self, keys: tuple[str, str], args: tuple[float | int | str, ...]
    ) -> list[int]:
        link = self._redis
        assert link is not None
        try:
            found: list[int] = await link.call("EVALSHA", _SHA, 2, *keys, *args)
        except ResponseError as error:
            if not str(error).startswith("NOSCRIPT"):
                raise
            found = await link.call("EVAL", _LUA, 2, *keys, *args)
        return found

    def _take_in_memory(
        self, keys: tuple[str, str], now: float, interval: float, burst: float, maxc: int, slot: str
    ) -> tuple[int, float, float]:
        tat = max(self._tats.get(keys[0], now), now)
        if interval and tat - now > burst - interval:
            return 0, tat - (burst - interval) - now, 0
        if maxc:
            slots = self._slots.setdefault(keys[1], {})
            for held, expiry in list(slots.items()):
                if expiry <= now:
                    del slots[held]
            if len(slots) >= maxc:
                return 1, 0, 0
            slots[slot] = now + self._lease_ms
        if interval:
            self._tats[keys[0]] = tat + interval
        return 2, 0, tat + interval - now

    def _degrade(self) -> None:
        if self.redis_ok:
            log.warning("Redis unreachable: flow control falls back to per-process limits")
            self._set_shared(False)

    def _recover(self) -> None:
        if not self.redis_ok:
            log.warning("Redis reachable again: flow control is shared again")
            self._set_shared(True)

    def _set_shared(self, shared: bool) -> None:
        self.redis_ok = shared
        if self._metrics is not None:
            self._metrics.limiter_shared.set(1 if shared else 0)


def _judge(budget: Budget, outcome: tuple[int, float, float], slot: str, shared: bool) -> Grant:
    verdict, wait_ms, used_ms = outcome
    headers: dict[str, str] = {}
    if budget.rate_per_minute:
        interval = 60_000 / budget.rate_per_minute
        remaining = (
            max(0, budget.rate_per_minute - math.ceil(used_ms / interval)) if verdict == 2 else 0
        )
        headers = {
            "X-RateLimit-Limit": str(budget.rate_per_minute),
            "X-RateLimit-Remaining": str(remaining),
        }
    if verdict == 0:
        error = RateLimited("Rate limit exceeded; slow down", retry_after=math.ceil(wait_ms / 1000))
        error.headers.update(headers)
        raise error
    if verdict == 1:
        raise ConcurrencyLimited("Too many calls in flight for this client; try again shortly")
    return Grant(slot if budget.max_concurrent else None, headers, shared)
