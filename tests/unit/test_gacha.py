"""Gacha math (SPEC §6.3): pity, stock, near-miss hints, exact effective rates."""

from __future__ import annotations

import math
from collections import Counter

import pytest

from casino_club.domain import gacha
from casino_club.domain.fairness import SCALE, FairnessInput, take
from casino_club.domain.gacha import Animation, GachaRules, Item, Rarity

POOLS = {
    rarity: [Item(f"{rarity.value.lower()}-{i}", f"{rarity.value} #{i}", rarity) for i in range(n)]
    for rarity, n in (
        (Rarity.COMMON, 10),
        (Rarity.RARE, 6),
        (Rarity.EPIC, 4),
        (Rarity.LEGENDARY, 2),
    )
}
NO_STOCK_LIMIT: dict[Rarity, int | None] = {Rarity.EPIC: None, Rarity.LEGENDARY: None}
SEED = bytes.fromhex("9ac4" * 16)


def u_at(fraction: float) -> int:
    return int(fraction * SCALE)


def one(u: int, pity: int = 0, stock: dict[Rarity, int | None] | None = None) -> gacha.Draw:
    return gacha.pull_items([u], pity, POOLS, stock or NO_STOCK_LIMIT).items[0]


def test_rarity_bands_best_first() -> None:
    assert one(u_at(0.0)).item.rarity is Rarity.LEGENDARY
    assert one(u_at(0.0149)).item.rarity is Rarity.LEGENDARY
    assert one(u_at(0.0151)).item.rarity is Rarity.EPIC
    assert one(u_at(0.0799)).item.rarity is Rarity.EPIC
    assert one(u_at(0.0801)).item.rarity is Rarity.RARE
    assert one(u_at(0.2999)).item.rarity is Rarity.RARE
    assert one(u_at(0.3001)).item.rarity is Rarity.COMMON
    assert one(SCALE - 1).item.rarity is Rarity.COMMON


def test_items_spread_evenly_over_the_pool() -> None:
    commons = Counter(one(u_at(0.30 + 0.70 * (i + 0.5) / 1000)).item.id for i in range(1000))
    assert set(commons.values()) == {100}


def test_pity_triggers_on_the_pull_after_the_90th_miss() -> None:
    common_u = u_at(0.9)
    after_89 = gacha.pull_items([common_u], 89, POOLS, NO_STOCK_LIMIT)
    assert after_89.pity_after == 90
    assert not after_89.items[0].pity
    forced = gacha.pull_items([common_u], 90, POOLS, NO_STOCK_LIMIT)
    assert forced.items[0].pity
    assert forced.items[0].item.rarity in gacha.EPIC_OR_BETTER
    assert forced.items[0].animation is Animation.PITY
    assert forced.pity_after == 0


def test_pity_is_rolled_over_epic_and_legendary_weights() -> None:
    # Forced: LEGENDARY 150 and EPIC 650 of 800.
    assert one(u_at(150 / 800 - 0.0001), pity=90).item.rarity is Rarity.LEGENDARY
    assert one(u_at(150 / 800 + 0.0001), pity=90).item.rarity is Rarity.EPIC


def test_ten_pull_carries_pity_between_items() -> None:
    commons = [u_at(0.9)] * 10
    outcome = gacha.pull_items(commons, 85, POOLS, NO_STOCK_LIMIT)
    assert [entry.pity for entry in outcome.items] == [False] * 5 + [True] + [False] * 4
    assert outcome.pity_after == 4


def test_stock_downgrades_to_common_and_never_goes_negative() -> None:
    legendary_u = u_at(0.001)
    outcome = gacha.pull_items(
        [legendary_u] * 3, 0, POOLS, {Rarity.LEGENDARY: 1, Rarity.EPIC: None}
    )
    rarities = [entry.item.rarity for entry in outcome.items]
    assert rarities == [Rarity.LEGENDARY, Rarity.COMMON, Rarity.COMMON]
    assert [entry.downgraded for entry in outcome.items] == [False, True, True]
    assert outcome.stock_taken == {Rarity.LEGENDARY: 1}
    assert outcome.pity_after == 2  # a downgraded roll is a miss


def test_near_miss_describes_the_roll_and_never_changes_it() -> None:
    just_below_rare = one(u_at(0.30 + 0.10))  # COMMON, within RARE's 22% of the boundary
    assert (just_below_rare.item.rarity, just_below_rare.animation) == (
        Rarity.COMMON,
        Animation.NEAR_MISS,
    )
    far = one(u_at(0.30 + 0.30))
    assert (far.item.rarity, far.animation) == (Rarity.COMMON, Animation.NORMAL)
    assert one(u_at(0.001)).animation is Animation.LEGENDARY
    for i in range(2000):
        u = (i * 2_147_483_647) % SCALE
        entry = one(u)
        assert entry.item.rarity is entry.rolled  # hints never alter the outcome


def test_duplicates_refund_gold() -> None:
    pulled = gacha.pull_items([u_at(0.31)] * 3, 0, POOLS, NO_STOCK_LIMIT).items
    assert gacha.duplicate_flags(pulled, owned=set()) == [False, True, True]
    assert gacha.duplicate_flags(pulled, owned={pulled[0].item.id}) == [True, True, True]
    assert gacha.count_by_rarity(pulled) == {Rarity.COMMON: 3}
    assert gacha.refund_for(pulled, owned=set()) == 2 * 100
    assert gacha.refund_for(pulled, owned={pulled[0].item.id}) == 3 * 100


def test_costs() -> None:
    assert (gacha.cost(1), gacha.cost(10)) == (5_000, 50_000)
    with pytest.raises(ValueError, match="1 or 10"):
        gacha.cost(2)


def stationary_by_iteration(rules: GachaRules, steps: int = 5000) -> list[float]:
    q = (rules.rates_bp[Rarity.EPIC] + rules.rates_bp[Rarity.LEGENDARY]) / rules.total_bp
    states = rules.pity_threshold + 1
    pi = [1.0 / states] * states
    for _ in range(steps):
        nxt = [0.0] * states
        for k, mass in enumerate(pi):
            if k == rules.pity_threshold:
                nxt[0] += mass
            else:
                nxt[0] += mass * q
                nxt[k + 1] += mass * (1 - q)
        pi = nxt
    return pi


@pytest.mark.parametrize("threshold", [5, 90])
def test_effective_rates_match_an_independent_chain(threshold: int) -> None:
    rules = GachaRules(pity_threshold=threshold)
    exact = gacha.effective_rates(rules)
    assert sum(exact.values()) == 1
    pi = stationary_by_iteration(rules)
    q = (rules.rates_bp[Rarity.EPIC] + rules.rates_bp[Rarity.LEGENDARY]) / rules.total_bp
    free = sum(pi[:threshold])
    legendary = free * 0.015 + pi[threshold] * 0.015 / q
    assert math.isclose(float(exact[Rarity.LEGENDARY]), legendary, rel_tol=1e-9)


def simulate(rules: GachaRules, pulls: int, client: str) -> Counter[Rarity]:
    counts: Counter[Rarity] = Counter()
    pity = 0
    for nonce in range(pulls):
        outcome = gacha.pull_items(
            take(FairnessInput(SEED, client, nonce), 1), pity, POOLS, NO_STOCK_LIMIT, rules
        )
        pity = outcome.pity_after
        counts[outcome.items[0].item.rarity] += 1
    return counts


@pytest.mark.parametrize(("threshold", "pulls"), [(90, 1_000_000), (5, 200_000)])
def test_simulated_rates_agree_with_the_exact_effective_rates(threshold: int, pulls: int) -> None:
    """Fixed-seed simulation; each rarity's frequency within 5σ of a binomial proportion
    (pity makes pulls weakly dependent; with the default 90 that effect is ~0.05%, and the
    threshold-5 case is checked at 5σ as well — a false alarm is below 10⁻⁶ per rarity
    for independent pulls)."""
    rules = GachaRules(pity_threshold=threshold)
    exact = gacha.effective_rates(rules)
    counts = simulate(rules, pulls, f"sim-{threshold}")
    for rarity, p in exact.items():
        bound = 5 * math.sqrt(float(p) * (1 - float(p)) / pulls)
        assert abs(counts[rarity] / pulls - float(p)) < bound, rarity
