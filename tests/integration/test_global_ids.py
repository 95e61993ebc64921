"""Identity for normalized caches (SPEC §12.1): every object with an identity is a
`Node` with an opaque global id, `node(id)` / `nodes(ids)` fetch any of them for whom
may read it, and one player is one identity wherever they are seen."""

from __future__ import annotations

from starlette.applications import Starlette

from tests.support import Api, error_codes, grant_gold, node_id, row_id

NODE = """query N($id: ID!) { node(id: $id) { __typename id
  ... on Player { nickname level }
  ... on GameRound { game stake payout }
  ... on LedgerEntry { amount reason }
} }"""
NODES = """query N($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }"""
SPIN = """mutation S($stake: Gold!) { slotSpin(input: {stake: $stake}) { __typename
  ... on SlotSpinSuccess { roundId balance player { __typename id gold } } } }"""


async def test_a_player_fetched_by_the_id_me_gave_is_the_same_player(api: Api) -> None:
    player = await api.new_player()
    me = (await api.data("{ me { __typename id nickname } }", token=player["accessToken"]))["me"]
    assert me["__typename"] == "Player"
    found = (await api.data(NODE, {"id": me["id"]}, token=player["accessToken"]))["node"]
    assert found["__typename"] == "Player"
    assert found["id"] == me["id"]
    assert found["nickname"] == me["nickname"]
    assert row_id(me["id"]) > 0


async def test_a_spin_carries_the_players_new_gold(api: Api, app: Starlette) -> None:
    player = await api.new_player()
    token = player["accessToken"]
    await grant_gold(app, player["user"]["id"], 1_000)
    spun = (await api.data(SPIN, {"stake": 10}, token=token))["slotSpin"]
    assert spun["__typename"] == "SlotSpinSuccess"
    me = (await api.data("{ me { id gold } }", token=token))["me"]
    assert spun["player"] == {"__typename": "Player", "id": me["id"], "gold": me["gold"]}
    assert spun["balance"] == me["gold"]
    found = (await api.data(NODE, {"id": spun["roundId"]}, token=token))["node"]
    assert found["__typename"] == "GameRound"
    assert found["id"] == spun["roundId"]


async def test_a_malformed_id_is_bad_user_input(api: Api) -> None:
    player = await api.new_player()
    for bad in ["3", "not base64!", node_id("Player", "x"), "UXVlcnk6MQ=="]:
        body = await api.execute(NODE, {"id": bad}, token=player["accessToken"])
        assert error_codes(body) == ["BAD_USER_INPUT"], (bad, body)
