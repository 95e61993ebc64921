"""Pure account rules: sign-up validation, identity keys, levels and ranks."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casino_club.domain.accounts import (
    Rank,
    SignupRequest,
    identity_key,
    level_for_xp,
    rank_for_lifetime_spend,
    validate_signup,
    xp_to_next_level,
)


def request(**overrides: object) -> SignupRequest:
    values: dict[str, object] = {
        "site_id": "player_1",
        "nickname": "플레이어",
        "password": "12345678",
        "phone": None,
    }
    values.update(overrides)
    return SignupRequest(**values)  # type: ignore[arg-type]


def codes(req: SignupRequest) -> set[str]:
    return {problem.code for problem in validate_signup(req)}


def test_valid_request_has_no_problems() -> None:
    assert validate_signup(request()) == []


@pytest.mark.parametrize(
    ("site_id", "ok"),
    [
        ("abcd", True),
        ("a" * 32, True),
        ("abc", False),
        ("a" * 33, False),
        ("with-dash", False),
        ("under_score_9", True),
        ("", False),
        ("ａｂｃｄ", False),
    ],
)
def test_site_id_boundaries(site_id: str, ok: bool) -> None:
    assert ("INVALID_SITE_ID" not in codes(request(site_id=site_id))) is ok


@pytest.mark.parametrize(
    ("nickname", "ok"),
    [
        ("ab", True),
        ("가나", True),
        ("a" * 20, True),
        ("a", False),
        ("a" * 21, False),
        ("  a  ", False),
        ("tab\there", False),
        ("😀😀", True),
    ],
)
def test_nickname_boundaries(nickname: str, ok: bool) -> None:
    assert ("INVALID_NICKNAME" not in codes(request(nickname=nickname))) is ok


def test_password_boundaries() -> None:
    assert "PASSWORD_TOO_SHORT" in codes(request(password="1234567"))
    assert codes(request(password="12345678")) == set()
    assert "PASSWORD_TOO_LONG" in codes(request(password="x" * 129))


def test_identity_key_folds_case_and_width() -> None:
    assert identity_key("Player_One") == identity_key("PLAYER_ONE")
    assert identity_key("Straße") == identity_key("STRASSE")
    assert identity_key("ＡＢＣ") == identity_key("abc")
    assert identity_key("김철수") != identity_key("김철")


@given(st.integers(min_value=0, max_value=10**12))
def test_levels_follow_the_formula(xp: int) -> None:
    level = level_for_xp(xp)
    assert level == xp // 500 + 1
    assert 1 <= xp_to_next_level(xp) <= 500
    assert level_for_xp(xp + xp_to_next_level(xp)) == level + 1


@pytest.mark.parametrize(
    ("current", "spend", "expected"),
    [
        (Rank.STANDARD, 4_999, Rank.STANDARD),
        (Rank.STANDARD, 5_000, Rank.PREMIUM),
        (Rank.STANDARD, 20_000, Rank.VIP),
        (Rank.PREMIUM, 19_999, Rank.PREMIUM),
        (Rank.VIP, 0, Rank.VIP),  # never downgraded
    ],
)
def test_rank_upgrades_by_lifetime_spend(current: Rank, spend: int, expected: Rank) -> None:
    assert rank_for_lifetime_spend(current, spend) is expected


def test_rank_order() -> None:
    assert Rank.STANDARD.order < Rank.PREMIUM.order < Rank.VIP.order
