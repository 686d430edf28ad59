"""Prometheus metrics, one registry per app so several apps can live in one process.

`sluice serve --workers N` runs prometheus_client's multiprocess mode: every worker keeps
its samples in files under PROMETHEUS_MULTIPROC_DIR, and `/metrics` adds up the files of
every worker, those of a worker that died included (its counters do not vanish). With one
process (tests, `--workers 1`) the samples live in memory as usual. See docs/TECHNICAL.md.
"""

import glob
import os
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client import values as prometheus_values
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead
from prometheus_client.registry import Collector

CONTENT_TYPE = CONTENT_TYPE_LATEST

LiveApis = Callable[[], Iterable[int]]
PoolUsages = Callable[[], Mapping[Hashable, tuple[int, int, int]]]
"""Each open pool's (size, in use, waiting) by data-source id."""


def multiprocess_dir() -> str | None:
    """The folder of multiprocess mode, or None in single-process mode. prometheus_client
    picks its mode once, at import, from PROMETHEUS_MULTIPROC_DIR; this asks it which."""
    if prometheus_values.ValueClass is prometheus_values.MutexValue:
        return None
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR")


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self._multiprocess_dir = multiprocess_dir()
        self._gateway_children: dict[tuple[int | None, int], tuple[Counter, Histogram]] = {}
        self._live_apis: LiveApis | None = None
        self._pools: PoolUsages = dict
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
            multiprocess_mode="livemin",
        )
        self.access_queue_depth = Gauge(
            "sluice_access_record_queue_depth",
            "Access records waiting to be written",
            registry=self.registry,
            multiprocess_mode="livesum",
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

    def watch(self, live_apis: LiveApis, pools: PoolUsages) -> None:
        """Where the scrape reads which APIs are live (a deleted or unpublished API's
        series go) and the data sources' pools (read as they are at that moment)."""
        self._live_apis, self._pools = live_apis, pools

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
        registry = CollectorRegistry(auto_describe=False)
        live = None if self._live_apis is None else {str(i) for i in self._live_apis()}
        if live is not None:
            live.add("none")
            self._forget_apis(live)
        if self._multiprocess_dir is None:
            registry.register(self.registry)
        else:
            _bury_dead_workers(self._multiprocess_dir)
            files = MultiProcessCollector(None)  # type: ignore[no-untyped-call]
            registry.register(_LiveApisOnly(files, live))
        registry.register(_Pools(self._pools))
        return generate_latest(registry)

    def close(self) -> None:
        """At shutdown: a worker's live gauges (queue depth...) stop counting."""
        if self._multiprocess_dir is not None:
            mark_process_dead(os.getpid(), self._multiprocess_dir)  # type: ignore[no-untyped-call]

    def _forget_apis(self, live: set[str]) -> None:
        """Drop the series of APIs the registry no longer has. In multiprocess mode the
        samples stay in the workers' files (prometheus_client cannot remove them there),
        so `_LiveApisOnly` leaves them out of the answer instead."""
        gone = [key for key in self._gateway_children if str(key[0]) not in live]
        if not gone:
            return
        children = dict(self._gateway_children)
        for key in gone:
            del children[key]
        self._gateway_children = children
        if self._multiprocess_dir is not None:
            return
        for api_id, status in gone:
            self.gateway_calls.remove(str(api_id), str(status))
            if all(key[0] != api_id for key in children):
                self.gateway_latency.remove(str(api_id))


class _LiveApisOnly:
    """A collector that leaves out the samples labelled with an API no longer live."""

    def __init__(self, inner: Collector, live: set[str] | None) -> None:
        self._inner, self._live = inner, live

    def collect(self) -> Iterator[Metric]:
        for family in self._inner.collect():
            if self._live is None:
                yield family
                continue
            family.samples = [
                s for s in family.samples if s.labels.get("api_id", "none") in self._live
            ]
            yield family


class _Pools:
    """Data-source pool usage, read from the pools at scrape time."""

    def __init__(self, pools: PoolUsages) -> None:
        self._pools = pools

    def collect(self) -> Iterator[Metric]:
        families = [
            GaugeMetricFamily(f"sluice_datasource_pool_{name}", help_text, labels=["datasource_id"])
            for name, help_text in (
                ("size", "Most connections the data source's pool holds"),
                ("in_use", "Calls holding a connection of the data source's pool"),
                ("waiting", "Calls waiting for a connection of the data source's pool"),
            )
        ]
        for source_id, usage in sorted(self._pools().items(), key=lambda item: str(item[0])):
            for family, value in zip(families, usage, strict=True):
                family.add_metric([str(source_id)], value)
        yield from families


def _bury_dead_workers(path: str) -> None:
    """Forget the live gauges of workers that are gone (killed, or restarted by the
    supervisor): uvicorn offers no hook when a worker exits, so the scrape looks."""
    for name in glob.glob(os.path.join(path, "gauge_live*_*.db")):
        pid = int(name.rsplit("_", 1)[1][: -len(".db")])
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            mark_process_dead(pid, path)  # type: ignore[no-untyped-call]
        except PermissionError:  # alive, under another user
            pass
