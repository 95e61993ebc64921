"""What the game suggests to a player next: rule-based, from where the player stands.

Each rule names a thing the player can do now that pays them: today's daily reward not
yet claimed, a mission completed but not claimed, a mission nearly done, and a shop offer
suited to the player's segment (`offer_size`). A player on a cool-off or self-exclusion
is suggested nothing (every suggestion is an invitation to play), and no offer is one
the player's own purchase limits would refuse. A suggestion's id names its rule, its
subject and its period, so it stays the same while it applies (feedback and
click-through are counted per id) and a new one comes with the next period.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import ClassVar

from casino_club.domain.errors import ErrorCode
from casino_club.domain.missions import PlayerMission
from casino_club.domain.segments import NEW_DAYS, Segment
from casino_club.domain.shop import Product

# A mission is "nearly done" from this share of its target on (4/5 = 80 %).
NEAR_NUMERATOR, NEAR_DENOMINATOR = 4, 5
MAX_RECOMMENDATIONS = 5


class RecommendationRule(StrEnum):
    """Why a suggestion is made; operators read click-through per rule."""

    DAILY_REWARD = "DAILY_REWARD"
    MISSION_CLAIMABLE = "MISSION_CLAIMABLE"
    MISSION_NEAR_COMPLETION = "MISSION_NEAR_COMPLETION"
    SHOP_OFFER = "SHOP_OFFER"


class OfferSize(StrEnum):
    """Which pack suits a segment: the smallest (a first purchase, or a way back), the
    most gold per dollar (a regular player), or the largest (the biggest spenders)."""

    SMALLEST = "SMALLEST"
    BEST_VALUE = "BEST_VALUE"
    LARGEST = "LARGEST"


@dataclass(frozen=True, slots=True)
class Recommendation:
    id: str
    rule: RecommendationRule
    title: str
    body: str
    mission_id: int | None = None
    product_sku: str | None = None


@dataclass(frozen=True, slots=True)
class Offerable:
    """A product the player may buy now (on sale, their rank allows it), and what one
    unit costs in USD cents at today's price, for comparing across currencies."""

    product: Product
    usd_cents: int


@dataclass(frozen=True, slots=True)
class PlayerSegmentsNow:
    """The player's segments in force; `rfm` is None before the first segmentation run
    has seen them."""

    lifecycle: Segment
    rfm: Segment | None


@dataclass(frozen=True, slots=True)
class PlayerSituation:
    """What the rules read of a player now."""

    excluded: bool
    today: date  # the game day
    daily_claimed_today: bool
    missions: Sequence[PlayerMission]
    segments: PlayerSegmentsNow | None = None  # None: not segmented, and not new either
    offerable: Sequence[Offerable] = ()
    purchase_room_usd_cents: int | None = None  # what the purchase limits allow; None: no limit


def segments_before_a_run(joined: date, today: date) -> PlayerSegmentsNow | None:
    """A player the daily segmentation has not seen yet: one who joined fewer than
    NEW_DAYS game days ago is NEW (so a newcomer gets the starter offer on day one);
    anyone else waits for the run rather than being guessed at."""
    if (today - joined).days < NEW_DAYS:
        return PlayerSegmentsNow(Segment.NEW, None)
    return None


def offer_size(segments: PlayerSegmentsNow) -> OfferSize:
    """The pack that suits the player, the first rule that holds:

    1. NEW, DORMANT_SHORT, DORMANT_LONG (lifecycle) or LOW_AT_RISK (RFM): the smallest —
       a newcomer's first purchase or a lapsing player's way back should cost little;
    2. WHALE (RFM) or VIP (lifecycle): the largest;
    3. everyone else (ACTIVE with HIGH_ENGAGED, MEDIUM or no RFM yet): the best value.
    """
    small = {Segment.NEW, Segment.DORMANT_SHORT, Segment.DORMANT_LONG}
    if segments.lifecycle in small or segments.rfm is Segment.LOW_AT_RISK:
        return OfferSize.SMALLEST
    if segments.rfm is Segment.WHALE or segments.lifecycle is Segment.VIP:
        return OfferSize.LARGEST
    return OfferSize.BEST_VALUE


def choose_offer(
    size: OfferSize, offerable: Sequence[Offerable], room_usd_cents: int | None
) -> Offerable | None:
    """The product of `size` among those the purchase limits leave room for (ties go to
    the shop's order, then the sku); None when nothing fits."""
    fits = [o for o in offerable if room_usd_cents is None or o.usd_cents <= room_usd_cents]
    if not fits:
        return None

    def gold(o: Offerable) -> int:
        return o.product.gold + o.product.bonus_gold

    def order(o: Offerable) -> tuple[int, str]:
        return (o.product.sort_order, o.product.sku)

    if size is OfferSize.SMALLEST:
        return min(fits, key=lambda o: (o.usd_cents, order(o)))
    if size is OfferSize.LARGEST:
        return min(fits, key=lambda o: (-gold(o), order(o)))
    # Gold per USD cent, compared without division: a/b > c/d ⇔ a·d > c·b.
    best = fits[0]
    for candidate in fits[1:]:
        ours, theirs = gold(candidate) * best.usd_cents, gold(best) * candidate.usd_cents
        if ours > theirs or (ours == theirs and order(candidate) < order(best)):
            best = candidate
    return best


def recommend(situation: PlayerSituation) -> list[Recommendation]:
    """The player's suggestions, most rewarding first: at most MAX_RECOMMENDATIONS."""
    if situation.excluded:
        return []
    found: list[Recommendation] = []
    if not situation.daily_claimed_today:
        found.append(
            Recommendation(
                id=f"{RecommendationRule.DAILY_REWARD}:{situation.today.isoformat()}",
                rule=RecommendationRule.DAILY_REWARD,
                title="Your daily reward is waiting",
                body="Claim today's check-in reward to keep your streak going.",
            )
        )
    open_missions = [m for m in situation.missions if not m.locked and not m.claimed]
    for mission in open_missions:
        if mission.completed:
            found.append(_about(mission, RecommendationRule.MISSION_CLAIMABLE))
    near = sorted(
        (m for m in open_missions if not m.completed and _nearly_done(m)),
        key=lambda m: (m.target - m.progress, m.mission.id),
    )
    found.extend(_about(m, RecommendationRule.MISSION_NEAR_COMPLETION) for m in near)
    offer = _offer(situation)
    if offer is not None:
        # The offer asks for money, the others pay the player: it comes last, but keeps
        # its place when there are more suggestions than fit.
        found = [*found[: MAX_RECOMMENDATIONS - 1], offer]
    return found[:MAX_RECOMMENDATIONS]


def _offer(situation: PlayerSituation) -> Recommendation | None:
    if situation.segments is None:
        return None
    size = offer_size(situation.segments)
    chosen = choose_offer(size, situation.offerable, situation.purchase_room_usd_cents)
    if chosen is None:
        return None
    product = chosen.product
    return Recommendation(
        # The size is in the id as well as the product: the same id is the same words
        # (a client's normalized cache keys suggestions by id, across players too).
        id=f"{RecommendationRule.SHOP_OFFER}:{size}:{product.sku}:{situation.today.isoformat()}",
        rule=RecommendationRule.SHOP_OFFER,
        title=_OFFER_TITLES[size].format(name=product.name),
        body=f"{product.description.rstrip('.') or product.name}, in the shop.",
        product_sku=product.sku,
    )


_OFFER_TITLES = {
    OfferSize.SMALLEST: "A small start: {name}",
    OfferSize.BEST_VALUE: "Most gold for your money: {name}",
    OfferSize.LARGEST: "Our biggest pack: {name}",
}


def _nearly_done(mission: PlayerMission) -> bool:
    return mission.progress * NEAR_DENOMINATOR >= mission.target * NEAR_NUMERATOR


def _about(mission: PlayerMission, rule: RecommendationRule) -> Recommendation:
    title = mission.mission.mission.title
    reward = mission.mission.mission.reward_gold
    # The mission's period: its reset, or (a one-off) for good.
    period = mission.resets_at.date().isoformat() if mission.resets_at else "once"
    # One id, one wording, whoever reads it: a normalized client cache (an operator
    # reading several players' suggestions) keeps one object per id. So the nearly-done
    # one names what is left, which its wording says and which differs between players.
    if rule is RecommendationRule.MISSION_CLAIMABLE:
        subject = f"{mission.mission.id}:{period}"
        heading, body = (
            f"Claim “{title}”",
            f"You completed it: {reward:,} gold is waiting for you.",
        )
    else:
        left = mission.target - mission.progress
        subject = f"{mission.mission.id}:{period}:{left}"
        heading, body = (
            f"Almost there: “{title}”",
            f"{left:,} more to go for {reward:,} gold.",
        )
    return Recommendation(
        id=f"{rule}:{subject}",
        rule=rule,
        title=heading,
        body=body,
        mission_id=mission.mission.id,
    )


@dataclass(frozen=True, slots=True)
class FeedbackRecorded:
    """The player's verdict on a suggestion they were shown (the latest one counts)."""

    recommendation_id: str
    useful: bool


@dataclass(frozen=True, slots=True)
class RecommendationNotFound:
    """No suggestion with this id was shown to the caller."""

    code: ClassVar[ErrorCode] = ErrorCode.RECOMMENDATION_NOT_FOUND

    @property
    def message(self) -> str:
        return "No suggestion with this id was shown to you"


@dataclass(frozen=True, slots=True)
class RuleReport:
    """How players took one rule's suggestions: shown (once per player and suggestion),
    and the verdicts given."""

    rule: RecommendationRule
    shown: int
    useful: int
    not_useful: int

    @property
    def click_through_percent(self) -> float:
        """Useful verdicts per suggestion shown, in percent (0 when none was shown)."""
        return round(100 * self.useful / self.shown, 2) if self.shown else 0.0
