"""Operators' campaigns (the rules in domain/campaigns.py): scheduling, previewing the
audience, cancelling (audited), the list, and the dispatcher a background job runs.

The dispatcher sends a due campaign a batch of players at a time, each batch one
transaction: the batch's delivery rows (persistence/campaigns.claim), a notification to
each player, and each player's reward through the ledger. So a crash loses at most the
batch under way, which rolls back whole and is sent by the next run; and two instances
sending one campaign at once never send a player twice (the delivery row's key). The
campaign is SENT once no player of its segment is left without it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from casino_club.context import Context, Viewer
from casino_club.domain.campaigns import (
    Campaign,
    CampaignCancelled,
    CampaignNotCancellable,
    CampaignNotFound,
    CampaignScheduled,
    CampaignStatus,
    new_campaign,
)
from casino_club.domain.ids import NodeKind, parse_node_id
from casino_club.domain.ledger import LedgerReason, Movement
from casino_club.domain.refusals import ValidationFailed
from casino_club.domain.segments import Segment
from casino_club.live.events import user_channel
from casino_club.persistence import audit, notifications, wallet
from casino_club.persistence import campaigns as stored
from casino_club.persistence.models import Campaign as CampaignRow
from casino_club.resolvers.guards import reason_problem
from casino_club.resolvers.live import balance_events
from casino_club.resolvers.notifications import live_event
from casino_club.services import Services


def _shown(row: CampaignRow, counts: tuple[int, int] = (0, 0)) -> Campaign:
    delivered, rewarded = counts
    return Campaign(
        id=row.id,
        segment=Segment(row.segment),
        title=row.title,
        body=row.body,
        reward_gold=row.reward_gold,
        send_at=row.send_at,
        status=CampaignStatus(row.status),
        created_by=row.created_by,
        created_at=row.created_at,
        started_at=row.started_at,
        finished_at=row.finished_at,
        cancelled_at=row.cancelled_at,
        cancel_reason=row.cancel_reason,
        delivered=delivered,
        rewarded=rewarded,
    )


def _audited(row: CampaignRow) -> dict[str, Any]:
    return {
        "segment": row.segment,
        "title": row.title,
        "body": row.body,
        "rewardGold": row.reward_gold,
        "sendAt": row.send_at.isoformat(),
        "status": row.status,
    }


async def schedule(
    context: Context,
    viewer: Viewer,
    *,
    segment: Segment,
    title: str,
    body: str,
    reward_gold: int | None,
    send_at: datetime,
) -> CampaignScheduled | ValidationFailed:
    services = context.services
    now = services.clock.now()
    campaign = new_campaign(segment, title, body, reward_gold, send_at, now)
    if isinstance(campaign, list):
        return ValidationFailed.of(campaign)
    async with services.unit_of_work() as uow:
        session = uow.session
        row = await stored.create(session, campaign, viewer.id, now)
        await audit.record(
            session,
            actor_id=viewer.id,
            action="CAMPAIGN_SCHEDULE",
            target=f"campaign:{row.id}",
            before=None,
            after=_audited(row),
            now=now,
        )
        shown = _shown(row)
        await uow.commit()
    return CampaignScheduled(campaign=shown)


async def cancel(
    context: Context, viewer: Viewer, raw_id: str, reason: str
) -> CampaignCancelled | CampaignNotFound | CampaignNotCancellable | ValidationFailed:
    """Cancel a campaign nothing of which was sent; audited."""
    invalid = reason_problem(reason)
    if invalid is not None:
        return invalid
    reason = reason.strip()
    campaign_id = parse_node_id(raw_id, NodeKind.CAMPAIGN)
    if campaign_id is None:
        return CampaignNotFound()
    services = context.services
    now = services.clock.now()
    async with services.unit_of_work() as uow:
        session = uow.session
        if not await stored.cancel(session, campaign_id, by=viewer.id, reason=reason, now=now):
            row = await stored.by_id(session, campaign_id)
            if row is None:
                return CampaignNotFound()
            return CampaignNotCancellable(CampaignStatus(row.status))
        row = await stored.by_id(session, campaign_id)
        assert row is not None
        await audit.record(
            session,
            actor_id=viewer.id,
            action="CAMPAIGN_CANCEL",
            target=f"campaign:{campaign_id}",
            before={"status": CampaignStatus.SCHEDULED.value},
            after={"status": row.status, "reason": reason},
            now=now,
        )
        shown = _shown(row)
        await uow.commit()
    return CampaignCancelled(campaign=shown)


async def audience(services: Services, segment: Segment) -> int:
    """How many players a campaign to `segment` would reach if it were sent now."""
    async with services.sessionmaker() as session:
        return await stored.audience_size(session, segment, services.clock.now())


async def page(services: Services, *, after_id: int | None, limit: int) -> list[Campaign]:
    """Campaigns newest first, with their delivered and rewarded counts: a keyset page."""
    async with services.sessionmaker() as session:
        rows = await stored.page(session, after_id=after_id, limit=limit)
        counts = await stored.delivery_counts(session, [row.id for row in rows])
    return [_shown(row, counts.get(row.id, (0, 0))) for row in rows]


async def by_ids(services: Services, ids: list[int]) -> list[Campaign]:
    async with services.sessionmaker() as session:
        rows = await stored.by_ids(session, ids)
        counts = await stored.delivery_counts(session, [row.id for row in rows])
    return [_shown(row, counts.get(row.id, (0, 0))) for row in rows]


# The dispatcher.


async def dispatch(services: Services) -> int:
    """The background job's work: send every due campaign; the players sent to."""
    async with services.sessionmaker() as session:
        due = await stored.due_ids(session, services.clock.now())
    sent = 0
    for campaign_id in due:
        sent += await _send(services, campaign_id)
    return sent


async def _send(services: Services, campaign_id: int) -> int:
    """Send one campaign, a batch at a time, until no player is left without it (or it
    turns out cancelled, or finished by another instance); the players this sent to.

    Each batch takes the players after the last one this run sent to (by id), so a
    segment of any size costs each batch the same; at the end one look from the start
    catches anyone this run passed (who joined the segment, or whose break ended, or
    whose batch on another instance rolled back), and only a look from the start that
    finds nobody finishes the campaign."""
    async with services.unit_of_work() as uow:
        await stored.start(uow.session, campaign_id, services.clock.now())
        await uow.commit()
    sent = 0
    after: int | None = None
    while True:
        claimed = await _send_batch(services, campaign_id, after)
        if claimed is None:
            return sent
        sent += len(claimed)
        after = claimed[-1] if claimed else None


async def _send_batch(services: Services, campaign_id: int, after: int | None) -> list[int] | None:
    """One batch, of players after `after` (None: from the first), in one transaction;
    the players it sent to. None when the campaign has nothing more to send (it is SENT
    now, or not SENDING)."""
    now = services.clock.now()
    async with services.unit_of_work() as uow:
        session = uow.session
        campaign = await stored.by_id(session, campaign_id)
        if campaign is None or CampaignStatus(campaign.status) is not CampaignStatus.SENDING:
            return None
        user_ids = await stored.claim(
            session,
            campaign,
            now,
            after=after,
            limit=services.settings.campaign_dispatch_batch_size,
        )
        if not user_ids:
            if after is not None:
                return []  # past the last player: look again from the first
            # Everyone is sent to, unless another instance's batch, uncommitted when this
            # one looked, rolls back (its players are then still to send).
            if await stored.undelivered_remain(session, campaign, now):
                return []
            await stored.finish(session, campaign_id, now)
            await uow.commit()
            return None
        sent = await notifications.send_to_each(
            session,
            user_ids,
            title=campaign.title,
            body=campaign.body,
            sent_by=campaign.created_by,
            now=now,
        )
        events = {user_id: [live_event(row)] for user_id, row in zip(user_ids, sent, strict=True)}
        if campaign.reward_gold:
            reward = Movement(
                campaign.reward_gold, LedgerReason.CAMPAIGN_REWARD, f"campaign:{campaign_id}"
            )
            for user_id in user_ids:
                posted = await wallet.move_gold(
                    session, user_id=user_id, movements=[reward], now=now
                )
                events[user_id] += balance_events(posted, now)

        async def publish() -> None:
            await services.outbox.publish(
                [(user_channel(user_id), told) for user_id, told in events.items()]
            )

        uow.after_commit(publish)
        await uow.commit()
    return user_ids
