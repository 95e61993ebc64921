"""Cool-off and self-exclusion (SPEC §5.5), on both backends: every game and shop
mutation is refused until the break ends; login, profile and history keep working; the
player cannot end it early, an operator can (audited)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from starlette.applications import Starlette

from casino_club.clock import FrozenClock
from casino_club.persistence.models import AuditLog
from casino_club.services import Services
from tests.integration.shop.support import BUY
from tests.support import LEDGER, SPIN, Api, error_codes, row_id

START = """mutation C($input: StartCoolOffInput!) { startCoolOff(input: $input) {
  __typename ... on CoolOffStarted { until } } }"""
LIFT = """mutation L($input: LiftExclusionInput!) { liftExclusion(input: $input) {
  __typename ... on ExclusionLifted { userId } ... on UserError { code } } }"""
EXCLUDED = "... on PlayerExcluded { code until }"
GAMES = {
    "slotSpin": "slotSpin(input: {stake: 10})",
    "diceRoll": "diceRoll(input: {stake: 10, chance: 50, direction: UNDER})",
    "rpsPlay": "rpsPlay(input: {stake: 10, move: ROCK})",
    "gachaPull": "gachaPull(input: {count: ONE, payWith: GOLD})",
    "wheelSpin": "wheelSpin(input: {})",
    "crashBet": "crashBet(input: {stake: 10})",
    "buyProduct": 'buyProduct(input: {sku: "starter", paymentToken: "tok_ok", '
    'idempotencyKey: "x"})',
    "buyLimitedPackage": 'buyLimitedPackage(input: {sku: "any", paymentToken: "tok_ok", '
    'idempotencyKey: "y"})',
}


async def start(api: Api, token: str, kind: str) -> datetime:
    result = (await api.data(START, {"input": {"kind": kind}}, token=token))["startCoolOff"]
    return datetime.fromisoformat(result["until"])


async def refusals(api: Api, token: str) -> dict[str, Any]:
    answers = {}
    for name, call in GAMES.items():
        data = await api.data(f"mutation {{ {call} {{ __typename {EXCLUDED} }} }}", token=token)
        answers[name] = data[name]
    return answers


async def test_a_cool_off_stops_every_game_and_purchase_at_once(
    api: Api, clock: FrozenClock
) -> None:
    signed = await api.new_player()
    token = signed["accessToken"]
    assert (await api.data(SPIN, {"input": {"stake": 10}}, token=token))["slotSpin"][
        "__typename"
    ] == "SlotSpinSuccess"  # the session check is now cached
    until = await start(api, token, "COOL_OFF_24_HOURS")
    assert until == clock.now() + timedelta(hours=24)
    expected = {
        "__typename": "PlayerExcluded",
        "code": "PLAYER_EXCLUDED",
        "until": until.isoformat(),
    }
    assert await refusals(api, token) == dict.fromkeys(GAMES, expected)
    # Login, profile and history keep working.
    me = await api.data(
        "{ me { limits { excludedUntil } history(first: 5) { edges { cursor } } } }", token=token
    )
    assert me["me"]["limits"]["excludedUntil"] == until.isoformat()
    assert len(me["me"]["history"]["edges"]) == 1
    assert (await api.data(LEDGER, token=token))["me"]["ledger"]["edges"]
    relogged = await api.login(signed["user"]["siteId"])
    assert relogged["__typename"] == "AuthPayload"


async def test_a_break_ends_on_time_and_cannot_be_shortened(api: Api, clock: FrozenClock) -> None:
    signed = await api.new_player()
    token = signed["accessToken"]
    month = await start(api, token, "COOL_OFF_30_DAYS")
    assert await start(api, token, "COOL_OFF_24_HOURS") == month  # not shortened
    assert month == clock.now() + timedelta(days=30)
    clock.advance(timedelta(days=30) - timedelta(seconds=1))
    token = (await api.login(signed["user"]["siteId"]))["accessToken"]
    spun = await api.data("mutation { slotSpin(input: {stake: 10}) { __typename } }", token=token)
    assert spun["slotSpin"]["__typename"] == "PlayerExcluded"
    clock.advance(timedelta(seconds=1))
    token = (await api.login(signed["user"]["siteId"]))["accessToken"]
    spun = (await api.data(SPIN, {"input": {"stake": 10}}, token=token))["slotSpin"]
    assert spun["__typename"] == "SlotSpinSuccess"


async def test_self_exclusion_lasts_six_months_and_may_lengthen_a_cool_off(
    api: Api, clock: FrozenClock
) -> None:
    token = (await api.new_player())["accessToken"]
    await start(api, token, "COOL_OFF_7_DAYS")
    until = await start(api, token, "SELF_EXCLUSION_6_MONTHS")
    assert until - clock.now() >= timedelta(days=182)


async def test_what_was_done_before_the_break_still_answers(api: Api) -> None:
    token = (await api.new_player())["accessToken"]
    spin_key = {"input": {"stake": 10, "idempotencyKey": "before"}}
    first = (await api.data(SPIN, spin_key, token=token))["slotSpin"]
    pending = {"input": {"sku": "starter", "paymentToken": "tok_pending", "idempotencyKey": "p"}}
    assert (await api.data(BUY, pending, token=token))["buyProduct"]["__typename"] == (
        "PurchasePending"
    )
    await start(api, token, "COOL_OFF_24_HOURS")
    again = (await api.data(SPIN, spin_key, token=token))["slotSpin"]
    assert again == {**first, "replayed": True}
    polled = (await api.data(BUY, pending, token=token))["buyProduct"]
    assert polled["__typename"] == "PurchasePending"  # asked the provider: still pending


async def test_an_operator_can_lift_a_break_with_a_reason(
    api: Api, app: Starlette, admin_token: str
) -> None:
    signed = await api.new_player()
    token, user_id = signed["accessToken"], signed["user"]["id"]
    await start(api, token, "SELF_EXCLUSION_6_MONTHS")
    body = await api.execute(LIFT, {"input": {"userId": user_id, "reason": "mine"}}, token=token)
    assert error_codes(body) == ["FORBIDDEN"]
    refused = await api.data(LIFT, {"input": {"userId": user_id, "reason": " "}}, token=admin_token)
    assert refused["liftExclusion"]["code"] == "VALIDATION_FAILED"
    lifted = await api.data(
        LIFT, {"input": {"userId": user_id, "reason": "support ticket 4411"}}, token=admin_token
    )
    assert lifted["liftExclusion"] == {"__typename": "ExclusionLifted", "userId": user_id}
    spun = (await api.data(SPIN, {"input": {"stake": 10}}, token=token))["slotSpin"]
    assert spun["__typename"] == "SlotSpinSuccess"
    services: Services = app.state.services
    async with services.sessionmaker() as session:
        actions = list(
            await session.scalars(
                select(AuditLog.action)
                .where(AuditLog.target == f"user:{row_id(user_id)}")
                .order_by(AuditLog.id)
            )
        )
    assert actions == ["PLAYER_EXCLUSION_START", "PLAYER_EXCLUSION_LIFT"]


@pytest.mark.parametrize("kind", ["FOREVER", "", "cool_off_24_hours"])
async def test_an_unknown_break_is_refused_and_starts_nothing(api: Api, kind: str) -> None:
    token = (await api.new_player())["accessToken"]
    body = await api.execute(START, {"input": {"kind": kind}}, token=token)
    [error] = body["errors"]
    assert body["data"] is None and "Exclusion" in error["message"]
    me = await api.data("{ me { limits { excludedUntil } } }", token=token)
    assert me["me"]["limits"]["excludedUntil"] is None
