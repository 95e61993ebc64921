"""Operator types for campaigns (the rules in domain/campaigns.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry import relay

from casino_club.domain import campaigns
from casino_club.domain.campaigns import MAX_REWARD_GOLD, CampaignStatus
from casino_club.domain.ids import NodeKind
from casino_club.schema.enums import graphql_enum
from casino_club.schema.errors import UserError, ValidationFailed
from casino_club.schema.identity import reference
from casino_club.schema.outcomes import presents
from casino_club.schema.scalars import Gold
from casino_club.schema.segments import SegmentEnum

S = CampaignStatus
CampaignStatusEnum = graphql_enum(
    CampaignStatus,
    "CampaignStatus",
    "Where a campaign is: SCHEDULED, then SENDING from its time on, then SENT; or "
    "CANCELLED before anything was sent.",
    {
        S.SCHEDULED: "Waiting for its `sendAt`, or for the dispatcher to start on it; "
        "it can still be cancelled.",
        S.SENDING: "Being sent, a batch of players at a time; it can no longer be cancelled.",
        S.SENT: "Every player of the segment reachable while it was sent has it.",
        S.CANCELLED: "Cancelled by an operator before anything was sent.",
    },
)


@presents(campaigns.Campaign)
@strawberry.type(
    description="An operators' campaign: a notification, and an optional gold reward, "
    "for the players of a segment, sent from `sendAt` on. It reaches the players in the "
    "segment when it is sent — never operators, banned accounts, or players on a cool-off "
    "or self-exclusion — each at most once."
)
class Campaign(relay.Node):
    id: relay.NodeID[int]
    segment: SegmentEnum = strawberry.field(  # type: ignore[valid-type]
        description="The segment it is for (lifecycle or RFM, in force when it is sent)."
    )
    title: str = strawberry.field(description="The notification's title.")
    body: str = strawberry.field(description="The notification's text.")
    reward_gold: Gold = strawberry.field(
        description="Gold credited to each player with the notification (ledger reason "
        "CAMPAIGN_REWARD); 0 for none."
    )
    send_at: datetime = strawberry.field(description="When its sending may start.")
    status: CampaignStatusEnum = strawberry.field(  # type: ignore[valid-type]
        description="Where it is."
    )
    created_by: strawberry.ID | None = reference(
        NodeKind.PLAYER,
        "created_by",
        description="The operator who scheduled it (a Player's global id); null once their "
        "account is gone.",
    )
    created_at: datetime = strawberry.field(description="When it was scheduled.")
    started_at: datetime | None = strawberry.field(
        description="When its sending started; null before."
    )
    finished_at: datetime | None = strawberry.field(
        description="When the last player was sent it (SENT); null before."
    )
    cancelled_at: datetime | None = strawberry.field(
        description="When it was cancelled; null unless CANCELLED."
    )
    cancel_reason: str | None = strawberry.field(
        description="Why it was cancelled, as the operator gave it; null unless CANCELLED."
    )
    delivered: int = strawberry.field(description="Players who have received it so far.")
    rewarded: int = strawberry.field(
        description="Players credited its reward so far (0 for a campaign without one)."
    )


@strawberry.input(
    description="Schedule a campaign: a notification (and optional reward) for a segment's "
    "players at a time."
)
class ScheduleCampaignInput:
    segment: SegmentEnum = strawberry.field(  # type: ignore[valid-type]
        description="The segment whose players receive it (as the segment is when it is sent)."
    )
    title: str = strawberry.field(description="The notification's title: 1-120 characters.")
    body: str = strawberry.field(description="The notification's text: 1-2000 characters.")
    reward_gold: Gold | None = strawberry.field(
        default=None,
        description=f"Gold to credit each player with it: 0 to {MAX_REWARD_GOLD:,}; "
        "null or 0 for none.",
    )
    send_at: datetime = strawberry.field(
        description="When to send it: with a UTC offset, from now (a few minutes in the "
        "past count as now) to 90 days ahead."
    )


@strawberry.input(description="Cancel a campaign before its sending starts.")
class CancelCampaignInput:
    campaign_id: strawberry.ID = strawberry.field(description="The campaign's global id.")
    reason: str = strawberry.field(description="Why: kept in the audit log (1-500 characters).")


@presents(campaigns.CampaignScheduled)
@strawberry.type(description="The campaign, scheduled.")
class CampaignScheduled:
    campaign: Campaign = strawberry.field(description="The campaign, SCHEDULED.")


@presents(campaigns.CampaignCancelled)
@strawberry.type(description="The campaign, cancelled: nobody will receive it.")
class CampaignCancelled:
    campaign: Campaign = strawberry.field(description="The campaign, CANCELLED.")


@presents(campaigns.CampaignNotFound, described=True)
@strawberry.type
class CampaignNotFound(UserError):
    pass


@presents(campaigns.CampaignNotCancellable, described=True)
@strawberry.type
class CampaignNotCancellable(UserError):
    status: CampaignStatusEnum = strawberry.field(  # type: ignore[valid-type]
        description="The campaign's status: SENDING, SENT or CANCELLED."
    )


ScheduleCampaignResult = Annotated[
    CampaignScheduled | ValidationFailed,
    strawberry.union(
        "ScheduleCampaignResult",
        description="scheduleCampaign's answer: the campaign, or the fields that broke rules.",
    ),
]

CancelCampaignResult = Annotated[
    CampaignCancelled | CampaignNotFound | CampaignNotCancellable | ValidationFailed,
    strawberry.union(
        "CancelCampaignResult",
        description="cancelCampaign's answer: the campaign, cancelled, or why not "
        "(ValidationFailed: a bad reason).",
    ),
]
