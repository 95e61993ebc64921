"""Slots (SPEC §6.2): spin = authorize → rate limit → key → (nonce, reels, payout, ledger,
history) in one transaction → commit → streak → publish."""

from __future__ import annotations

import logging
from typing import Any

import strawberry

from casino_club.context import Context, Viewer
from casino_club.domain import slots
from casino_club.domain.fairness import take
from casino_club.domain.games import Game, GameEventType
from casino_club.domain.ledger import LedgerReason
from casino_club.persistence import fairness, game_rounds, idempotency, wallet
from casino_club.persistence.hot_state import HotStateUnavailable
from casino_club.persistence.idempotency import Claimed
from casino_club.persistence.wallet import InsufficientGold, Movement
from casino_club.resolvers.guards import rate_limited, run_idempotent
from casino_club.resolvers.live import balance_events, game_event, publish_to_user
from casino_club.schema.games import FairnessProof, InsufficientFunds, InvalidStake
from casino_club.schema.permissions import ServiceUnavailable
from casino_club.schema.scalars import Gold
from casino_club.schema.slots import SlotsConfig, SlotSpinInput, SlotSpinResult, SlotSpinSuccess
from casino_club.services import Services

log = logging.getLogger(__name__)

OPERATION = "slotSpin"


def streak_key(user_id: int) -> str:
    return f"slots:streak:{user_id}"


def config(services: Services) -> SlotsConfig:
    settings = services.settings
    paytable = services.slot_paytable
    return SlotsConfig.of(
        paytable,
        services.slot_odds,
        min_stake=settings.slot_min_stake,
        max_stake=settings.slot_max_stake,
        rate=settings.game_rate_limit_per_second,
    )


async def spin(context: Context, viewer: Viewer, data: SlotSpinInput) -> SlotSpinResult:
    """Refuses with SERVICE_UNAVAILABLE, changing nothing, while Redis is down (SPEC §13)."""
    try:
        return await _spin(context, viewer, data)
    except HotStateUnavailable:
        raise ServiceUnavailable("Game state is temporarily unavailable; retry shortly") from None


async def _spin(context: Context, viewer: Viewer, data: SlotSpinInput) -> SlotSpinResult:
    settings = context.services.settings
    stake = int(data.stake)
    if not settings.slot_min_stake <= stake <= settings.slot_max_stake:
        return InvalidStake.new(settings.slot_min_stake, settings.slot_max_stake)
    limited = await rate_limited(context, viewer)
    if limited is not None:
        return limited

    async def work(claim: Claimed | None) -> SlotSpinResult:
        return await _play(context, viewer, stake, claim)

    return await run_idempotent(
        context,
        viewer,
        key=data.idempotency_key,
        operation=OPERATION,
        parameters={"stake": stake},
        work=work,
        succeeded=lambda result: isinstance(result, SlotSpinSuccess),
        replay=lambda payload: SlotSpinSuccess.from_payload(payload, replayed=True),
    )


async def _play(
    context: Context, viewer: Viewer, stake: int, claim: Claimed | None
) -> SlotSpinResult:
    services = context.services
    paytable = services.slot_paytable
    streak_before = await services.hot_state.get_int(streak_key(viewer.id))
    now = services.clock.now()
    async with services.unit_of_work() as uow:
        session = uow.session
        fair_round = await fairness.next_round(session, viewer.id)
        reels = slots.reels_from(take(fair_round.source, slots.REELS), paytable)
        result = slots.settle(stake, reels, streak_before, paytable)
        proof = fair_round.proof
        reference = f"slots:{fair_round.seed_id}:{proof.nonce}"
        movements = [Movement(-stake, LedgerReason.SLOT_BET, reference)]
        if result.payout:
            movements.append(Movement(result.payout, LedgerReason.SLOT_WIN, reference))
        try:
            posted = await wallet.move_gold(
                session, user_id=viewer.id, movements=movements, now=now
            )
        except InsufficientGold:
            return InsufficientFunds.new(stake, await wallet.balance_of(session, viewer.id))
        outcome: dict[str, Any] = {
            "reels": [symbol.value for symbol in reels],
            "multiplier": result.multiplier,
            "bonusPercent": result.bonus_percent,
            "winStreak": result.win_streak,
            "isJackpot": result.is_jackpot,
        }
        round_id = await game_rounds.record(
            session,
            user_id=viewer.id,
            game=Game.SLOTS.value,
            stake=stake,
            payout=result.payout,
            outcome=outcome,
            fairness_round=fair_round,
            now=now,
        )
        success = SlotSpinSuccess(
            round_id=strawberry.ID(str(round_id)),
            reels=list(reels),
            multiplier=result.multiplier,
            bonus_percent=result.bonus_percent,
            stake=Gold(stake),
            payout=Gold(result.payout),
            is_jackpot=result.is_jackpot,
            win_streak=result.win_streak,
            balance=Gold(posted[-1].balance_after),
            fairness=FairnessProof.of(proof),
            replayed=False,
        )
        if claim is not None:
            await idempotency.complete(session, claim, success.to_payload(), now)

        events = [
            *balance_events(posted, now),
            game_event(
                GameEventType.SLOT_SPIN,
                round_id=round_id,
                data={**outcome, "stake": stake, "payout": result.payout},
                at=now,
            ),
        ]

        async def publish() -> None:
            await publish_to_user(services, viewer.id, events)

        uow.after_commit(publish)
        await uow.commit()
    try:
        await services.hot_state.set_int(
            streak_key(viewer.id),
            result.win_streak,
            ttl_seconds=services.settings.win_streak_ttl_seconds,
        )
    except HotStateUnavailable:
        # The spin stands; at worst the next spin misses a streak bonus.
        log.warning("could not store the win streak", exc_info=True)
    return success
