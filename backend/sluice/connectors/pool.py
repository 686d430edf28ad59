"""PoolManager: one connector per data source, built on first use, rebuilt on change.

The gateway asks for a source's connector on every call, so the hit path is a dict
lookup and a comparison, no lock. Building (and replacing) takes a per-source lock, so
concurrent first calls share one pool instead of opening one each.
"""

import asyncio
import hashlib
import json
from collections.abc import Callable, Hashable, Sequence
from dataclasses import asdict, dataclass

from sluice.connectors.base import ConnectionConfig, Connector, PoolUsage
from sluice.connectors.common import DEFAULT_RETRY_DELAYS_MS
from sluice.connectors.registry import connect

Factory = Callable[..., Connector]


def fingerprint(config: ConnectionConfig) -> str:
    """A digest of every setting, password included (only its hash is kept)."""
    text = json.dumps(asdict(config), sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class _Entry:
    key: Hashable
    connector: Connector


class PoolManager:
    """Connectors by data-source id. `get` builds lazily and rebuilds when the config
    (or the version the caller passes) changed; `remove` and `close_all` close pools."""

    def __init__(
        self,
        *,
        retry_delays_ms: Sequence[int] = DEFAULT_RETRY_DELAYS_MS,
        factory: Factory = connect,
    ) -> None:
        self._delays = tuple(retry_delays_ms)
        self._factory = factory
        self._entries: dict[Hashable, _Entry] = {}
        self._locks: dict[Hashable, asyncio.Lock] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, source_id: object) -> bool:
        return source_id in self._entries

    async def get(
        self, source_id: Hashable, config: ConnectionConfig, *, version: Hashable | None = None
    ) -> Connector:
        """The source's connector. `version` (a revision counter or updated-at stamp from
        the store) is compared when given; otherwise a fingerprint of the config is."""
        key = version if version is not None else fingerprint(config)
        entry = self._entries.get(source_id)
        if entry is not None and entry.key == key:
            return entry.connector
        async with self._locks.setdefault(source_id, asyncio.Lock()):
            entry = self._entries.get(source_id)
            if entry is not None and entry.key == key:
                return entry.connector
            connector = self._factory(config, retry_delays_ms=self._delays)
            self._entries[source_id] = _Entry(key, connector)
        if entry is not None:
            await entry.connector.close()
        return connector

    def usage(self) -> dict[Hashable, PoolUsage]:
        """Each open pool's usage by data-source id, for `/metrics`; a removed source's
        pool is gone from here, and so from the metrics."""
        entries = list(self._entries.items())  # a snapshot: the scrape runs in a thread
        return {source_id: entry.connector.usage() for source_id, entry in entries}

    async def remove(self, source_id: Hashable) -> None:
        """Close and forget a source's pool (deleted or disabled data source)."""
        entry = self._entries.pop(source_id, None)
        self._locks.pop(source_id, None)
        if entry is not None:
            await entry.connector.close()

    async def close_all(self) -> None:
        """Close every pool (application shutdown)."""
        entries, self._entries = list(self._entries.values()), {}
        self._locks.clear()
        await asyncio.gather(*(entry.connector.close() for entry in entries))
