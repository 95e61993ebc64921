"""Numbers players type with two decimals (a dice chance, a crash multiplier), held as
integer hundredths so that no binary float ever decides a boundary or a payout."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation


def parse_hundredths(text: str) -> int | None:
    """'49.5' → 4950; None unless it is a finite number with at most two decimals."""
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        return None
    if not value.is_finite():
        return None
    hundredths = value * 100
    if hundredths != hundredths.to_integral_value():
        return None
    return int(hundredths)


def float_hundredths(value: float) -> int | None:
    """A number a client sent as a JSON float: 2.5 → 250, by its shortest decimal form
    (repr), never by binary arithmetic; None with more than two decimals."""
    return parse_hundredths(repr(value))


def display(hundredths: int) -> float:
    """For display: the nearest double to hundredths / 100 (1.23 prints as 1.23)."""
    return hundredths / 100
