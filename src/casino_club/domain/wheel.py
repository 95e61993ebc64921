"""Prize wheel (SPEC §6.6): weighted segments, one free spin per game day, then paid.

The segment is the weighted choice of float 0 over the segment weights in order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from casino_club.domain.fairness import FairnessProof, weighted_index
from casino_club.domain.games import exact_text

SPIN_COST = 500


class PrizeKind(StrEnum):
    GOLD = "GOLD"
    ITEM = "ITEM"
    NOTHING = "NOTHING"


@dataclass(frozen=True, slots=True)
class Segment:
    label: str
    kind: PrizeKind
    weight: int
    gold: int = 0
    item_id: str | None = None


DEFAULT_SEGMENTS: tuple[Segment, ...] = (
    Segment("100 gold", PrizeKind.GOLD, 30, gold=100),
    Segment("250 gold", PrizeKind.GOLD, 20, gold=250),
    Segment("500 gold", PrizeKind.GOLD, 12, gold=500),
    Segment("1,000 gold", PrizeKind.GOLD, 6, gold=1_000),
    Segment("5,000 gold", PrizeKind.GOLD, 1, gold=5_000),
    Segment("Gacha ticket", PrizeKind.ITEM, 3, item_id="gacha-ticket"),
    Segment("Streak protection", PrizeKind.ITEM, 8, item_id="streak-protection"),
    Segment("Nothing", PrizeKind.NOTHING, 20),
)


def validate(segments: Sequence[Segment]) -> None:
    if not segments or any(s.weight <= 0 for s in segments):
        raise ValueError("a wheel needs segments with positive weights")
    for segment in segments:
        if (segment.kind is PrizeKind.GOLD) != (segment.gold > 0):
            raise ValueError(f"{segment.label}: only GOLD segments pay gold, and they must")
        if (segment.kind is PrizeKind.ITEM) != (segment.item_id is not None):
            raise ValueError(f"{segment.label}: only ITEM segments carry an item")


def spin(u: int, segments: Sequence[Segment] = DEFAULT_SEGMENTS) -> int:
    """The index of the winning segment."""
    return weighted_index(u, [segment.weight for segment in segments])


def probability(index: int, segments: Sequence[Segment] = DEFAULT_SEGMENTS) -> Fraction:
    return Fraction(segments[index].weight, sum(s.weight for s in segments))


def expected_gold(segments: Sequence[Segment] = DEFAULT_SEGMENTS) -> Fraction:
    """Gold won per spin on average (items not counted)."""
    return sum(
        (probability(i, segments) * segment.gold for i, segment in enumerate(segments)),
        Fraction(0),
    )


def expected_items(segments: Sequence[Segment] = DEFAULT_SEGMENTS) -> dict[str, Fraction]:
    items: dict[str, Fraction] = {}
    for i, segment in enumerate(segments):
        if segment.item_id is not None:
            items[segment.item_id] = items.get(segment.item_id, Fraction(0)) + probability(
                i, segments
            )
    return items


@dataclass(frozen=True, slots=True)
class WheelSpinSuccess:
    """A spin as the player sees it, and as a retry with its key replays it."""

    round_id: int
    segment_index: int
    label: str
    kind: PrizeKind
    won_gold: int
    won_item_id: str | None
    free: bool  # the day's free spin
    paid_gold: int
    balance: int
    fairness: FairnessProof
    replayed: bool = False


@dataclass(frozen=True, slots=True)
class WheelSegment:
    """One segment as published: its place on the wheel and its exact chance."""

    index: int
    label: str
    kind: PrizeKind
    gold: int
    item_id: str | None
    weight: int
    probability: float


@dataclass(frozen=True, slots=True)
class ExpectedItem:
    item_id: str
    per_spin: float


@dataclass(frozen=True, slots=True)
class WheelConfig:
    """The wheel's segments and the exact expected value of a spin."""

    segments: tuple[WheelSegment, ...]
    spin_cost: int
    free_spins_per_day: int
    expected_gold: float
    expected_gold_exact: str
    expected_items: tuple[ExpectedItem, ...]
    expected_net_gold_paid: float


def published_config(segments: Sequence[Segment]) -> WheelConfig:
    """The wheel a player is shown: each segment's chance and what a spin returns on
    average, exactly, from the same weights a spin draws from."""
    expected = expected_gold(segments)
    return WheelConfig(
        segments=tuple(
            WheelSegment(
                index=i,
                label=s.label,
                kind=s.kind,
                gold=s.gold,
                item_id=s.item_id,
                weight=s.weight,
                probability=float(probability(i, segments)),
            )
            for i, s in enumerate(segments)
        ),
        spin_cost=SPIN_COST,
        free_spins_per_day=1,
        expected_gold=float(expected),
        expected_gold_exact=exact_text(expected),
        expected_items=tuple(
            ExpectedItem(item_id=item_id, per_spin=float(p))
            for item_id, p in expected_items(segments).items()
        ),
        expected_net_gold_paid=float(expected - SPIN_COST),
    )
