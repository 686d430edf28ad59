"""The only code that imports database drivers. Nothing above it sees a driver object.

`connect(config)` builds a data source's connector; `PoolManager` keeps one per source.
"""

from sluice.connectors.common import DEFAULT_RETRY_DELAYS_MS
from sluice.connectors.pool import PoolManager, fingerprint
from sluice.connectors.registry import SESSION_OPTIONS, connect

__all__ = ["DEFAULT_RETRY_DELAYS_MS", "SESSION_OPTIONS", "PoolManager", "connect", "fingerprint"]
