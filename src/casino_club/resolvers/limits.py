"""Player protection (SPEC §5.5): purchase limits, read and set by the 24-hour rule of
domain/limits.py (enforced at checkout), and breaks — cool-off and self-exclusion —
that stop play and purchases (betting.py, checkout.py) until they end."""

from __future__ import annotations

from datetime import datetime, timedelta

import strawberry

from casino_club.context import Context, Viewer
from casino_club.domain.accounts import FieldProblem
from casino_club.domain.ids import parse_id
from casino_club.domain.limits import (
    MAX_LIMIT,
    Exclusion,
    Limit,
    LimitKind,
    break_in_force,
    change,
    excluded_until,
)
from casino_club.domain.refusals import ValidationFailed
from casino_club.persistence import audit, users
from casino_club.persistence import limits as store
from casino_club.resolvers.access import forget_sessions_after_commit
from casino_club.resolvers.guards import reason_problem
from casino_club.schema.errors import UserNotFound
from casino_club.schema.limits import (
    CoolOffStarted,
    ExclusionLifted,
    LiftExclusionInput,
    LiftExclusionResult,
    LimitsSet,
    LimitState,
    PlayerLimits,
    SetLimitsInput,
    SetLimitsResult,
    StartCoolOffInput,
    StartCoolOffResult,
)
from casino_club.services import Services

FIELDS = {
    "dailyPurchaseCents": LimitKind.DAILY_PURCHASE,
    "monthlyPurchaseCents": LimitKind.MONTHLY_PURCHASE,
    "dailyLossGold": LimitKind.DAILY_LOSS,
}
UNITS = {
    LimitKind.DAILY_PURCHASE: "cents",
    LimitKind.MONTHLY_PURCHASE: "cents",
    LimitKind.DAILY_LOSS: "gold",
}


def _view(
    limits: dict[LimitKind, Limit], excluded_until: datetime | None, now: datetime
) -> PlayerLimits:
    return PlayerLimits(
        daily_purchase_cents=LimitState.of(limits[LimitKind.DAILY_PURCHASE].at(now)),
        monthly_purchase_cents=LimitState.of(limits[LimitKind.MONTHLY_PURCHASE].at(now)),
        daily_loss_gold=LimitState.of(limits[LimitKind.DAILY_LOSS].at(now)),
        excluded_until=break_in_force(excluded_until, now),
    )


async def limits_of(services: Services, user_id: int) -> PlayerLimits:
    async with services.sessionmaker() as session:
        limits = await store.of(session, user_id)
        user = await users.by_id(session, user_id)
    return _view(limits, None if user is None else user.excluded_until, services.clock.now())


async def set_limits(context: Context, viewer: Viewer, data: SetLimitsInput) -> SetLimitsResult:
    services = context.services
    requested = {
        "dailyPurchaseCents": data.daily_purchase_cents,
        "monthlyPurchaseCents": data.monthly_purchase_cents,
        "dailyLossGold": data.daily_loss_gold,
    }
    problems = [
        FieldProblem(
            name, "INVALID_LIMIT", f"must be 0-{MAX_LIMIT} {UNITS[FIELDS[name]]}, or null for none"
        )
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
        excluded = await users.exclusion_of(session, viewer.id)
        if data.daily_loss_gold is not strawberry.UNSET:
            forget_sessions_after_commit(services, uow, viewer.id)  # sessions know of it
        await uow.commit()
    return LimitsSet(limits=_view(limits, excluded, now))


async def start_cool_off(
    context: Context, viewer: Viewer, data: StartCoolOffInput
) -> StartCoolOffResult:
    """Start a break (SPEC §5.5). It takes effect on the next request on every instance,
    and only an operator can end it early."""
    services = context.services
    now = services.clock.now()
    async with services.unit_of_work() as uow:
        session = uow.session
        current = await users.exclusion_of(session, viewer.id)
        until = excluded_until(current, Exclusion(data.kind), now)
        await users.exclude(session, viewer.id, until)
        await audit.record(
            session,
            actor_id=viewer.id,
            action="PLAYER_EXCLUSION_START",
            target=f"user:{viewer.id}",
            before={"excludedUntil": current},
            after={"excludedUntil": until, "kind": Exclusion(data.kind).value},
            now=now,
        )
        forget_sessions_after_commit(services, uow, viewer.id)
        await uow.commit()
    return CoolOffStarted(until=until)


async def lift_exclusion(
    context: Context, viewer: Viewer, data: LiftExclusionInput
) -> LiftExclusionResult:
    """An operator ends a player's break early, with a reason for the audit log."""
    services = context.services
    invalid = reason_problem(data.reason)
    if invalid is not None:
        return invalid
    reason = data.reason.strip()
    user_id = parse_id(data.user_id)
    if user_id is None:
        return UserNotFound.new()
    now = services.clock.now()
    async with services.unit_of_work() as uow:
        session = uow.session
        if await users.by_id(session, user_id) is None:
            return UserNotFound.new()
        current = await users.exclusion_of(session, user_id)
        await users.exclude(session, user_id, None)
        await audit.record(
            session,
            actor_id=viewer.id,
            action="PLAYER_EXCLUSION_LIFT",
            target=f"user:{user_id}",
            before={"excludedUntil": current},
            after={"excludedUntil": None, "reason": reason},
            now=now,
        )
        forget_sessions_after_commit(services, uow, user_id)
        await uow.commit()
    return ExclusionLifted(user_id=strawberry.ID(str(user_id)))
