"""The JSON-ready value rules, on plain Python values (every connector uses them)."""

import datetime
import json
import math
import uuid
from decimal import Decimal
from enum import IntEnum

from sluice.connectors.values import json_value, make_row, parse_json


class Level(IntEnum):
    HIGH = 3


def test_each_type_converts() -> None:
    tz = datetime.timezone(datetime.timedelta(hours=-5, minutes=-30))
    cases = [
        (Decimal("12345678901234567890.000000001"), "12345678901234567890.000000001"),
        (Decimal("NaN"), None),
        (datetime.date(2024, 2, 29), "2024-02-29"),
        (datetime.datetime(2024, 2, 29, 1, 2, 3, tzinfo=tz), "2024-02-29T01:02:03-05:30"),
        (datetime.time(1, 2, 3, 500000), "01:02:03.500000"),
        (datetime.timedelta(days=1, seconds=1), 86401),
        (datetime.timedelta(milliseconds=1500), 1.5),
        (uuid.UUID(int=1), "00000000-0000-0000-0000-000000000001"),
        (b"\x00\xff", "AP8="),
        (bytearray(b"a"), "YQ=="),
        (memoryview(b"ab"), "YWI="),
        (2**70, 2**70),
        (True, True),
        (math.nan, None),
        (-math.inf, None),
        (2.5, 2.5),
        (Level.HIGH, 3),
        ([Decimal("1.0"), [b"x"]], ["1.0", ["eA=="]]),
        ((1, None), [1, None]),
        ({"a": {"b": datetime.date(2020, 1, 1)}}, {"a": {"b": "2020-01-01"}}),
    ]
    for value, expected in cases:
        assert json_value(value) == expected, value


def test_rows_are_serializable_and_ordered() -> None:
    row = make_row(["z", "a"], (Decimal("1"), math.inf))
    assert list(row) == ["z", "a"]
    assert json.dumps(row) == '{"z": "1", "a": null}'


def test_parse_json_text_and_bytes() -> None:
    assert parse_json('{"a": [1, null]}') == {"a": [1, None]}
    assert parse_json(b"[true]") == [True]
    assert parse_json(None) is None
    assert parse_json({"already": "parsed"}) == {"already": "parsed"}
