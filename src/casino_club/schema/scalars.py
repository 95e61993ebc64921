"""The `Gold` scalar.

GraphQL `Int` is 32-bit, and a whale's balance is not. Gold travels as a JSON number
within JavaScript's safe-integer range, and is accepted as a number or a numeric string.
"""

from __future__ import annotations

from typing import Any, NewType

import strawberry
from graphql import IntValueNode, StringValueNode, ValueNode

Gold = NewType("Gold", int)

MAX_SAFE_INTEGER = 2**53 - 1


def _coerce(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError("Gold must be an integer, not a boolean")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and value.strip().lstrip("+-").isdigit() and len(value) <= 20:
        number = int(value.strip())
    else:
        raise ValueError(f"Gold must be a whole number, got {value!r}")
    if not -MAX_SAFE_INTEGER <= number <= MAX_SAFE_INTEGER:
        raise ValueError("Gold must be within ±(2^53 − 1)")
    return number


def _parse_literal(node: ValueNode, _variables: dict[str, Any] | None = None) -> int:
    if isinstance(node, IntValueNode | StringValueNode):
        return _coerce(int(node.value) if isinstance(node, IntValueNode) else node.value)
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
