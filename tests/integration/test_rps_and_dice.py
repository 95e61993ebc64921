"""Rock-paper-scissors and dice through the real schema: money, history, verification."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support import FAIRNESS, LEDGER, Api, revealed_seed

RPS = """mutation R($input: RpsPlayInput!) { rpsPlay(input: $input) {
  __typename
  ... on RpsPlaySuccess { roundId move serverMove outcome stake payout balance replayed
                          fairness { serverSeedHash clientSeed nonce } }
  ... on UserError { code } } }"""
DICE = """mutation D($input: DiceRollInput!) { diceRoll(input: $input) {
  __typename
  ... on DiceRollSuccess { roundId roll chance direction won stake payout balance replayed
                           fairness { serverSeedHash clientSeed nonce } }
  ... on ValidationFailed { fields { field code } }
  ... on UserError { code } } }"""
VERIFY = """query V($game: Game!, $seed: String!, $client: String!, $nonce: Int!) {
  verifyRound(game: $game, serverSeed: $seed, clientSeed: $client, nonce: $nonce) {
    rpsServerMove diceRoll reels } }"""


async def play(api: Api, token: str, query: str, field: str, **values: Any) -> dict[str, Any]:
    result: dict[str, Any] = (await api.data(query, {"input": values}, token=token))[field]
    return result


async def test_rps_rounds_pay_by_the_rules_and_verify(api: Api) -> None:
    token = (await api.new_player())["accessToken"]
    balance = 1000
    rounds = []
    for move in ("ROCK", "PAPER", "SCISSORS", "ROCK", "PAPER"):
        result = await play(api, token, RPS, "rpsPlay", stake=100, move=move)
        assert result["__typename"] == "RpsPlaySuccess"
        expected = {"WIN": 196, "DRAW": 100, "LOSS": 0}[result["outcome"]]
        assert result["payout"] == expected
        balance += result["payout"] - 100
        assert result["balance"] == balance
        rounds.append(result)
    seed = await revealed_seed(api, token)
    for result in rounds:
        proof = result["fairness"]
        verified = await api.data(
            VERIFY,
            {"game": "RPS", "seed": seed, "client": proof["clientSeed"], "nonce": proof["nonce"]},
        )
        assert verified["verifyRound"]["rpsServerMove"] == result["serverMove"]
    ledger = (await api.data(LEDGER, token=token))["me"]["ledger"]["edges"]
    assert {edge["node"]["reason"] for edge in ledger} >= {"RPS_BET", "SIGNUP_BONUS"}


async def test_dice_rolls_pay_by_the_rules_and_verify(api: Api) -> None:
    token = (await api.new_player())["accessToken"]
    rolls = []
    for chance, direction in ((49.5, "UNDER"), (49.5, "OVER"), (95, "UNDER"), (1, "OVER")):
        result = await play(
            api, token, DICE, "diceRoll", stake=100, chance=chance, direction=direction
        )
        assert result["__typename"] == "DiceRollSuccess"
        won = result["roll"] < chance if direction == "UNDER" else result["roll"] >= 100 - chance
        assert result["won"] is won
        assert result["payout"] == (100 * 99 * 100 // round(chance * 100) if won else 0)
        rolls.append(result)
    seed = await revealed_seed(api, token)
    for result in rolls:
        proof = result["fairness"]
        verified = await api.data(
            VERIFY,
            {"game": "DICE", "seed": seed, "client": proof["clientSeed"], "nonce": proof["nonce"]},
        )
        assert verified["verifyRound"]["diceRoll"] == result["roll"]


@pytest.mark.parametrize("chance", [0.99, 95.01, 12.345, -5])
async def test_bad_dice_chances_change_nothing(api: Api, chance: float) -> None:
    token = (await api.new_player())["accessToken"]
    before = (await api.data(FAIRNESS, token=token))["me"]
    result = await play(api, token, DICE, "diceRoll", stake=100, chance=chance, direction="UNDER")
    assert result["__typename"] == "ValidationFailed"
    assert result["fields"] == [{"field": "chance", "code": "INVALID_CHANCE"}]
    assert (await api.data(FAIRNESS, token=token))["me"] == before


async def test_rps_and_dice_share_the_bet_rules(api: Api) -> None:
    token = (await api.new_player())["accessToken"]
    assert (await play(api, token, RPS, "rpsPlay", stake=5, move="ROCK"))["code"] == "INVALID_STAKE"
    poor = await play(api, token, DICE, "diceRoll", stake=5000, chance=50, direction="OVER")
    assert poor["code"] == "INSUFFICIENT_FUNDS"
    first = await play(api, token, RPS, "rpsPlay", stake=10, move="ROCK", idempotencyKey="rps-1")
    again = await play(api, token, RPS, "rpsPlay", stake=10, move="ROCK", idempotencyKey="rps-1")
    assert again["replayed"] is True
    assert again["roundId"] == first["roundId"]
    other = await play(api, token, RPS, "rpsPlay", stake=10, move="PAPER", idempotencyKey="rps-1")
    assert other["code"] == "IDEMPOTENCY_KEY_REUSED"


async def test_configs_publish_exact_returns(api: Api) -> None:
    configs = await api.data(
        "{ rpsConfig { rtp rtpExact winMultiplier }"
        " diceConfig { rtp houseEdgePercent minChance maxChance } }"
    )
    assert configs["rpsConfig"]["rtpExact"] == "74/75"
    assert configs["rpsConfig"]["winMultiplier"] == 1.96
    assert configs["diceConfig"] == {
        "rtp": 0.99,
        "houseEdgePercent": 1,
        "minChance": 1.0,
        "maxChance": 95.0,
    }
