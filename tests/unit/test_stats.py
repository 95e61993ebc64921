"""What a play adds to its game's totals, and the XP staking earns (SPEC §8.2, §9.1)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from casino_club.domain.games import Game
from casino_club.domain.stats import GameTotals, PlayTotals, play_xp, xp_for


def test_a_play_is_a_win_a_loss_or_neither() -> None:
    assert (PlayTotals(100, 250).win, PlayTotals(100, 250).loss) == (1, 0)
    assert (PlayTotals(100, 0).win, PlayTotals(100, 0).loss) == (0, 1)
    assert (PlayTotals(100, 100).win, PlayTotals(100, 100).loss) == (0, 0)  # a push
    assert (PlayTotals(0, 300).win, PlayTotals(0, 0).loss) == (1, 0)  # a free spin's prize


def test_one_xp_per_hundred_gold_staked_carrying_the_remainder() -> None:
    assert [xp_for(staked, 10) for staked in range(0, 100, 10)] == [0] * 9 + [1]
    assert xp_for(0, 99) == 0 and xp_for(99, 1) == 1 and xp_for(0, 1_000) == 10


@given(st.lists(st.integers(min_value=0, max_value=100_000), max_size=50))
def test_stakes_earn_together_what_their_sum_earns(stakes: list[int]) -> None:
    staked, earned = 0, 0
    for stake in stakes:
        earned += xp_for(staked, stake)
        staked += stake
    assert earned == play_xp(sum(stakes)) == sum(stakes) // 100


def test_a_games_net_is_paid_minus_staked() -> None:
    totals = GameTotals(
        Game.DICE, 3, 1, 2, staked=300, paid=196, biggest_win=196, best_multiplier=None
    )
    assert totals.net == -104
