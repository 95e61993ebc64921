"""Operators move gold (SPEC §11) on both backends: through the ledger, audited,
idempotent — one adjustment, or a bulk grant with a result per player."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import orjson
import pytest
from sqlalchemy import func, select
from starlette.applications import Starlette

from casino_club.persistence import idempotency
from casino_club.persistence.models import AuditLog, IdempotencyKey
from casino_club.services import Services
from tests.support import LEDGER, Api, books_balance, error_codes, node_id, row_id

ADJUST = """mutation A($input: AdjustGoldInput!) { adjustGold(input: $input) {
  __typename ... on GoldAdjusted { userId amount balance replayed }
  ... on InsufficientFunds { required balance } ... on UserError { code } } }"""
GRANT = """mutation G($input: GrantRewardsInput!) { grantRewards(input: $input) {
  __typename ... on RewardsGranted { results { userId status balance } }
  ... on UserError { code } } }"""


async def adjust(
    api: Api, token: str, user_id: str, amount: int, key: str, reason: str = "goodwill"
) -> Any:
    variables = {
        "input": {"userId": user_id, "amount": amount, "reason": reason, "idempotencyKey": key}
    }
    return (await api.data(ADJUST, variables, token=token))["adjustGold"]


async def audit_count(app: Starlette, user_id: str) -> int:
    services: Services = app.state.services
    async with services.sessionmaker() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(AuditLog)
            .where(AuditLog.target == f"user:{row_id(user_id)}")
        )
    return int(count or 0)


async def test_an_adjustment_moves_gold_once_through_the_ledger(
    api: Api, app: Starlette, admin_token: str
) -> None:
    player = await api.new_player()
    token, user_id = player["accessToken"], player["user"]["id"]
    added = await adjust(api, admin_token, user_id, 500, "a1")
    assert added == {
        "__typename": "GoldAdjusted",
        "userId": user_id,
        "amount": 500,
        "balance": 1_500,
        "replayed": False,
    }
    assert (await adjust(api, admin_token, user_id, 500, "a1"))["replayed"] is True
    assert (await adjust(api, admin_token, user_id, 600, "a1"))[
        "__typename"
    ] == "IdempotencyKeyReused"
    too_much = await adjust(api, admin_token, user_id, -2_000, "a2")
    assert (too_much["__typename"], too_much["balance"]) == ("InsufficientFunds", 1_500)
    taken = await adjust(api, admin_token, user_id, -1_500, "a2")  # the refusal kept no key
    assert taken["balance"] == 0
    ledger = (await api.data(LEDGER, token=token))["me"]["ledger"]["edges"]
    assert [(e["node"]["reason"], e["node"]["amount"]) for e in ledger][:2] == [
        ("ADMIN_ADJUSTMENT", -1_500),
        ("ADMIN_ADJUSTMENT", 500),
    ]
    assert await audit_count(app, user_id) == 2
    await books_balance(app)


async def test_an_adjustment_stored_before_outcomes_were_values_still_replays(
    api: Api, app: Starlette, admin_token: str
) -> None:
    """A key completed by the code before this one holds `GoldAdjusted.to_payload()`:
    camelCase keys, the user id as a string. A retry within the retention replays it
    (the stored answer, not the balance now) and moves nothing."""
    player = await api.new_player()
    token, user_id = player["accessToken"], player["user"]["id"]
    admin_id = row_id((await api.data("{ me { id } }", token=admin_token))["me"]["id"])
    services: Services = app.state.services
    parameters = {"userId": row_id(user_id), "amount": 700, "reason": "goodwill"}
    async with services.sessionmaker() as session, session.begin():
        session.add(
            IdempotencyKey(
                user_id=admin_id,
                key="before-values",
                operation="adjustGold",
                fingerprint=idempotency.fingerprint("adjustGold", parameters),
                state=idempotency.COMPLETED,
                response=orjson.dumps(
                    {"userId": str(row_id(user_id)), "amount": 700, "balance": 1_700}
                ).decode(),
                created_at=services.clock.now(),
                completed_at=services.clock.now(),
            )
        )
    replayed = await adjust(api, admin_token, user_id, 700, "before-values")
    assert replayed == {
        "__typename": "GoldAdjusted",
        "userId": user_id,
        "amount": 700,
        "balance": 1_700,
        "replayed": True,
    }
    assert (await api.data("{ me { gold } }", token=token))["me"]["gold"] == 1_000
    assert await audit_count(app, user_id) == 0


@pytest.mark.parametrize(
    ("user_id", "amount", "reason", "code"),
    [
        (node_id("Player", 1), 0, "r", "VALIDATION_FAILED"),
        (node_id("Player", 1), 10**12 + 1, "r", "VALIDATION_FAILED"),  # beyond any sane grant
        (node_id("Player", 1), -(10**12) - 1, "r", "VALIDATION_FAILED"),
        (node_id("Player", 1), 5, "", "VALIDATION_FAILED"),
        (node_id("Player", 1), 5, "x" * 501, "VALIDATION_FAILED"),
        (node_id("Player", 999999999), 5, "r", "USER_NOT_FOUND"),
        ("999999999", 5, "r", "USER_NOT_FOUND"),
        ("nope", 5, "r", "USER_NOT_FOUND"),
    ],
)
async def test_a_bad_adjustment_is_refused(
    api: Api, admin_token: str, user_id: str, amount: int, reason: str, code: str
) -> None:
    assert (await adjust(api, admin_token, user_id, amount, "k", reason))["code"] == code


async def test_five_hundred_rewards_with_unknown_players_grant_each_known_one_once(
    api: Api, app: Starlette, admin_token: str
) -> None:
    # Signed up 25 at a time: the grant is under test, not 250 simultaneous sign-ups
    # (which, with the whole suite's apps alive, could wait past the connect timeout).
    players = []
    for _ in range(10):
        players += await asyncio.gather(*(api.new_player() for _ in range(25)))
    known = [p["user"]["id"] for p in players]
    unknown = [str(10**12 + n) for n in range(250)]
    items = [{"userId": u, "gold": 100} for pair in zip(known, unknown, strict=True) for u in pair]
    variables = {"input": {"items": items, "reason": "launch gift", "idempotencyKey": "launch"}}
    first = (await api.data(GRANT, variables, token=admin_token))["grantRewards"]["results"]
    assert [r["userId"] for r in first] == [i["userId"] for i in items]
    assert Counter(r["status"] for r in first) == {"GRANTED": 250, "UNKNOWN_USER": 250}
    assert {r["balance"] for r in first if r["status"] == "GRANTED"} == {1_100}
    again = (await api.data(GRANT, variables, token=admin_token))["grantRewards"]["results"]
    assert Counter(r["status"] for r in again) == {"ALREADY_GRANTED": 250, "UNKNOWN_USER": 250}
    token = players[0]["accessToken"]
    assert (await api.data("{ me { gold } }", token=token))["me"]["gold"] == 1_100
    await books_balance(app)


async def test_a_player_twice_in_one_grant_gets_it_once(api: Api, admin_token: str) -> None:
    user_id = (await api.new_player())["user"]["id"]
    other = (await api.new_player())["user"]["id"]
    items = [
        {"userId": user_id, "gold": 50},
        {"userId": user_id, "gold": 50},
        {"userId": user_id, "gold": -5},
        {"userId": other, "gold": 10**12 + 1},  # beyond any sane grant
    ]
    variables = {"input": {"items": items, "reason": "r", "idempotencyKey": "dup"}}
    results = (await api.data(GRANT, variables, token=admin_token))["grantRewards"]["results"]
    assert [r["status"] for r in results] == ["GRANTED", "INVALID", "INVALID", "INVALID"]


@pytest.mark.parametrize("who", ["player", "anonymous"])
async def test_moving_gold_is_for_operators_only(api: Api, app: Starlette, who: str) -> None:
    player = await api.new_player()
    token = player["accessToken"] if who == "player" else None
    user_id = player["user"]["id"]
    variables = {
        "input": {"userId": user_id, "amount": 10**6, "reason": "mine", "idempotencyKey": "k"}
    }
    expected = ["FORBIDDEN" if who == "player" else "UNAUTHENTICATED"]
    assert error_codes(await api.execute(ADJUST, variables, token=token)) == expected
    grant = {
        "input": {
            "items": [{"userId": user_id, "gold": 10**6}],
            "reason": "r",
            "idempotencyKey": "k",
        }
    }
    assert error_codes(await api.execute(GRANT, grant, token=token)) == expected
    assert (await api.data("{ me { gold } }", token=player["accessToken"]))["me"]["gold"] == 1_000
    assert await audit_count(app, user_id) == 0
