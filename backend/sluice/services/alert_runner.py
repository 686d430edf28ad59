"""Evaluating alert rules, one process of the deployment at a time, and telling webhooks.

Every process runs the loop; each round it first takes (or keeps) a lease, and only the
holder evaluates, so several workers and instances never all fire. The lease lives in
Redis when there is one (`SET NX PX`, kept by its holder with a script that checks the
holder), else in the store (a conditional UPDATE of one row). A holder that stops is
replaced when its lease runs out (`Settings.alerts_lease_seconds`).

State lives in the store, not in the holder: a rule's open firing, how many notices it
had and when. So a new holder carries on where the last one stopped, without repeating a
notice. A firing notice that could not be delivered (after the retries) is tried again
next round; a resolved notice is tried once (with its retries).
"""

import asyncio
import hashlib
import hmac
import logging
import os
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

import httpx2
import orjson
from redis.asyncio import Redis as AsyncRedis
from sqlalchemy import Engine, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from sluice.config import Settings
from sluice.models.alert import AlertFiring, AlertLease, AlertRule
from sluice.models.user import utcnow
from sluice.security import Keyring
from sluice.services import alert_checks
from sluice.services.alerts import bound_to, is_silenced

log = logging.getLogger(__name__)

LEASE = "alerts"
SIGNATURE_HEADER = "X-Sluice-Signature"
_KEEP_OR_TAKE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
return 0
"""


class Lease(Protocol):
    async def hold(self) -> bool:
        """Take the lease or keep it; False while another process holds it."""
        ...


def holder_name() -> str:
    return f"{socket.gethostname()[:80]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class RedisLease:
    def __init__(self, redis: AsyncRedis, key: str, holder: str, seconds: float) -> None:
        self._redis, self._key, self._holder = redis, key, holder
        self._ms = int(seconds * 1000)

    async def hold(self) -> bool:
        held = await self._redis.eval(_KEEP_OR_TAKE, 1, self._key, self._holder, self._ms)
        return bool(held)


class StoreLease:
    """The lease as one row: taken when free or expired, kept by its holder."""

    def __init__(self, engine: Engine, holder: str, seconds: float) -> None:
        self._engine, self._holder, self._seconds = engine, holder, seconds

    async def hold(self) -> bool:
        return await asyncio.to_thread(self._hold)

    def _hold(self) -> bool:
        now = utcnow()
        until = now + timedelta(seconds=self._seconds)
        mine_or_free = or_(col(AlertLease.holder) == self._holder, col(AlertLease.expires_at) < now)
        take = (
            update(AlertLease)
            .where(col(AlertLease.name) == LEASE, mine_or_free)
            .values(holder=self._holder, expires_at=until)
        )
        with self._engine.begin() as connection:
            if connection.execute(take).rowcount:
                return True
        with Session(self._engine) as session:
            if session.get(AlertLease, LEASE) is not None:
                return False
            session.add(AlertLease(name=LEASE, holder=self._holder, expires_at=until))
            try:
                session.commit()
            except IntegrityError:  # another process made the row first: it holds it
                return False
        return True


@dataclass(frozen=True)
class Notice:
    """One message to a rule's webhook."""

    event: str  # firing | repeat | resolved
    firing_id: int
    rule_id: int
    rule_name: str
    kind: str
    threshold: float
    url: str
    format: str
    secret: str
    value: float
    message: str
    started_at: datetime
    resolved_at: datetime | None

    def body(self, now: datetime) -> bytes:
        if self.format == "slack":
            title = {"firing": "FIRING", "repeat": "STILL FIRING", "resolved": "RESOLVED"}
            return orjson.dumps({"text": f"[{title[self.event]}] {self.rule_name}: {self.message}"})
        payload: dict[str, Any] = {
            "event": self.event,
            "alert": {"id": self.rule_id, "name": self.rule_name, "kind": self.kind},
            "firing": {
                "id": self.firing_id,
                "started_at": self.started_at.isoformat(),
                "resolved_at": self.resolved_at.isoformat() if self.resolved_at else None,
                "value": self.value,
                "message": self.message,
            },
            "threshold": self.threshold,
            "sent_at": now.isoformat(),
        }
        return orjson.dumps(payload)


def signature(secret: str, body: bytes) -> str:
    """The `X-Sluice-Signature` value: `sha256=` and the HMAC-SHA256 of the raw body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class AlertRunner:
    """One process's evaluation loop (see the module's docstring)."""

    def __init__(self, engine: Engine, settings: Settings, keyring: Keyring, lease: Lease) -> None:
        self._engine, self._settings, self._keyring, self._lease = engine, settings, keyring, lease
        self._http = httpx2.AsyncClient(follow_redirects=False, trust_env=False)
        self._closing = asyncio.Event()

    async def round(self) -> None:
        if self._closing.is_set() or not await self._lease.hold():
            return
        for rule in await asyncio.to_thread(self._rules):
            notice = await self._evaluate(rule)
            if notice is not None:
                error = await self._deliver(notice)
                await asyncio.to_thread(self._delivered, notice, error)

    async def close(self) -> None:
        """Stop between retries (the loop itself is stopped by `Periodic`)."""
        self._closing.set()

    async def aclose(self) -> None:
        await self._http.aclose()

    def _rules(self) -> list[AlertRule]:
        with Session(self._engine) as session:
            query = select(AlertRule).where(col(AlertRule.enabled)).order_by(col(AlertRule.id))
            return list(session.exec(query).all())

    async def _evaluate(self, rule: AlertRule) -> Notice | None:
        now = utcnow()
        try:
            measure = await self._measure(rule, now)
        except Exception:  # one rule's failure (a vanished target) never stops the others
            log.exception("alert %r could not be evaluated", rule.name)
            return None
        return await asyncio.to_thread(self._record, rule, measure, now)

    async def _measure(self, rule: AlertRule, now: datetime) -> alert_checks.Measure:
        if rule.kind == "datasource_health":
            sources = await asyncio.to_thread(self._sources, rule)
            return await alert_checks.datasource_health(sources, self._settings, self._keyring)
        return await asyncio.to_thread(self._stored_measure, rule, now)

    def _stored_measure(self, rule: AlertRule, now: datetime) -> alert_checks.Measure:
        with Session(self._engine) as session:
            return alert_checks.MEASURES[rule.kind](session, rule, now)

    def _sources(self, rule: AlertRule) -> list[Any]:
        with Session(self._engine) as session:
            return alert_checks.sources_to_check(session, rule)

    def _record(
        self, snapshot: AlertRule, measure: alert_checks.Measure, now: datetime
    ) -> Notice | None:
        """Open, update or close the rule's firing; the notice that is due, if any."""
        with Session(self._engine, expire_on_commit=False) as session:
            rule = session.get(AlertRule, snapshot.id)
            if rule is None or not rule.enabled:
                return None
            firing = session.get(AlertFiring, rule.firing_id) if rule.firing_id else None
            if measure.breached:
                firing = self._open(session, rule, firing, measure, now)
                event = "firing" if firing.notifications == 0 else "repeat"
                due = not is_silenced(rule, now) and self._due(rule, firing, now)
            elif firing is not None:
                firing.resolved_at, rule.firing_id = now, None
                event, due = "resolved", firing.notifications > 0 and not is_silenced(rule, now)
            else:
                return None
            session.add_all([rule, firing])
            session.commit()
            return self._notice(rule, firing, event) if due else None

    @staticmethod
    def _open(
        session: Session,
        rule: AlertRule,
        firing: AlertFiring | None,
        measure: alert_checks.Measure,
        now: datetime,
    ) -> AlertFiring:
        if firing is None:
            assert rule.id is not None
            firing = AlertFiring(
                rule_id=rule.id, rule_name=rule.name, started_at=now, value=0, message=""
            )
            session.add(firing)
            session.flush()
            rule.firing_id = firing.id
        firing.value, firing.message = measure.value, measure.message
        return firing

    @staticmethod
    def _due(rule: AlertRule, firing: AlertFiring, now: datetime) -> bool:
        if firing.notifications == 0:
            return True
        last = firing.last_notified_at
        if not rule.repeat_seconds or last is None:
            return False
        last = last if last.tzinfo else last.replace(tzinfo=now.tzinfo)
        return now - last >= timedelta(seconds=rule.repeat_seconds)

    def _notice(self, rule: AlertRule, firing: AlertFiring, event: str) -> Notice:
        assert rule.id is not None and firing.id is not None
        return Notice(
            event=event,
            firing_id=firing.id,
            rule_id=rule.id,
            rule_name=rule.name,
            kind=rule.kind,
            threshold=rule.threshold,
            url=rule.webhook_url,
            format=rule.webhook_format,
            secret=self._keyring.decrypt(rule.secret_encrypted, bound_to(rule.id)),
            value=firing.value,
            message=firing.message,
            started_at=firing.started_at,
            resolved_at=firing.resolved_at,
        )

    async def _deliver(self, notice: Notice) -> str | None:
        """POST the notice, retrying with the configured pauses; None once delivered,
        else what went wrong the last time."""
        body = notice.body(utcnow())
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "Sluice-Alerts",
            "X-Sluice-Event": notice.event,
            SIGNATURE_HEADER: signature(notice.secret, body),
        }
        error = "not sent"
        for pause in [0, *self._settings.ALERTS_WEBHOOK_RETRY_DELAYS_MS]:
            if pause and await self._closed_within(pause / 1000):
                break
            if not await self._lease.hold():  # renewed: retries may outlast a lease
                error = "another process took over the alerts before this was sent"
                break
            error = await self._post(notice.url, body, headers)
            if not error:
                return None
        log.warning("alert %r: webhook not delivered (%s)", notice.rule_name, error)
        return error

    async def _post(self, url: str, body: bytes, headers: dict[str, str]) -> str:
        timeout = self._settings.ALERTS_WEBHOOK_TIMEOUT_SECONDS
        try:
            answer = await self._http.post(url, content=body, headers=headers, timeout=timeout)
        except (httpx2.HTTPError, httpx2.InvalidURL) as exc:
            return f"{type(exc).__name__}: {exc}"[:500]
        return "" if answer.is_success else f"the webhook answered HTTP {answer.status_code}"

    async def _closed_within(self, seconds: float) -> bool:
        try:
            await asyncio.wait_for(self._closing.wait(), timeout=seconds)
        except TimeoutError:
            return False
        return True

    def _delivered(self, notice: Notice, error: str | None) -> None:
        with Session(self._engine) as session:
            firing = session.get(AlertFiring, notice.firing_id)
            if firing is None:
                return
            firing.last_error = error
            if error is None and notice.event == "resolved":
                firing.resolved_notified = True
            elif error is None:
                firing.notifications += 1
                firing.last_notified_at = utcnow()
            session.add(firing)
            session.commit()


def make_runner(
    engine: Engine, settings: Settings, keyring: Keyring, redis: AsyncRedis | None
) -> AlertRunner:
    """The runner with the lease the deployment can share: Redis's, else the store's."""
    holder, seconds = holder_name(), settings.alerts_lease_seconds
    lease: Lease
    if redis is not None:
        lease = RedisLease(redis, f"{settings.REDIS_PREFIX}:alerts:lease", holder, seconds)
    else:
        lease = StoreLease(engine, holder, seconds)
    return AlertRunner(engine, settings, keyring, lease)
