"""Operators' accounts do not play: every game answers OperatorsDoNotPlay to an operator
and moves nothing, so no operator's game mixes with the players' in leaderboards or the
economy's returns; an operator's experience (a daily reward's) ranks on no board. Both
backends: the boards are SQL embedded and Redis with PostgreSQL."""

from __future__ import annotations

from typing import Any

from tests.integration.test_player_protection import GAMES
from tests.support import Api

PLAYS = {name: call for name, call in GAMES.items() if not name.startswith("buy")}
REFUSED = "... on OperatorsDoNotPlay { code message }"
GOLD_AND_LEDGER = "{ me { gold ledger(first: 100) { edges { cursor } } } }"
LEVEL_BOARD = """{ leaderboard(metric: LEVEL, period: ALL, first: 100) {
  entries { user { id } } } }"""


async def test_every_game_refuses_an_operator_and_moves_nothing(api: Api, admin_token: str) -> None:
    before = await api.data(GOLD_AND_LEDGER, token=admin_token)
    for name, call in PLAYS.items():
        data = await api.data(
            f"mutation {{ {call} {{ __typename {REFUSED} }} }}", token=admin_token
        )
        assert data[name] == {
            "__typename": "OperatorsDoNotPlay",
            "code": "OPERATORS_DO_NOT_PLAY",
            "message": "Operators' accounts do not play; play from a player's account",
        }, name
    assert await api.data(GOLD_AND_LEDGER, token=admin_token) == before


async def test_an_operators_experience_ranks_on_no_board(api: Api, admin_token: str) -> None:
    """The operator and a player both claim the daily reward (its XP); only the player
    is on the level board."""
    player = await api.new_player()
    claim = "mutation { claimDailyReward { __typename } }"
    for token in (admin_token, player["accessToken"]):
        claimed: dict[str, Any] = await api.data(claim, token=token)
        assert claimed["claimDailyReward"]["__typename"] in ("DailyRewardClaimed", "AlreadyClaimed")
    operator = (await api.data("{ me { id xp } }", token=admin_token))["me"]
    assert operator["xp"] > 0
    board = (await api.data(LEVEL_BOARD))["leaderboard"]["entries"]
    ranked = {entry["user"]["id"] for entry in board}
    assert player["user"]["id"] in ranked
    assert operator["id"] not in ranked
