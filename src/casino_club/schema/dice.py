"""Dice types (SPEC §6.6)."""

from __future__ import annotations

import strawberry

from casino_club.domain import dice
from casino_club.domain.dice import Direction
from casino_club.domain.ids import NodeKind
from casino_club.schema.games import FairnessProof
from casino_club.schema.identity import LazyPlayer as Player
from casino_club.schema.identity import player as player_field
from casino_club.schema.identity import required_reference
from casino_club.schema.outcomes import bet_result, presents
from casino_club.schema.scalars import Gold

DiceDirection = strawberry.enum(Direction, name="DiceDirection")


@strawberry.input
class DiceRollInput:
    stake: Gold
    chance: float = strawberry.field(description="Win chance in percent, 1.00–95.00, step 0.01")
    direction: DiceDirection  # type: ignore[valid-type]
    idempotency_key: str | None = None


@presents(dice.DiceRollSuccess)
@strawberry.type
class DiceRollSuccess:
    round_id: strawberry.ID = required_reference(
        NodeKind.GAME_ROUND, "round_id", description="The play's global id (a GameRound)."
    )
    roll: float = strawberry.field(description="0.00–99.99")
    chance: float
    direction: DiceDirection  # type: ignore[valid-type]
    won: bool
    stake: Gold
    payout: Gold
    balance: Gold
    player: Player = player_field(
        description="The player, as the play left them (their gold, their level)."
    )
    fairness: FairnessProof
    replayed: bool


DiceRollResult = bet_result("DiceRollResult", DiceRollSuccess)


@presents(dice.DiceConfig)
@strawberry.type(description="Dice rules: a win pays 99 / chance times the stake.")
class DiceConfig:
    min_chance: float
    max_chance: float
    chance_step: float
    return_percent: int
    house_edge_percent: int
    rtp: float = strawberry.field(description="Before rounding payouts down to whole gold")
    min_stake: Gold
    max_stake: Gold
