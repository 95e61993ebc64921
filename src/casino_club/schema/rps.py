"""Rock-paper-scissors types (SPEC §6.5)."""

from __future__ import annotations

import strawberry

from casino_club.domain import rps
from casino_club.domain.ids import NodeKind
from casino_club.domain.rps import Move, Result
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

RpsMove = graphql_enum(
    Move,
    "RpsMove",
    "A rock-paper-scissors move; the server's is drawn uniformly in this order.",
    {
        Move.ROCK: "Beats SCISSORS.",
        Move.PAPER: "Beats ROCK.",
        Move.SCISSORS: "Beats PAPER.",
    },
)
RpsResultKind = graphql_enum(
    Result,
    "RpsOutcome",
    "How the round ended for the player.",
    {
        Result.WIN: "The player's move beat the server's: pays 1.96× the stake.",
        Result.DRAW: "The same move: the stake comes back.",
        Result.LOSS: "The server's move won: pays 0.",
    },
)


@strawberry.input(description="A rock-paper-scissors round against the server's fair move.")
class RpsPlayInput:
    stake: Gold = strawberry.field(
        description="Gold to bet: a whole number within the game's minStake and maxStake (by "
        "default 10–100,000); debited at once."
    )
    move: RpsMove = strawberry.field(description="The player's move.")  # type: ignore[valid-type]
    idempotency_key: str | None = strawberry.field(
        default=None,
        description="Up to 255 characters; a retry with the same key and input "
        "returns the first result instead of playing again. Without one, a retry plays again.",
    )


@presents(rps.RpsPlaySuccess, described=True)
@strawberry.type
class RpsPlaySuccess:
    round_id: strawberry.ID = required_reference(
        NodeKind.GAME_ROUND, "round_id", description="The play's global id (a GameRound)."
    )
    move: RpsMove = strawberry.field(description="The player's move.")  # type: ignore[valid-type]
    server_move: RpsMove = strawberry.field(  # type: ignore[valid-type]
        description="The server's move, drawn uniformly from the fairness stream."
    )
    outcome: RpsResultKind = strawberry.field(  # type: ignore[valid-type]
        description="The player's result."
    )
    stake: Gold = strawberry.field(description="Gold bet.")
    payout: Gold = strawberry.field(
        description="WIN: floor(stake × 1.96); DRAW: the stake back; LOSS: 0."
    )
    balance: Gold = balance_after()
    player: Player = player_after()
    fairness: FairnessProof = fairness_of()
    replayed: bool = replayed()


RpsPlayResult = bet_result(
    "RpsPlayResult", RpsPlaySuccess, description="rpsPlay's answer: the settled round."
)


@presents(rps.RpsConfig)
@strawberry.type(description="Rock-paper-scissors rules and exact return.")
class RpsConfig:
    win_multiplier: float = strawberry.field(
        description="A win pays this times the stake, rounded down (1.96)."
    )
    draw_multiplier: float = strawberry.field(
        description="A draw pays this times the stake (1: the stake back)."
    )
    rtp: float = strawberry.field(
        description="Return to player, as a fraction of the stake (74/75 ≈ 0.9867)."
    )
    rtp_exact: str = strawberry.field(description="The same return as an exact fraction p/q.")
    min_stake: Gold = strawberry.field(description="The smallest stake accepted, in gold.")
    max_stake: Gold = strawberry.field(description="The largest stake accepted, in gold.")
