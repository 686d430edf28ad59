"""The JSON-ready value rules, on plain Python values (every connector uses them)."""

import dataclasses
import datetime
import json
import math
import uuid
from decimal import Decimal
from enum import IntEnum

import pytest

from sluice.connectors.base import QueryResult, query_result
from sluice.connectors.values import (
    RowShape,
    ShapeCache,
    json_value,
    make_row,
    parse_json,
    text_value,
)


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


def test_row_shape_converts_only_the_columns_that_need_it() -> None:
    shape = RowShape(["id", "amount", "doc", "raw"], [None, json_value, parse_json, text_value])
    rows = shape.rows([(1, Decimal("1.50"), '{"a": 1}', b"\x00"), (2, None, None, "plain")])
    assert rows == [
        {"id": 1, "amount": "1.50", "doc": {"a": 1}, "raw": "AA=="},
        {"id": 2, "amount": None, "doc": None, "raw": "plain"},
    ]
    assert [list(row) for row in rows] == [["id", "amount", "doc", "raw"]] * 2
    assert RowShape(["n"], [None]).rows([(math.nan,)]) == [{"n": math.nan}]  # as told
    assert RowShape(["n"], [json_value]).rows([(math.nan,)]) == [{"n": None}]
    assert RowShape(["a"], [None]).rows([]) == []
    assert RowShape(["a", "b"], [None, None]).rows([(1, 2), (3, 4)]) == [
        {"a": 1, "b": 2},
        {"a": 3, "b": 4},
    ]


def test_row_shape_repeated_names_keep_the_last_column() -> None:
    """As a dict built column by column: the last value wins, under the last converter."""
    shape = RowShape(["a", "b", "a"], [json_value, None, None])
    assert shape.rows([(Decimal("1"), 2, 3)]) == [{"a": 3, "b": 2}]
    shape = RowShape(["a", "a"], [None, json_value])
    assert shape.rows([(1, Decimal("2.0"))]) == [{"a": "2.0"}]


def test_shape_cache_is_bounded() -> None:
    cache = ShapeCache(limit=2)
    first = cache.put(("a",), RowShape(["a"], [None]))
    assert cache.get(("a",)) is first
    cache.put(("b",), RowShape(["b"], [None]))
    cache.put(("c",), RowShape(["c"], [None]))  # full: starts over
    assert len(cache) == 1 and cache.get(("a",)) is None and cache.get(("c",)) is not None


def test_query_result_shortcut_is_an_ordinary_result() -> None:
    fast = query_result(["a"], [{"a": 1}], 1)
    assert fast == QueryResult(columns=["a"], rows=[{"a": 1}], rowcount=1)
    assert fast.returns_rows and repr(fast) == repr(QueryResult(["a"], [{"a": 1}], 1))
    assert query_result([], None).rowcount is None
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.rows = []  # type: ignore[misc]
