"""The rule maths: what a rule measures now, and whether that breaches it.

Traffic rules read the access records of their window only, through an index that
starts with what they watch (`(api_id, at)`, `(module, at)`, or `at` for everything),
and a window is at most a day: an evaluation's cost is bounded by the traffic of one
window, never by the table. The p95 is the nearest-rank percentile (the value below which
95% of the window's calls fall), fetched as one row at an offset, so it works alike on
PostgreSQL and SQLite.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case
from sqlmodel import Session, col, func, select

from sluice.config import Settings
from sluice.models.access_record import AccessRecord
from sluice.models.alert import AccessDrop, AlertRule
from sluice.models.api import Api, Module
from sluice.models.datasource import Datasource
from sluice.security import Keyring
from sluice.services.datasources import connection_config, stored_password, test_connection


@dataclass(frozen=True)
class Measure:
    value: float
    breached: bool
    message: str


def _scope(session: Session, rule: AlertRule, since: datetime) -> tuple[list[Any], str]:
    """The filter on access records a traffic rule reads, and what it watches, in words."""
    where: list[Any] = [col(AccessRecord.at) >= since]
    if rule.api_id is not None:
        api = session.get(Api, rule.api_id)
        where.append(col(AccessRecord.api_id) == rule.api_id)
        return where, f"API {api.name if api else rule.api_id!r}"
    if rule.module_id is not None:
        module = session.get(Module, rule.module_id)
        where.append(col(AccessRecord.module) == (module.name if module else ""))
        return where, f"module {module.name if module else rule.module_id!r}"
    return where, "all APIs"


def _errors(status_class: str) -> ColumnElement[bool]:
    low = 500 if status_class == "5xx" else 400
    return and_(col(AccessRecord.status) >= low, col(AccessRecord.status) < low + 100)


def error_rate(session: Session, rule: AlertRule, now: datetime) -> Measure:
    """The share of the window's calls that answered 5xx (or 4xx), in percent; it breaches
    above the threshold once the window holds `min_calls` calls."""
    where, what = _scope(session, rule, now - timedelta(seconds=rule.window_seconds))
    errors = func.coalesce(func.sum(case((_errors(rule.status_class), 1), else_=0)), 0)
    calls, failed = session.exec(select(func.count(), errors).where(*where)).one()
    rate = round(100 * failed / calls, 2) if calls else 0.0
    breached = calls >= rule.min_calls and rate > rule.threshold
    message = (
        f"{rate}% of {calls} calls to {what} answered {rule.status_class} in the last "
        f"{rule.window_seconds} s (threshold {rule.threshold}%)"
    )
    return Measure(rate, breached, message)


def latency_p95(session: Session, rule: AlertRule, now: datetime) -> Measure:
    """The nearest-rank p95 of the window's call durations, in milliseconds."""
    where, what = _scope(session, rule, now - timedelta(seconds=rule.window_seconds))
    calls = session.exec(select(func.count()).where(*where)).one()
    p95 = 0.0
    if calls:
        rank = math.ceil(0.95 * calls)
        query = select(AccessRecord.duration_ms).where(*where)
        ordered = query.order_by(col(AccessRecord.duration_ms)).offset(rank - 1).limit(1)
        p95 = float(session.exec(ordered).one())
    breached = calls >= rule.min_calls and p95 > rule.threshold
    message = (
        f"p95 latency of {what} is {round(p95, 1)} ms over {calls} calls in the last "
        f"{rule.window_seconds} s (threshold {rule.threshold} ms)"
    )
    return Measure(p95, breached, message)


def records_dropped(session: Session, rule: AlertRule, now: datetime) -> Measure:
    """Access records dropped by every process in the window."""
    since = now - timedelta(seconds=rule.window_seconds)
    total = select(func.coalesce(func.sum(AccessDrop.count), 0)).where(col(AccessDrop.at) >= since)
    dropped = int(session.exec(total).one())
    message = (
        f"{dropped} access records were dropped in the last {rule.window_seconds} s "
        f"(threshold {rule.threshold:g})"
    )
    return Measure(float(dropped), dropped > rule.threshold, message)


MEASURES = {
    "error_rate": error_rate,
    "latency_p95": latency_p95,
    "records_dropped": records_dropped,
}
"""The rules measured from the store; `datasource_health` connects to the sources."""


def sources_to_check(session: Session, rule: AlertRule) -> list[Datasource]:
    query = select(Datasource).order_by(col(Datasource.id))
    if rule.datasource_id is not None:
        query = query.where(col(Datasource.id) == rule.datasource_id)
    return list(session.exec(query).all())


async def datasource_health(
    sources: list[Datasource], settings: Settings, keyring: Keyring
) -> Measure:
    """Each watched source connects and answers a trivial query, as `Test connection`
    does; it breaches when any fails."""
    failing: list[str] = []
    for source in sources:
        try:
            config = connection_config(source, settings, stored_password(source, keyring))
        except Exception as exc:  # an undecryptable password or a path outside the folder
            failing.append(f"{source.name} ({exc})")
            continue
        result = await test_connection(config)
        if not result.ok:
            failing.append(f"{source.name} ({result.message})")
    if failing:
        message = f"{len(failing)} data source(s) fail their health check: " + "; ".join(failing)
    else:
        message = f"{len(sources)} data source(s) pass their health check"
    return Measure(float(len(failing)), bool(failing), message[:1000])
