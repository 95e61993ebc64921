"""The Gold scalar: exact integers within JavaScript's safe range."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from graphql import FloatValueNode, IntValueNode, StringValueNode

from casino_club.schema.scalars import GOLD_SCALAR, MAX_SAFE_INTEGER, NOT_GOLD_TEXT


def parse(value: object) -> int:
    assert GOLD_SCALAR.parse_value is not None
    result: int = GOLD_SCALAR.parse_value(value)
    return result


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, 0),
        (-5, -5),
        ("123", 123),
        ("-42", -42),
        ("0", 0),
        (10.0, 10),
        (MAX_SAFE_INTEGER, MAX_SAFE_INTEGER),
        (str(-MAX_SAFE_INTEGER), -MAX_SAFE_INTEGER),
        (3_000_000_000, 3_000_000_000),
    ],
)
def test_accepts_whole_numbers_and_numeric_strings(value: object, expected: int) -> None:
    assert parse(value) == expected


@pytest.mark.parametrize(
    "value", [True, 1.5, "1.5", "abc", "", None, MAX_SAFE_INTEGER + 1, "9" * 25, [1], "1e3"]
)
def test_refuses_everything_else(value: object) -> None:
    with pytest.raises(ValueError, match="Gold"):
        parse(value)


@pytest.mark.parametrize(
    "text",
    [
        "１０",  # fullwidth digits: int() and str.isdigit() accept them
        "١٠",  # Arabic-Indic digits
        "१०",  # Devanagari digits
        " 42 ",
        "42\n",
        "+42",
        "1_000",
        "007",
        "--1",
        "-",
        "0x10",
        "9" * 5000,  # beyond Python's int-string conversion limit
        "9" * 17,
    ],
)
def test_strings_are_ascii_digits_of_bounded_length(text: str) -> None:
    # The whole message is ours: it never echoes the input.
    with pytest.raises(ValueError, match=f"^{re.escape(NOT_GOLD_TEXT)}$"):
        parse(text)


def test_numeric_strings_are_range_checked() -> None:
    with pytest.raises(ValueError, match=r"^Gold must be within"):
        parse(str(MAX_SAFE_INTEGER + 1))


@pytest.mark.parametrize("value", [[[[1]]], {"a": "\x00"}, float("inf"), float("nan"), object()])
def test_messages_never_echo_the_input(value: object) -> None:
    with pytest.raises(ValueError, match=r"^Gold must be a whole number or a numeric string$"):
        parse(value)


def test_literals() -> None:
    parse_literal = GOLD_SCALAR.parse_literal
    assert parse_literal is not None
    assert parse_literal(IntValueNode(value="5000000000"), None) == 5_000_000_000
    assert parse_literal(StringValueNode(value="7"), None) == 7
    with pytest.raises(ValueError, match="Gold"):
        parse_literal(FloatValueNode(value="1.5"), None)
    for refused in (IntValueNode(value="9" * 5000), StringValueNode(value="１０")):
        with pytest.raises(ValueError, match=f"^{re.escape(NOT_GOLD_TEXT)}$"):
            parse_literal(refused, None)


def test_serializes_beyond_32_bits() -> None:
    serialize: Callable[[object], object] | None = GOLD_SCALAR.serialize
    assert serialize is not None
    assert serialize(2**40) == 2**40
    with pytest.raises(ValueError, match="Gold"):
        serialize(2**60)
