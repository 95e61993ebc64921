"""Player limits (SPEC §5.5): reading them, and setting them by the 24-hour rule of
domain/limits.py. Enforced where the money moves (checkout)."""

from __future__ import annotations

from datetime import datetime, timedelta

import strawberry

from casino_club.context import Context, Viewer
from casino_club.domain.accounts import FieldProblem
from casino_club.domain.limits import MAX_LIMIT, Limit, LimitKind, change
from casino_club.persistence import limits as store
from casino_club.persistence import users
from casino_club.schema.errors import ValidationFailed
from casino_club.schema.limits import (
    LimitsSet,
    LimitState,
    PlayerLimits,
    SetLimitsInput,
    SetLimitsResult,
)
from casino_club.services import Services

FIELDS = {
    "dailyPurchaseCents": LimitKind.DAILY_PURCHASE,
    "monthlyPurchaseCents": LimitKind.MONTHLY_PURCHASE,
}


def _view(limits: dict[LimitKind, Limit], now: datetime) -> PlayerLimits:
    return PlayerLimits(
        daily_purchase_cents=LimitState.of(limits[LimitKind.DAILY_PURCHASE].at(now)),
        monthly_purchase_cents=LimitState.of(limits[LimitKind.MONTHLY_PURCHASE].at(now)),
    )


async def limits_of(services: Services, user_id: int) -> PlayerLimits:
    async with services.sessionmaker() as session:
        limits = await store.of(session, user_id)
    return _view(limits, services.clock.now())


async def set_limits(context: Context, viewer: Viewer, data: SetLimitsInput) -> SetLimitsResult:
    services = context.services
    requested = {
        "dailyPurchaseCents": data.daily_purchase_cents,
        "monthlyPurchaseCents": data.monthly_purchase_cents,
    }
    problems = [
        FieldProblem(name, "INVALID_LIMIT", f"must be 0-{MAX_LIMIT} cents, or null for none")
        for name, value in requested.items()
        if value is not strawberry.UNSET and value is not None and not 0 <= value <= MAX_LIMIT
    ]
    if problems:
        return ValidationFailed.of(problems)
    now = services.clock.now()
    delay = timedelta(seconds=services.settings.limit_raise_delay_seconds)
    async with services.unit_of_work() as uow:
        session = uow.session
        await users.lock(session, viewer.id)  # a change and the purchases it limits: in order
        limits = await store.of(session, viewer.id)
        for name, value in requested.items():
            if value is strawberry.UNSET:
                continue
            kind = FIELDS[name]
            limits[kind] = change(limits[kind], value, now, delay)
            await store.put(session, viewer.id, kind, limits[kind], now)
        await uow.commit()
    return LimitsSet(limits=_view(limits, now))
