"""Slots types (SPEC §6.2)."""

from __future__ import annotations

import strawberry

from casino_club.domain import slots
from casino_club.domain.ids import NodeKind
from casino_club.domain.slots import Symbol
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

SlotSymbol = graphql_enum(
    Symbol,
    "SlotSymbol",
    "A reel symbol; `slotsConfig.symbols` gives each one's emoji, weight and chance.",
    {
        Symbol.CHERRY: "🍒 The most common; two anywhere pay 1×.",
        Symbol.LEMON: "🍋",
        Symbol.ORANGE: "🍊",
        Symbol.BELL: "🔔",
        Symbol.STAR: "⭐",
        Symbol.DIAMOND: "💎",
        Symbol.SEVEN: "7️⃣ The rarest; three are the jackpot.",
    },
)


@strawberry.input(description="One spin of the three reels.")
class SlotSpinInput:
    stake: Gold = strawberry.field(
        description="Gold to bet: a whole number within the game's minStake and maxStake (by "
        "default 10–100,000); debited at once."
    )
    idempotency_key: str | None = strawberry.field(
        default=None, description="Up to 255 characters; a retry with it returns the first result"
    )


@presents(slots.SlotSpinSuccess, described=True)
@strawberry.type
class SlotSpinSuccess:
    round_id: strawberry.ID = required_reference(
        NodeKind.GAME_ROUND, "round_id", description="The play's global id (a GameRound)."
    )
    reels: list[SlotSymbol] = strawberry.field(  # type: ignore[valid-type]
        description="The three symbols, reel 0 to 2."
    )
    multiplier: int = strawberry.field(description="Paytable multiple before the streak bonus")
    bonus_percent: int = strawberry.field(description="Win-streak bonus applied to this win")
    stake: Gold = strawberry.field(description="Gold bet.")
    payout: Gold = strawberry.field(
        description="stake × multiplier × (100 + bonusPercent) / 100, rounded down; the stake "
        "included; 0 when nothing pays."
    )
    is_jackpot: bool = strawberry.field(description="Three SEVENs.")
    win_streak: int = strawberry.field(description="Consecutive wins including this spin")
    balance: Gold = balance_after()
    player: Player = player_after()
    fairness: FairnessProof = fairness_of()
    replayed: bool = replayed()


SlotSpinResult = bet_result(
    "SlotSpinResult", SlotSpinSuccess, description="slotSpin's answer: the settled spin."
)


@presents(slots.SlotSymbolOdds, described=True)
@strawberry.type
class SlotSymbolOdds:
    symbol: SlotSymbol = strawberry.field(description="The symbol.")  # type: ignore[valid-type]
    emoji: str = strawberry.field(description="How to draw it (e.g. 🍒).")
    weight: int = strawberry.field(
        description="Its weight on the reel strip; probability = weight / total weight."
    )
    probability: float = strawberry.field(description="Chance to show on one reel")


@presents(slots.SlotPay, described=True)
@strawberry.type
class SlotPay:
    name: str = strawberry.field(
        description="The combination, e.g. 'three CHERRY' or 'two CHERRY'."
    )
    example: list[SlotSymbol] = strawberry.field(  # type: ignore[valid-type]
        description="Three symbols that pay it."
    )
    multiplier: int = strawberry.field(description="Times the stake, before the streak bonus.")
    probability: float = strawberry.field(description="Chance that a spin lands it.")


@presents(slots.SlotsConfig)
@strawberry.type(description="Exact odds, computed from the same tables the game uses.")
class SlotsConfig:
    symbols: list[SlotSymbolOdds] = strawberry.field(
        description="Every symbol with its weight and chance per reel."
    )
    pays: list[SlotPay] = strawberry.field(
        description="Every paying combination; anything else pays 0."
    )
    streak_bonus_step_percent: int = strawberry.field(
        description="A win pays this many percent more per consecutive previous win (5)."
    )
    streak_bonus_cap_percent: int = strawberry.field(
        description="The streak bonus never exceeds this many percent (20)."
    )
    rtp: float = strawberry.field(description="Return to player, streak bonus included")
    rtp_exact: str = strawberry.field(description="The same RTP as an exact fraction p/q")
    base_rtp: float = strawberry.field(description="RTP without the streak bonus")
    hit_frequency: float = strawberry.field(description="Chance that a spin pays anything")
    win_frequency: float = strawberry.field(
        description="Chance that a spin pays more than the stake"
    )
    min_stake: Gold = strawberry.field(description="The smallest stake accepted, in gold.")
    max_stake: Gold = strawberry.field(description="The largest stake accepted, in gold.")
    max_spins_per_second: int = strawberry.field(
        description="Game actions allowed per player per second; more answer RateLimited."
    )
