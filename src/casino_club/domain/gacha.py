"""Gacha (SPEC §6.3): rarities, pity, stock, near-miss hints and exact effective rates.

The rarity of each item is a weighted choice of one float over the rates in basis
points, best first — LEGENDARY 150, EPIC 650, RARE 2,200, COMMON 7,000 — so a rarity's
"boundary" with the next better one is the low end of its interval. The same float
then picks the item: its position inside the rarity's interval, scaled to the pool
(one float per item, SPEC §6.1). Integers throughout; no float decides an outcome.

Pity: after `pity_threshold` consecutive pulls without EPIC or better, the next pull is
at least EPIC — the float is re-read over EPIC and LEGENDARY's weights alone.
Stock: EPIC and LEGENDARY may have a global stock; a roll whose rarity is sold out is
downgraded to COMMON (same float, COMMON pool) and says so. Presentation hints never
change what was won: NEAR_MISS only describes where the real float landed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from fractions import Fraction

from casino_club.domain.accounts import Rank
from casino_club.domain.fairness import SCALE


class Rarity(StrEnum):
    LEGENDARY = "LEGENDARY"
    EPIC = "EPIC"
    RARE = "RARE"
    COMMON = "COMMON"


# Best first: the order of the weighted choice (public contract).
RARITY_ORDER: tuple[Rarity, ...] = (Rarity.LEGENDARY, Rarity.EPIC, Rarity.RARE, Rarity.COMMON)
EPIC_OR_BETTER = frozenset({Rarity.LEGENDARY, Rarity.EPIC})
STOCKED = EPIC_OR_BETTER


class ItemKind(StrEnum):
    """What an inventory item is for: gacha collectibles are kept, consumables spent."""

    COLLECTIBLE = "COLLECTIBLE"
    CONSUMABLE = "CONSUMABLE"


class Animation(StrEnum):
    NORMAL = "NORMAL"
    EPIC = "EPIC"
    LEGENDARY = "LEGENDARY"
    PITY = "PITY"
    NEAR_MISS = "NEAR_MISS"


@dataclass(frozen=True)
class GachaRules:
    rates_bp: Mapping[Rarity, int] = field(
        default_factory=lambda: {
            Rarity.LEGENDARY: 150,
            Rarity.EPIC: 650,
            Rarity.RARE: 2_200,
            Rarity.COMMON: 7_000,
        }
    )
    pity_threshold: int = 90
    duplicate_refund: Mapping[Rarity, int] = field(
        default_factory=lambda: {
            Rarity.COMMON: 100,
            Rarity.RARE: 500,
            Rarity.EPIC: 2_000,
            Rarity.LEGENDARY: 10_000,
        }
    )
    single_cost: int = 5_000
    ten_cost: int = 50_000
    daily_limits: Mapping[Rank, int] = field(
        default_factory=lambda: {Rank.STANDARD: 3, Rank.PREMIUM: 4, Rank.VIP: 5}
    )

    def __post_init__(self) -> None:
        if set(self.rates_bp) != set(Rarity) or any(w <= 0 for w in self.rates_bp.values()):
            raise ValueError("every rarity needs a positive rate")
        if self.pity_threshold < 1:
            raise ValueError("the pity threshold must be at least 1")

    @property
    def total_bp(self) -> int:
        return sum(self.rates_bp.values())


DEFAULT_RULES = GachaRules()


@dataclass(frozen=True, slots=True)
class Item:
    id: str
    name: str
    rarity: Rarity


@dataclass(frozen=True, slots=True)
class PulledItem:
    item: Item
    rolled: Rarity
    animation: Animation
    pity: bool
    downgraded: bool


@dataclass(frozen=True, slots=True)
class PullOutcome:
    items: tuple[PulledItem, ...]
    pity_after: int
    stock_taken: Mapping[Rarity, int]


def _locate(
    u: int, order: Sequence[Rarity], weights: Mapping[Rarity, int]
) -> tuple[Rarity, int, int]:
    """(rarity, offset of u·W inside its interval, interval width), all scaled by 2**32."""
    total = sum(weights[r] for r in order)
    scaled = u * total
    low = 0
    for rarity in order:
        high = low + weights[rarity] * SCALE
        if scaled < high:
            return rarity, scaled - low, weights[rarity] * SCALE
        low = high
    raise ValueError("u must be below 2**32")


def _pick(pool: Sequence[Item], offset: int, width: int) -> Item:
    return pool[offset * len(pool) // width]


def _near_miss(rarity: Rarity, offset: int, weights: Mapping[Rarity, int]) -> bool:
    """The float landed within the next better rarity's probability mass of the boundary."""
    index = RARITY_ORDER.index(rarity)
    if index == 0:
        return False
    better = RARITY_ORDER[index - 1]
    return offset < weights[better] * SCALE


def pull_items(
    uints: Sequence[int],
    pity_before: int,
    pools: Mapping[Rarity, Sequence[Item]],
    stock: Mapping[Rarity, int | None],
    rules: GachaRules = DEFAULT_RULES,
) -> PullOutcome:
    """Resolve len(uints) items in order; pity and stock carry from one item to the next."""
    if any(not pools.get(rarity) for rarity in Rarity):
        raise ValueError("every rarity needs at least one item")
    remaining = dict(stock)
    taken: Counter[Rarity] = Counter()
    pity = pity_before
    items: list[PulledItem] = []
    for u in uints:
        forced = pity >= rules.pity_threshold
        if forced:
            order = [r for r in RARITY_ORDER if r in EPIC_OR_BETTER]
            rolled, offset, width = _locate(u, order, rules.rates_bp)
        else:
            rolled, offset, width = _locate(u, RARITY_ORDER, rules.rates_bp)
        left = remaining.get(rolled)
        downgraded = rolled in STOCKED and left is not None and left <= 0
        if downgraded:
            item = pools[Rarity.COMMON][u * len(pools[Rarity.COMMON]) // SCALE]
        else:
            item = _pick(pools[rolled], offset, width)
            if rolled in STOCKED and left is not None:
                remaining[rolled] = left - 1
                taken[rolled] += 1
        received = item.rarity
        pity = 0 if received in EPIC_OR_BETTER else pity + 1
        if forced and not downgraded:
            animation = Animation.PITY
        elif received is Rarity.LEGENDARY:
            animation = Animation.LEGENDARY
        elif not forced and not downgraded and _near_miss(rolled, offset, rules.rates_bp):
            animation = Animation.NEAR_MISS
        elif received is Rarity.EPIC:
            animation = Animation.EPIC
        else:
            animation = Animation.NORMAL
        items.append(
            PulledItem(
                item=item, rolled=rolled, animation=animation, pity=forced, downgraded=downgraded
            )
        )
    return PullOutcome(items=tuple(items), pity_after=pity, stock_taken=dict(taken))


def rarity_of(u: int, rules: GachaRules = DEFAULT_RULES) -> Rarity:
    """The rarity a float rolls when pity does not apply (for verification)."""
    return _locate(u, RARITY_ORDER, rules.rates_bp)[0]


def duplicate_flags(pulled: Sequence[PulledItem], owned: set[str]) -> list[bool]:
    """Which pulled items are duplicates: already owned, or repeated within this pull."""
    seen = set(owned)
    flags = []
    for entry in pulled:
        flags.append(entry.item.id in seen)
        seen.add(entry.item.id)
    return flags


def refund_for(
    pulled: Sequence[PulledItem], owned: set[str], rules: GachaRules = DEFAULT_RULES
) -> int:
    """Gold back for every duplicate, by its rarity."""
    return sum(
        rules.duplicate_refund[entry.item.rarity]
        for entry, duplicate in zip(pulled, duplicate_flags(pulled, owned), strict=True)
        if duplicate
    )


def count_by_rarity(pulled: Sequence[PulledItem]) -> Counter[Rarity]:
    """Items received per rarity (after any stock downgrade)."""
    return Counter(entry.item.rarity for entry in pulled)


def effective_rates(rules: GachaRules = DEFAULT_RULES) -> dict[Rarity, Fraction]:
    """Long-run share of each rarity including pity, exactly (ample stock assumed).

    Markov chain on the pity counter k = 0 … T (T = threshold): from k < T a pull is
    EPIC+ with probability q (→ 0) or not (→ k+1); from T it is EPIC+ for sure (→ 0).
    Its stationary distribution is π_k ∝ (1−q)^k for k ≤ T.
    """
    total = Fraction(rules.total_bp)
    p = {rarity: Fraction(rules.rates_bp[rarity]) / total for rarity in Rarity}
    q = p[Rarity.EPIC] + p[Rarity.LEGENDARY]
    threshold = rules.pity_threshold
    weights = [(1 - q) ** k for k in range(threshold + 1)]
    norm = sum(weights, Fraction(0))
    free = sum(weights[:threshold], Fraction(0)) / norm  # states where the roll is free
    forced = weights[threshold] / norm
    return {
        Rarity.LEGENDARY: free * p[Rarity.LEGENDARY] + forced * p[Rarity.LEGENDARY] / q,
        Rarity.EPIC: free * p[Rarity.EPIC] + forced * p[Rarity.EPIC] / q,
        Rarity.RARE: free * p[Rarity.RARE],
        Rarity.COMMON: free * p[Rarity.COMMON],
    }


def cost(count: int, rules: GachaRules = DEFAULT_RULES) -> int:
    if count == 1:
        return rules.single_cost
    if count == 10:
        return rules.ten_cost
    raise ValueError("a pull is 1 or 10 items")


def pulls_used(counted_day: date | None, counted: int, today: date) -> int:
    """Pull actions used today, from the count kept for `counted_day` (another day: 0)."""
    return counted if counted_day == today else 0


@dataclass(frozen=True, slots=True)
class RarityCount:
    rarity: Rarity
    count: int
