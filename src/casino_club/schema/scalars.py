"""The custom scalars: `Gold`, and `Date` and `DateTime` as the API writes them.

GraphQL `Int` is 32-bit, and a whale's balance is not. Gold travels as a JSON number
within JavaScript's safe-integer range, and is accepted as a number or a numeric string.

A numeric string is the text of a JSON integer: an optional `-` and ASCII digits without
leading zeros. Python's `int()` would also take spaces, `+`, `_` and any script's digits
(`"１０"` is 10 to it), so the text is matched first, and its length with it: no digit
string reaches `int()` longer than the 16 digits of 2^53 − 1.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any, NewType

import strawberry
from graphql import IntValueNode, StringValueNode, ValueNode
from strawberry.schema.types.base_scalars import DateDefinition, DateTimeDefinition
from strawberry.types.scalar import ScalarDefinition

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


# No public specification states this form, so Gold has no @specifiedBy: its
# description is the specification.
GOLD_SCALAR = strawberry.scalar(
    name="Gold",
    description=(
        "An amount of gold: a whole number within ±(2^53 − 1) = ±9007199254740991, "
        "which a JavaScript number holds exactly (map it to `number`). Sent as a JSON "
        "number without a fraction, e.g. 1500. Accepted as a JSON number with no "
        "fractional part, or as a string of its decimal digits: an optional `-`, then "
        'ASCII digits without leading zeros (e.g. "1500", "-20"). Anything else (a '
        "fraction, a boolean, `+`, spaces, a value out of range) is refused as invalid "
        "input."
    ),
    serialize=_coerce,
    parse_value=_coerce,
    parse_literal=_parse_literal,
)


# Strawberry's own Date and DateTime, which write and read Python's ISO 8601 text, with
# what a client may rely on stated: the instants the API writes are UTC-aware, so their
# text is RFC 3339; an input instant without an offset is refused by the use case that
# takes it (VALIDATION_FAILED or BAD_USER_INPUT), never guessed.
DATE_SCALAR = ScalarDefinition(
    name="Date",
    description=(
        "A calendar day, as an RFC 3339 full-date (ISO 8601 extended form): `YYYY-MM-DD`, "
        "e.g. 2025-03-01. Which zone's day it is, the field says (game days are in "
        "GAME_TIMEZONE, UTC by default)."
    ),
    specified_by_url="https://datatracker.ietf.org/doc/html/rfc3339#section-5.6",
    serialize=DateDefinition.serialize,
    parse_value=DateDefinition.parse_value,
    parse_literal=None,
)
DATETIME_SCALAR = ScalarDefinition(
    name="DateTime",
    description=(
        "An instant, as an RFC 3339 date-time (ISO 8601). Sent in UTC with a `+00:00` "
        "offset, with microseconds when they are not zero: 2025-03-01T09:30:00+00:00, "
        "2025-03-01T09:30:00.250000+00:00. Accepted with any offset (`Z` or `±hh:mm`); "
        "send one always: an instant without an offset is refused."
    ),
    specified_by_url="https://datatracker.ietf.org/doc/html/rfc3339#section-5.6",
    serialize=DateTimeDefinition.serialize,
    parse_value=DateTimeDefinition.parse_value,
    parse_literal=None,
)
# The Python type each custom scalar publishes (StrawberryConfig.scalar_map).
SCALARS: dict[object, ScalarDefinition] = {
    Gold: GOLD_SCALAR,
    date: DATE_SCALAR,
    datetime: DATETIME_SCALAR,
}
