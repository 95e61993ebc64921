"""Operators move gold (SPEC §11): an adjustment for one player and rewards for many,
always through the ledger, each in its own transaction with its audit row and its
idempotency key (owned by the operator), so a repeated request moves nothing more."""

from __future__ import annotations

from collections.abc import Sequence

from casino_club.context import Context, Viewer
from casino_club.domain.gold_admin import (
    GoldAdjusted,
    RewardItem,
    RewardResult,
    RewardsGranted,
    RewardStatus,
)
from casino_club.domain.ids import NodeKind, parse_node_id
from casino_club.domain.ledger import LedgerReason, Movement
from casino_club.domain.refusals import (
    IdempotencyKeyInUse,
    IdempotencyKeyReused,
    InsufficientFunds,
    UserNotFound,
    ValidationFailed,
)
from casino_club.domain.shop import MAX_GOLD
from casino_club.persistence import audit, idempotency, users, wallet
from casino_club.persistence.idempotency import KeyRequest, KeyTaken
from casino_club.persistence.wallet import ShortOfGold
from casino_club.resolvers.guards import key_request, reason_problem, run_idempotent
from casino_club.resolvers.live import balance_events, publish_after_commit
from casino_club.services import Services

MAX_ITEMS = 1_000
MAX_GRANT_KEY = 200  # room for the `:<user id>` each item's key adds


async def _move(
    services: Services,
    viewer: Viewer,
    *,
    user_id: int,
    amount: int,
    reason: str,
    ledger_reason: LedgerReason,
    key: KeyRequest | None,
) -> GoldAdjusted | InsufficientFunds:
    """One player's gold moved, audited and keyed, in one transaction; KeyTaken (raised)
    when the key was used before."""
    now = services.clock.now()
    async with services.unit_of_work() as uow:
        session = uow.session
        claim = await idempotency.claim_if_keyed(session, key, now)
        moved = await wallet.move_gold_if_covered(
            session,
            user_id=user_id,
            movements=[Movement(amount, ledger_reason, f"admin:{viewer.id}")],
            now=now,
        )
        if isinstance(moved, ShortOfGold):
            return InsufficientFunds(moved.required, moved.balance)
        await audit.record(
            session,
            actor_id=viewer.id,
            action=f"USER_{ledger_reason.value}",
            target=f"user:{user_id}",
            before={"gold": moved[-1].balance_after - amount},
            after={"gold": moved[-1].balance_after, "amount": amount, "reason": reason},
            now=now,
        )
        answer = GoldAdjusted(user_id=user_id, amount=amount, balance=moved[-1].balance_after)
        if claim is not None:
            await idempotency.complete(session, claim, answer, now)
        publish_after_commit(services, uow, user_id, balance_events(moved, now))
        await uow.commit()
    return answer


AdjustRefusal = (
    UserNotFound | InsufficientFunds | IdempotencyKeyReused | IdempotencyKeyInUse | ValidationFailed
)


async def adjust_gold(
    context: Context, viewer: Viewer, *, user_id: str, amount: int, reason: str, key: str
) -> GoldAdjusted | AdjustRefusal:
    """Add (`amount` > 0) or take a player's gold (`user_id`: their id as sent), once
    per idempotency key."""
    services = context.services
    problem = reason_problem(reason)
    if problem is not None:
        return problem
    if not 0 < abs(amount) <= MAX_GOLD:
        return ValidationFailed.single(
            "amount", "INVALID_AMOUNT", f"must be 1-{MAX_GOLD} gold either way, not 0"
        )
    row_id = parse_node_id(user_id, NodeKind.PLAYER)
    if row_id is None:
        return UserNotFound()
    async with services.sessionmaker() as session:
        if await users.by_id(session, row_id) is None:
            return UserNotFound()
    request = key_request(
        context,
        viewer,
        key=key,
        operation="adjustGold",
        parameters={"userId": row_id, "amount": amount, "reason": reason},
    )
    if isinstance(request, ValidationFailed):
        return request

    async def work(claimed: KeyRequest | None) -> GoldAdjusted | InsufficientFunds:
        return await _move(
            services,
            viewer,
            user_id=row_id,
            amount=amount,
            reason=reason.strip(),
            ledger_reason=LedgerReason.ADMIN_ADJUSTMENT,
            key=claimed,
        )

    return await run_idempotent(context, request, work=work, replay=GoldAdjusted)


async def grant_rewards(
    context: Context, viewer: Viewer, *, items: Sequence[RewardItem], reason: str, key: str
) -> RewardsGranted | ValidationFailed:
    """Each item in its own transaction under its own key (`<key>:<user id>`): unknown
    players are reported, the others granted; a repeat grants nobody twice."""
    services = context.services
    problem = reason_problem(reason)
    if problem is not None:
        return problem
    if not 1 <= len(items) <= MAX_ITEMS:
        return ValidationFailed.single("items", "INVALID_ITEMS", f"1-{MAX_ITEMS} items")
    if not 1 <= len(key) <= MAX_GRANT_KEY:
        return ValidationFailed.single(
            "idempotencyKey", "INVALID_IDEMPOTENCY_KEY", f"1-{MAX_GRANT_KEY} characters"
        )
    ids = [parse_node_id(item.user_id, NodeKind.PLAYER) for item in items]
    async with services.sessionmaker() as session:
        known = {user.id for user in await users.by_ids(session, [i for i in ids if i is not None])}
    results = []
    seen: set[int] = set()
    for item, user_id in zip(items, ids, strict=True):
        status, balance = await _grant_one(
            context, viewer, reason, key, user_id, item.gold, known, seen
        )
        results.append(RewardResult(user_id=item.user_id, status=status, balance=balance))
    return RewardsGranted(results=tuple(results))


async def _grant_one(
    context: Context,
    viewer: Viewer,
    reason: str,
    key: str,
    user_id: int | None,
    gold: int,
    known: set[int],
    seen: set[int],
) -> tuple[RewardStatus, int | None]:
    if user_id is None or user_id not in known:
        return RewardStatus.UNKNOWN_USER, None
    if not 0 < gold <= MAX_GOLD or user_id in seen:
        return RewardStatus.INVALID, None
    seen.add(user_id)
    request = key_request(
        context,
        viewer,
        key=f"{key}:{user_id}",
        operation="grantRewards",
        parameters={"userId": user_id, "gold": gold, "reason": reason},
    )
    assert isinstance(request, KeyRequest), "the key's length was checked"
    try:
        granted = await _move(
            context.services,
            viewer,
            user_id=user_id,
            amount=gold,
            reason=reason.strip(),
            ledger_reason=LedgerReason.ADMIN_REWARD,
            key=request,
        )
    except KeyTaken:
        return RewardStatus.ALREADY_GRANTED, None
    assert isinstance(granted, GoldAdjusted), "a credit is always covered"
    return RewardStatus.GRANTED, granted.balance
