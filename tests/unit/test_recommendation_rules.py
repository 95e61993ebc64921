"""domain/recommendations.py: which missions are suggested, in what order, how many,
and nothing during a break."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from casino_club.domain.missions import (
    Mission,
    MissionEvent,
    MissionPeriod,
    PlayerMission,
    StoredMission,
)
from casino_club.domain.recommendations import (
    MAX_RECOMMENDATIONS,
    Offerable,
    OfferSize,
    PlayerSegmentsNow,
    PlayerSituation,
    RecommendationRule,
    RuleReport,
    choose_offer,
    offer_size,
    recommend,
    segments_before_a_run,
)
from casino_club.domain.segments import Segment
from casino_club.domain.shop import Currency, Product

TODAY = date(2026, 12, 6)
RESET = datetime(2026, 12, 7, tzinfo=UTC)


def mission(
    row: int, progress: int, target: int = 10, *, claimed: bool = False, locked: bool = False
) -> PlayerMission:
    defined = Mission(
        f"m{row}", f"Mission {row}", MissionPeriod.DAILY, MissionEvent.SLOT_SPIN, target, 100, 10
    )
    return PlayerMission(
        mission=StoredMission(row, defined),
        progress=progress,
        target=target,
        completed=progress >= target,
        claimed=claimed,
        locked=locked,
        resets_at=RESET,
    )


def rules(
    *missions: PlayerMission, claimed_today: bool = True, excluded: bool = False
) -> list[str]:
    situation = PlayerSituation(excluded, TODAY, claimed_today, missions)
    return [f"{r.rule}:{r.mission_id}" for r in recommend(situation)]


@pytest.mark.parametrize(("progress", "near"), [(7, False), (8, True), (9, True)])
def test_nearly_done_is_from_80_percent(progress: int, near: bool) -> None:
    assert rules(mission(1, progress)) == (["MISSION_NEAR_COMPLETION:1"] if near else [])


def test_claimed_and_locked_missions_are_not_suggested() -> None:
    assert rules(mission(1, 10, claimed=True), mission(2, 9, locked=True)) == []


def test_order_daily_then_claimable_then_the_closest() -> None:
    found = rules(mission(1, 8), mission(2, 10), mission(3, 95, 100), claimed_today=False)
    # The nearly done by what is left: mission 1 has 2 to go, mission 3 has 5.
    assert found == [
        "DAILY_REWARD:None",
        "MISSION_CLAIMABLE:2",
        "MISSION_NEAR_COMPLETION:1",
        "MISSION_NEAR_COMPLETION:3",
    ]


def test_at_most_five_and_none_during_a_break() -> None:
    many = [mission(row, 10) for row in range(1, 9)]
    assert len(rules(*many, claimed_today=False)) == MAX_RECOMMENDATIONS
    assert rules(*many, claimed_today=False, excluded=True) == []


def test_ids_name_rule_subject_and_period() -> None:
    [daily, claim] = recommend(PlayerSituation(False, TODAY, False, [mission(4, 10)]))
    assert daily.id == "DAILY_REWARD:2026-12-06"
    assert claim.id == "MISSION_CLAIMABLE:4:2026-12-07"
    assert claim.rule is RecommendationRule.MISSION_CLAIMABLE


def test_one_id_one_wording_whoever_reads_it() -> None:
    """Two players with the same mission at different progress get different ids (the
    wording says how much is left); at the same progress, the same id and wording."""

    def near(progress: int) -> tuple[str, str]:
        [found] = recommend(PlayerSituation(False, TODAY, True, [mission(4, progress)]))
        return found.id, found.body

    assert near(8) == ("MISSION_NEAR_COMPLETION:4:2026-12-07:2", "2 more to go for 100 gold.")
    assert near(9)[0] != near(8)[0]
    assert near(9) == near(9)


def test_click_through() -> None:
    assert RuleReport(RecommendationRule.DAILY_REWARD, 3, 1, 1).click_through_percent == 33.33
    assert RuleReport(RecommendationRule.DAILY_REWARD, 0, 0, 0).click_through_percent == 0.0


# The shop offer: which pack suits which segments, what the purchase limits leave room
# for, and where the offer stands among the other suggestions.


def product(sku: str, usd_cents: int, gold: int, order: int) -> Offerable:
    listed = Product(sku, sku.title(), f"{gold:,} gold", usd_cents, Currency.USD, gold, 0)
    return Offerable(replace(listed, sort_order=order), usd_cents)


SMALL = product("small", 500, 5_000, 1)  # 10 gold a cent
VALUE = product("value", 2_000, 24_000, 2)  # 12 a cent
LARGE = product("large", 10_000, 110_000, 3)  # 11 a cent
SHOP = (LARGE, SMALL, VALUE)


@pytest.mark.parametrize(
    ("lifecycle", "rfm", "size"),
    [
        ("NEW", None, OfferSize.SMALLEST),
        ("NEW", "WHALE", OfferSize.SMALLEST),  # a newcomer first, whatever they spent
        ("DORMANT_SHORT", "WHALE", OfferSize.SMALLEST),
        ("DORMANT_LONG", "HIGH_ENGAGED", OfferSize.SMALLEST),
        ("VIP", "LOW_AT_RISK", OfferSize.SMALLEST),  # at risk outranks the rank
        ("ACTIVE", "LOW_AT_RISK", OfferSize.SMALLEST),
        ("ACTIVE", "WHALE", OfferSize.LARGEST),
        ("VIP", "MEDIUM", OfferSize.LARGEST),
        ("VIP", None, OfferSize.LARGEST),
        ("ACTIVE", "HIGH_ENGAGED", OfferSize.BEST_VALUE),
        ("ACTIVE", "MEDIUM", OfferSize.BEST_VALUE),
        ("ACTIVE", None, OfferSize.BEST_VALUE),
    ],
)
def test_the_offer_size_by_segment(lifecycle: str, rfm: str | None, size: OfferSize) -> None:
    standing = PlayerSegmentsNow(Segment(lifecycle), None if rfm is None else Segment(rfm))
    assert offer_size(standing) is size


@pytest.mark.parametrize(
    ("size", "room", "sku"),
    [
        (OfferSize.SMALLEST, None, "small"),
        (OfferSize.BEST_VALUE, None, "value"),
        (OfferSize.LARGEST, None, "large"),
        (OfferSize.LARGEST, 9_999, "value"),  # the largest that fits
        (OfferSize.LARGEST, 2_000, "value"),  # exactly the room fits
        (OfferSize.BEST_VALUE, 1_999, "small"),
        (OfferSize.SMALLEST, 499, None),  # nothing fits
        (OfferSize.SMALLEST, 0, None),
    ],
)
def test_the_offer_within_the_purchase_room(
    size: OfferSize, room: int | None, sku: str | None
) -> None:
    chosen = choose_offer(size, SHOP, room)
    assert (chosen.product.sku if chosen else None) == sku


def test_ties_go_to_the_shops_order() -> None:
    twin = product("twin", 2_000, 24_000, 0)  # the same value as VALUE, listed first
    chosen = choose_offer(OfferSize.BEST_VALUE, (VALUE, twin), None)
    assert chosen is not None and chosen.product.sku == "twin"
    chosen = choose_offer(OfferSize.SMALLEST, (VALUE, twin), None)
    assert chosen is not None and chosen.product.sku == "twin"
    assert choose_offer(OfferSize.SMALLEST, (), None) is None


REGULAR = PlayerSegmentsNow(Segment.ACTIVE, Segment.MEDIUM)


def offered(
    *missions: PlayerMission,
    standing: PlayerSegmentsNow | None = REGULAR,
    excluded: bool = False,
    room: int | None = None,
) -> list[str]:
    situation = PlayerSituation(excluded, TODAY, True, missions, standing, SHOP, room)
    return [r.id for r in recommend(situation)]


def test_the_offer_comes_last_and_keeps_its_place() -> None:
    assert offered() == [f"SHOP_OFFER:BEST_VALUE:value:{TODAY.isoformat()}"]
    many = [mission(row, 10) for row in range(1, MAX_RECOMMENDATIONS + 2)]
    found = offered(*many)
    assert len(found) == MAX_RECOMMENDATIONS
    assert found[-1] == f"SHOP_OFFER:BEST_VALUE:value:{TODAY.isoformat()}"
    assert found[:-1] == [f"MISSION_CLAIMABLE:{row}:2026-12-07" for row in range(1, 5)]


def test_no_offer_during_a_break_without_segments_or_without_room() -> None:
    assert offered(excluded=True) == []
    assert offered(standing=None) == []
    assert offered(room=100) == []


@pytest.mark.parametrize(("days_ago", "new"), [(0, True), (6, True), (7, False), (30, False)])
def test_before_the_first_run_only_a_newcomer_is_segmented(days_ago: int, new: bool) -> None:
    joined = TODAY - timedelta(days=days_ago)
    expected = PlayerSegmentsNow(Segment.NEW, None) if new else None
    assert segments_before_a_run(joined, TODAY) == expected
