"""PoolManager on real connectors (SQLite files: no server needed)."""

import asyncio
import sqlite3
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from sluice.connectors import PoolManager, connect, fingerprint
from sluice.connectors.base import ConnectionConfig, Connector
from tests.connectors.conftest import sqlite_config

pytestmark = pytest.mark.anyio


class CountingFactory:
    """The real factory, counting how often the manager builds a connector."""

    def __init__(self) -> None:
        self.built: list[Connector] = []

    def __call__(self, config: ConnectionConfig, **kwargs: Any) -> Connector:
        connector = connect(config, **kwargs)
        self.built.append(connector)
        return connector


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "pool.db"
    sqlite3.connect(path).close()
    return path


async def test_concurrent_first_use_builds_one(database: Path) -> None:
    factory = CountingFactory()
    manager = PoolManager(retry_delays_ms=[1], factory=factory)
    config = sqlite_config(database)
    connectors = await asyncio.gather(*(manager.get("ds1", config) for _ in range(20)))
    assert len({id(connector) for connector in connectors}) == 1
    assert len(factory.built) == 1
    assert (await connectors[0].execute("SELECT 1 AS one")).rows == [{"one": 1}]
    await manager.close_all()
    assert len(manager) == 0


async def test_changed_config_rebuilds(database: Path) -> None:
    factory = CountingFactory()
    manager = PoolManager(factory=factory)
    config = sqlite_config(database)
    first = await manager.get("ds", config)
    assert await manager.get("ds", replace(config)) is first
    second = await manager.get("ds", replace(config, statement_timeout_ms=5))
    assert second is not first
    assert await manager.get("ds", config, version=7) is not second
    pinned = await manager.get("ds", replace(config, pool_size=9), version=7)
    assert len(factory.built) == 3 and pinned is factory.built[-1]
    await manager.remove("ds")
    assert "ds" not in manager
    await manager.close_all()


def test_fingerprint_covers_the_password() -> None:
    config = ConnectionConfig(type="postgres", host="h", password="one")
    assert fingerprint(config) != fingerprint(replace(config, password="two"))
    assert "one" not in fingerprint(config)
