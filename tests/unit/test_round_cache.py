"""The round cache (persistence/round_cache.py): what a bet leaves as the next round."""

from __future__ import annotations

from casino_club.domain.fairness import FairnessInput
from casino_club.persistence.fairness import Round
from casino_club.persistence.round_cache import RoundCache


def round_of(nonce: int, streak: int = 0, seed_id: int = 7) -> Round:
    return Round(seed_id, FairnessInput(b"s" * 32, "client", nonce), streak)


def test_after_a_bet_the_next_nonce_and_the_streak_it_left_are_remembered() -> None:
    cache = RoundCache()
    cache.after(1, round_of(4, streak=2), slot_win_streak=3)
    assert cache.get(1) == round_of(5, streak=3)
    cache.after(1, round_of(5, streak=3), slot_win_streak=None)  # not a spin: streak stays
    assert cache.get(1) == round_of(6, streak=3)


def test_remembered_rounds_are_bounded_oldest_first_and_can_be_forgotten() -> None:
    cache = RoundCache(entries=2)
    cache.remember(1, round_of(0))
    cache.remember(2, round_of(0))
    cache.remember(1, round_of(1))  # used again: now the newest
    cache.remember(3, round_of(0))
    assert cache.get(2) is None
    assert cache.get(1) == round_of(1) and cache.get(3) == round_of(0)
    cache.forget(1)
    assert cache.get(1) is None
