"""me.recommendations on both backends: today's daily reward, a completed mission to
claim and a nearly done one, in that order, then a shop offer suited to the player's
segment and purchase limits; nothing during a cool-off; feedback on what was shown;
operators' click-through per rule, counted only when the player reads."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from starlette.applications import Starlette

from casino_club.domain.days import game_day
from casino_club.persistence.models import PlayerSegment
from casino_club.resolvers import segments
from casino_club.services import Services
from tests.support import Api, error_codes, grant_gold, row_id, spin

MINE = "{ me { recommendations { id rule title body missionId productSku } } }"
THEIRS = "query U($id: ID!) { user(id: $id) { recommendations { id } } }"
FEEDBACK = """mutation F($input: RecommendationFeedbackInput!) {
  recommendationFeedback(input: $input) {
    __typename
    ... on RecommendationFeedbackRecorded { recommendationId useful }
    ... on UserError { code } } }"""
REPORT = "{ recommendationReport { rule shown useful notUseful clickThroughPercent } }"
PULL = "mutation { gachaPull(input: {count: ONE, payWith: GOLD}) { __typename } }"
MISSIONS = "{ missions { progress mission { key } } }"
CLAIM = "mutation { claimDailyReward { __typename } }"
COOL_OFF = "mutation { startCoolOff(input: {kind: COOL_OFF_24_HOURS}) { __typename } }"
SET_LIMITS = """mutation S($input: SetLimitsInput!) { setLimits(input: $input) { __typename } }"""
SET_RANK = """mutation R($input: SetUserRankInput!) { setUserRank(input: $input) { __typename } }"""


async def mine(api: Api, token: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = (await api.data(MINE, token=token))["me"]["recommendations"]
    return found


async def progress_of(api: Api, token: str, key: str) -> int:
    missions = (await api.data(MISSIONS, token=token))["missions"]
    [mission] = [m for m in missions if m["mission"]["key"] == key]
    return int(mission["progress"])


async def report(api: Api, admin_token: str) -> dict[str, dict[str, Any]]:
    rows = (await api.data(REPORT, token=admin_token))["recommendationReport"]
    return {row["rule"]: row for row in rows}


async def test_suggestions_follow_where_the_player_stands(
    api: Api, app: Starlette, admin_token: str
) -> None:
    services: Services = app.state.services
    today = game_day(services.clock.now(), services.settings.zone).isoformat()
    player = await api.new_player()
    token = player["accessToken"]
    [daily, offer] = await mine(api, token)
    assert (daily["id"], daily["rule"], daily["missionId"]) == (
        f"DAILY_REWARD:{today}",
        "DAILY_REWARD",
        None,
    )
    # Not segmented yet, but joined today: NEW, so the smallest pack.
    assert (offer["id"], offer["rule"], offer["productSku"]) == (
        f"SHOP_OFFER:SMALLEST:starter:{today}",
        "SHOP_OFFER",
        "starter",
    )
    # 8,000 of the weekly 10,000 staked (80 %), and the daily gacha pull done.
    await grant_gold(app, player["user"]["id"], 20_000)
    assert (await api.data(PULL, token=token))["gachaPull"]["__typename"] == "GachaPullSuccess"
    staked = await progress_of(api, token, "weekly-stake-10000")  # the pull's price counts
    assert (await spin(api, token, 8_000 - staked))["__typename"] == "SlotSpinSuccess"
    found = await mine(api, token)
    assert [r["rule"] for r in found] == [
        "DAILY_REWARD",
        "MISSION_CLAIMABLE",
        "MISSION_NEAR_COMPLETION",
        "SHOP_OFFER",
    ]
    claimable, near = found[1], found[2]
    assert claimable["title"] == "Claim “Pull the gacha once”"
    assert near["title"] == "Almost there: “Stake 10,000 gold”"
    assert near["body"] == "2,000 more to go for 2,000 gold."
    assert claimable["missionId"] and near["missionId"]
    assert (await api.data(CLAIM, token=token))["claimDailyReward"]["__typename"] == (
        "DailyRewardClaimed"
    )
    assert [r["rule"] for r in await mine(api, token)] == [
        "MISSION_CLAIMABLE",
        "MISSION_NEAR_COMPLETION",
        "SHOP_OFFER",
    ]
    assert (await api.data(COOL_OFF, token=token))["startCoolOff"]["__typename"] == (
        "CoolOffStarted"
    )
    assert await mine(api, token) == []


async def test_feedback_and_click_through_per_rule(api: Api, admin_token: str) -> None:
    before = await report(api, admin_token)
    player = await api.new_player()
    token = player["accessToken"]
    # An operator reading the player's suggestions does not count as showing them.
    seen = await api.data(THEIRS, {"id": player["user"]["id"]}, token=admin_token)
    suggestion, offer = seen["user"]["recommendations"]
    assert (await report(api, admin_token)) == before
    for _ in range(2):  # shown twice, counted once
        assert [r["id"] for r in await mine(api, token)] == [suggestion["id"], offer["id"]]
    variables = {"input": {"recommendationId": suggestion["id"], "useful": False}}
    await api.data(FEEDBACK, variables, token=token)
    variables["input"]["useful"] = True  # the latest verdict counts
    recorded = (await api.data(FEEDBACK, variables, token=token))["recommendationFeedback"]
    assert recorded == {
        "__typename": "RecommendationFeedbackRecorded",
        "recommendationId": suggestion["id"],
        "useful": True,
    }
    after = await report(api, admin_token)
    daily_before, daily_after = before["DAILY_REWARD"], after["DAILY_REWARD"]
    assert daily_after["shown"] == daily_before["shown"] + 1
    assert daily_after["useful"] == daily_before["useful"] + 1
    assert daily_after["notUseful"] == daily_before["notUseful"]
    offers_before, offers_after = before["SHOP_OFFER"], after["SHOP_OFFER"]
    assert offers_after["shown"] == offers_before["shown"] + 1
    assert offers_after["useful"] == offers_before["useful"]
    assert daily_after["clickThroughPercent"] == round(
        100 * daily_after["useful"] / daily_after["shown"], 2
    )
    # Another player cannot give a verdict on it, nor one on an id never shown.
    other = (await api.new_player())["accessToken"]
    refused = (await api.data(FEEDBACK, variables, token=other))["recommendationFeedback"]
    assert refused == {"__typename": "RecommendationNotFound", "code": "RECOMMENDATION_NOT_FOUND"}
    # Players do not read the report, nor another player's suggestions.
    assert error_codes(await api.execute(REPORT, token=token)) == ["FORBIDDEN"]
    assert error_codes(await api.execute(THEIRS, {"id": player["user"]["id"]}, token=other)) == [
        "FORBIDDEN"
    ]


async def offer_of(api: Api, token: str) -> str | None:
    offers = [r for r in await mine(api, token) if r["rule"] == "SHOP_OFFER"]
    assert len(offers) <= 1
    return offers[0]["productSku"] if offers else None


async def test_the_offer_suits_the_segment_the_rank_and_the_purchase_limits(
    api: Api, app: Starlette, admin_token: str
) -> None:
    services: Services = app.state.services
    player = await api.new_player()
    token, user = player["accessToken"], player["user"]
    assert await offer_of(api, token) == "starter"  # NEW: the smallest
    assert await segments.run(services) is not None  # the player now has a segments row

    async def hold(lifecycle: str, rfm: str) -> None:
        # The segments in force, as a run or an override leaves them.
        async with services.unit_of_work() as uow:
            await uow.session.execute(
                update(PlayerSegment)
                .where(PlayerSegment.user_id == row_id(user["id"]))
                .values(lifecycle=lifecycle, rfm_segment=rfm)
            )
            await uow.commit()

    await hold("ACTIVE", "WHALE")
    assert await offer_of(api, token) == "premium"  # the largest a STANDARD player may buy
    rank = {"input": {"userId": user["id"], "rank": "VIP"}}
    assert (await api.data(SET_RANK, rank, token=admin_token))["setUserRank"]["__typename"] == (
        "UserUpdated"
    )
    assert await offer_of(api, token) == "whale"  # VIP-only, now allowed
    await hold("DORMANT_SHORT", "WHALE")
    assert await offer_of(api, token) == "starter"  # lapsing: the way back costs little
    await hold("ACTIVE", "MEDIUM")
    assert await offer_of(api, token) == "whale"  # most gold per dollar: 13 a cent
    # A daily purchase limit of $25 leaves room for the starter (10 a cent) and value
    # (11 a cent) packs only: the best value of those.
    limits = {"input": {"dailyPurchaseCents": 2_500}}
    assert (await api.data(SET_LIMITS, limits, token=token))["setLimits"]["__typename"] == (
        "LimitsSet"
    )
    assert await offer_of(api, token) == "value"
    await hold("ACTIVE", "LOW_AT_RISK")
    assert await offer_of(api, token) == "starter"
    # $3 a day: nothing on sale fits, so nothing is offered.
    limits = {"input": {"dailyPurchaseCents": 300}}
    assert (await api.data(SET_LIMITS, limits, token=token))["setLimits"]["__typename"] == (
        "LimitsSet"
    )
    assert await offer_of(api, token) is None
