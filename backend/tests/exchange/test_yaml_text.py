"""YAML out (stable, literal blocks, always read back as written) and in (only what a
definitions file needs; hostile text refused with the place)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sluice.services.exchange.yaml_text import HEADER, YamlProblem, dump_yaml, load_yaml

SQL = "SELECT id,\n\tname  \nFROM items\n"


def test_multi_line_text_is_a_literal_block_even_with_tabs_and_trailing_spaces() -> None:
    text = dump_yaml({"content": SQL, "name": "one line"})

    assert text == HEADER + "content: |\n  SELECT id,\n  \tname  \n  FROM items\nname: one line\n"
    assert load_yaml(text).data == {"content": SQL, "name": "one line"}


def test_text_that_reads_as_another_type_is_quoted() -> None:
    values = ["yes", "no", "on", "0777", "1:30", "1e5", "null", "~", "", "true", "2024-01-01"]
    text = dump_yaml({"values": values})

    assert load_yaml(text).data == {"values": values}


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00")),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(JSON)
def test_whatever_is_dumped_loads_back_the_same(value: object) -> None:
    text = dump_yaml({"value": value})

    assert load_yaml(text).data == {"value": value}
    assert dump_yaml(load_yaml(text).data) == text


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("a: &x [1, 2]\nb: *x\n", "line 1, column 4: anchors (&name) are not allowed"),
        ("a: *x\n", "line 1, column 4: aliases (*name) are not allowed"),
        ("a: 1\na: 2\n", "line 2, column 1: duplicate key 'a'"),
        ("1: x\n", "line 1, column 1: keys must be text"),
        ("a: 1.0e+999\n", "line 1, column 4: numbers must be finite"),
        ("a: !!binary aGk=\n", "could not determine a constructor for the tag"),
        ("a: !!python/name:os.system\n", "could not determine a constructor for the tag"),
        ("a: 1\n---\nb: 2\n", "line 2, column 1: but found another document"),
        ("a: [" * 70 + "]" * 70, "nests deeper than 64 levels"),
        ("a: " + "9" * 5000 + "\n", "a number has too many digits"),
        ("a:\n\t- 1\n", "line 2, column 1: found character '\\t' that cannot start any token"),
    ],
)
def test_hostile_or_surprising_yaml_is_refused_with_its_place(text: str, problem: str) -> None:
    with pytest.raises(YamlProblem) as refused:
        load_yaml(text, "f.yaml")

    assert str(refused.value).startswith("f.yaml"), refused.value
    assert problem in str(refused.value)


def test_yaml_1_1_surprises_stay_text() -> None:
    loaded = load_yaml("a: [on, yes, no, 0777, 1:30, 09, 1e5, 2024-01-01, .inf]\nb: 1.5\nc: -3\n")

    assert loaded.data == {
        "a": ["on", "yes", "no", "0777", "1:30", "09", "1e5", "2024-01-01", ".inf"],
        "b": 1.5,
        "c": -3,
    }


def test_each_value_keeps_its_line() -> None:
    loaded = load_yaml("a:\n  b:\n  - x\n  - |\n    two\n    lines\nc: 1\n")

    assert loaded.lines == {
        (): 1,
        ("a",): 2,
        ("a", "b"): 3,
        ("a", "b", 0): 3,
        ("a", "b", 1): 4,
        ("c",): 7,
    }
