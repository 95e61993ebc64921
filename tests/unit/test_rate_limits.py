"""The in-process hot state (embedded mode) forgets callers as Redis would expire them."""

from __future__ import annotations

from casino_club.persistence.rate_limits import PURGE_EVERY_HITS, InProcessRateLimits

WINDOW_MS = 1_000


async def test_keys_whose_window_passed_are_forgotten() -> None:
    """A budget per address must not keep every address ever seen (memory per caller)."""
    state = InProcessRateLimits()
    for caller in range(PURGE_EVERY_HITS):
        assert await state.hit(f"a:{caller}", limit=1, window_ms=WINDOW_MS, now_ms=0) is None
    assert state.keys() == PURGE_EVERY_HITS
    later = WINDOW_MS + 1
    for _ in range(PURGE_EVERY_HITS):
        await state.hit("honest", limit=PURGE_EVERY_HITS, window_ms=WINDOW_MS, now_ms=later)
    assert state.keys() == 1


async def test_a_key_still_in_its_window_keeps_counting_through_a_purge() -> None:
    state = InProcessRateLimits()
    assert await state.hit("slow", limit=1, window_ms=10 * WINDOW_MS, now_ms=0) is None
    for step in range(PURGE_EVERY_HITS):
        await state.hit(f"other:{step}", limit=1, window_ms=WINDOW_MS, now_ms=2 * WINDOW_MS)
    assert await state.hit("slow", limit=1, window_ms=10 * WINDOW_MS, now_ms=3 * WINDOW_MS) == (
        7 * WINDOW_MS
    )
