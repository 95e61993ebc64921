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


OWN = """{ me { id
  ledger(first: 1) { edges { node { id } } }
  history(first: 1) { edges { node { id } } }
  purchases(first: 1) { edges { node { id } } }
  notifications(first: 1) { edges { node { id } } } } }"""


async def test_every_node_round_trips_and_nodes_keep_their_order(
    api: Api, app: Starlette, admin_token: str
) -> None:
    player = await api.new_player()
    token = player["accessToken"]
    await grant_gold(app, player["user"]["id"], 1_000)
    assert (await api.data(SPIN, {"stake": 10}, token=token))["slotSpin"]["__typename"] == (
        "SlotSpinSuccess"
    )
    send = """mutation N($input: SendNotificationInput!) { sendNotification(input: $input) {
      __typename } }"""
    note = {"input": {"userId": player["user"]["id"], "title": "Hi", "body": "There"}}
    assert (await api.data(send, note, token=admin_token))["sendNotification"]["__typename"] == (
        "NotificationSent"
    )
    me = (await api.data(OWN, token=token))["me"]
    ids = {"Player": me["id"]}
    for field, typename in [
        ("ledger", "LedgerEntry"),
        ("history", "GameRound"),
        ("notifications", "Notification"),
    ]:
        ids[typename] = me[field]["edges"][0]["node"]["id"]
    catalog = await api.data("{ catalog { id sku } limitedPackages { id sku } }")
    ids["Product"] = catalog["catalog"][0]["id"]
    missions = (await api.data("{ missions { mission { id key } } }", token=token))["missions"]
    if missions:
        ids["Mission"] = missions[0]["mission"]["id"]
    for typename, global_id in ids.items():
        found = (await api.data(NODES, {"ids": [global_id]}, token=token))["nodes"]
        assert found == [{"__typename": typename, "id": global_id}], typename
        one = (await api.data(NODE, {"id": global_id}, token=token))["node"]
        assert (one["__typename"], one["id"]) == (typename, global_id)
    ordered = list(ids.values())[::-1]
    found = (await api.data(NODES, {"ids": ordered}, token=token))["nodes"]
    assert [node["id"] for node in found] == ordered
    # Operators' objects answer operators.
    admin = """{ adminProducts { id } adminPromoCodes { id } adminLimitedPackages { id }
      inviteCodes(first: 1) { edges { node { id } } }
      auditLog(first: 1) { edges { node { id } } } }"""
    seen = await api.data(admin, token=admin_token)
    admin_ids = [seen["adminProducts"][0]["id"], seen["inviteCodes"]["edges"][0]["node"]["id"]]
    admin_ids.append(seen["auditLog"]["edges"][0]["node"]["id"])
    found = (await api.data(NODES, {"ids": admin_ids}, token=admin_token))["nodes"]
    assert [node["id"] for node in found] == admin_ids
    refused = await api.execute(NODES, {"ids": admin_ids[:1]}, token=token)
    assert error_codes(refused) == ["BAD_USER_INPUT"]


async def test_another_players_objects_are_unknown_and_their_private_fields_forbidden(
    api: Api, app: Starlette
) -> None:
    owner, other = await api.new_player(), await api.new_player()
    await grant_gold(app, owner["user"]["id"], 1_000)
    spun = (await api.data(SPIN, {"stake": 10}, token=owner["accessToken"]))["slotSpin"]
    gold_before = (await api.data("{ me { gold } }", token=owner["accessToken"]))["me"]["gold"]
    # The round is the owner's: to anyone else it does not exist, whether one or many.
    for query, variables in [
        (NODE, {"id": spun["roundId"]}),
        (NODES, {"ids": [other["user"]["id"], spun["roundId"]]}),
        (NODE, {"id": node_id("GameRound", row_id(spun["roundId"]) + 10**9)}),
        (NODE, {"id": node_id("Player", 10**15)}),
    ]:
        body = await api.execute(query, variables, token=other["accessToken"])
        assert error_codes(body) == ["BAD_USER_INPUT"], body
        assert body["data"] is None
    # The owner's Player is public; their gold is not.
    private = """query P($id: ID!) { node(id: $id) { __typename id ... on Player {
      nickname gold } } }"""
    body = await api.execute(private, {"id": owner["user"]["id"]}, token=other["accessToken"])
    assert error_codes(body) == ["FORBIDDEN"]
    assert "gold" not in str(body["data"])
    public = """query P($id: ID!) { node(id: $id) { id ... on Player { nickname level } } }"""
    seen = (await api.data(public, {"id": owner["user"]["id"]}))["node"]
    assert seen["nickname"] == owner["user"]["nickname"]
    mine = await api.data(private, {"id": owner["user"]["id"]}, token=owner["accessToken"])
    assert mine["node"]["gold"] == gold_before
    # Nothing changed.
    after = (await api.data("{ me { gold } }", token=owner["accessToken"]))["me"]["gold"]
    assert after == gold_before


async def test_one_player_is_one_identity_as_me_and_in_public_views(
    api: Api, app: Starlette
) -> None:
    player, other = await api.new_player(), await api.new_player()
    await grant_gold(app, player["user"]["id"], 1_000)
    await api.data(SPIN, {"stake": 500}, token=player["accessToken"])  # onto the LEVEL board
    me = (await api.data("{ me { __typename id } }", token=player["accessToken"]))["me"]
    public = """query U($id: ID!) { user(id: $id) { __typename id } }"""
    seen = await api.data(public, {"id": me["id"]}, token=other["accessToken"])
    assert seen["user"] == me
    board = "{ leaderboard(metric: LEVEL, first: 100) { entries { user { __typename id } } } }"
    users = [entry["user"] for entry in (await api.data(board))["leaderboard"]["entries"]]
    assert users, "the board lists someone"
    assert {user["__typename"] for user in users} == {"Player"}
    # Where the board shows the player, it is by the id `me` gave.
    assert [user for user in users if user["id"] == me["id"]] in ([], [me])
