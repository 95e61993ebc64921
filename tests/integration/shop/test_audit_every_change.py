"""Every operator mutation, done once with valid input, writes exactly one audit row
naming its actor (SPEC §11). The list of mutations is held to the schema: an operator
mutation added later fails this test until it is added here.

It lives with the shop's tests: it saves products, a package and a promo code, which
their fixture removes again.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from starlette.applications import Starlette

from casino_club.clock import Clock, FrozenClock
from casino_club.persistence.models import AuditLog
from casino_club.resolvers import segments
from tests.integration.progression.test_mission_admin import mission_input
from tests.integration.shop.support import buy, services_of
from tests.integration.shop.test_shop_admin import package_input, product_input, promo_input
from tests.integration.test_admin_access import FIELDS
from tests.support import Api, row_id

Change = Callable[[Api, str, dict[str, Any]], Awaitable[None]]


def call(mutation: str, make: Callable[[dict[str, Any]], dict[str, Any]]) -> Change:
    """Run `mutation(input: make(player))` as the operator; it must not answer an error."""

    async def run(api: Api, admin: str, player: dict[str, Any]) -> None:
        text = f"""mutation M($input: {mutation[0].upper()}{mutation[1:]}Input!) {{
          {mutation}(input: $input) {{ __typename ... on UserError {{ code message }} }} }}"""
        answer = (await api.data(text, {"input": make(player)}, token=admin))[mutation]
        assert "code" not in answer, answer

    return run


def user_of(player: dict[str, Any]) -> str:
    return str(player["user"]["id"])


def changes(clock: FrozenClock, invite: str) -> dict[str, Change]:
    key = uuid.uuid4().hex
    mission = f"audited-{key[:8]}"
    return {
        "createInviteCode": call("createInviteCode", lambda p: {"code": invite}),
        "disableInviteCode": call("disableInviteCode", lambda p: {"code": invite}),
        "setUserRank": call("setUserRank", lambda p: {"userId": user_of(p), "rank": "VIP"}),
        "setUserBanned": call(
            "setUserBanned", lambda p: {"userId": user_of(p), "banned": False, "reason": "ok"}
        ),
        "liftExclusion": call(
            "liftExclusion", lambda p: {"userId": user_of(p), "reason": "support ticket 7"}
        ),
        "saveProduct": call("saveProduct", lambda p: product_input()),
        "saveLimitedPackage": call("saveLimitedPackage", lambda p: package_input(clock)),
        "savePromoCode": call("savePromoCode", lambda p: promo_input(clock)),
        "saveMission": call("saveMission", lambda p: mission_input(mission)),
        "deleteMission": call("deleteMission", lambda p: {"key": mission}),
        "adjustGold": call(
            "adjustGold",
            lambda p: {
                "userId": user_of(p),
                "amount": 5,
                "reason": "goodwill",
                "idempotencyKey": key,
            },
        ),
        "grantRewards": call(
            "grantRewards",
            lambda p: {
                "items": [{"userId": user_of(p), "gold": 7}],
                "reason": "event prize",
                "idempotencyKey": key,
            },
        ),
        "sendNotification": call(
            "sendNotification",
            lambda p: {"userId": user_of(p), "title": "Hello", "body": "Audited"},
        ),
        "refundPurchase": call(
            "refundPurchase",
            lambda p: {"transactionId": p["purchase"], "reason": "chargeback"},
        ),
        "overrideSegment": call(
            "overrideSegment",
            lambda p: {"userId": user_of(p), "segment": "VIP", "reason": "met at the launch"},
        ),
        "clearSegmentOverride": call(
            "clearSegmentOverride", lambda p: {"userId": user_of(p), "reason": "back to normal"}
        ),
        "scheduleCampaign": call("scheduleCampaign", lambda p: campaign_input(clock)),
        "cancelCampaign": call(
            "cancelCampaign", lambda p: {"campaignId": p["campaign"], "reason": "not now"}
        ),
    }


def campaign_input(clock: Clock) -> dict[str, Any]:
    """A campaign far ahead: no test's clock reaches it, so no dispatcher sends it."""
    return {
        "segment": "WHALE",
        "title": "Audited",
        "body": "A campaign",
        "rewardGold": 1,
        "sendAt": (clock.now() + timedelta(days=80)).isoformat(),
    }


async def scheduled(app: Starlette, api: Api, admin: str, player: dict[str, Any]) -> None:
    """A campaign to cancel, in `player["campaign"]`."""
    text = """mutation S($input: ScheduleCampaignInput!) { scheduleCampaign(input: $input) {
      __typename ... on CampaignScheduled { campaign { id } } } }"""
    variables = {"input": campaign_input(services_of(app).clock)}
    answer = (await api.data(text, variables, token=admin))["scheduleCampaign"]
    assert answer["__typename"] == "CampaignScheduled", answer
    player["campaign"] = answer["campaign"]["id"]


async def segmented(app: Starlette, api: Api, admin: str, player: dict[str, Any]) -> None:
    """A segmentation run (which audits nothing): segments can only be overridden once
    the player has some."""
    assert await segments.run(services_of(app)) is not None


async def overridden(app: Starlette, api: Api, admin: str, player: dict[str, Any]) -> None:
    await segmented(app, api, admin, player)
    await call(
        "overrideSegment", lambda p: {"userId": user_of(p), "segment": "VIP", "reason": "r1"}
    )(api, admin, player)


# What a change needs done first, outside what is counted.
SETUP = {
    "overrideSegment": segmented,
    "clearSegmentOverride": overridden,
    "cancelCampaign": scheduled,
}


async def test_each_operator_mutation_writes_one_audit_row(
    api: Api, app: Starlette, admin_token: str, clock: FrozenClock
) -> None:
    admin_id = row_id((await api.data("{ me { id } }", token=admin_token))["me"]["id"])
    todo = changes(clock, f"INV{uuid.uuid4().hex[:8].upper()}")
    assert set(todo) == {name for root, name in FIELDS if root == "Mutation"}

    for name, change in todo.items():
        player = await api.new_player()
        bought = await buy(api, player["accessToken"])
        assert bought["__typename"] == "PurchaseSucceeded", bought
        player["purchase"] = bought["receipt"]["transactionId"]
        if name in SETUP:
            await SETUP[name](app, api, admin_token, player)
        async with services_of(app).sessionmaker() as session:
            before = await session.scalar(select(func.max(AuditLog.id))) or 0
        await change(api, admin_token, player)
        async with services_of(app).sessionmaker() as session:
            written = list(await session.scalars(select(AuditLog).where(AuditLog.id > before)))
        assert len(written) == 1, (name, [row.action for row in written])
        assert written[0].actor_id == admin_id, name
