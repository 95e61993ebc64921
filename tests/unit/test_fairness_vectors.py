"""Every game's published test vectors (docs/FAIRNESS.md) against an independent derivation.

The `reference_*` functions below are written from the document's words alone — their
own HMAC stream, their own choices over exact rationals — and share no code with
`casino_club.domain`. Each table row must agree with them *and* with the server's own
result, and each section's prose must state the constants the reference transcribed, so
the words, the tables and the code cannot drift apart.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from collections.abc import Sequence
from decimal import Decimal, localcontext
from fractions import Fraction

import pytest

from casino_club.bootstrap import CATALOG
from casino_club.domain import crash, dice, gacha, rps, slots, verification, wheel
from casino_club.domain.fairness import FairnessInput
from casino_club.domain.games import Game
from tests.unit import fairness_doc

TWO_32 = 2**32

# Transcribed from docs/FAIRNESS.md; `test_each_section_states_its_rule` pins the words.
SLOT_STRIP = (
    ("CHERRY", 30),
    ("LEMON", 25),
    ("ORANGE", 20),
    ("BELL", 12),
    ("STAR", 8),
    ("DIAMOND", 4),
    ("SEVEN", 1),
)
RPS_MOVES = ("ROCK", "PAPER", "SCISSORS")
GACHA_RATES = (("LEGENDARY", 150), ("EPIC", 650), ("RARE", 2_200), ("COMMON", 7_000))
GACHA_PITY_RATES = GACHA_RATES[:2]
GACHA_POOL_SIZES = {"LEGENDARY": 2, "EPIC": 4, "RARE": 6, "COMMON": 10}
WHEEL_WEIGHTS = (30, 20, 12, 6, 1, 3, 8, 20)
INSTANT_CRASH_BELOW = 85_048_858

RULES = {
    "Slots": "CHERRY 30, LEMON 25, ORANGE 20, BELL 12, STAR 8, DIAMOND 4, SEVEN 1",
    "Rock-paper-scissors": "uniform choice of float 0 among ROCK, PAPER, SCISSORS",
    "Dice": "The roll is `floor(float 0 · 10000) / 100`",
    "Gacha": "LEGENDARY 150, EPIC 650, RARE 2,200, COMMON 7,000",
    "Wheel": (
        "0: 100 gold 30, 1: 250 gold 20, 2: 500 gold 12, 3: 1,000 gold 6, 4: 5,000 gold 1, "
        "5: Gacha ticket 3, 6: Streak protection 8, 7: Nothing 20"
    ),
    "Crash": "`max(100, ⌊99·2^32 / (2^32 − u)⌋)` hundredths",
}


def reference_uints(seed: bytes, client_seed: str, nonce: int, count: int) -> list[int]:
    """Float j is big-endian bytes 4·(j mod 8)… of HMAC(seed, "client:nonce:⌊j/8⌋"), × 2^32."""
    out = []
    for j in range(count):
        message = f"{client_seed}:{nonce}:{j // 8}".encode()
        block = hmac.new(seed, message, hashlib.sha256).digest()
        out.append(int.from_bytes(block[4 * (j % 8) : 4 * (j % 8) + 4], "big"))
    return out


def reference_weighted(u: int, weights: Sequence[int]) -> int:
    """The first i with X·W < w₁+…+wᵢ, in exact rationals."""
    x, total, cumulative = Fraction(u, TWO_32), sum(weights), 0
    for index, weight in enumerate(weights):
        cumulative += weight
        if x * total < cumulative:
            return index
    raise AssertionError("X is below 1, so some prefix sum must exceed X·W")


def reference_uniform(u: int, n: int) -> int:
    return math.floor(Fraction(u, TWO_32) * n)


def reference_gacha_item(u: int, rates: Sequence[tuple[str, int]]) -> tuple[str, int]:
    """(rarity, index of the item in its pool): floor((X·W − L) · n / w)."""
    index = reference_weighted(u, [weight for _, weight in rates])
    rarity, weight = rates[index]
    better = sum(w for _, w in rates[:index])
    position = Fraction(u, TWO_32) * sum(w for _, w in rates) - better
    return rarity, math.floor(position * GACHA_POOL_SIZES[rarity] / weight)


def reference_pool(rarity: str) -> list[str]:
    """The default catalog's pool of a rarity, ordered by id as text."""
    return sorted(f"{rarity.lower()}-{i}" for i in range(1, GACHA_POOL_SIZES[rarity] + 1))


def reference_crash(u: int) -> tuple[Fraction, int]:
    """(crash point, crash time in ms) from `max(1.00, floor(99 / (1 − X)) / 100)`."""
    point = max(Fraction(1), Fraction(math.floor(99 / (1 - Fraction(u, TWO_32))), 100))
    with localcontext() as context:
        context.prec = 60
        exact = Decimal(point.numerator).ln() - Decimal(point.denominator).ln()
        return point, math.ceil(exact / Decimal("0.00006"))


def uints_of(row: dict[str, str], count: int) -> list[int]:
    seed = fairness_doc.seeds()[row["seed"]]
    return reference_uints(seed, row["client seed"], int(row["nonce"]), count)


def server(game: Game, row: dict[str, str]) -> verification.Recomputed:
    """What the server recomputes for the row (the code behind verifyRound)."""
    seed = fairness_doc.seeds()[row["seed"]]
    return verification.recompute(game, FairnessInput(seed, row["client seed"], int(row["nonce"])))


def row_id(row: dict[str, str]) -> str:
    return f"{row['seed']}/{row['client seed']}/{row['nonce']}"


def hundredths_text(value: Fraction) -> str:
    """A value with at most two decimals, as the tables print it."""
    hundredths = value * 100
    assert hundredths.denominator == 1
    return f"{hundredths.numerator // 100}.{hundredths.numerator % 100:02d}"


@pytest.mark.parametrize("title", sorted(RULES))
def test_each_section_states_its_rule(title: str) -> None:
    assert RULES[title] in fairness_doc.prose(title)


def test_the_transcribed_rules_are_the_servers() -> None:
    """The server's configuration is the one the document describes."""
    paytable = slots.DEFAULT_PAYTABLE
    assert [(s.value, paytable.weights[s]) for s in slots.STRIP_ORDER] == list(SLOT_STRIP)
    assert [move.value for move in rps.MOVES] == list(RPS_MOVES)
    assert [segment.weight for segment in wheel.DEFAULT_SEGMENTS] == list(WHEEL_WEIGHTS)
    assert [(r.value, gacha.DEFAULT_RULES.rates_bp[r]) for r in gacha.RARITY_ORDER] == list(
        GACHA_RATES
    )


def test_the_instant_crash_bound_follows_from_the_rule() -> None:
    """The Crash section's bound: u < 2^32 − ⌊99·2^32 / 101⌋ is exactly a 1.00 crash."""
    assert INSTANT_CRASH_BELOW == TWO_32 - 99 * TWO_32 // 101
    assert f"= {INSTANT_CRASH_BELOW}" in fairness_doc.prose("Crash")
    assert reference_crash(INSTANT_CRASH_BELOW - 1)[0] == 1
    assert reference_crash(INSTANT_CRASH_BELOW)[0] == Fraction(101, 100)
    assert crash.crash_point(INSTANT_CRASH_BELOW - 1) == 100
    assert crash.crash_point(INSTANT_CRASH_BELOW) == 101


def test_every_game_publishes_vectors() -> None:
    assert len(fairness_doc.table("Slots")) == 5
    assert len(fairness_doc.table("Rock-paper-scissors")) == 9
    assert len(fairness_doc.table("Dice")) == 11
    ten_pulls, singles = fairness_doc.tables("Gacha")
    assert (len(ten_pulls), len(singles)) == (7, 5)
    assert len(fairness_doc.table("Wheel")) == len(WHEEL_WEIGHTS)
    assert len(fairness_doc.table("Crash")) == 9


@pytest.mark.parametrize("row", fairness_doc.table("Slots"), ids=row_id)
def test_slots_vectors(row: dict[str, str]) -> None:
    uints = uints_of(row, 3)
    assert row["floats 0, 1, 2 as u"] == ", ".join(map(str, uints))
    reels = [SLOT_STRIP[reference_weighted(u, [w for _, w in SLOT_STRIP])][0] for u in uints]
    assert " ".join(reels) == row["reels"]
    found = server(Game.SLOTS, row)
    assert found.uints == tuple(uints)
    assert found.reels is not None
    assert [symbol.value for symbol in found.reels] == reels


@pytest.mark.parametrize("row", fairness_doc.table("Rock-paper-scissors"), ids=row_id)
def test_rps_vectors(row: dict[str, str]) -> None:
    (u,) = uints_of(row, 1)
    assert int(row["float 0 as u"]) == u
    move = RPS_MOVES[reference_uniform(u, len(RPS_MOVES))]
    assert move == row["server move"]
    found = server(Game.RPS, row)
    assert found.rps_server_move is not None
    assert found.rps_server_move.value == move


def test_rps_vectors_straddle_both_boundaries() -> None:
    """Rows on either side of X = 1/3 and X = 2/3, within 1/50,000 of them."""
    xs = [
        Fraction(int(row["float 0 as u"]), TWO_32)
        for row in fairness_doc.table("Rock-paper-scissors")
    ]
    for boundary in (Fraction(1, 3), Fraction(2, 3)):
        assert any(boundary - Fraction(1, 50_000) < x < boundary for x in xs)
        assert any(boundary <= x < boundary + Fraction(1, 50_000) for x in xs)


@pytest.mark.parametrize(
    "row", fairness_doc.table("Dice"), ids=lambda row: f"{row_id(row)}/{row['bet']}"
)
def test_dice_vectors(row: dict[str, str]) -> None:
    (u,) = uints_of(row, 1)
    assert int(row["float 0 as u"]) == u
    roll_hundredths = math.floor(Fraction(u, TWO_32) * 10_000)
    roll = Fraction(roll_hundredths, 100)
    assert hundredths_text(roll) == row["roll"]
    direction, chance_text = row["bet"].split()
    chance = Fraction(Decimal(chance_text))
    won = roll < chance if direction == "UNDER" else roll >= 100 - chance
    assert ("WIN" if won else "LOSS") == row["result"]
    found = server(Game.DICE, row)
    assert found.dice_roll == roll_hundredths
    played = dice.play(100, int(chance * 100), dice.Direction(direction), u)
    assert (played.roll, played.won) == (roll_hundredths, won)


@pytest.mark.parametrize("row", fairness_doc.tables("Gacha")[0], ids=row_id)
def test_gacha_ten_pull_vectors(row: dict[str, str]) -> None:
    uints = uints_of(row, 10)
    rarities = [GACHA_RATES[reference_weighted(u, [w for _, w in GACHA_RATES])][0] for u in uints]
    assert " ".join(rarities) == row["rarities of floats 0–9"]
    found = server(Game.GACHA, row)
    assert found.uints == tuple(uints)
    assert found.gacha_rolls is not None
    assert [rarity.value for rarity in found.gacha_rolls] == rarities


def test_gacha_ten_pulls_cross_the_block_boundary_with_rare_items() -> None:
    """Floats 8 and 9 come from cursor 1; the table has EPIC+ rolls on both sides of it."""
    rolls = [row["rarities of floats 0–9"].split() for row in fairness_doc.tables("Gacha")[0]]
    assert any(roll[8] == "LEGENDARY" for roll in rolls)
    assert any(roll[9] == "LEGENDARY" for roll in rolls)
    assert any(roll[7] == roll[8] == "EPIC" for roll in rolls)


def _server_pools() -> dict[gacha.Rarity, list[gacha.Item]]:
    """The seeded catalog's pools, ordered by id as the pull query orders them."""
    pools: dict[gacha.Rarity, list[gacha.Item]] = {rarity: [] for rarity in gacha.Rarity}
    for item_id, name, _, rarity in sorted(CATALOG):
        if rarity is not None:
            pools[gacha.Rarity(rarity)].append(gacha.Item(item_id, name, gacha.Rarity(rarity)))
    return pools


@pytest.mark.parametrize("row", fairness_doc.tables("Gacha")[1], ids=row_id)
def test_gacha_single_pull_vectors(row: dict[str, str]) -> None:
    (u,) = uints_of(row, 1)
    assert int(row["float 0 as u"]) == u
    for rates, column, pity_before in (
        (GACHA_RATES, "item", 0),
        (GACHA_PITY_RATES, "item on a pity pull", gacha.DEFAULT_RULES.pity_threshold),
    ):
        rarity, index = reference_gacha_item(u, rates)
        assert reference_pool(rarity)[index] == row[column]
        stock: dict[gacha.Rarity, int | None] = {
            gacha.Rarity.EPIC: None,
            gacha.Rarity.LEGENDARY: None,
        }
        (pulled,) = gacha.pull_items([u], pity_before, _server_pools(), stock).items
        assert (pulled.item.rarity.value, pulled.item.id) == (rarity, row[column])


@pytest.mark.parametrize("row", fairness_doc.table("Wheel"), ids=row_id)
def test_wheel_vectors(row: dict[str, str]) -> None:
    (u,) = uints_of(row, 1)
    assert int(row["float 0 as u"]) == u
    segment = reference_weighted(u, WHEEL_WEIGHTS)
    assert segment == int(row["segment"])
    assert server(Game.WHEEL, row).wheel_segment == segment


@pytest.mark.parametrize("row", fairness_doc.table("Crash"), ids=row_id)
def test_crash_vectors(row: dict[str, str]) -> None:
    (u,) = uints_of(row, 1)
    assert int(row["float 0 as u"]) == u
    point, crashes_at = reference_crash(u)
    assert hundredths_text(point) == row["crash point"]
    assert crashes_at == int(row["crashes at (ms)"])
    found = server(Game.CRASH, row)
    assert found.crash_point == point * 100
    assert crash.reach_ms(int(point * 100)) == crashes_at


def test_crash_vectors_include_instant_crashes_around_the_bound() -> None:
    us = [int(row["float 0 as u"]) for row in fairness_doc.table("Crash")]
    assert any(INSTANT_CRASH_BELOW - 100_000 < u < INSTANT_CRASH_BELOW for u in us)
    assert any(INSTANT_CRASH_BELOW <= u < INSTANT_CRASH_BELOW + 100_000 for u in us)
