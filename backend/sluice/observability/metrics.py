"""Prometheus metrics, one registry per app so several apps can live in one process.

With several worker processes each keeps its own counters; see docs/TECHNICAL.md.
"""

from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

CONTENT_TYPE = CONTENT_TYPE_LATEST


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self._gateway_children: dict[tuple[int | None, int], tuple[Any, Any]] = {}
        self.requests = Counter(
            "sluice_http_requests_total",
            "HTTP requests by route template and status",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "sluice_http_request_duration_seconds",
            "HTTP request latency by route template",
            ["method", "route"],
            registry=self.registry,
        )

        self.gateway_calls = Counter(
            "sluice_gateway_calls_total",
            "Gateway calls by API and status",
            ["api_id", "status"],
            registry=self.registry,
        )
        self.gateway_latency = Histogram(
            "sluice_gateway_call_duration_seconds",
            "Gateway call latency by API",
            ["api_id"],
            registry=self.registry,
        )
        self.limiter_rejections = Counter(
            "sluice_limiter_rejections_total",
            "Calls refused by flow control",
            ["reason"],
            registry=self.registry,
        )
        self.limiter_shared = Gauge(
            "sluice_limiter_redis_up",
            "1 while flow control is shared through Redis, 0 while per-process",
            registry=self.registry,
        )
        self.access_queue_depth = Gauge(
            "sluice_access_record_queue_depth",
            "Access records waiting to be written",
            registry=self.registry,
        )
        self.access_records_dropped = Counter(
            "sluice_access_records_dropped_total",
            "Access records dropped: the queue was full, the store refused the row, or the "
            "store was still away at shutdown",
            ["reason"],
            registry=self.registry,
        )
        for reason in ("queue_full", "unstorable", "store_unavailable"):
            self.access_records_dropped.labels(reason)

    def observe_gateway_call(
        self, api_id: int | None, status: int, error: str | None, seconds: float
    ) -> None:
        """One gateway call. The labelled children are kept per (API, status): looking
        them up through `labels()` on every call costs more than the sample itself."""
        key = (api_id, status)
        children = self._gateway_children.get(key)
        if children is None:
            api = str(api_id) if api_id is not None else "none"
            children = (
                self.gateway_calls.labels(api, str(status)),
                self.gateway_latency.labels(api),
            )
            self._gateway_children[key] = children
        children[0].inc()
        children[1].observe(seconds)
        if error in ("rate_limited", "concurrency_limited"):
            self.limiter_rejections.labels(error).inc()

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route).observe(seconds)

    def render(self) -> bytes:
        return generate_latest(self.registry)
