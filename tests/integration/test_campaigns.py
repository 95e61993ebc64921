"""Operators' campaigns, on both backends: scheduling (validated, audited), the audience
preview, cancelling, the list; the dispatcher sending a due campaign in batches — a
notification and the reward through the ledger to each reachable player of the segment,
nothing to operators, banned players or players on a break — once, however often and
however many at once it runs, and after a run that died midway.

The database is shared by the tests of a backend, and a campaign reaches every player of
its segment in it, so each test puts its own players in a segment (their rows written
directly) and checks them one by one; the totals are checked against the preview taken
just before sending.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event, func, select, update
from starlette.applications import Starlette

from casino_club.clock import FrozenClock
from casino_club.domain.segments import Segment
from casino_club.persistence.models import (
    Campaign,
    CampaignDelivery,
    LedgerEntry,
    Notification,
    PlayerSegment,
    User,
)
from casino_club.resolvers import campaigns
from casino_club.services import Services
from tests.conftest import Backend, api_for, running_app
from tests.integration.test_segments import make_player
from tests.support import LEDGER, Api, books_balance, node_id, row_id

SCHEDULE = """mutation S($input: ScheduleCampaignInput!) { scheduleCampaign(input: $input) {
  __typename ... on UserError { code }
  ... on ValidationFailed { fields { field code } }
  ... on CampaignScheduled { campaign { id segment title body rewardGold sendAt status
    createdBy delivered rewarded } } } }"""
CANCEL = """mutation C($input: CancelCampaignInput!) { cancelCampaign(input: $input) {
  __typename ... on UserError { code }
  ... on ValidationFailed { fields { field code } }
  ... on CampaignNotCancellable { status }
  ... on CampaignCancelled { campaign { id status cancelReason cancelledAt } } } }"""
PREVIEW = "query P($segment: Segment!) { previewCampaignAudience(segment: $segment) }"
LIST = """query L($first: Int!, $after: String) { campaigns(first: $first, after: $after) {
  edges { cursor node { id title status delivered rewarded startedAt finishedAt } }
  pageInfo { hasNextPage endCursor } } }"""
AUDIT = """query A($target: String!) { auditLog(filter: {target: $target}, first: 5) {
  edges { node { action before after } } } }"""
NOTIFICATIONS = "{ me { notifications(first: 5) { edges { node { title body broadcast } } } } }"

SEGMENT = Segment.DORMANT_SHORT
BATCH = 2  # small batches: a handful of players takes several


async def in_segment(services: Services, user_id: int, segment: Segment = SEGMENT) -> None:
    """Put the player in `segment` (lifecycle) as a segmentation run would have."""
    now = services.clock.now()
    async with services.unit_of_work() as uow:
        uow.session.add(
            PlayerSegment(
                user_id=user_id,
                lifecycle=segment.value,
                rfm_segment=Segment.MEDIUM.value,
                computed_lifecycle=segment.value,
                computed_rfm_segment=Segment.MEDIUM.value,
                recency_score=3,
                frequency_score=3,
                monetary_score=3,
                computed_at=now,
            )
        )
        await uow.commit()


async def set_user(services: Services, user_id: int, **values: Any) -> None:
    async with services.unit_of_work() as uow:
        await uow.session.execute(update(User).where(User.id == user_id).values(**values))
        await uow.commit()


async def cast(services: Services) -> dict[str, list[int]]:
    """Players in SEGMENT: those a campaign reaches, and those it must not."""
    now = services.clock.now()
    joined = now - timedelta(days=100)
    reached = [await make_player(services, joined=joined) for _ in range(4)]
    over = await make_player(services, joined=joined)  # a break that ended: reached
    await set_user(services, over, excluded_until=now - timedelta(minutes=1))
    reached.append(over)
    on_break = await make_player(services, joined=joined)
    await set_user(services, on_break, excluded_until=now + timedelta(days=1))
    banned = await make_player(services, joined=joined)
    await set_user(services, banned, banned_at=now, ban_reason="test")
    operator = await make_player(services, joined=joined, role="ADMIN")
    skipped = [on_break, banned, operator]
    for user_id in reached + skipped:
        await in_segment(services, user_id)
    return {"reached": reached, "skipped": skipped}


async def schedule(api: Api, token: str, **values: Any) -> dict[str, Any]:
    answer: dict[str, Any] = (await api.data(SCHEDULE, {"input": values}, token=token))[
        "scheduleCampaign"
    ]
    return answer


async def preview(api: Api, token: str, segment: Segment = SEGMENT) -> int:
    found: int = (await api.data(PREVIEW, {"segment": segment.value}, token=token))[
        "previewCampaignAudience"
    ]
    return found


async def listed(api: Api, token: str, campaign_id: str) -> dict[str, Any]:
    edges = (await api.data(LIST, {"first": 20}, token=token))["campaigns"]["edges"]
    [node] = [edge["node"] for edge in edges if edge["node"]["id"] == campaign_id]
    return dict(node)


async def received(services: Services, campaign_id: int, user_ids: list[int]) -> dict[str, Any]:
    """Per player: the campaign's notifications and reward rows, and its delivery rows."""
    async with services.sessionmaker() as session:
        campaign = await session.get(Campaign, campaign_id)
        assert campaign is not None
        notes = await session.scalars(
            select(Notification.user_id).where(
                Notification.user_id.in_(user_ids), Notification.title == campaign.title
            )
        )
        rewards = await session.execute(
            select(LedgerEntry.user_id, LedgerEntry.amount).where(
                LedgerEntry.user_id.in_(user_ids),
                LedgerEntry.reason == "CAMPAIGN_REWARD",
                LedgerEntry.reference == f"campaign:{campaign_id}",
            )
        )
        deliveries = await session.scalar(
            select(func.count())
            .select_from(CampaignDelivery)
            .where(CampaignDelivery.campaign_id == campaign_id)
        )
    return {
        "notified": sorted(notes),
        "rewards": sorted((int(u), int(a)) for u, a in rewards),
        "deliveries": int(deliveries or 0),
    }


@pytest.fixture
async def small_batches(backend: Backend, clock: FrozenClock) -> AsyncIterator[Starlette]:
    """The app, sending campaigns BATCH players at a time."""
    settings = backend.settings(campaign_dispatch_batch_size=BATCH)
    async with running_app(settings, clock) as application:
        yield application


async def test_schedule_preview_cancel_and_list(
    app: Starlette, api: Api, admin_token: str, clock: FrozenClock
) -> None:
    services: Services = app.state.services
    before = await preview(api, admin_token)
    players = await cast(services)
    # Operators, banned players and players on a break are never counted.
    assert await preview(api, admin_token) == before + len(players["reached"])

    now = clock.now()
    refused = await schedule(
        api,
        admin_token,
        segment=SEGMENT.value,
        title=" ",
        body="b",
        rewardGold=-1,
        sendAt=(now - timedelta(hours=1)).isoformat(),
    )
    assert refused["__typename"] == "ValidationFailed"
    assert refused["fields"] == [
        {"field": "title", "code": "INVALID_LENGTH"},
        {"field": "rewardGold", "code": "OUT_OF_RANGE"},
        {"field": "sendAt", "code": "IN_THE_PAST"},
    ]

    title = f"Tomorrow {uuid.uuid4().hex[:6]}"
    send_at = now + timedelta(days=1)
    done = await schedule(
        api,
        admin_token,
        segment=SEGMENT.value,
        title=f"  {title} ",
        body="A gift",
        rewardGold=100,
        sendAt=send_at.isoformat(),
    )
    assert done["__typename"] == "CampaignScheduled", done
    campaign = done["campaign"]
    assert (campaign["title"], campaign["rewardGold"], campaign["status"]) == (
        title,
        100,
        "SCHEDULED",
    )
    assert (campaign["delivered"], campaign["rewarded"]) == (0, 0)
    me = (await api.data("{ me { id } }", token=admin_token))["me"]["id"]
    assert campaign["createdBy"] == me
    shown = await listed(api, admin_token, campaign["id"])
    assert (shown["status"], shown["startedAt"], shown["finishedAt"]) == ("SCHEDULED", None, None)

    # Not due: a dispatch leaves it be.
    await campaigns.dispatch(services)
    assert (await listed(api, admin_token, campaign["id"]))["status"] == "SCHEDULED"

    cancel = {"campaignId": campaign["id"], "reason": "  wrong segment "}
    blank = await api.data(CANCEL, {"input": {**cancel, "reason": " "}}, token=admin_token)
    assert blank["cancelCampaign"]["fields"] == [{"field": "reason", "code": "INVALID_REASON"}]
    unknown = {**cancel, "campaignId": node_id("Campaign", 10**12)}
    missing = await api.data(CANCEL, {"input": unknown}, token=admin_token)
    assert missing["cancelCampaign"] == {
        "__typename": "CampaignNotFound",
        "code": "CAMPAIGN_NOT_FOUND",
    }
    cancelled = (await api.data(CANCEL, {"input": cancel}, token=admin_token))["cancelCampaign"]
    assert cancelled["__typename"] == "CampaignCancelled", cancelled
    assert cancelled["campaign"]["status"] == "CANCELLED"
    assert cancelled["campaign"]["cancelReason"] == "wrong segment"
    again = (await api.data(CANCEL, {"input": cancel}, token=admin_token))["cancelCampaign"]
    assert again == {
        "__typename": "CampaignNotCancellable",
        "code": "CAMPAIGN_NOT_CANCELLABLE",
        "status": "CANCELLED",
    }

    log = await api.data(AUDIT, {"target": f"campaign:{row_id(campaign['id'])}"}, token=admin_token)
    actions = [edge["node"] for edge in log["auditLog"]["edges"]]
    assert [entry["action"] for entry in actions] == ["CAMPAIGN_CANCEL", "CAMPAIGN_SCHEDULE"]
    assert actions[0]["after"] == {"status": "CANCELLED", "reason": "wrong segment"}
    assert actions[1]["after"]["title"] == title
    assert actions[1]["after"]["rewardGold"] == 100

    # A cancelled campaign is never sent, even once its time has come.
    clock.advance(timedelta(days=2))
    await campaigns.dispatch(services)
    async with services.sessionmaker() as session:
        stored = await session.get(Campaign, row_id(campaign["id"]))
        assert stored is not None and stored.status == "CANCELLED"
    got = await received(services, row_id(campaign["id"]), players["reached"])
    assert got == {"notified": [], "rewards": [], "deliveries": 0}


async def test_a_due_campaign_is_sent_once_with_its_reward_in_the_ledger(
    small_batches: Starlette, admin_token: str, clock: FrozenClock
) -> None:
    app = small_batches
    services: Services = app.state.services
    async with api_for(app) as api:
        players = await cast(services)
        signed_up = await api.new_player()
        player_id = row_id(signed_up["user"]["id"])
        await in_segment(services, player_id)
        reached = [*players["reached"], player_id]
        everyone = reached + players["skipped"]

        title = f"We miss you {uuid.uuid4().hex[:6]}"
        done = await schedule(
            api,
            admin_token,
            segment=SEGMENT.value,
            title=title,
            body="Here is 250 gold",
            rewardGold=250,
            sendAt=clock.now().isoformat(),
        )
        assert done["__typename"] == "CampaignScheduled", done
        campaign_id = row_id(done["campaign"]["id"])
        audience = await preview(api, admin_token)
        assert audience >= len(reached)

        # The app's own dispatcher (its job runs at start, and in a shared database may
        # still be sending another test's campaign) may send it first: either way, each
        # player once, which is what follows checks.
        for _ in range(100):
            await campaigns.dispatch(services)
            shown = await listed(api, admin_token, done["campaign"]["id"])
            if shown["status"] == "SENT":
                break
            await asyncio.sleep(0.1)
        assert shown["status"] == "SENT"
        assert (shown["delivered"], shown["rewarded"]) == (audience, audience)
        assert shown["startedAt"] is not None and shown["finishedAt"] is not None
        got = await received(services, campaign_id, everyone)
        assert got["notified"] == sorted(reached)
        assert got["rewards"] == sorted((user_id, 250) for user_id in reached)
        assert got["deliveries"] == audience
        await books_balance(app)

        # The player sees both through the API.
        token = signed_up["accessToken"]
        notes = (await api.data(NOTIFICATIONS, token=token))["me"]["notifications"]["edges"]
        assert notes[0]["node"] == {"title": title, "body": "Here is 250 gold", "broadcast": False}
        ledger = (await api.data(LEDGER, token=token))["me"]["ledger"]["edges"]
        assert ledger[0]["node"]["reason"] == "CAMPAIGN_REWARD"
        assert ledger[0]["node"]["amount"] == 250
        assert ledger[0]["node"]["balanceAfter"] == 1_000 + 250  # the sign-up bonus before

        # Sent: a second run adds nothing, and it cannot be cancelled any more.
        assert await campaigns.dispatch(services) == 0
        assert await received(services, campaign_id, everyone) == got
        cancel = {"campaignId": done["campaign"]["id"], "reason": "too late"}
        late = (await api.data(CANCEL, {"input": cancel}, token=admin_token))["cancelCampaign"]
        assert late["__typename"] == "CampaignNotCancellable"
        assert late["status"] == "SENT"


async def test_a_campaign_without_a_reward_moves_no_gold(
    small_batches: Starlette, admin_token: str, clock: FrozenClock
) -> None:
    app = small_batches
    services: Services = app.state.services
    async with api_for(app) as api:
        players = await cast(services)
        done = await schedule(
            api,
            admin_token,
            segment=SEGMENT.value,
            title=f"News {uuid.uuid4().hex[:6]}",
            body="Just news",
            sendAt=clock.now().isoformat(),
        )
        assert done["campaign"]["rewardGold"] == 0
        audience = await preview(api, admin_token)
        await campaigns.dispatch(services)
        shown = await listed(api, admin_token, done["campaign"]["id"])
        assert (shown["status"], shown["delivered"], shown["rewarded"]) == ("SENT", audience, 0)
        got = await received(services, row_id(done["campaign"]["id"]), players["reached"])
        assert got["notified"] == sorted(players["reached"])
        assert got["rewards"] == []


class Crash(Exception):
    """The dispatcher's process dying, as far as its transaction can tell."""


@contextlib.contextmanager
def dying_at_batch(services: Services, batch: int) -> Iterator[None]:
    """The dispatcher fails when it claims its `batch`-th batch, mid-transaction (as a
    process killed there would leave the database: that batch rolled back)."""
    claims = 0

    def claim(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        nonlocal claims
        if statement.startswith("INSERT INTO campaign_deliveries"):
            claims += 1
            if claims == batch:
                raise Crash

    engine = services.engine.sync_engine
    event.listen(engine, "before_cursor_execute", claim)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", claim)


async def test_a_dispatch_that_dies_midway_is_resumed_and_nobody_gets_it_twice(
    small_batches: Starlette, admin_token: str, clock: FrozenClock
) -> None:
    app = small_batches
    services: Services = app.state.services
    async with api_for(app) as api:
        players = await cast(services)
        reached = players["reached"]
        done = await schedule(
            api,
            admin_token,
            segment=SEGMENT.value,
            title=f"Resume {uuid.uuid4().hex[:6]}",
            body="Once each",
            rewardGold=3,
            sendAt=clock.now().isoformat(),
        )
        campaign_id = row_id(done["campaign"]["id"])
        audience = await preview(api, admin_token)
        with dying_at_batch(services, 2), pytest.raises(Crash):
            await campaigns.dispatch(services)
        # The first batch committed whole; the second left nothing behind.
        shown = await listed(api, admin_token, done["campaign"]["id"])
        assert (shown["status"], shown["delivered"], shown["rewarded"]) == ("SENDING", BATCH, BATCH)
        async with services.sessionmaker() as session:
            first = sorted(
                await session.scalars(
                    select(CampaignDelivery.user_id).where(
                        CampaignDelivery.campaign_id == campaign_id
                    )
                )
            )
        got = await received(services, campaign_id, [*reached, *first])
        assert got["notified"] == first
        assert got["rewards"] == [(user_id, 3) for user_id in first]
        await books_balance(app)

        # The next run carries on with the players not sent yet.
        await campaigns.dispatch(services)
        shown = await listed(api, admin_token, done["campaign"]["id"])
        assert (shown["status"], shown["delivered"], shown["rewarded"]) == (
            "SENT",
            audience,
            audience,
        )
        got = await received(services, campaign_id, sorted({*reached, *first}))
        assert got["notified"] == sorted({*reached, *first})
        assert got["rewards"] == [(user_id, 3) for user_id in sorted({*reached, *first})]
        await books_balance(app)


async def test_dispatchers_running_at_once_send_each_player_once(
    small_batches: Starlette, admin_token: str, clock: FrozenClock
) -> None:
    """Four runs at once on one campaign (each with its own connection): on PostgreSQL
    they contend for the same players, and the delivery rows' key decides."""
    app = small_batches
    services: Services = app.state.services
    async with api_for(app) as api:
        players = await cast(services)
        more = [await make_player(services, joined=clock.now()) for _ in range(6)]
        for user_id in more:
            await in_segment(services, user_id)
        reached = players["reached"] + more
        done = await schedule(
            api,
            admin_token,
            segment=SEGMENT.value,
            title=f"Race {uuid.uuid4().hex[:6]}",
            body="Once each",
            rewardGold=7,
            sendAt=clock.now().isoformat(),
        )
        audience = await preview(api, admin_token)
        await asyncio.gather(*(campaigns.dispatch(services) for _ in range(4)))
        shown = await listed(api, admin_token, done["campaign"]["id"])
        assert (shown["status"], shown["delivered"], shown["rewarded"]) == (
            "SENT",
            audience,
            audience,
        )
        got = await received(services, row_id(done["campaign"]["id"]), reached)
        assert got["notified"] == sorted(reached)
        assert got["rewards"] == sorted((user_id, 7) for user_id in reached)
        await books_balance(app)
