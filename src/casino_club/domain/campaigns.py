"""Operators' campaigns: a notification, with an optional gold reward, for every player of
a segment, sent at a chosen time. Pure: the dispatcher that sends them is
resolvers/campaigns.py.

A campaign moves SCHEDULED → SENDING (the dispatcher started on it, at or after its
`send_at`) → SENT (no player of the segment is left undelivered), or SCHEDULED →
CANCELLED (an operator's cancel, only while nothing has been sent). Who receives it is
decided when it is sent, not when it is scheduled: the players in the segment then, never
an operator, never a player under a cool-off or self-exclusion (promotions do not reach a
player on a break), never a banned account. Each player receives it at most once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import ClassVar

from casino_club.domain import notifications
from casino_club.domain.accounts import FieldProblem
from casino_club.domain.days import usable_instant
from casino_club.domain.errors import ErrorCode
from casino_club.domain.segments import Segment

# A reward is a gift to every player of a segment: bounded so a slip of the keyboard
# cannot print a fortune into every wallet.
MAX_REWARD_GOLD = 1_000_000
# How far ahead a campaign may be scheduled.
MAX_LEAD = timedelta(days=90)
# A `send_at` this little in the past means "now" (a client's clock, a slow request);
# further back is a mistake, refused rather than sent at once.
PAST_GRACE = timedelta(minutes=5)


class CampaignStatus(StrEnum):
    SCHEDULED = "SCHEDULED"
    SENDING = "SENDING"
    SENT = "SENT"
    CANCELLED = "CANCELLED"


# Every move a campaign's status may make; the others never happen.
TRANSITIONS: dict[CampaignStatus, frozenset[CampaignStatus]] = {
    CampaignStatus.SCHEDULED: frozenset({CampaignStatus.SENDING, CampaignStatus.CANCELLED}),
    CampaignStatus.SENDING: frozenset({CampaignStatus.SENT}),
    CampaignStatus.SENT: frozenset(),
    CampaignStatus.CANCELLED: frozenset(),
}


def may_move(before: CampaignStatus, after: CampaignStatus) -> bool:
    return after in TRANSITIONS[before]


def moving_to(after: CampaignStatus) -> list[CampaignStatus]:
    """The statuses a campaign may be in for a move to `after`: what the conditional
    UPDATE that moves it requires (only SCHEDULED may be cancelled — once sending
    started, players have it — or start sending; only SENDING may finish)."""
    return [before for before in CampaignStatus if may_move(before, after)]


@dataclass(frozen=True, slots=True)
class NewCampaign:
    """A campaign as an operator asked for it, checked (title and body trimmed)."""

    segment: Segment
    title: str
    body: str
    reward_gold: int
    send_at: datetime


def new_campaign(
    segment: Segment,
    title: str,
    body: str,
    reward_gold: int | None,
    send_at: datetime,
    now: datetime,
) -> NewCampaign | list[FieldProblem]:
    """The campaign to store, or every rule the input breaks."""
    problems: list[FieldProblem] = []
    message = notifications.message(title, body)
    if not isinstance(message, notifications.Message):
        problems += message
    reward = reward_gold or 0
    if not 0 <= reward <= MAX_REWARD_GOLD:
        problems.append(FieldProblem("rewardGold", "OUT_OF_RANGE", f"0 to {MAX_REWARD_GOLD} gold"))
    if send_at.tzinfo is None:
        problems.append(FieldProblem("sendAt", "NAIVE_DATETIME", "must carry a UTC offset"))
    elif not usable_instant(send_at):
        problems.append(
            FieldProblem("sendAt", "INSTANT_OUT_OF_RANGE", "must be between 1970 and 9000")
        )
    elif send_at < now - PAST_GRACE:
        problems.append(
            FieldProblem("sendAt", "IN_THE_PAST", "must be now or later (a few minutes' slack)")
        )
    elif send_at > now + MAX_LEAD:
        problems.append(
            FieldProblem("sendAt", "TOO_FAR_AHEAD", f"at most {MAX_LEAD.days} days ahead")
        )
    if problems or not isinstance(message, notifications.Message):
        return problems
    return NewCampaign(segment, message.title, message.body, reward, send_at)


@dataclass(frozen=True, slots=True)
class Campaign:
    """A campaign as operators list it, with how far its sending went."""

    id: int
    segment: Segment
    title: str
    body: str
    reward_gold: int
    send_at: datetime
    status: CampaignStatus
    created_by: int | None  # the operator; None once their account is gone
    created_at: datetime
    started_at: datetime | None  # sending started
    finished_at: datetime | None  # sent to the last player
    cancelled_at: datetime | None
    cancel_reason: str | None
    delivered: int  # players who received it
    rewarded: int  # players credited its reward (0 for a campaign without one)


@dataclass(frozen=True, slots=True)
class CampaignScheduled:
    campaign: Campaign


@dataclass(frozen=True, slots=True)
class CampaignCancelled:
    campaign: Campaign


@dataclass(frozen=True, slots=True)
class CampaignNotFound:
    """No campaign has this id."""

    code: ClassVar[ErrorCode] = ErrorCode.CAMPAIGN_NOT_FOUND

    @property
    def message(self) -> str:
        return "No such campaign"


@dataclass(frozen=True, slots=True)
class CampaignNotCancellable:
    """The campaign's sending started, finished, or it was cancelled already: players may
    have it, so it can no longer be cancelled."""

    code: ClassVar[ErrorCode] = ErrorCode.CAMPAIGN_NOT_CANCELLABLE
    status: CampaignStatus

    @property
    def message(self) -> str:
        return f"The campaign is {self.status.value}: only a SCHEDULED one can be cancelled"
