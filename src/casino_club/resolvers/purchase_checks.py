"""What a buyer must pass before a purchase opens (SPEC §5.5, §7.4, §7.6): a promo code
that applies, their own purchase limits, the fraud guard. Each runs inside the opening
transaction, under the buyer's row lock (checkout.py), so the check and the purchase it
lets through are one step."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from casino_club.context import Viewer
from casino_club.domain import days, promos
from casino_club.domain.limits import LimitKind, room
from casino_club.domain.promos import PromoCode
from casino_club.domain.purchases import PromoInvalid, PurchaseBlocked, SpendingLimitReached
from casino_club.domain.shop import Currency, PromoProblem, Quote
from casino_club.persistence import limits as limit_store
from casino_club.persistence import promos as promo_store
from casino_club.persistence import purchases
from casino_club.persistence.rate_limits import PurchaseGuard, RateLimitsUnavailable
from casino_club.resolvers.guards import rate_limits_down
from casino_club.services import Services


def spend_rates(services: Services) -> dict[Currency, Decimal]:
    """What a minor unit of each currency counts as in USD cents, for limits and ranks."""
    rates = services.settings.spend_usd_cents_per_unit
    return {Currency(code): rate for code, rate in rates.items()}


@dataclass(frozen=True, slots=True)
class PurchaseRoom:
    """One purchase limit in force and what the period has used of it."""

    kind: LimitKind
    amount: int
    spent: int
    left: int
    resets_at: datetime


async def purchase_rooms(
    services: Services, session: AsyncSession, user_id: int, now: datetime
) -> list[PurchaseRoom]:
    """The player's own purchase limits in force (SPEC §5.5), per game day and game
    month, with the purchases that took or may take money counted against them."""
    zone = services.settings.zone
    set_limits = await limit_store.of(session, user_id)
    periods = (
        (LimitKind.DAILY_PURCHASE, days.day_start(now, zone), days.next_day_start(now, zone)),
        (
            LimitKind.MONTHLY_PURCHASE,
            days.month_start(now, zone),
            days.next_month_start(now, zone),
        ),
    )
    found: list[PurchaseRoom] = []
    for kind, since, resets_at in periods:
        limit = set_limits[kind].at(now)
        if limit.amount is None:
            continue
        spent = await purchases.spent_since(session, user_id, since)
        left = room(limit, spent, now)
        assert left is not None  # a limit in force leaves a number
        found.append(PurchaseRoom(kind, limit.amount, spent, left, resets_at))
    return found


async def over_limit(
    services: Services, session: AsyncSession, viewer: Viewer, spend: int, now: datetime
) -> SpendingLimitReached | None:
    """The first purchase limit this purchase (`spend` USD cents) would break."""
    for found in await purchase_rooms(services, session, viewer.id, now):
        if spend > found.left:
            return SpendingLimitReached(found.kind, found.amount, found.spent, found.resets_at)
    return None


async def promo_for(
    session: AsyncSession, viewer: Viewer, code: str, quote: Quote, now: datetime
) -> PromoCode | PromoInvalid:
    """The code, if it applies to this purchase and the buyer has a use of it left."""
    promo = await promo_store.get(session, promos.normalize(code))
    if promo is None:
        return PromoInvalid(PromoProblem.UNKNOWN_CODE)
    problem = promos.promo_problem(promo, quote, now)
    if problem is not None:
        return PromoInvalid(problem)
    if await promo_store.used_by(session, viewer.id, promo.code) >= promo.per_user_limit:
        return PromoInvalid(PromoProblem.ALREADY_USED)
    return promo


async def fraud_guard(
    services: Services, viewer: Viewer, payment_token: str
) -> PurchaseBlocked | None:
    """Count this attempt (SPEC §7.6); PurchaseBlocked if the player is blocked. An
    attempt is a priced, eligible request: a replay, or one refused before this (no such
    product, a rank, a promo or a limit) does not count; one then refused for stock or a
    code's last use does. Without Redis purchases are refused: a guard that fails open
    guards nothing."""
    settings = services.settings
    guard = PurchaseGuard(
        window_ms=settings.fraud_window_seconds * 1000,
        max_attempts=settings.fraud_max_attempts,
        max_tokens=settings.fraud_max_tokens,
        block_ms=settings.fraud_block_seconds * 1000,
    )
    now = services.clock.now()
    now_ms = int(now.timestamp() * 1000)
    digest = hashlib.sha256(payment_token.encode()).hexdigest()  # never the token itself
    try:
        until_ms = await services.rate_limits.purchase_attempt(viewer.id, digest, guard, now_ms)
    except RateLimitsUnavailable:
        raise rate_limits_down() from None
    if until_ms is None:
        return None
    wait_ms = until_ms - now_ms
    return PurchaseBlocked(now + timedelta(milliseconds=wait_ms), -(-wait_ms // 1000))
