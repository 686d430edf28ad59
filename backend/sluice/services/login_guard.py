"""Throttling of dashboard login attempts, per account and per client IP.

Only failed attempts count, so a user who types the right password is never locked out
by their own successes. The counters live in Redis when REDIS_URL is set (shared by every
worker) and in process memory otherwise, or when Redis cannot be reached.
"""

import logging
import math
import time

from limits import RateLimitItem, parse
from limits.storage import MemoryStorage, RedisStorage
from limits.strategies import MovingWindowRateLimiter

from sluice.errors import RateLimited

log = logging.getLogger(__name__)


class LoginGuard:
    def __init__(self, per_account: str, per_ip: str, redis_url: str | None = None) -> None:
        self._limits: dict[str, RateLimitItem] = {
            "account": parse(per_account),
            "ip": parse(per_ip),
        }
        self._memory = MovingWindowRateLimiter(MemoryStorage())
        self._shared: MovingWindowRateLimiter | None = None
        if redis_url:
            self._shared = MovingWindowRateLimiter(RedisStorage(redis_url))

    def check(self, email: str, ip: str) -> None:
        """Raise RateLimited when either the account or the IP has failed too often."""
        for scope, key in (("account", email), ("ip", ip)):
            item = self._limits[scope]
            limiter = self._limiter()
            if not limiter.test(item, "login", scope, key):
                reset = limiter.get_window_stats(item, "login", scope, key).reset_time
                raise RateLimited(
                    "Too many failed login attempts; try again later",
                    retry_after=math.ceil(reset - time.time()),
                )

    def failed(self, email: str, ip: str) -> None:
        limiter = self._limiter()
        for scope, key in (("account", email), ("ip", ip)):
            limiter.hit(self._limits[scope], "login", scope, key)

    def succeeded(self, email: str) -> None:
        self._limiter().clear(self._limits["account"], "login", "account", email)

    def _limiter(self) -> MovingWindowRateLimiter:
        if self._shared is not None:
            try:
                if self._shared.storage.check():
                    return self._shared
            except Exception:  # the storage's own client errors vary by backend
                pass
            log.warning("login throttling falls back to process memory: Redis unreachable")
        return self._memory
