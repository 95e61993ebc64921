"""me.recommendations on both backends: today's daily reward, a completed mission to
claim and a nearly done one, in that order; nothing during a cool-off; feedback on what
was shown; operators' click-through per rule, counted only when the player reads."""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette

from casino_club.domain.days import game_day
from casino_club.services import Services
from tests.support import Api, error_codes, grant_gold, spin

MINE = "{ me { recommendations { id rule title body missionId } } }"
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
    [daily] = await mine(api, token)
    assert (daily["id"], daily["rule"], daily["missionId"]) == (
        f"DAILY_REWARD:{today}",
        "DAILY_REWARD",
        None,
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
    [suggestion] = seen["user"]["recommendations"]
    assert (await report(api, admin_token)) == before
    for _ in range(2):  # shown twice, counted once
        assert [r["id"] for r in await mine(api, token)] == [suggestion["id"]]
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
