"""Campaigns as stored (domain/campaigns.py; the dispatcher in resolvers/campaigns.py).

Status changes are conditional UPDATEs (`WHERE status = …`), so of a cancel and the
dispatcher's start racing on one campaign exactly one wins. A batch's players are
claimed by one INSERT … SELECT … ON CONFLICT DO NOTHING RETURNING into
`campaign_deliveries`: the audience is read in the same statement that claims it, and a
player another transaction claimed first (committed, or committing meanwhile: the
unique key makes this one wait for it) is not returned, so is never sent to twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Select,
    case,
    exists,
    func,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from casino_club.domain.accounts import Role
from casino_club.domain.campaigns import CampaignStatus, NewCampaign, moving_to
from casino_club.domain.segments import Segment, SegmentKind
from casino_club.persistence.column_types import UTCDateTime
from casino_club.persistence.database import insert_for
from casino_club.persistence.models import Campaign, CampaignDelivery, PlayerSegment, User, Wallet


def _in_segment(segment: Segment) -> ColumnElement[bool]:
    column = (
        PlayerSegment.rfm_segment if segment.kind is SegmentKind.RFM else PlayerSegment.lifecycle
    )
    return column == segment.value


def _reachable(now: datetime) -> ColumnElement[bool]:
    """A player a promotion may reach now: not an operator (an account made one since
    its last segmentation still has a segment), not banned, not on a break."""
    return (
        (User.role != Role.ADMIN.value)
        & User.banned_at.is_(None)
        & or_(User.excluded_until.is_(None), User.excluded_until <= now)
    )


def _audience(segment: Segment, now: datetime) -> Select[int]:
    """The players a campaign to `segment` reaches now (with a wallet to credit)."""
    return (
        select(PlayerSegment.user_id)
        .join(User, User.id == PlayerSegment.user_id)
        .join(Wallet, Wallet.user_id == PlayerSegment.user_id)
        .where(_in_segment(segment), _reachable(now))
    )


def _undelivered(campaign_id: int) -> ColumnElement[bool]:
    return ~exists().where(
        CampaignDelivery.campaign_id == campaign_id,
        CampaignDelivery.user_id == PlayerSegment.user_id,
    )


def _may_become(after: CampaignStatus) -> ColumnElement[bool]:
    return Campaign.status.in_([before.value for before in moving_to(after)])


async def audience_size(session: AsyncSession, segment: Segment, now: datetime) -> int:
    found = await session.scalar(
        select(func.count()).select_from(_audience(segment, now).subquery())
    )
    return int(found or 0)


async def create(
    session: AsyncSession, campaign: NewCampaign, created_by: int, now: datetime
) -> Campaign:
    row = Campaign(
        segment=campaign.segment.value,
        title=campaign.title,
        body=campaign.body,
        reward_gold=campaign.reward_gold,
        send_at=campaign.send_at,
        status=CampaignStatus.SCHEDULED.value,
        created_by=created_by,
        created_at=now,
    )
    session.add(row)
    await session.flush()
    return row


async def by_id(session: AsyncSession, campaign_id: int) -> Campaign | None:
    """The campaign as committed now (not as this session last saw it)."""
    return await session.scalar(
        select(Campaign).where(Campaign.id == campaign_id).execution_options(populate_existing=True)
    )


async def by_ids(session: AsyncSession, ids: Sequence[int]) -> list[Campaign]:
    return list(await session.scalars(select(Campaign).where(Campaign.id.in_(ids))))


async def page(session: AsyncSession, *, after_id: int | None, limit: int) -> list[Campaign]:
    """Newest first: a keyset page after `after_id`."""
    query = select(Campaign)
    if after_id is not None:
        query = query.where(Campaign.id < after_id)
    return list(await session.scalars(query.order_by(Campaign.id.desc()).limit(limit)))


async def delivery_counts(session: AsyncSession, ids: Sequence[int]) -> dict[int, tuple[int, int]]:
    """(players delivered, players rewarded) per campaign, for those with any."""
    if not ids:
        return {}
    rows = await session.execute(
        select(
            CampaignDelivery.campaign_id,
            func.count(),
            func.sum(case((CampaignDelivery.gold > 0, 1), else_=0)),
        )
        .where(CampaignDelivery.campaign_id.in_(ids))
        .group_by(CampaignDelivery.campaign_id)
    )
    return {int(c): (int(n), int(r or 0)) for c, n, r in rows}


async def cancel(
    session: AsyncSession, campaign_id: int, *, by: int, reason: str, now: datetime
) -> bool:
    """Cancel it if nothing was sent yet (still SCHEDULED); whether this did."""
    result = await session.execute(
        update(Campaign)
        .where(Campaign.id == campaign_id, _may_become(CampaignStatus.CANCELLED))
        .values(
            status=CampaignStatus.CANCELLED.value,
            cancelled_at=now,
            cancelled_by=by,
            cancel_reason=reason,
        )
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def due_ids(session: AsyncSession, now: datetime) -> list[int]:
    """Campaigns with sending to do, oldest first: SENDING (started, unfinished: a crash,
    another instance), or SCHEDULED and due."""
    rows = await session.scalars(
        select(Campaign.id)
        .where(
            or_(
                Campaign.status == CampaignStatus.SENDING.value,
                (Campaign.status == CampaignStatus.SCHEDULED.value) & (Campaign.send_at <= now),
            )
        )
        .order_by(Campaign.send_at, Campaign.id)
    )
    return list(rows)


async def start(session: AsyncSession, campaign_id: int, now: datetime) -> bool:
    """SCHEDULED → SENDING, if it is due and still scheduled; whether this did."""
    result = await session.execute(
        update(Campaign)
        .where(
            Campaign.id == campaign_id,
            _may_become(CampaignStatus.SENDING),
            Campaign.send_at <= now,
        )
        .values(status=CampaignStatus.SENDING.value, started_at=now)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def claim(
    session: AsyncSession, campaign: Campaign, now: datetime, *, after: int | None, limit: int
) -> list[int]:
    """Up to `limit` players of the audience not delivered yet (of ids above `after`, if
    given), each with their delivery row written (in the caller's transaction, which
    sends to them); their ids, in order."""
    chosen = (
        select(
            literal(campaign.id, BigInteger()),
            PlayerSegment.user_id,
            literal(campaign.reward_gold, BigInteger()),
            literal(now, UTCDateTime()),
        )
        .join(User, User.id == PlayerSegment.user_id)
        .join(Wallet, Wallet.user_id == PlayerSegment.user_id)
        .where(
            _in_segment(Segment(campaign.segment)),
            _reachable(now),
            _undelivered(campaign.id),
            PlayerSegment.user_id > (after or 0),
        )
        .order_by(PlayerSegment.user_id)
        .limit(limit)
    )
    statement = (
        insert_for(session, CampaignDelivery)
        .from_select(["campaign_id", "user_id", "gold", "delivered_at"], chosen)
        .on_conflict_do_nothing()
        .returning(CampaignDelivery.user_id)
    )
    return sorted(int(user_id) for user_id in await session.scalars(statement))


async def undelivered_remain(session: AsyncSession, campaign: Campaign, now: datetime) -> bool:
    """Whether any player of the audience has not received it (as committed now)."""
    query = _audience(Segment(campaign.segment), now).where(_undelivered(campaign.id)).limit(1)
    return await session.scalar(query) is not None


async def finish(session: AsyncSession, campaign_id: int, now: datetime) -> bool:
    """SENDING → SENT; whether this did."""
    result = await session.execute(
        update(Campaign)
        .where(Campaign.id == campaign_id, _may_become(CampaignStatus.SENT))
        .values(status=CampaignStatus.SENT.value, finished_at=now)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
