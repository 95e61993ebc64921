"""Slots (SPEC §6.2): a bet through `betting`; the win streak lives on the seed row the
bet locks, so concurrent spins of one player each see the streak the previous one left."""

from __future__ import annotations

from dataclasses import dataclass

from casino_club.context import Context, Viewer
from casino_club.domain import slots
from casino_club.domain.fairness import take
from casino_club.domain.games import Game, GameEventType
from casino_club.domain.refusals import BetRefusal
from casino_club.persistence.bets import Outcome, SettledBet
from casino_club.persistence.fairness import Round
from casino_club.resolvers import betting
from casino_club.services import Services

KIND = betting.BetKind(
    game=Game.SLOTS,
    operation="slotSpin",
    event=GameEventType.SLOT_SPIN,
    success=slots.SlotSpinSuccess,
)


def config(services: Services) -> slots.SlotsConfig:
    settings = services.settings
    return slots.published_config(
        services.slot_paytable,
        services.slot_odds,
        min_stake=settings.slot_min_stake,
        max_stake=settings.slot_max_stake,
        max_spins_per_second=settings.game_rate_limit_per_second,
    )


async def spin(
    context: Context, viewer: Viewer, stake: int, key: str | None
) -> slots.SlotSpinSuccess | BetRefusal:
    services = context.services
    settings = services.settings
    request = betting.BetRequest(
        KIND,
        key=key,
        parameters={},
        stake=stake,
        stake_limits=(settings.slot_min_stake, settings.slot_max_stake),
    )
    return await betting.place_instant(
        context, viewer, request, SlotSpin(stake, services.slot_paytable)
    )


@dataclass(frozen=True, slots=True)
class SlotSpin:
    """One spin of the reels; the streak it extends is the one on the seed row."""

    stake: int
    paytable: slots.Paytable

    def outcome(self, fair_round: Round) -> Outcome:
        reels = slots.reels_from(take(fair_round.source, slots.REELS), self.paytable)
        spun = slots.settle(self.stake, reels, fair_round.slot_win_streak, self.paytable)
        return Outcome(
            payout=spun.payout,
            details={
                "reels": [symbol.value for symbol in reels],
                "multiplier": spun.multiplier,
                "bonusPercent": spun.bonus_percent,
                "winStreak": spun.win_streak,
                "isJackpot": spun.is_jackpot,
            },
            slot_win_streak=spun.win_streak,
        )

    def answer(self, written: SettledBet) -> slots.SlotSpinSuccess:
        details = written.outcome.details
        return slots.SlotSpinSuccess(
            round_id=written.round_id,
            reels=tuple(slots.Symbol(symbol) for symbol in details["reels"]),
            multiplier=details["multiplier"],
            bonus_percent=details["bonusPercent"],
            stake=self.stake,
            payout=written.outcome.payout,
            is_jackpot=details["isJackpot"],
            win_streak=details["winStreak"],
            balance=written.balance,
            fairness=written.fair_round.proof,
        )
