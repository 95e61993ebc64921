"""docs/games.md publishes the odds the domain computes: each number on the page is
recomputed here from src/casino_club/domain/, so a changed paytable, rate or weight
fails until the page says the same."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

from casino_club.domain import crash, dice, gacha, rps, slots, wheel
from casino_club.domain.accounts import Rank

PAGE = (Path(__file__).resolve().parents[2] / "docs" / "games.md").read_text(encoding="utf-8")


def percent(value: Fraction, places: int = 2) -> str:
    return f"{float(value) * 100:.{places}f}%"


def expected_phrases() -> list[str]:
    odds = slots.odds()
    table = slots.DEFAULT_PAYTABLE
    rules = gacha.DEFAULT_RULES
    return [
        percent(odds.rtp),
        f"({odds.rtp.numerator} / {odds.rtp.denominator})",
        percent(odds.base_rtp),
        f"({odds.base_rtp.numerator} / {odds.base_rtp.denominator})",
        f"Hit frequency {percent(odds.hit_frequency)}",
        f"win frequency {percent(odds.win_frequency)}",
        f"push frequency {float(odds.push_frequency) * 100:.1f}%",
        *(f"{symbol.emoji} {weight}" for symbol, weight in table.weights.items()),
        *(f"{symbol.emoji * 3} {pays}×" for symbol, pays in table.triples.items()),
        f"any two 🍒 {table.cherry_pair}×",
        f"{rps.exact_rtp().numerator}/{rps.exact_rtp().denominator} = {percent(rps.exact_rtp())}",
        f"A win pays {rps.WIN_PAYS_PERCENT / 100:g}×",
        f"`floor(stake · {dice.RETURN_PERCENT} / chance)`",
        f"{rules.single_cost:,} gold a single pull",
        f"{rules.ten_cost:,} a ten-pull",
        f"after {rules.pity_threshold} pulls",
        " / ".join(f"{rules.duplicate_refund[r]:,}" for r in reversed(gacha.RARITY_ORDER)),
        ", ".join(f"{rank.value} {rules.daily_limits[rank]}" for rank in Rank),
        *(f"{rarity.value} {rules.rates_bp[rarity] / 100:g}%" for rarity in gacha.RARITY_ORDER),
        *(f"{rarity.value} {percent(rate, 4)}" for rarity, rate in gacha.effective_rates().items()),
        f"then {wheel.SPIN_COST} gold a spin",
        f"Expected gold per spin exactly {wheel.expected_gold()}",
        # The streak protection's row adds what the item is for.
        *(f"| {segment.label} " for segment in wheel.DEFAULT_SEGMENTS),
        *(f" | {segment.weight} |" for segment in wheel.DEFAULT_SEGMENTS),
        f"{float(wheel.expected_items()['gacha-ticket']):g} gacha tickets",
        f"{float(wheel.expected_items()['streak-protection']):g} streak",
        f"exactly {crash.instant_crash_probability().numerator:,} / 2^{instant_crash_exponent()}",
        f"return exactly {crash.RETURN_PERCENT}%",
    ]


def instant_crash_exponent() -> int:
    denominator = crash.instant_crash_probability().denominator
    assert denominator & (denominator - 1) == 0, "a power of two, as the page writes it"
    return denominator.bit_length() - 1


def missing(page: str) -> list[str]:
    return [phrase for phrase in expected_phrases() if phrase not in page]


def test_the_page_says_what_the_domain_computes() -> None:
    assert missing(PAGE) == []


def test_control_a_changed_number_is_caught() -> None:
    rtp = percent(slots.odds().rtp)
    assert missing(PAGE.replace(rtp, "95.40%")) == [rtp]
