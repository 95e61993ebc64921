"""Prize wheel through the schema: one free spin per game day, even under concurrency."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest

from casino_club.clock import FrozenClock
from casino_club.config import Settings
from tests.conftest import Backend
from tests.support import Api, revealed_seed

SPIN = """mutation W($input: WheelSpinInput!) { wheelSpin(input: $input) {
  __typename
  ... on WheelSpinSuccess { roundId free paidGold wonGold wonItemId kind balance replayed
                            segmentIndex fairness { clientSeed nonce } }
  ... on UserError { code } } }"""
INVENTORY = "{ me { gold inventory(first: 20) { edges { node { itemId quantity kind } } } } }"


@pytest.fixture
def settings(backend: Backend) -> Settings:
    return backend.settings(game_rate_limit_per_second=100_000)


async def spin(api: Api, token: str, key: str | None = None) -> dict[str, Any]:
    values = {} if key is None else {"idempotencyKey": key}
    result: dict[str, Any] = (await api.data(SPIN, {"input": values}, token=token))["wheelSpin"]
    return result


async def test_free_spin_once_per_game_day_under_twenty_concurrent_requests(
    api: Api, clock: FrozenClock
) -> None:
    player = await api.new_player()
    token = player["accessToken"]
    results = await asyncio.gather(*(spin(api, token) for _ in range(20)))
    kinds = Counter(r["__typename"] for r in results)
    successes = [r for r in results if r["__typename"] == "WheelSpinSuccess"]
    assert sum(r["free"] for r in successes) == 1
    assert all(r["paidGold"] == (0 if r["free"] else 500) for r in successes)
    assert set(kinds) <= {"WheelSpinSuccess", "InsufficientFunds"}
    me = (await api.data(INVENTORY, token=token))["me"]
    assert me["gold"] == 1000 + sum(r["wonGold"] - r["paidGold"] for r in successes)
    held = {e["node"]["itemId"]: e["node"]["quantity"] for e in me["inventory"]["edges"]}
    won = Counter(r["wonItemId"] for r in successes if r["wonItemId"])
    assert held == dict(won)
    assert all(e["node"]["kind"] == "CONSUMABLE" for e in me["inventory"]["edges"])

    next_day = clock.now().replace(hour=0, minute=0, second=0) + timedelta(days=1, seconds=1)
    clock.advance(next_day - clock.now())
    token = (await api.login(player["user"]["siteId"]))["accessToken"]
    assert (await spin(api, token))["free"] is True


async def test_wheel_config_publishes_the_expected_value(api: Api) -> None:
    config = (
        await api.data(
            "{ wheelConfig { spinCost freeSpinsPerDay expectedGold expectedGoldExact"
            " expectedNetGoldPaid expectedItems { itemId perSpin }"
            " segments { label weight probability } } }"
        )
    )["wheelConfig"]
    assert (config["spinCost"], config["freeSpinsPerDay"]) == (500, 1)
    assert (config["expectedGold"], config["expectedGoldExact"]) == (250.0, "250/1")
    assert config["expectedNetGoldPaid"] == -250.0
    assert {i["itemId"]: i["perSpin"] for i in config["expectedItems"]} == {
        "gacha-ticket": 0.03,
        "streak-protection": 0.08,
    }
    assert abs(sum(s["probability"] for s in config["segments"]) - 1) < 1e-12


async def test_idempotent_spin_replays(api: Api) -> None:
    token = (await api.new_player())["accessToken"]
    first = await spin(api, token, key="wheel-1")
    again = await spin(api, token, key="wheel-1")
    assert again["replayed"] is True
    assert again["roundId"] == first["roundId"]


async def test_verify_round_reproduces_wheel_spins(api: Api) -> None:
    token = (await api.new_player())["accessToken"]
    spins = [await spin(api, token) for _ in range(2)]
    seed = await revealed_seed(api, token)
    for result in spins:
        if result["__typename"] != "WheelSpinSuccess":
            continue
        verified = await api.data(
            """query V($seed: String!, $client: String!, $nonce: Int!) {
              verifyRound(game: WHEEL, serverSeed: $seed, clientSeed: $client, nonce: $nonce) {
                wheelSegment } }""",
            {
                "seed": seed,
                "client": result["fairness"]["clientSeed"],
                "nonce": result["fairness"]["nonce"],
            },
        )
        assert verified["verifyRound"]["wheelSegment"] == result["segmentIndex"]
