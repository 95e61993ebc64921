"""Dice types (SPEC §6.6)."""

from __future__ import annotations

import strawberry

from casino_club.domain import dice
from casino_club.domain.dice import Direction
from casino_club.domain.ids import NodeKind
from casino_club.schema.enums import graphql_enum
from casino_club.schema.games import (
    FairnessProof,
    balance_after,
    fairness_of,
    player_after,
    replayed,
)
from casino_club.schema.identity import LazyPlayer as Player
from casino_club.schema.identity import required_reference
from casino_club.schema.outcomes import bet_result, presents
from casino_club.schema.scalars import Gold

DiceDirection = graphql_enum(
    Direction,
    "DiceDirection",
    "Which side of the roll wins; either way the chance is exactly `chance` percent.",
    {
        Direction.UNDER: "Wins when the roll is below the chance.",
        Direction.OVER: "Wins when the roll is at least 100 − chance.",
    },
)


@strawberry.input(description="A dice bet: win when the roll falls in the chosen chance.")
class DiceRollInput:
    stake: Gold = strawberry.field(
        description="Gold to bet: a whole number within the game's minStake and maxStake (by "
        "default 10–100,000); debited at once."
    )
    chance: float = strawberry.field(description="Win chance in percent, 1.00–95.00, step 0.01")
    direction: DiceDirection = strawberry.field(  # type: ignore[valid-type]
        description="UNDER wins when roll < chance; OVER wins when roll ≥ 100 − chance."
    )
    idempotency_key: str | None = strawberry.field(
        default=None,
        description="Up to 255 characters; a retry with the same key and input "
        "returns the first result instead of playing again. Without one, a retry plays again.",
    )


@presents(dice.DiceRollSuccess, described=True)
@strawberry.type
class DiceRollSuccess:
    round_id: strawberry.ID = required_reference(
        NodeKind.GAME_ROUND, "round_id", description="The play's global id (a GameRound)."
    )
    roll: float = strawberry.field(description="0.00–99.99")
    chance: float = strawberry.field(description="The win chance played, in percent.")
    direction: DiceDirection = strawberry.field(  # type: ignore[valid-type]
        description="The direction played."
    )
    won: bool = strawberry.field(description="True when the roll fell in the chance.")
    stake: Gold = strawberry.field(description="Gold bet.")
    payout: Gold = strawberry.field(
        description="On a win floor(stake × 99 / chance), the stake included; 0 on a loss."
    )
    balance: Gold = balance_after()
    player: Player = player_after()
    fairness: FairnessProof = fairness_of()
    replayed: bool = replayed()


DiceRollResult = bet_result(
    "DiceRollResult", DiceRollSuccess, description="diceRoll's answer: the settled roll."
)


@presents(dice.DiceConfig)
@strawberry.type(description="Dice rules: a win pays 99 / chance times the stake.")
class DiceConfig:
    min_chance: float = strawberry.field(description="The smallest win chance, in percent (1.00).")
    max_chance: float = strawberry.field(description="The largest win chance, in percent (95.00).")
    chance_step: float = strawberry.field(
        description="Chances go in steps of this many percent (0.01)."
    )
    return_percent: int = strawberry.field(
        description="A win pays returnPercent / chance times the stake (99)."
    )
    house_edge_percent: int = strawberry.field(description="100 − returnPercent (1).")
    rtp: float = strawberry.field(description="Before rounding payouts down to whole gold")
    min_stake: Gold = strawberry.field(description="The smallest stake accepted, in gold.")
    max_stake: Gold = strawberry.field(description="The largest stake accepted, in gold.")
