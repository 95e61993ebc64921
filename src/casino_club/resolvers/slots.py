"""Slots (SPEC §6.2): a bet through `betting`, plus the win streak kept in hot state."""

from __future__ import annotations

import logging

import strawberry

from casino_club.context import Context, Viewer
from casino_club.domain import slots
from casino_club.domain.fairness import FairnessInput, take
from casino_club.domain.games import Game, GameEventType
from casino_club.domain.ledger import LedgerReason
from casino_club.persistence.hot_state import HotStateUnavailable
from casino_club.persistence.idempotency import Claimed
from casino_club.resolvers import betting
from casino_club.schema.games import FairnessProof, InsufficientFunds
from casino_club.schema.scalars import Gold
from casino_club.schema.slots import SlotsConfig, SlotSpinInput, SlotSpinResult, SlotSpinSuccess
from casino_club.services import Services

log = logging.getLogger(__name__)

OPERATION = "slotSpin"
BOOK = betting.GameBook(
    Game.SLOTS, LedgerReason.SLOT_BET, LedgerReason.SLOT_WIN, GameEventType.SLOT_SPIN
)


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
    settings = context.services.settings
    stake = int(data.stake)

    async def work(claim: Claimed | None) -> SlotSpinSuccess | InsufficientFunds:
        return await _play(context, viewer, stake, claim)

    return await betting.play(
        context,
        viewer,
        stake=stake,
        stake_limits=(settings.slot_min_stake, settings.slot_max_stake),
        key=data.idempotency_key,
        operation=OPERATION,
        parameters={},
        work=work,
        replay=lambda payload: SlotSpinSuccess.from_payload(payload, replayed=True),
        success=SlotSpinSuccess,
    )


async def _play(
    context: Context, viewer: Viewer, stake: int, claim: Claimed | None
) -> SlotSpinSuccess | InsufficientFunds:
    services = context.services
    paytable = services.slot_paytable
    streak_before = await services.hot_state.get_int(streak_key(viewer.id))
    spun: list[slots.SpinResult] = []

    def decide(source: FairnessInput) -> betting.Decision:
        reels = slots.reels_from(take(source, slots.REELS), paytable)
        result = slots.settle(stake, reels, streak_before, paytable)
        spun.append(result)
        return betting.Decision(
            payout=result.payout,
            outcome={
                "reels": [symbol.value for symbol in reels],
                "multiplier": result.multiplier,
                "bonusPercent": result.bonus_percent,
                "winStreak": result.win_streak,
                "isJackpot": result.is_jackpot,
            },
        )

    def respond(settled: betting.Settled) -> SlotSpinSuccess:
        result = spun[0]
        return SlotSpinSuccess(
            round_id=strawberry.ID(str(settled.round_id)),
            reels=list(result.reels),
            multiplier=result.multiplier,
            bonus_percent=result.bonus_percent,
            stake=Gold(stake),
            payout=Gold(result.payout),
            is_jackpot=result.is_jackpot,
            win_streak=result.win_streak,
            balance=Gold(settled.balance),
            fairness=FairnessProof.of(settled.proof),
            replayed=False,
        )

    outcome = await betting.settle(
        context, viewer, book=BOOK, stake=stake, claim=claim, decide=decide, respond=respond
    )
    if isinstance(outcome, SlotSpinSuccess):
        try:
            await services.hot_state.set_int(
                streak_key(viewer.id),
                outcome.win_streak,
                ttl_seconds=services.settings.win_streak_ttl_seconds,
            )
        except HotStateUnavailable:
            # The spin stands; at worst the next spin misses a streak bonus.
            log.warning("could not store the win streak", exc_info=True)
    return outcome
