"""Identity for normalized caches (SPEC §12.1): every object with an identity is a
`Node` with an opaque global id, `node(id)` / `nodes(ids)` fetch any of them for whom
may read it, and one player is one identity wherever they are seen. Every Node type in
the schema has a round-trip sample here; a guard fails for a new type without one."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from graphql import GraphQLInterfaceType
from starlette.applications import Starlette

from casino_club.clock import FrozenClock
from casino_club.domain.ids import NodeKind
from casino_club.domain.missions import Mission, MissionEvent, MissionPeriod
from casino_club.schema.root import schema
from tests.integration.shop.test_shop_admin import package_input, promo_input
from tests.support import Api, error_codes, grant_gold, missions_in_play, node_id, row_id

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


async def test_nodes_of_mixed_kinds_keep_their_order(
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


# Every Node type, round-tripped: each sample below gets one object the way a client
# first meets it (from the query or mutation that lists or returns it), then `node(id)`
# and `nodes(ids)` must answer the same object to whom may read it, and refuse it, like
# an id that does not exist, to whom may not. The guard test below fails when the schema
# gains a Node type that has no sample here.


@dataclass(frozen=True, slots=True)
class World:
    """What a sample may use: the API, the app behind it, an operator, the clock, and a
    stack for what a sample must undo after the test."""

    api: Api
    app: Starlette
    admin_token: str
    clock: FrozenClock
    stack: contextlib.AsyncExitStack


@dataclass(frozen=True, slots=True)
class Sample:
    """One object as the API first showed it: its id, who reads it by that id, the
    identifying fields it was shown with, and who must be refused it (None for public
    objects, which an anonymous caller must then read alike)."""

    id: str
    reader: str
    fields: dict[str, Any]
    stranger: str | None


Obtain = Callable[[World], Awaitable[Sample]]
SAMPLES: dict[str, Obtain] = {}


def sample_of(typename: str) -> Callable[[Obtain], Obtain]:
    """Register how to obtain one `typename` object for the round-trip test."""

    def register(obtain: Obtain) -> Obtain:
        SAMPLES[typename] = obtain
        return obtain

    return register


async def rich_player(world: World, gold: int = 10_000) -> dict[str, Any]:
    """A new player with gold to play and buy with."""
    player = await world.api.new_player()
    await grant_gold(world.app, player["user"]["id"], gold)
    return player


async def stranger(world: World) -> str:
    """Another player's token: someone who owns nothing of the sample and is no operator."""
    return str((await world.api.new_player())["accessToken"])


@sample_of("Player")
async def a_player(world: World) -> Sample:
    player = await world.api.new_player()
    me = (await world.api.data("{ me { id nickname level } }", token=player["accessToken"]))["me"]
    fields = {"nickname": me["nickname"], "level": me["level"]}
    return Sample(me["id"], player["accessToken"], fields, None)


@sample_of("GameRound")
async def a_game_round(world: World) -> Sample:
    token = (await rich_player(world))["accessToken"]
    spun = (await world.api.data(SPIN, {"stake": 10}, token=token))["slotSpin"]
    assert spun["__typename"] == "SlotSpinSuccess", spun
    history = "{ me { history(first: 1) { edges { node { id game stake payout } } } } }"
    node = (await world.api.data(history, token=token))["me"]["history"]["edges"][0]["node"]
    assert node["id"] == spun["roundId"]
    fields = {"game": "SLOTS", "stake": 10, "payout": node["payout"]}
    return Sample(spun["roundId"], token, fields, await stranger(world))


@sample_of("CrashRound")
async def a_crash_round(world: World) -> Sample:
    player = await rich_player(world)
    bet = """mutation B($input: CrashBetInput!) { crashBet(input: $input) { __typename
      ... on CrashBetPlaced { round { id userId stake } } } }"""
    answer = await world.api.data(bet, {"input": {"stake": 100}}, token=player["accessToken"])
    placed = answer["crashBet"]
    assert placed["__typename"] == "CrashBetPlaced", placed
    crash_round = placed["round"]
    assert crash_round["userId"] == player["user"]["id"]
    fields = {"userId": crash_round["userId"], "stake": 100}
    return Sample(crash_round["id"], player["accessToken"], fields, await stranger(world))


@sample_of("LedgerEntry")
async def a_ledger_entry(world: World) -> Sample:
    token = (await rich_player(world, 1_000))["accessToken"]
    ledger = "{ me { ledger(first: 1) { edges { node { id amount reason } } } } }"
    entry = (await world.api.data(ledger, token=token))["me"]["ledger"]["edges"][0]["node"]
    assert (entry["amount"], entry["reason"]) == (1_000, "ADMIN_ADJUSTMENT")  # the grant
    fields = {"amount": 1_000, "reason": "ADMIN_ADJUSTMENT"}
    return Sample(entry["id"], token, fields, await stranger(world))


@sample_of("InventoryItem")
async def an_inventory_item(world: World) -> Sample:
    token = (await rich_player(world))["accessToken"]
    pull = """mutation { gachaPull(input: {count: ONE}) { __typename
      ... on GachaPullSuccess { items { item { id } } } } }"""
    pulled = (await world.api.data(pull, token=token))["gachaPull"]
    assert pulled["__typename"] == "GachaPullSuccess", pulled
    inventory = "{ me { inventory(first: 1) { edges { node { id itemId quantity } } } } }"
    held = (await world.api.data(inventory, token=token))["me"]["inventory"]["edges"][0]["node"]
    assert held["itemId"] == pulled["items"][0]["item"]["id"]
    fields = {"itemId": held["itemId"], "quantity": held["quantity"]}
    return Sample(held["id"], token, fields, await stranger(world))


@sample_of("Purchase")
async def a_purchase(world: World) -> Sample:
    token = (await world.api.new_player())["accessToken"]
    buy = """mutation B($input: BuyProductInput!) { buyProduct(input: $input) { __typename
      ... on PurchaseSucceeded { purchase { id sku status } } } }"""
    values = {"sku": "starter", "paymentToken": "tok_ok", "idempotencyKey": uuid.uuid4().hex}
    bought = (await world.api.data(buy, {"input": values}, token=token))["buyProduct"]
    assert bought["__typename"] == "PurchaseSucceeded", bought
    purchase = bought["purchase"]
    fields = {"sku": "starter", "status": "SUCCEEDED"}
    assert {key: purchase[key] for key in fields} == fields
    return Sample(purchase["id"], token, fields, await stranger(world))


@sample_of("Notification")
async def a_notification(world: World) -> Sample:
    player = await world.api.new_player()
    send = """mutation N($input: SendNotificationInput!) { sendNotification(input: $input) {
      __typename } }"""
    note = {"userId": player["user"]["id"], "title": "Hi", "body": "There"}
    sent = await world.api.data(send, {"input": note}, token=world.admin_token)
    assert sent["sendNotification"]["__typename"] == "NotificationSent"
    listed = "{ me { notifications(first: 1) { edges { node { id title body } } } } }"
    seen = await world.api.data(listed, token=player["accessToken"])
    shown = seen["me"]["notifications"]["edges"][0]["node"]
    fields = {"title": "Hi", "body": "There"}
    assert {key: shown[key] for key in fields} == fields
    return Sample(shown["id"], player["accessToken"], fields, await stranger(world))


@sample_of("Mission")
async def a_mission(world: World) -> Sample:
    counting = Mission("node", "Node", MissionPeriod.DAILY, MissionEvent.SLOT_SPIN, 10**9, 100, 10)
    stored = await world.stack.enter_async_context(missions_in_play(world.app, counting))
    token = (await world.api.new_player())["accessToken"]
    listed = await world.api.data("{ missions { mission { id key } } }", token=token)
    wanted = node_id("Mission", stored["node"])
    [mission] = [m["mission"] for m in listed["missions"] if m["mission"]["id"] == wanted]
    return Sample(mission["id"], token, {"key": mission["key"]}, None)


@sample_of("Product")
async def a_product(world: World) -> Sample:
    token = (await world.api.new_player())["accessToken"]
    product = (await world.api.data("{ catalog { id sku name } }", token=token))["catalog"][0]
    return Sample(product["id"], token, {"sku": product["sku"], "name": product["name"]}, None)


SAVE_PACKAGE = """mutation S($input: SaveLimitedPackageInput!) { saveLimitedPackage(
  input: $input) { __typename ... on LimitedPackageSaved { package { id sku totalStock } } } }"""


async def saved_package(world: World) -> dict[str, Any]:
    """A limited package an operator just put on sale, as saveLimitedPackage answered."""
    values = package_input(world.clock)
    saved = await world.api.data(SAVE_PACKAGE, {"input": values}, token=world.admin_token)
    assert saved["saveLimitedPackage"]["__typename"] == "LimitedPackageSaved", saved
    package: dict[str, Any] = saved["saveLimitedPackage"]["package"]
    assert package["sku"] == values["sku"]
    return package


@sample_of("LimitedPackage")
async def a_limited_package(world: World) -> Sample:
    sku = (await saved_package(world))["sku"]
    token = (await world.api.new_player())["accessToken"]
    listed = await world.api.data("{ limitedPackages { id sku name } }", token=token)
    [package] = [p for p in listed["limitedPackages"] if p["sku"] == sku]
    return Sample(package["id"], token, {"sku": sku, "name": package["name"]}, None)


@sample_of("AdminLimitedPackage")
async def an_admin_limited_package(world: World) -> Sample:
    package = await saved_package(world)
    fields = {"sku": package["sku"], "totalStock": package["totalStock"]}
    return Sample(package["id"], world.admin_token, fields, await stranger(world))


@sample_of("AdminPromoCode")
async def an_admin_promo_code(world: World) -> Sample:
    save = """mutation S($input: SavePromoCodeInput!) { savePromoCode(input: $input) {
      __typename ... on PromoCodeSaved { promoCode { id code kind } } } }"""
    values = promo_input(world.clock)
    saved = await world.api.data(save, {"input": values}, token=world.admin_token)
    assert saved["savePromoCode"]["__typename"] == "PromoCodeSaved", saved
    promo = saved["savePromoCode"]["promoCode"]
    assert promo["code"] == values["code"].upper()
    fields = {"code": promo["code"], "kind": "PERCENT"}
    return Sample(promo["id"], world.admin_token, fields, await stranger(world))


@sample_of("AdminProduct")
async def an_admin_product(world: World) -> Sample:
    products = await world.api.data("{ adminProducts { id sku name } }", token=world.admin_token)
    product = products["adminProducts"][0]
    fields = {"sku": product["sku"], "name": product["name"]}
    return Sample(product["id"], world.admin_token, fields, await stranger(world))


@sample_of("AdminSession")
async def an_admin_session(world: World) -> Sample:
    """The player's own session, seen by an operator: the player is refused it too
    (a session as operators see it is theirs alone)."""
    player = await world.api.new_player()
    detail = """query D($id: ID!) { adminUser(id: $id) { sessions(first: 1) { id createdAt
      expiresAt } } }"""
    seen = await world.api.data(detail, {"id": player["user"]["id"]}, token=world.admin_token)
    [session] = seen["adminUser"]["sessions"]
    fields = {"createdAt": session["createdAt"], "expiresAt": session["expiresAt"]}
    return Sample(session["id"], world.admin_token, fields, player["accessToken"])


@sample_of("InviteCode")
async def an_invite_code(world: World) -> Sample:
    create = """mutation C($input: CreateInviteCodeInput!) { createInviteCode(input: $input) {
      __typename ... on InviteCodePayload { inviteCode { id code maxUses } } } }"""
    code = f"NODE-{uuid.uuid4().hex[:8].upper()}"
    variables = {"input": {"code": code, "maxUses": 3}}
    created = await world.api.data(create, variables, token=world.admin_token)
    assert created["createInviteCode"]["__typename"] == "InviteCodePayload", created
    invite = created["createInviteCode"]["inviteCode"]
    assert invite["code"] == code
    fields = {"code": code, "maxUses": 3}
    return Sample(invite["id"], world.admin_token, fields, await stranger(world))


@sample_of("AuditEntry")
async def an_audit_entry(world: World) -> Sample:
    """The entry an operator's change just wrote, newest in the log."""
    await an_invite_code(world)
    log = "{ auditLog(first: 1) { edges { node { id action target } } } }"
    seen = await world.api.data(log, token=world.admin_token)
    entry = seen["auditLog"]["edges"][0]["node"]
    fields = {"action": entry["action"], "target": entry["target"]}
    return Sample(entry["id"], world.admin_token, fields, await stranger(world))


@sample_of("Campaign")
async def a_campaign(world: World) -> Sample:
    schedule = """mutation S($input: ScheduleCampaignInput!) { scheduleCampaign(input: $input) {
      __typename ... on CampaignScheduled { campaign { id title status } } } }"""
    values = {
        "segment": "WHALE",
        "title": f"Node {uuid.uuid4().hex[:8]}",
        "body": "b",
        "sendAt": (world.clock.now() + timedelta(days=80)).isoformat(),
    }
    done = await world.api.data(schedule, {"input": values}, token=world.admin_token)
    assert done["scheduleCampaign"]["__typename"] == "CampaignScheduled", done
    campaign = done["scheduleCampaign"]["campaign"]
    fields = {"title": values["title"], "status": "SCHEDULED"}
    return Sample(campaign["id"], world.admin_token, fields, await stranger(world))


def node_query(typename: str, fields: Iterable[str]) -> str:
    return f"""query N($id: ID!) {{ node(id: $id) {{ __typename id
      ... on {typename} {{ {" ".join(fields)} }} }} }}"""


@pytest.mark.parametrize("typename", sorted(SAMPLES))
async def test_a_node_round_trips_to_whom_may_read_it_only(
    api: Api, app: Starlette, admin_token: str, clock: FrozenClock, typename: str
) -> None:
    """A normalized cache refetches any object it holds by its id alone: `node(id)` must
    answer the object the id came with, and `nodes` the same; to anyone not allowed it,
    the id must read like one that does not exist."""
    async with contextlib.AsyncExitStack() as stack:
        sample = await SAMPLES[typename](World(api, app, admin_token, clock, stack))
        expected = {"__typename": typename, "id": sample.id, **sample.fields}
        query = node_query(typename, sample.fields)
        found = (await api.data(query, {"id": sample.id}, token=sample.reader))["node"]
        assert found == expected
        many = f"""query N($ids: [ID!]!) {{ nodes(ids: $ids) {{ __typename id
          ... on {typename} {{ {" ".join(sample.fields)} }} }} }}"""
        listed = (await api.data(many, {"ids": [sample.id]}, token=sample.reader))["nodes"]
        assert listed == [expected]
        if sample.stranger is None:
            anonymous = (await api.data(query, {"id": sample.id}))["node"]
            assert anonymous == expected
        else:
            refused = await api.execute(query, {"id": sample.id}, token=sample.stranger)
            assert error_codes(refused) == ["BAD_USER_INPUT"], refused
            assert refused["data"] is None


def test_every_node_type_has_a_round_trip() -> None:
    """Issue 26 asks that every `node(id)` round-trips: a Node type added to the schema
    without a sample above fails here, not in a client's cache."""
    graphql_schema = schema._schema
    node = graphql_schema.get_type("Node")
    assert isinstance(node, GraphQLInterfaceType)
    implementations = {t.name for t in graphql_schema.get_possible_types(node)}
    missing = sorted(implementations - set(SAMPLES))
    assert implementations == set(SAMPLES), f"Node types without a sample_of(...): {missing}"
    assert implementations == {kind.value for kind in NodeKind}
