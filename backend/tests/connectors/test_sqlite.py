"""SQLite specifics on a temporary file: the required path, read-only, locks, values."""

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from sluice.connectors import connect
from sluice.connectors.base import Connector, ConnectorError, InvalidConfig
from tests.connectors.conftest import FAST_RETRIES, sqlite_config

pytestmark = pytest.mark.anyio


@pytest.fixture
async def lite(tmp_path: Path) -> AsyncIterator[Connector]:
    path = tmp_path / "data.db"
    with sqlite3.connect(path) as setup:
        setup.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT)")
    connector = connect(sqlite_config(path), retry_delays_ms=FAST_RETRIES)
    yield connector
    await connector.close()


def test_path_is_required(tmp_path: Path) -> None:
    with pytest.raises(InvalidConfig):
        connect(sqlite_config(tmp_path, options={}))
    with pytest.raises(InvalidConfig):
        connect(sqlite_config(tmp_path, options={"path": "  "}))


async def test_missing_file_is_not_created(tmp_path: Path) -> None:
    connector = connect(sqlite_config(tmp_path / "absent.db"), retry_delays_ms=FAST_RETRIES)
    try:
        with pytest.raises(ConnectorError) as caught:
            await connector.execute("SELECT 1")
    finally:
        await connector.close()
    assert caught.value.message == "Connection failed: cannot open the database file"
    assert not (tmp_path / "absent.db").exists()


async def test_read_only_transaction_refuses_writes(lite: Connector) -> None:
    with pytest.raises(ConnectorError):
        async with lite.transaction(read_only=True) as tx:
            await tx.execute("SELECT count(*) FROM items")
            await tx.execute("INSERT INTO items (name) VALUES ('x')")
    await lite.execute("INSERT INTO items (name) VALUES ('writable again')")
    assert (await lite.execute("SELECT count(*) AS n FROM items")).rows == [{"n": 1}]


async def test_returning(lite: Connector) -> None:
    result = await lite.execute("INSERT INTO items (name) VALUES (?) RETURNING id, name", ["a"])
    assert result.rows == [{"id": 1, "name": "a"}]


async def test_value_types(lite: Connector) -> None:
    result = await lite.execute(
        "SELECT 1.5 AS f, 9223372036854775807 AS big, x'00ff' AS b, NULL AS empty,"
        " 'héllo' AS s, 1e999 AS inf"
    )
    assert result.rows == [
        {
            "f": 1.5,
            "big": 9223372036854775807,
            "b": "AP8=",
            "empty": None,
            "s": "héllo",
            "inf": None,
        }
    ]
