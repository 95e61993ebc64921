"""The `Gold` scalar.

GraphQL `Int` is 32-bit, and a whale's balance is not. Gold travels as a JSON number
within JavaScript's safe-integer range, and is accepted as a number or a numeric string.

A numeric string is the text of a JSON integer: an optional `-` and ASCII digits without
leading zeros. Python's `int()` would also take spaces, `+`, `_` and any script's digits
(`"１０"` is 10 to it), so the text is matched first, and its length with it: no digit
string reaches `int()` longer than the 16 digits of 2^53 − 1.
"""

from __future__ import annotations

import re
from typing import Any, NewType

import strawberry
from graphql import IntValueNode, StringValueNode, ValueNode

Gold = NewType("Gold", int)

MAX_SAFE_INTEGER = 2**53 - 1

_GOLD_TEXT = re.compile(r"-?(?:0|[1-9][0-9]{0,15})")
OUT_OF_RANGE = "Gold must be within ±(2^53 − 1)"
NOT_GOLD_TEXT = (
    "Gold as a string must be a whole number in ASCII digits, with an optional leading '-', "
    "within ±(2^53 − 1)"
)


def _coerce(value: object) -> int:
    """The amount, or a ValueError whose message is ours and never echoes the input."""
    if isinstance(value, bool):
        raise ValueError("Gold must be an integer, not a boolean")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str):
        if _GOLD_TEXT.fullmatch(value) is None:
            raise ValueError(NOT_GOLD_TEXT)
        number = int(value)
    else:
        raise ValueError("Gold must be a whole number or a numeric string")
    if not -MAX_SAFE_INTEGER <= number <= MAX_SAFE_INTEGER:
        raise ValueError(OUT_OF_RANGE)
    return number


def _parse_literal(node: ValueNode, _variables: dict[str, Any] | None = None) -> int:
    # An Int literal's text is checked like a string's: it may have thousands of digits.
    if isinstance(node, IntValueNode | StringValueNode):
        return _coerce(node.value)
    raise ValueError("Gold must be an integer or a numeric string")


GOLD_SCALAR = strawberry.scalar(
    name="Gold",
    description=(
        "An amount of gold: a whole number within ±(2^53 − 1), safe in JavaScript. "
        "Accepted as a number or a numeric string."
    ),
    serialize=_coerce,
    parse_value=_coerce,
    parse_literal=_parse_literal,
)
