"""The Gold scalar: exact integers within JavaScript's safe range."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from graphql import FloatValueNode, IntValueNode, StringValueNode

from casino_club.schema.scalars import GOLD_SCALAR, MAX_SAFE_INTEGER


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
        (" 42 ", 42),
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


def test_literals() -> None:
    parse_literal = GOLD_SCALAR.parse_literal
    assert parse_literal is not None
    assert parse_literal(IntValueNode(value="5000000000"), None) == 5_000_000_000
    assert parse_literal(StringValueNode(value="7"), None) == 7
    with pytest.raises(ValueError, match="Gold"):
        parse_literal(FloatValueNode(value="1.5"), None)


def test_serializes_beyond_32_bits() -> None:
    serialize: Callable[[object], object] | None = GOLD_SCALAR.serialize
    assert serialize is not None
    assert serialize(2**40) == 2**40
    with pytest.raises(ValueError, match="Gold"):
        serialize(2**60)
