"""Slots types (SPEC §6.2)."""

from __future__ import annotations

import strawberry

from casino_club.domain import slots
from casino_club.domain.slots import Paytable, SlotsOdds, Symbol
from casino_club.schema.games import FairnessProof
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
    round_id: strawberry.ID
    reels: list[SlotSymbol]  # type: ignore[valid-type]
    multiplier: int = strawberry.field(description="Paytable multiple before the streak bonus")
    bonus_percent: int = strawberry.field(description="Win-streak bonus applied to this win")
    stake: Gold
    payout: Gold
    is_jackpot: bool
    win_streak: int = strawberry.field(description="Consecutive wins including this spin")
    balance: Gold
    fairness: FairnessProof
    replayed: bool = strawberry.field(
        description="True when this is the stored result of an earlier request with the same key"
    )


SlotSpinResult = bet_result("SlotSpinResult", SlotSpinSuccess)


@strawberry.type(description="One symbol of the reel strip (the same strip on every reel).")
class SlotSymbolOdds:
    symbol: SlotSymbol  # type: ignore[valid-type]
    emoji: str
    weight: int
    probability: float = strawberry.field(description="Chance to show on one reel")


@strawberry.type(description="A paying combination.")
class SlotPay:
    name: str
    example: list[SlotSymbol]  # type: ignore[valid-type]
    multiplier: int
    probability: float


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

    @classmethod
    def of(
        cls, paytable: Paytable, odds: SlotsOdds, *, min_stake: int, max_stake: int, rate: int
    ) -> SlotsConfig:
        total = paytable.total_weight
        probability = odds.combination_probability
        pays = [
            SlotPay(
                name=f"{symbol.emoji}{symbol.emoji}{symbol.emoji}",
                example=[symbol, symbol, symbol],
                multiplier=paytable.triples[symbol],
                probability=float(probability[(symbol, symbol, symbol)]),
            )
            for symbol in Symbol
        ]
        pays.append(
            SlotPay(
                name="any two 🍒",
                example=[Symbol.CHERRY, Symbol.CHERRY, Symbol.LEMON],
                multiplier=paytable.cherry_pair,
                probability=float(odds.push_frequency),
            )
        )
        return cls(
            symbols=[
                SlotSymbolOdds(
                    symbol=symbol,
                    emoji=symbol.emoji,
                    weight=paytable.weights[symbol],
                    probability=paytable.weights[symbol] / total,
                )
                for symbol in Symbol
            ],
            pays=pays,
            streak_bonus_step_percent=paytable.streak_step_percent,
            streak_bonus_cap_percent=paytable.streak_cap_percent,
            rtp=float(odds.rtp),
            rtp_exact=f"{odds.rtp.numerator}/{odds.rtp.denominator}",
            base_rtp=float(odds.base_rtp),
            hit_frequency=float(odds.hit_frequency),
            win_frequency=float(odds.win_frequency),
            min_stake=Gold(min_stake),
            max_stake=Gold(max_stake),
            max_spins_per_second=rate,
        )
