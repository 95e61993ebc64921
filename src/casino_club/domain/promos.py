"""Promo codes (SPEC §7.4): when a code applies, and what it takes off.

A code takes a whole percentage or a fixed amount (in one currency's minor unit) off the
unit price after any product discount, never below one minor unit; the quantity then
multiplies the result (SPEC §7.2: list price, minus a discount, minus a promo, times
quantity). Codes compare case-insensitively.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from casino_club.domain.shop import Currency, PromoProblem, Quote

MAX_CODE_LENGTH = 64


class PromoKind(StrEnum):
    PERCENT = "PERCENT"
    FIXED = "FIXED"


@dataclass(frozen=True, slots=True)
class PromoCode:
    code: str  # normalized (`normalize`)
    kind: PromoKind
    amount: int  # percent (1-100) or minor units off
    currency: Currency | None  # a FIXED code's currency; None for PERCENT
    starts_at: datetime
    ends_at: datetime
    max_uses: int | None  # in all; None: no limit
    per_user_limit: int
    applies_to: frozenset[str]  # skus of products and packages; empty: everything
    active: bool = True

    def __post_init__(self) -> None:
        if self.code != normalize(self.code) or not self.code:
            raise ValueError("a code is stored normalized")
        if self.kind is PromoKind.PERCENT and not (1 <= self.amount <= 100 and not self.currency):
            raise ValueError(f"{self.code}: a percent code takes 1-100% and has no currency")
        if self.kind is PromoKind.FIXED and (self.amount <= 0 or self.currency is None):
            raise ValueError(f"{self.code}: a fixed code takes a positive amount in a currency")
        if self.ends_at <= self.starts_at:
            raise ValueError(f"{self.code}: the window ends after it starts")
        if (self.max_uses is not None and self.max_uses < 1) or self.per_user_limit < 1:
            raise ValueError(f"{self.code}: limits allow at least one use")


def normalize(code: str) -> str:
    """How codes compare: trimmed, case-folded to upper case."""
    return code.strip().upper()


def promo_problem(promo: PromoCode, quote: Quote, now: datetime) -> PromoProblem | None:
    """Why the code does not apply to this purchase now (uses are counted elsewhere)."""
    if not promo.active:
        return PromoProblem.DISABLED
    if now < promo.starts_at:
        return PromoProblem.NOT_STARTED
    if now >= promo.ends_at:
        return PromoProblem.EXPIRED
    if promo.applies_to and quote.sku not in promo.applies_to:
        return PromoProblem.NOT_APPLICABLE
    if promo.kind is PromoKind.FIXED and promo.currency is not quote.currency:
        return PromoProblem.NOT_APPLICABLE
    return None


def apply(promo: PromoCode, quote: Quote) -> Quote:
    """The quote with the code's reduction taken off each unit (at least one minor unit
    is still paid per unit)."""
    unit = quote.unit_price_cents
    # A percentage rounds halves up, as discounts do.
    off = (unit * promo.amount + 50) // 100 if promo.kind is PromoKind.PERCENT else promo.amount
    reduced = max(1, unit - off)
    return replace(quote, unit_price_cents=reduced, amount_cents=reduced * quote.quantity)
