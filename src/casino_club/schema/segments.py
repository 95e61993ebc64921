"""Operator types for player segments (SPEC §11.1; the rules in domain/segments.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from casino_club.domain import segments
from casino_club.domain.ids import NodeKind
from casino_club.domain.segments import Segment, SegmentKind
from casino_club.schema.enums import graphql_enum
from casino_club.schema.errors import UserNotFound, ValidationFailed
from casino_club.schema.identity import LazyPlayer as Player
from casino_club.schema.identity import player as player_field
from casino_club.schema.identity import reference
from casino_club.schema.outcomes import presents

SegmentEnum = graphql_enum(
    Segment,
    "Segment",
    "A player segment. Every player (never an operator) is in one lifecycle segment "
    "(NEW, VIP, DORMANT_SHORT, DORMANT_LONG, ACTIVE) and one RFM segment (WHALE, "
    "HIGH_ENGAGED, MEDIUM, LOW_AT_RISK), recomputed once a game day. Day counts are "
    "game days.",
    {
        Segment.NEW: "Lifecycle: joined fewer than 7 days ago (comes before every other rule).",
        Segment.VIP: "Lifecycle: rank VIP and played within the last 6 days.",
        Segment.DORMANT_SHORT: "Lifecycle: no play for 7 to 29 days (a player who never "
        "played counts from the day they joined).",
        Segment.DORMANT_LONG: "Lifecycle: no play for 30 days or more (never played: since "
        "joining).",
        Segment.ACTIVE: "Lifecycle: everyone else — played within the last 6 days, not VIP.",
        Segment.WHALE: "RFM: monetary score 5 and recency score 3 or more — a top-fifth "
        "spender who still plays.",
        Segment.HIGH_ENGAGED: "RFM: recency and frequency scores 4 or more (not a WHALE).",
        Segment.MEDIUM: "RFM: neither WHALE, HIGH_ENGAGED nor LOW_AT_RISK.",
        Segment.LOW_AT_RISK: "RFM: recency score 1 or 2 (not a WHALE) — the least recent two "
        "fifths, lapsing spenders included.",
    },
)

SegmentKindEnum = graphql_enum(
    SegmentKind,
    "SegmentKind",
    "The two kinds of segment; a player is in one of each.",
    {
        SegmentKind.LIFECYCLE: "NEW, VIP, DORMANT_SHORT, DORMANT_LONG or ACTIVE.",
        SegmentKind.RFM: "WHALE, HIGH_ENGAGED, MEDIUM or LOW_AT_RISK, from the RFM scores.",
    },
)


@presents(segments.SegmentOverride)
@strawberry.type(description="An operator's choice of a player's segment, held until cleared.")
class SegmentOverride:
    segment: SegmentEnum = strawberry.field(  # type: ignore[valid-type]
        description="The segment chosen; it replaces the computed one of its kind."
    )
    reason: str = strawberry.field(description="Why, as the operator gave it.")
    operator_id: strawberry.ID | None = reference(
        NodeKind.PLAYER,
        "operator_id",
        description="The operator who chose it (a Player's global id); null once their "
        "account is gone.",
    )
    at: datetime = strawberry.field(description="When it was chosen.")


@presents(segments.PlayerSegments)
@strawberry.type(
    description="A player's segments: those in force (an override, else the computed ones), "
    "the computed ones with their RFM scores (1-5, 5 the best: the most recent, frequent, "
    "spending fifth of the players), and any override."
)
class PlayerSegments:
    lifecycle: SegmentEnum = strawberry.field(  # type: ignore[valid-type]
        description="The lifecycle segment in force."
    )
    rfm_segment: SegmentEnum = strawberry.field(  # type: ignore[valid-type]
        description="The RFM segment in force."
    )
    computed_lifecycle: SegmentEnum = strawberry.field(  # type: ignore[valid-type]
        description="The lifecycle segment the last run computed, override or not."
    )
    computed_rfm_segment: SegmentEnum = strawberry.field(  # type: ignore[valid-type]
        description="The RFM segment the last run computed, override or not."
    )
    recency_score: int = strawberry.field(
        description="1-5 by quintile of the days since the last play (fewer scores higher)."
    )
    frequency_score: int = strawberry.field(
        description="1-5 by quintile of the plays in the last 90 days."
    )
    monetary_score: int = strawberry.field(
        description="1-5 by quintile of the USD cents of purchases settled in the last 90 "
        "days and not refunded."
    )
    computed_at: datetime = strawberry.field(
        description="When the computed segments or scores last changed (runs write only changes)."
    )
    override: SegmentOverride | None = strawberry.field(
        description="An operator's override in force; null when none."
    )


@presents(segments.SegmentCount)
@strawberry.type(description="How many players are in one segment.")
class SegmentCount:
    segment: SegmentEnum = strawberry.field(  # type: ignore[valid-type]
        description="The segment."
    )
    players: int = strawberry.field(description="Players in it (overrides included).")

    @strawberry.field(description="The segment's kind.", graphql_type=SegmentKindEnum)
    def kind(self, root: strawberry.Parent[segments.SegmentCount]) -> SegmentKind:
        return root.segment.kind


@presents(segments.SegmentCounts)
@strawberry.type(
    description="Players per segment in force. Each kind's counts add up to the players "
    "segmented by the last run (players who joined since are in none yet)."
)
class SegmentCounts:
    as_of: datetime | None = strawberry.field(
        description="When the last run started; null when segmentation never ran."
    )
    counts: list[SegmentCount] = strawberry.field(
        description="Every segment, lifecycle ones first, 0 when empty."
    )


@strawberry.input(
    description="Put a player in a segment until the override is cleared (runs keep "
    "computing theirs beside it). It replaces the segment of its kind; a player has at "
    "most one override, so a new one replaces the last."
)
class OverrideSegmentInput:
    user_id: strawberry.ID = strawberry.field(description="The player's global id.")
    segment: SegmentEnum = strawberry.field(  # type: ignore[valid-type]
        description="The segment to hold the player in."
    )
    reason: str = strawberry.field(description="Why: kept in the audit log (1-500 characters).")


@strawberry.input(description="End a player's segment override: the computed one applies again.")
class ClearSegmentOverrideInput:
    user_id: strawberry.ID = strawberry.field(description="The player's global id.")
    reason: str = strawberry.field(description="Why: kept in the audit log (1-500 characters).")


@presents(segments.SegmentOverridden)
@strawberry.type(description="The player's segments after the override or its clearing.")
class SegmentOverridden:
    segments: PlayerSegments = strawberry.field(description="The player's segments now.")
    player: Player = player_field(
        description="The player whose segment changed.", attribute="segments.user_id"
    )


OverrideSegmentResult = Annotated[
    SegmentOverridden | UserNotFound | ValidationFailed,
    strawberry.union(
        "OverrideSegmentResult",
        description="overrideSegment's answer: the player's segments, or why not "
        "(ValidationFailed: an operator's account, a player not segmented yet, a bad reason).",
    ),
]

ClearSegmentOverrideResult = Annotated[
    SegmentOverridden | UserNotFound | ValidationFailed,
    strawberry.union(
        "ClearSegmentOverrideResult",
        description="clearSegmentOverride's answer: the player's segments, or why not "
        "(ValidationFailed: no override to clear, a bad reason).",
    ),
]
