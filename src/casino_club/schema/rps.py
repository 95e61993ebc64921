"""Rock-paper-scissors types (SPEC §6.5)."""

from __future__ import annotations

import strawberry

from casino_club.domain import rps
from casino_club.domain.ids import NodeKind
from casino_club.domain.rps import Move, Result
from casino_club.schema.games import FairnessProof
from casino_club.schema.identity import LazyPlayer as Player
from casino_club.schema.identity import player as player_field
from casino_club.schema.identity import required_reference
from casino_club.schema.outcomes import bet_result, presents
from casino_club.schema.scalars import Gold

RpsMove = strawberry.enum(Move, name="RpsMove")
RpsResultKind = strawberry.enum(Result, name="RpsOutcome")


@strawberry.input
class RpsPlayInput:
    stake: Gold
    move: RpsMove  # type: ignore[valid-type]
    idempotency_key: str | None = None


@presents(rps.RpsPlaySuccess)
@strawberry.type
class RpsPlaySuccess:
    round_id: strawberry.ID = required_reference(
        NodeKind.GAME_ROUND, "round_id", description="The play's global id (a GameRound)."
    )
    move: RpsMove  # type: ignore[valid-type]
    server_move: RpsMove  # type: ignore[valid-type]
    outcome: RpsResultKind  # type: ignore[valid-type]
    stake: Gold
    payout: Gold
    balance: Gold
    player: Player = player_field(
        description="The player, as the play left them (their gold, their level)."
    )
    fairness: FairnessProof
    replayed: bool


RpsPlayResult = bet_result("RpsPlayResult", RpsPlaySuccess)


@presents(rps.RpsConfig)
@strawberry.type(description="Rock-paper-scissors rules and exact return.")
class RpsConfig:
    win_multiplier: float
    draw_multiplier: float
    rtp: float
    rtp_exact: str
    min_stake: Gold
    max_stake: Gold
