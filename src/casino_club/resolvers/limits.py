"""Player protection (SPEC §5.5): purchase limits, read and set by the 24-hour rule of
domain/limits.py (enforced at checkout), and breaks — cool-off and self-exclusion —
that stop play and purchases (betting.py, checkout.py) until they end."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from casino_club.context import Context, Viewer
from casino_club.domain.accounts import FieldProblem
from casino_club.domain.ids import NodeKind, parse_node_id
from casino_club.domain.limits import (
    MAX_LIMIT,
    CoolOffStarted,
    Exclusion,
    ExclusionLifted,
    LimitKind,
    LimitsSet,
    PlayerLimits,
    change,
    excluded_until,
)
from casino_club.domain.refusals import UserNotFound, ValidationFailed
from casino_club.persistence import audit, users
from casino_club.persistence import limits as store
from casino_club.resolvers.access import forget_sessions_after_commit
from casino_club.resolvers.guards import reason_problem
from casino_club.services import Services

# The input field of each limit, which a problem with it names.
FIELDS = {
    LimitKind.DAILY_PURCHASE: "dailyPurchaseCents",
    LimitKind.MONTHLY_PURCHASE: "monthlyPurchaseCents",
    LimitKind.DAILY_LOSS: "dailyLossGold",
}
UNITS = {
    LimitKind.DAILY_PURCHASE: "cents",
    LimitKind.MONTHLY_PURCHASE: "cents",
    LimitKind.DAILY_LOSS: "gold",
}


async def limits_of(services: Services, user_id: int) -> PlayerLimits:
    async with services.sessionmaker() as session:
        limits = await store.of(session, user_id)
        user = await users.by_id(session, user_id)
    return PlayerLimits.at(
        limits, None if user is None else user.excluded_until, services.clock.now()
    )


async def set_limits(
    context: Context, viewer: Viewer, requested: Mapping[LimitKind, int | None]
) -> LimitsSet | ValidationFailed:
    """Change the limits `requested` names (None: remove it); the others stay."""
    services = context.services
    problems = [
        FieldProblem(
            name, "INVALID_LIMIT", f"must be 0-{MAX_LIMIT} {UNITS[kind]}, or null for none"
        )
        for kind, name in FIELDS.items()
        if kind in requested
        and (value := requested[kind]) is not None
        and not 0 <= value <= MAX_LIMIT
    ]
    if problems:
        return ValidationFailed.of(problems)
    now = services.clock.now()
    delay = timedelta(seconds=services.settings.limit_raise_delay_seconds)
    async with services.unit_of_work() as uow:
        session = uow.session
        await users.lock(session, viewer.id)  # a change and the purchases it limits: in order
        limits = await store.of(session, viewer.id)
        for kind in FIELDS:
            if kind not in requested:
                continue
            limits[kind] = change(limits[kind], requested[kind], now, delay)
            await store.put(session, viewer.id, kind, limits[kind], now)
        excluded = await users.exclusion_of(session, viewer.id)
        if LimitKind.DAILY_LOSS in requested:
            forget_sessions_after_commit(services, uow, viewer.id)  # sessions know of it
        await uow.commit()
    return LimitsSet(limits=PlayerLimits.at(limits, excluded, now))


async def start_cool_off(context: Context, viewer: Viewer, kind: Exclusion) -> CoolOffStarted:
    """Start a break (SPEC §5.5). It takes effect on the next request on every instance,
    and only an operator can end it early."""
    services = context.services
    now = services.clock.now()
    async with services.unit_of_work() as uow:
        session = uow.session
        current = await users.exclusion_of(session, viewer.id)
        until = excluded_until(current, kind, now)
        await users.exclude(session, viewer.id, until)
        await audit.record(
            session,
            actor_id=viewer.id,
            action="PLAYER_EXCLUSION_START",
            target=f"user:{viewer.id}",
            before={"excludedUntil": current},
            after={"excludedUntil": until, "kind": kind.value},
            now=now,
        )
        forget_sessions_after_commit(services, uow, viewer.id)
        await uow.commit()
    return CoolOffStarted(until=until)


async def lift_exclusion(
    context: Context, viewer: Viewer, raw_user_id: str, reason: str
) -> ExclusionLifted | UserNotFound | ValidationFailed:
    """An operator ends a player's break early, with a reason for the audit log."""
    services = context.services
    invalid = reason_problem(reason)
    if invalid is not None:
        return invalid
    reason = reason.strip()
    user_id = parse_node_id(raw_user_id, NodeKind.PLAYER)
    if user_id is None:
        return UserNotFound()
    now = services.clock.now()
    async with services.unit_of_work() as uow:
        session = uow.session
        if await users.by_id(session, user_id) is None:
            return UserNotFound()
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
    return ExclusionLifted(user_id=user_id)
