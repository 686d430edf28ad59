"""Trino specifics against the fake coordinator: paging, cancel, errors, values."""

import time
from collections.abc import AsyncIterator

import pytest

from sluice.connectors import connect
from sluice.connectors.base import (
    ConnectorError,
    DatasourceUnavailable,
    InvalidConfig,
    QueryTimeout,
)
from sluice.connectors.trino import TrinoConnector
from tests.connectors.conftest import FAST_RETRIES, trino_config
from tests.connectors.fake_trino import FakeTrino
from tests.connectors.test_common import assert_ours

pytestmark = pytest.mark.anyio


@pytest.fixture
async def trino(fake_trino: tuple[FakeTrino, int]) -> AsyncIterator[TrinoConnector]:
    connector = TrinoConnector(trino_config(fake_trino[1]), retry_delays_ms=FAST_RETRIES)
    yield connector
    await connector.close()


async def test_rows_come_through_several_pages(
    trino: TrinoConnector, fake_trino: tuple[FakeTrino, int]
) -> None:
    fake = fake_trino[0]
    before = fake.requests
    result = await trino.execute(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 7)"
        " SELECT i FROM n WHERE i > ?",
        [0],
    )
    assert [row["i"] for row in result.rows or []] == [1, 2, 3, 4, 5, 6, 7]
    assert fake.requests - before >= 4


async def test_timeout_cancels_the_query(
    trino: TrinoConnector, fake_trino: tuple[FakeTrino, int]
) -> None:
    fake = fake_trino[0]
    cancels = fake.cancels
    started = time.monotonic()
    with pytest.raises(QueryTimeout):
        await trino.execute("SELECT sleep_ms(3000)", timeout_ms=300)
    assert time.monotonic() - started < 1.0
    deadline = time.monotonic() + 2
    while fake.cancels == cancels and time.monotonic() < deadline:
        time.sleep(0.02)
    assert fake.cancels > cancels


async def test_server_error_is_translated(trino: TrinoConnector) -> None:
    with pytest.raises(ConnectorError) as caught:
        await trino.execute("SELEC nonsense")
    assert caught.value.message == "Query failed: invalid statement or parameters"
    assert "SYNTAX_ERROR" in (caught.value.detail or "")
    assert_ours(caught.value)


async def test_unreachable_coordinator() -> None:
    connector = connect(trino_config(1), retry_delays_ms=FAST_RETRIES)
    try:
        with pytest.raises(DatasourceUnavailable) as caught:
            await connector.execute("SELECT 1")
    finally:
        await connector.close()
    assert caught.value.retries == len(FAST_RETRIES)
    assert_ours(caught.value)


def test_password_needs_https_and_options_are_checked() -> None:
    with pytest.raises(InvalidConfig):
        connect(trino_config(8080, password="x"))
    with pytest.raises(InvalidConfig):
        connect(trino_config(8080, options={"catalog": "c", "session_properties": {}}))


async def test_value_types(trino: TrinoConnector) -> None:
    result = await trino.execute(
        """
        SELECT '12.30' AS "dec__decimal(4,2)", 'NaN' AS "nan__double", 1.5 AS f,
               9223372036854775807 AS big, 1 AS "yes__boolean",
               '2024-02-29' AS "d__date", '2024-02-29 13:14:15.500' AS "ts__timestamp(3)",
               '2024-02-29 13:14:15.500 +02:00' AS "tz__timestamp(3) with time zone",
               '1 02:00:00.500' AS "iv__interval day to second",
               'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11' AS "u__uuid", x'00ff' AS b,
               '{"a": [1]}' AS "j__json", '[1, 2]' AS "arr__array(bigint)", NULL AS empty
        """
    )
    assert result.rows == [
        {
            "dec": "12.30",
            "nan": None,
            "f": 1.5,
            "big": 9223372036854775807,
            "yes": True,
            "d": "2024-02-29",
            "ts": "2024-02-29T13:14:15.500000",
            "tz": "2024-02-29T13:14:15.500000+02:00",
            "iv": 93600.5,
            "u": "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
            "b": "AP8=",
            "j": {"a": [1]},
            "arr": [1, 2],
            "empty": None,
        }
    ]
