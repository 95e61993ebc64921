"""Dice (SPEC §6.6): a bet through `betting`."""

from __future__ import annotations

from dataclasses import dataclass

from casino_club.context import Context, Viewer
from casino_club.domain import dice
from casino_club.domain.fairness import take
from casino_club.domain.games import Game, GameEventType
from casino_club.domain.refusals import BetRefusal, ValidationFailed
from casino_club.persistence.bets import Outcome, SettledBet
from casino_club.persistence.fairness import Round
from casino_club.resolvers import betting
from casino_club.services import Services

KIND = betting.BetKind(
    game=Game.DICE,
    operation="diceRoll",
    event=GameEventType.DICE_ROLL,
    success=dice.DiceRollSuccess,
)


def config(services: Services) -> dice.DiceConfig:
    return dice.DiceConfig(
        min_chance=dice.MIN_CHANCE / 100,
        max_chance=dice.MAX_CHANCE / 100,
        chance_step=0.01,
        return_percent=dice.RETURN_PERCENT,
        house_edge_percent=100 - dice.RETURN_PERCENT,
        rtp=dice.RETURN_PERCENT / 100,
        min_stake=services.settings.dice_min_stake,
        max_stake=services.settings.dice_max_stake,
    )


async def roll(
    context: Context,
    viewer: Viewer,
    stake: int,
    chance_percent: float,
    direction: dice.Direction,
    key: str | None,
) -> dice.DiceRollSuccess | BetRefusal:
    settings = context.services.settings
    chance = dice.parse_chance(repr(chance_percent))
    if chance is None:
        return ValidationFailed.single(
            "chance", "INVALID_CHANCE", "chance must be 1.00-95.00 in steps of 0.01"
        )
    request = betting.BetRequest(
        KIND,
        key=key,
        parameters={"chance": chance, "direction": direction.value},
        stake=stake,
        stake_limits=(settings.dice_min_stake, settings.dice_max_stake),
    )
    return await betting.place_instant(context, viewer, request, DiceRoll(stake, chance, direction))


@dataclass(frozen=True, slots=True)
class DiceRoll:
    stake: int
    chance: int  # hundredths of a percent
    direction: dice.Direction

    def outcome(self, fair_round: Round) -> Outcome:
        rolled = dice.play(self.stake, self.chance, self.direction, take(fair_round.source, 1)[0])
        return Outcome(
            payout=rolled.payout,
            details={
                "roll": rolled.roll / 100,
                "chance": self.chance / 100,
                "direction": self.direction.value,
                "won": rolled.won,
            },
        )

    def answer(self, written: SettledBet) -> dice.DiceRollSuccess:
        return dice.DiceRollSuccess(
            round_id=written.round_id,
            roll=written.outcome.details["roll"],
            chance=self.chance / 100,
            direction=self.direction,
            won=written.outcome.details["won"],
            stake=self.stake,
            payout=written.outcome.payout,
            balance=written.balance,
            fairness=written.fair_round.proof,
        )
