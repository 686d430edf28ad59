"""Throttles for the two credential routes: dashboard login and client tokens.

A throttle counts hits per (scope, key) in a moving window (the `limits` library), in Redis
when REDIS_URL is set, so every worker shares the counts, and in process memory otherwise
or while Redis cannot be reached. The login counts only failures (a user who types the
right password is never locked out by their own successes); the token route counts every
request.
"""

import logging
import math
import time

from limits import RateLimitItem, parse
from limits.storage import MemoryStorage, RedisStorage
from limits.strategies import MovingWindowRateLimiter

from sluice.errors import RateLimited

log = logging.getLogger(__name__)


class Throttle:
    def __init__(
        self,
        name: str,
        limits: dict[str, str],
        redis_url: str | None = None,
        prefix: str = "sluice",
    ) -> None:
        self.name = name
        self._limits: dict[str, RateLimitItem] = {
            scope: parse(text) for scope, text in limits.items()
        }
        self._memory = MovingWindowRateLimiter(MemoryStorage())
        self._shared = (
            MovingWindowRateLimiter(RedisStorage(redis_url, key_prefix=prefix))
            if redis_url
            else None
        )
        """Counts under REDIS_PREFIX, so deployments sharing a Redis never share them."""

    def check(self, keys: dict[str, str], message: str) -> None:
        """Raise RateLimited when any scope's key is out of budget."""
        limiter = self._limiter()
        for scope, key in keys.items():
            item = self._limits[scope]
            if not limiter.test(item, self.name, scope, key):
                reset = limiter.get_window_stats(item, self.name, scope, key).reset_time
                raise RateLimited(message, retry_after=math.ceil(reset - time.time()))

    def hit(self, keys: dict[str, str]) -> None:
        limiter = self._limiter()
        for scope, key in keys.items():
            limiter.hit(self._limits[scope], self.name, scope, key)

    def clear(self, scope: str, key: str) -> None:
        self._limiter().clear(self._limits[scope], self.name, scope, key)

    def _limiter(self) -> MovingWindowRateLimiter:
        if self._shared is not None:
            try:
                if self._shared.storage.check():
                    return self._shared
            except Exception:  # the storage's own client errors vary by backend
                pass
            log.warning("%s throttling falls back to process memory: Redis unreachable", self.name)
        return self._memory


class LoginGuard(Throttle):
    """Failed dashboard logins, per (account, IP) and per IP.

    The account's budget is kept per source address, so an attacker's failures lock the
    account from the attacker's address only, never for its owner elsewhere; the per-IP
    budget stops one address spraying passwords over many accounts.
    """

    def __init__(
        self, per_account: str, per_ip: str, redis_url: str | None = None, prefix: str = "sluice"
    ) -> None:
        super().__init__("login", {"account": per_account, "ip": per_ip}, redis_url, prefix)

    def check_login(self, email: str, ip: str) -> None:
        self.check(self._keys(email, ip), "Too many failed login attempts; try again later")

    def failed(self, email: str, ip: str) -> None:
        self.hit(self._keys(email, ip))

    def succeeded(self, email: str, ip: str) -> None:
        self.clear("account", self._keys(email, ip)["account"])

    @staticmethod
    def _keys(email: str, ip: str) -> dict[str, str]:
        # The address first: it never holds "/", so no email can forge another's key.
        return {"account": f"{ip}/{email}", "ip": ip}
