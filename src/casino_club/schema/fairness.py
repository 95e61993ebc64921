"""Provably fair types (SPEC §6.1): seeds, rotation, verification."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from casino_club.domain import seeds, verification
from casino_club.domain.games import Game
from casino_club.domain.ids import NodeKind
from casino_club.schema.errors import UserError, ValidationFailed
from casino_club.schema.gacha import RarityEnum
from casino_club.schema.identity import LazyPlayer as Player
from casino_club.schema.identity import player as player_field
from casino_club.schema.identity import required_reference
from casino_club.schema.outcomes import presents
from casino_club.schema.rps import RpsMove
from casino_club.schema.slots import SlotSymbol

GameEnum = strawberry.enum(Game, name="Game")


@presents(seeds.Fairness)
@strawberry.type(
    description="The caller's active seed pair: the server seed stays secret until rotated."
)
class Fairness:
    server_seed_hash: str
    client_seed: str
    nonce: int = strawberry.field(description="The nonce the next bet will use")


@presents(seeds.RevealedSeed)
@strawberry.type(
    description="A retired server seed, now public: every round it served can be checked."
)
class RevealedSeed:
    server_seed: str
    server_seed_hash: str
    client_seed: str
    rounds: int = strawberry.field(description="Nonces 0 … rounds−1 were used with this seed")
    revealed_at: datetime


@strawberry.input
class SetClientSeedInput:
    client_seed: str = strawberry.field(description="1–64 printable ASCII characters")


@presents(seeds.FairnessUpdated)
@strawberry.type
class FairnessUpdated:
    fairness: Fairness
    player: Player = player_field(description="The caller, as this left them (their seed pair).")


@strawberry.input
class RotateServerSeedInput:
    client_seed: str | None = strawberry.field(
        default=None,
        description="The client seed to pair with the new server seed (default: the current one)",
    )


@presents(seeds.ServerSeedRotated)
@strawberry.type
class ServerSeedRotated:
    revealed: RevealedSeed
    fairness: Fairness
    player: Player = player_field(description="The caller, as this left them (their seed pair).")


@presents(seeds.SeedInUse)
@strawberry.type(
    description=(
        "A round this server seed decided has not settled yet; revealing the seed now "
        "would reveal its outcome. Rotate again once the round has ended."
    )
)
class SeedInUse(UserError):
    game: GameEnum  # type: ignore[valid-type]
    round_id: strawberry.ID = required_reference(
        NodeKind.CRASH_ROUND,
        "round_id",
        description="The running round's global id (a CrashRound).",
    )


RotateServerSeedResult = Annotated[
    ServerSeedRotated | SeedInUse | ValidationFailed,
    strawberry.union("RotateServerSeedResult"),
]


SetClientSeedResult = Annotated[
    FairnessUpdated | ValidationFailed, strawberry.union("SetClientSeedResult")
]


@presents(verification.VerifiedRound)
@strawberry.type(description="An outcome recomputed from seeds alone.")
class VerifiedRound:
    game: GameEnum  # type: ignore[valid-type]
    server_seed_hash: str
    client_seed: str
    nonce: int
    floats: list[float] = strawberry.field(description="The stream's floats the game used")
    reels: list[SlotSymbol] | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="SLOTS: the reels"
    )
    rps_server_move: RpsMove | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="RPS: the server's move"
    )
    gacha_rolls: list[RarityEnum] | None = strawberry.field(  # type: ignore[valid-type]
        default=None,
        description=(
            "GACHA: the rarity each of the first 10 floats rolls without pity; a pity pull "
            "re-reads its float over EPIC and LEGENDARY alone (docs/FAIRNESS.md)"
        ),
    )
    wheel_segment: int | None = strawberry.field(
        default=None, description="WHEEL: the index of the winning segment"
    )
    dice_roll: float | None = strawberry.field(
        default=None, description="DICE: the roll, 0.00–99.99"
    )
    crash_point: float | None = strawberry.field(
        default=None, description="CRASH: the crash point (multiplier at which the round ends)"
    )
