"""Player segments for operators (campaigns, offers, reports): where a player is in
their life with the game, and how they compare with everyone else on recency,
frequency and money (RFM). Pure: the run that loads the population and stores the
answers is resolvers/segments.py.

Lifecycle — one segment per player, the first rule that holds:

1. NEW: joined fewer than 7 game days ago.
2. DORMANT_LONG: no play for 30 game days or more; DORMANT_SHORT: for 7 to 29. A player
   who never played counts from the day they joined.
3. VIP: rank VIP.
4. ACTIVE: everyone else.

Why this order: a newcomer has had no time to lapse, and what they need is onboarding,
so NEW comes first. Dormancy comes before VIP because the segment says what to do with
a player: a VIP who stopped playing needs winning back like anyone who stopped, while
their rank stays visible on its own. VIP then separates the playing high spenders
from the other players who play.

RFM — over the last `RFM_WINDOW_DAYS` (90) game days: recency is the game days since the
last play (ever; since joining when never played), frequency the plays in the window,
monetary the USD cents of the purchases settled in the window and not refunded. Each is
scored 1-5 by quintile across the population (`quintile_scores`), 5 the best (most
recent, most frequent, most spent), and the three scores map to a segment by
`RFM_TABLE`.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from casino_club.domain.accounts import Rank

NEW_DAYS = 7  # joined fewer game days ago than this: NEW
DORMANT_SHORT_DAYS = 7  # no play for at least this many game days: dormant
DORMANT_LONG_DAYS = 30  # ... and from this many on: DORMANT_LONG
RFM_WINDOW_DAYS = 90
QUINTILES = 5


class SegmentKind(StrEnum):
    LIFECYCLE = "LIFECYCLE"
    RFM = "RFM"


class Segment(StrEnum):
    # Lifecycle.
    NEW = "NEW"
    VIP = "VIP"
    DORMANT_SHORT = "DORMANT_SHORT"
    DORMANT_LONG = "DORMANT_LONG"
    ACTIVE = "ACTIVE"
    # RFM.
    WHALE = "WHALE"
    HIGH_ENGAGED = "HIGH_ENGAGED"
    MEDIUM = "MEDIUM"
    LOW_AT_RISK = "LOW_AT_RISK"

    @property
    def kind(self) -> SegmentKind:
        return SegmentKind.RFM if self in RFM_SEGMENTS else SegmentKind.LIFECYCLE


RFM_SEGMENTS = frozenset({Segment.WHALE, Segment.HIGH_ENGAGED, Segment.MEDIUM, Segment.LOW_AT_RISK})


def lifecycle(*, joined: date, last_play: date | None, rank: Rank, today: date) -> Segment:
    """The lifecycle segment on game day `today` (the module's docstring has the rules)."""
    if (today - joined).days < NEW_DAYS:
        return Segment.NEW
    idle = (today - (last_play or joined)).days
    if idle >= DORMANT_LONG_DAYS:
        return Segment.DORMANT_LONG
    if idle >= DORMANT_SHORT_DAYS:
        return Segment.DORMANT_SHORT
    if rank is Rank.VIP:
        return Segment.VIP
    return Segment.ACTIVE


def quintile_scores(values: Sequence[int]) -> list[int]:
    """Each value's score 1-5 within `values` (larger is better), in the same order.

    A value's score comes from its mid-rank: the share of the population below it plus
    half the share equal to it, `p = (below + equal / 2) / n`, and `score = 1 + ⌊5p⌋`. So
    distinct values split into fifths (ten players: two per score), equal values always
    share a score, and a value most of the population shares lands in the middle rather
    than at either end: when 95% of players spent nothing, they score 3 and the payers
    5; when everyone is equal, everyone scores 3. A value below everything else's never
    scores above 3, so no one who spent nothing scores 4 or 5 on money. Integer
    arithmetic, no rounding. An empty population has no scores.
    """
    ordered = sorted(values)
    n = len(ordered)
    scores = []
    for value in values:
        below = bisect_left(ordered, value)
        equal = bisect_right(ordered, value) - below
        scores.append(1 + (QUINTILES * (2 * below + equal)) // (2 * n))
    return scores


@dataclass(frozen=True, slots=True)
class RfmInput:
    recency_days: int  # game days since the last play (since joining when never played)
    plays: int  # in the window
    spend_cents: int  # USD cents, purchases settled in the window and not refunded


@dataclass(frozen=True, slots=True)
class RfmScores:
    recency: int
    frequency: int
    monetary: int

    @property
    def segment(self) -> Segment:
        return rfm_segment(self)


# The mapping, first match wins (R, F, M the scores 1-5; None: any score):
#   WHALE         M = 5 and R >= 3  a top-fifth spender who still plays
#   HIGH_ENGAGED  R >= 4 and F >= 4 recent and frequent players, whatever they spend
#   LOW_AT_RISK   R <= 2            the least recent two fifths: lapsing, whales included
#   MEDIUM        anyone else
# A lapsed top spender is LOW_AT_RISK on purpose: that is the player a win-back campaign
# is for, and their spend still shows in their monetary score.
RFM_TABLE: tuple[tuple[Segment, int | None, int | None, int | None, int | None], ...] = (
    # segment, minimum R, maximum R, minimum F, minimum M
    (Segment.WHALE, 3, None, None, 5),
    (Segment.HIGH_ENGAGED, 4, None, 4, None),
    (Segment.LOW_AT_RISK, None, 2, None, None),
    (Segment.MEDIUM, None, None, None, None),
)


def rfm_segment(scores: RfmScores) -> Segment:
    """The first row of `RFM_TABLE` the scores meet."""
    for segment, min_r, max_r, min_f, min_m in RFM_TABLE:
        if (
            (min_r is None or scores.recency >= min_r)
            and (max_r is None or scores.recency <= max_r)
            and (min_f is None or scores.frequency >= min_f)
            and (min_m is None or scores.monetary >= min_m)
        ):
            return segment
    raise AssertionError("RFM_TABLE ends with a row every score meets")


def rfm_scores(population: Mapping[int, RfmInput]) -> dict[int, RfmScores]:
    """Every player's scores (by their key) within `population`. Recency is scored on
    its negation: fewer days since the last play is better."""
    keys = list(population)
    recency = quintile_scores([-population[key].recency_days for key in keys])
    frequency = quintile_scores([population[key].plays for key in keys])
    monetary = quintile_scores([population[key].spend_cents for key in keys])
    return {
        key: RfmScores(r, f, m)
        for key, r, f, m in zip(keys, recency, frequency, monetary, strict=True)
    }


@dataclass(frozen=True, slots=True)
class PlayerFacts:
    """What segmentation reads of a player (game days in GAME_TIMEZONE)."""

    joined: date
    last_play: date | None
    rank: Rank
    plays: int  # in the RFM window
    spend_cents: int  # in the RFM window


@dataclass(frozen=True, slots=True)
class Computed:
    """A player's segments as computed (before any operator override)."""

    lifecycle: Segment
    rfm: RfmScores


def segment_population(facts: Mapping[int, PlayerFacts], today: date) -> dict[int, Computed]:
    """Every player's computed segments on game day `today`."""
    inputs = {
        key: RfmInput(
            recency_days=max(0, (today - (fact.last_play or fact.joined)).days),
            plays=fact.plays,
            spend_cents=fact.spend_cents,
        )
        for key, fact in facts.items()
    }
    scores = rfm_scores(inputs)
    return {
        key: Computed(
            lifecycle(joined=fact.joined, last_play=fact.last_play, rank=fact.rank, today=today),
            scores[key],
        )
        for key, fact in facts.items()
    }


def in_force(computed: Segment, override: Segment | None) -> Segment:
    """The segment a player is in for one kind: an operator's override of that kind
    replaces the computed one until it is cleared."""
    if override is not None and override.kind is computed.kind:
        return override
    return computed


@dataclass(frozen=True, slots=True)
class Change:
    """A player's segment of one kind moved from `before` (None: their first) to `after`."""

    user_id: int
    kind: SegmentKind
    before: Segment | None
    after: Segment


@dataclass(frozen=True, slots=True)
class RunReport:
    """What a segmentation run found: the changes it wrote, or for a dry run would have."""

    run_id: int | None  # None: a dry run, which writes nothing
    game_day: date
    players: int  # segmented
    rows_written: int  # players whose stored segments or scores changed
    changes: tuple[Change, ...]


@dataclass(frozen=True, slots=True)
class SegmentOverride:
    """An operator's choice of a player's segment of one kind, held until cleared."""

    segment: Segment
    reason: str
    operator_id: int | None  # the operator; None once their account is gone
    at: datetime


@dataclass(frozen=True, slots=True)
class PlayerSegments:
    """A player's segments: those in force (an override, else the computed ones), the
    computed ones with their RFM scores, and any override."""

    user_id: int
    lifecycle: Segment
    rfm_segment: Segment
    computed_lifecycle: Segment
    computed_rfm_segment: Segment
    recency_score: int
    frequency_score: int
    monetary_score: int
    computed_at: datetime  # when the computed values last changed
    override: SegmentOverride | None


@dataclass(frozen=True, slots=True)
class SegmentCount:
    segment: Segment
    players: int


@dataclass(frozen=True, slots=True)
class SegmentCounts:
    """Players per segment in force, as of the last run."""

    as_of: datetime | None  # when the last run started; None: never run
    counts: tuple[SegmentCount, ...]  # every segment, in `Segment`'s order


@dataclass(frozen=True, slots=True)
class SegmentOverridden:
    """The player's segments after an operator's override, or its clearing."""

    segments: PlayerSegments
