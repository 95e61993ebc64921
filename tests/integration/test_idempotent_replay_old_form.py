"""Keys stored before outcomes were values still replay (issue 25).

Until then each answer stored itself with a hand-written `to_payload()`; now the codec
(persistence/stored_outcomes.py) stores and rebuilds the use case's value. A key lives
for 24 hours, so rows in the old form are live across the upgrade: each test stores one
exactly as the old code wrote it (the JSON of `to_payload()` at 72a9d9a: ids as strings,
times in ISO 8601, a pulled item flat), then retries with its key and expects that
answer, marked replayed, field for field — and no new bet.
"""

from __future__ import annotations

from typing import Any

import orjson
from starlette.applications import Starlette

from tests.support import ME, Api, row_id, store_answered_key

PROOF: dict[str, Any] = {"serverSeedHash": "5e" * 32, "clientSeed": "old-client-seed", "nonce": 41}

# Values no bet of this test's player could produce (a balance far beyond the sign-up
# bonus, a round id no round has): a match can only be the stored answer.
OLD_SLOT_SPIN: dict[str, Any] = {
    "roundId": "900001",
    "reels": ["SEVEN", "SEVEN", "SEVEN"],
    "multiplier": 500,
    "bonusPercent": 10,
    "stake": 20,
    "payout": 11000,
    "isJackpot": True,
    "winStreak": 3,
    "balance": 7654321,
    "fairness": PROOF,
}
SLOT_SPIN = """mutation S($input: SlotSpinInput!) { slotSpin(input: $input) {
  __typename
  ... on SlotSpinSuccess { roundId reels multiplier bonusPercent stake payout isJackpot
    winStreak balance fairness { serverSeedHash clientSeed nonce } replayed }
  ... on UserError { code message } } }"""

OLD_GACHA_PULL: dict[str, Any] = {
    "roundId": "900002",
    "items": [
        {
            "id": "dragon-egg",
            "name": "Dragon Egg",
            "rarity": "LEGENDARY",
            "animation": "PITY",
            "pity": True,
            "downgraded": False,
            "duplicate": True,
        }
    ],
    "paidGold": 5000,
    "refundedGold": 10000,
    "pityCounter": 0,
    "dailyRemaining": 2,
    "balance": 7654322,
    "fairness": PROOF,
}
GACHA_PULL = """mutation P($input: GachaPullInput!) { gachaPull(input: $input) {
  __typename
  ... on GachaPullSuccess { roundId
    items { item { id name rarity } animation pity downgraded duplicate }
    paidGold refundedGold pityCounter dailyRemaining balance
    fairness { serverSeedHash clientSeed nonce } replayed }
  ... on UserError { code message } } }"""

OLD_CRASH_BET: dict[str, Any] = {
    "round": {
        "id": "900003",
        "userId": "PLAYER",  # replaced by the player's id
        "status": "OPEN",
        "stake": 100,
        "autoCashout": 2.5,
        "startedAt": "2026-12-05T10:00:00.250000+00:00",
        "elapsedMs": 0,
        "multiplier": 1.0,
        "crashPoint": None,
        "payout": None,
        "settledAt": None,
        "fairness": PROOF,
    },
    "balance": 7654323,
}
CRASH_BET = """mutation C($input: CrashBetInput!) { crashBet(input: $input) {
  __typename
  ... on CrashBetPlaced { round { id userId status stake autoCashout startedAt elapsedMs
    multiplier crashPoint payout settledAt fairness { serverSeedHash clientSeed nonce } }
    balance replayed }
  ... on UserError { code message } } }"""


async def store_old_form(
    app: Starlette, user_id: int, key: str, operation: str, parameters: dict[str, Any], old: Any
) -> None:
    """A completed key as the old code left it: its answer is `old`, as JSON.

    `parameters` are what the use case fingerprints (the stake first, as betting does).
    """
    await store_answered_key(app, user_id, key, operation, parameters, orjson.dumps(old).decode())


async def gold(api: Api, token: str) -> int:
    me: dict[str, Any] = (await api.data(ME, token=token))["me"]
    return int(me["gold"])


async def test_a_slot_spin_stored_in_the_old_form_replays(api: Api, app: Starlette) -> None:
    player = await api.new_player()
    token, user_id = player["accessToken"], row_id(player["user"]["id"])
    await store_old_form(app, user_id, "old-spin", "slotSpin", {"stake": 20}, OLD_SLOT_SPIN)
    before = await gold(api, token)

    variables = {"input": {"stake": 20, "idempotencyKey": "old-spin"}}
    replayed = (await api.data(SLOT_SPIN, variables, token=token))["slotSpin"]

    assert replayed == {"__typename": "SlotSpinSuccess", **OLD_SLOT_SPIN, "replayed": True}
    assert await gold(api, token) == before


async def test_a_gacha_pull_stored_in_the_old_form_replays(api: Api, app: Starlette) -> None:
    player = await api.new_player()
    token, user_id = player["accessToken"], row_id(player["user"]["id"])
    parameters = {"count": 1, "payWith": "GOLD"}
    await store_old_form(app, user_id, "old-pull", "gachaPull", parameters, OLD_GACHA_PULL)
    before = await gold(api, token)

    variables = {"input": {"count": "ONE", "payWith": "GOLD", "idempotencyKey": "old-pull"}}
    replayed = (await api.data(GACHA_PULL, variables, token=token))["gachaPull"]

    # The old form kept a pulled item flat; GraphQL has always grouped the item's fields.
    items = [
        {
            "item": {"id": item["id"], "name": item["name"], "rarity": item["rarity"]},
            "animation": item["animation"],
            "pity": item["pity"],
            "downgraded": item["downgraded"],
            "duplicate": item["duplicate"],
        }
        for item in OLD_GACHA_PULL["items"]
    ]
    assert replayed == {
        "__typename": "GachaPullSuccess",
        **OLD_GACHA_PULL,
        "items": items,
        "replayed": True,
    }
    assert await gold(api, token) == before


async def test_a_crash_bet_stored_in_the_old_form_replays(api: Api, app: Starlette) -> None:
    player = await api.new_player()
    token, user_id = player["accessToken"], row_id(player["user"]["id"])
    old = {**OLD_CRASH_BET, "round": {**OLD_CRASH_BET["round"], "userId": str(user_id)}}
    # The auto-cash-out is fingerprinted in hundredths, as the use case checked it.
    parameters = {"stake": 100, "autoCashout": 250}
    await store_old_form(app, user_id, "old-bet", "crashBet", parameters, old)
    before = await gold(api, token)

    variables = {"input": {"stake": 100, "autoCashout": 2.5, "idempotencyKey": "old-bet"}}
    replayed = (await api.data(CRASH_BET, variables, token=token))["crashBet"]

    assert replayed == {"__typename": "CrashBetPlaced", **old, "replayed": True}
    assert await gold(api, token) == before
