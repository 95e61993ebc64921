"""Slots (SPEC §6.2): a bet through `betting`; the win streak lives on the seed row the
bet locks, so concurrent spins of one player each see the streak the previous one left."""

from __future__ import annotations

import strawberry

from casino_club.context import Context, Viewer
from casino_club.domain import slots
from casino_club.domain.fairness import take
from casino_club.domain.games import Game, GameEventType
from casino_club.domain.ledger import LedgerReason
from casino_club.persistence.fairness import Round
from casino_club.resolvers import betting
from casino_club.schema.games import FairnessProof
from casino_club.schema.scalars import Gold
from casino_club.schema.slots import SlotsConfig, SlotSpinInput, SlotSpinResult, SlotSpinSuccess
from casino_club.services import Services

BOOK = betting.GameBook(
    Game.SLOTS, "slotSpin", LedgerReason.SLOT_BET, LedgerReason.SLOT_WIN, GameEventType.SLOT_SPIN
)


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
    paytable = context.services.slot_paytable
    stake = int(data.stake)
    spun: list[slots.SpinResult] = []

    def decide(fair_round: Round) -> betting.Decision:
        reels = slots.reels_from(take(fair_round.source, slots.REELS), paytable)
        result = slots.settle(stake, reels, fair_round.slot_win_streak, paytable)
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
            slot_win_streak=result.win_streak,
        )

    def respond(settled: betting.Settled) -> SlotSpinSuccess:
        result = spun[-1]
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

    return await betting.instant_bet(
        context,
        viewer,
        book=BOOK,
        stake=stake,
        stake_limits=(settings.slot_min_stake, settings.slot_max_stake),
        key=data.idempotency_key,
        parameters={},
        decide=decide,
        respond=respond,
        success=SlotSpinSuccess,
    )
