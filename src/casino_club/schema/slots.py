"""Slots types (SPEC §6.2)."""

from __future__ import annotations

import strawberry

from casino_club.domain import slots
from casino_club.domain.ids import NodeKind
from casino_club.domain.slots import Symbol
from casino_club.schema.games import FairnessProof
from casino_club.schema.identity import LazyPlayer as Player
from casino_club.schema.identity import player as player_field
from casino_club.schema.identity import required_reference
from casino_club.schema.outcomes import bet_result, presents
from casino_club.schema.scalars import Gold

SlotSymbol = strawberry.enum(Symbol, name="SlotSymbol")


@strawberry.input
class SlotSpinInput:
    stake: Gold
    idempotency_key: str | None = strawberry.field(
        default=None, description="Up to 255 characters; a retry with it returns the first result"
    )


@presents(slots.SlotSpinSuccess)
@strawberry.type
class SlotSpinSuccess:
    round_id: strawberry.ID = required_reference(
        NodeKind.GAME_ROUND, "round_id", description="The play's global id (a GameRound)."
    )
    reels: list[SlotSymbol]  # type: ignore[valid-type]
    multiplier: int = strawberry.field(description="Paytable multiple before the streak bonus")
    bonus_percent: int = strawberry.field(description="Win-streak bonus applied to this win")
    stake: Gold
    payout: Gold
    is_jackpot: bool
    win_streak: int = strawberry.field(description="Consecutive wins including this spin")
    balance: Gold
    player: Player = player_field(
        description="The player, as the play left them (their gold, their level)."
    )
    fairness: FairnessProof
    replayed: bool = strawberry.field(
        description="True when this is the stored result of an earlier request with the same key"
    )


SlotSpinResult = bet_result("SlotSpinResult", SlotSpinSuccess)


@presents(slots.SlotSymbolOdds, described=True)
@strawberry.type
class SlotSymbolOdds:
    symbol: SlotSymbol  # type: ignore[valid-type]
    emoji: str
    weight: int
    probability: float = strawberry.field(description="Chance to show on one reel")


@presents(slots.SlotPay, described=True)
@strawberry.type
class SlotPay:
    name: str
    example: list[SlotSymbol]  # type: ignore[valid-type]
    multiplier: int
    probability: float


@presents(slots.SlotsConfig)
@strawberry.type(description="Exact odds, computed from the same tables the game uses.")
class SlotsConfig:
    symbols: list[SlotSymbolOdds]
    pays: list[SlotPay]
    streak_bonus_step_percent: int
    streak_bonus_cap_percent: int
    rtp: float = strawberry.field(description="Return to player, streak bonus included")
    rtp_exact: str = strawberry.field(description="The same RTP as an exact fraction p/q")
    base_rtp: float = strawberry.field(description="RTP without the streak bonus")
    hit_frequency: float = strawberry.field(description="Chance that a spin pays anything")
    win_frequency: float = strawberry.field(
        description="Chance that a spin pays more than the stake"
    )
    min_stake: Gold
    max_stake: Gold
    max_spins_per_second: int
