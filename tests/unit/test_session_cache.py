"""SessionCache's rules (persistence/session_cache.py), without I/O."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from casino_club.domain.accounts import Rank, Role
from casino_club.persistence.session_cache import Checked, SessionCache
from casino_club.persistence.users import Account
from casino_club.security import AccessClaims

NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)


def checked(user_id: int, expires_in: timedelta = timedelta(minutes=15)) -> Checked:
    account = Account(user_id, f"s{user_id}", f"n{user_id}", "USER", "STANDARD", 0, NOW, None)
    claims = AccessClaims(user_id, "sid", Rank.STANDARD, Role.USER, "jti", NOW, NOW + expires_in)
    return Checked(claims, account)


class Channel:
    def __init__(self) -> None:
        self.generation: int | None = 1

    def __call__(self) -> int | None:
        return self.generation


def cache(channel: Channel, ttl: float = 60, entries: int = 10) -> SessionCache:
    return SessionCache(ttl_seconds=ttl, max_entries=entries, generation=channel)


def test_a_put_token_is_got_until_its_player_is_forgotten() -> None:
    sessions = cache(Channel())
    sessions.put("a", checked(1), sessions.stamp())
    sessions.put("b", checked(2), sessions.stamp())
    assert sessions.get("a", NOW) == checked(1)
    sessions.forget(1)
    assert sessions.get("a", NOW) is None
    assert sessions.get("b", NOW) == checked(2)


def test_a_check_that_raced_a_forget_is_not_cached() -> None:
    sessions = cache(Channel())
    stamp = sessions.stamp()  # the database read starts...
    sessions.forget(7)  # ...a logout of anyone commits meanwhile...
    sessions.put("a", checked(1), stamp)  # ...so what it read may be stale
    assert sessions.get("a", NOW) is None


def test_nothing_is_trusted_across_a_gap_in_the_channel() -> None:
    channel = Channel()
    sessions = cache(channel)
    sessions.put("a", checked(1), sessions.stamp())
    channel.generation = None  # down: a forget could be missed
    assert sessions.get("a", NOW) is None
    sessions.put("a", checked(1), sessions.stamp())
    channel.generation = 2  # back, but it was away
    assert sessions.get("a", NOW) is None


def test_an_expired_token_is_not_answered_from_the_cache() -> None:
    sessions = cache(Channel())
    sessions.put("a", checked(1, timedelta(seconds=5)), sessions.stamp())
    assert sessions.get("a", NOW + timedelta(seconds=5)) is None


def test_zero_seconds_caches_nothing_and_the_size_is_bounded() -> None:
    off = cache(Channel(), ttl=0)
    off.put("a", checked(1), off.stamp())
    assert off.get("a", NOW) is None
    small = cache(Channel(), entries=2)
    for index, token in enumerate("abc"):
        small.put(token, checked(index), small.stamp())
    assert small.get("a", NOW) is None  # the oldest made room
    assert small.get("c", NOW) == checked(2)
