"""Operators find players and look at one (SPEC §11), on both backends: search by a
siteId or nickname prefix, rank, role, ban; four orders paged by keyset; a player's
detail with the private lists of their profile and their sessions.

The database is shared by the tests of a backend, so each test names its players with a
prefix of its own and searches by it.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import update
from starlette.applications import Starlette

from casino_club.persistence.models import User
from casino_club.services import Services
from tests.support import Api, error_codes, grant_gold, node_id, row_id, spin

USERS = """query U($filter: AdminUserFilter, $order: UserOrder!, $first: Int!, $after: String) {
  adminUsers(filter: $filter, order: $order, first: $first, after: $after) {
    edges { cursor node { profile { id siteId nickname gold rank role }
      bannedAt banReason lifetimeSpendCents excludedUntil } }
    pageInfo { hasNextPage hasPreviousPage endCursor } } }"""
DETAIL = """query D($id: ID!) { adminUser(id: $id) {
  profile { id siteId gold
    ledger(first: 5) { edges { node { amount reason } } }
    history(first: 5) { edges { node { game stake } } }
    loginHistory(first: 5) { edges { node { success outcome } } }
    limits { dailyLossGold { amount } }
    purchases(first: 5) { edges { cursor } } }
  bannedAt banReason
  sessions(first: 10) { id live revokedAt revokeReason createdAt expiresAt } } }"""
BAN = """mutation B($input: SetUserBannedInput!) { setUserBanned(input: $input) { __typename } }"""


def prefix() -> str:
    return f"au{uuid.uuid4().hex[:8]}"


async def players(api: Api, start: str, count: int) -> list[dict[str, Any]]:
    made = []
    for index in range(count):
        signed = await api.signup(site_id=f"{start}_{index}", nickname=f"N{start}{index}")
        assert signed["__typename"] == "AuthPayload", signed
        made.append(signed)
    return made


async def listing(
    api: Api, admin: str, order: str, where: dict[str, Any], first: int = 2
) -> list[dict[str, Any]]:
    """Every page, following endCursor; checks each page's flags on the way."""
    found: list[dict[str, Any]] = []
    after = None
    while True:
        variables = {"filter": where, "order": order, "first": first, "after": after}
        page = (await api.data(USERS, variables, token=admin))["adminUsers"]
        assert page["pageInfo"]["hasPreviousPage"] is (after is not None)
        found.extend(edge["node"] for edge in page["edges"])
        if not page["pageInfo"]["hasNextPage"]:
            return found
        after = page["pageInfo"]["endCursor"]


def ids(nodes: list[dict[str, Any]]) -> list[int]:
    return [row_id(node["profile"]["id"]) for node in nodes]


async def test_search_by_prefix_rank_role_and_ban(api: Api, admin_token: str) -> None:
    start = prefix()
    made = await players(api, start, 4)
    made_ids = sorted(row_id(p["user"]["id"]) for p in made)
    # Case and width fold as sign-up compares identities.
    assert sorted(ids(await listing(api, admin_token, "NEWEST", {"search": start.upper()}))) == (
        made_ids
    )
    by_nickname = await listing(api, admin_token, "NEWEST", {"search": f"n{start}2"})
    assert ids(by_nickname) == [row_id(made[2]["user"]["id"])]
    # A wildcard is a character like any other: nothing is named with one.
    assert await listing(api, admin_token, "NEWEST", {"search": f"{start[:4]}%"}) == []
    assert await listing(api, admin_token, "NEWEST", {"search": f"{start}_%"}) == []
    assert await listing(api, admin_token, "NEWEST", {"search": "x" * 65}) == []

    target = made[1]["user"]["id"]
    rank = "mutation R($id: ID!) { setUserRank(input: {userId: $id, rank: VIP}) { __typename } }"
    await api.data(rank, {"id": target}, token=admin_token)
    ban = {"input": {"userId": made[3]["user"]["id"], "banned": True, "reason": "chargebacks"}}
    await api.data(BAN, ban, token=admin_token)
    vips = await listing(api, admin_token, "NEWEST", {"search": start, "rank": "VIP"})
    assert ids(vips) == [row_id(target)]
    banned = await listing(api, admin_token, "NEWEST", {"search": start, "banned": True})
    assert ids(banned) == [row_id(made[3]["user"]["id"])]
    assert banned[0]["banReason"] == "chargebacks" and banned[0]["bannedAt"]
    unbanned = await listing(api, admin_token, "OLDEST", {"search": start, "banned": False})
    assert ids(unbanned) == made_ids[:3]
    assert await listing(api, admin_token, "NEWEST", {"search": start, "role": "ADMIN"}) == []


async def test_every_order_pages_through_each_player_once(
    api: Api, admin_token: str, app: Starlette
) -> None:
    start = prefix()
    made = await players(api, start, 5)
    made_ids = [row_id(p["user"]["id"]) for p in made]
    # Ties on purpose: the id breaks them, and no page boundary loses or repeats a player.
    extra_gold = [500, 0, 500, 2_000, 0]
    spend = [0, 7_000, 7_000, 100, 0]
    for user_id, gold in zip(made_ids, extra_gold, strict=True):
        if gold:
            await grant_gold(app, node_id("Player", user_id), gold)
    services: Services = app.state.services
    async with services.unit_of_work() as uow:
        for user_id, cents in zip(made_ids, spend, strict=True):
            await uow.session.execute(
                update(User).where(User.id == user_id).values(lifetime_spend_cents=cents)
            )
        await uow.commit()
    where = {"search": start}
    for first in (1, 2, 5):
        newest = await listing(api, admin_token, "NEWEST", where, first)
        assert ids(newest) == sorted(made_ids, reverse=True)
        assert ids(await listing(api, admin_token, "OLDEST", where, first)) == sorted(made_ids)
        richest = await listing(api, admin_token, "RICHEST", where, first)
        by_gold = sorted(
            zip(made_ids, extra_gold, strict=True), key=lambda p: (p[1], p[0]), reverse=True
        )
        assert ids(richest) == [user_id for user_id, _ in by_gold]
        assert [node["profile"]["gold"] - 1_000 for node in richest] == [g for _, g in by_gold]
        spenders = await listing(api, admin_token, "TOP_SPENDERS", where, first)
        by_spend = sorted(zip(made_ids, spend, strict=True), key=lambda p: (p[1], p[0]))[::-1]
        assert [(row_id(n["profile"]["id"]), n["lifetimeSpendCents"]) for n in spenders] == by_spend


async def test_a_cursor_from_another_order_or_no_order_is_bad_input(
    api: Api, admin_token: str
) -> None:
    start = prefix()
    await players(api, start, 3)
    first_page = await api.data(
        USERS, {"filter": {"search": start}, "order": "NEWEST", "first": 1}, token=admin_token
    )
    cursor = first_page["adminUsers"]["pageInfo"]["endCursor"]
    for order, after in (("RICHEST", cursor), ("NEWEST", "bm90IGEgY3Vyc29y"), ("OLDEST", "")):
        variables = {"filter": {"search": start}, "order": order, "first": 1, "after": after}
        body = await api.execute(USERS, variables, token=admin_token)
        assert error_codes(body) == ["BAD_USER_INPUT"], body
    body = await api.execute(USERS, {"order": "NEWEST", "first": 101}, token=admin_token)
    assert error_codes(body) == ["BAD_USER_INPUT"]


async def test_a_players_detail_shows_their_private_lists_and_sessions(
    api: Api, admin_token: str
) -> None:
    signed = await api.new_player()
    user_id, site_id = signed["user"]["id"], signed["user"]["siteId"]
    assert (await spin(api, signed["accessToken"], 10))["__typename"] == "SlotSpinSuccess"
    await api.login(site_id, "wrong password")
    await api.login(site_id)
    detail = (await api.data(DETAIL, {"id": user_id}, token=admin_token))["adminUser"]
    profile = detail["profile"]
    assert (profile["id"], profile["siteId"]) == (user_id, site_id)
    assert profile["history"]["edges"][0]["node"] == {"game": "SLOTS", "stake": 10}
    reasons = [edge["node"]["reason"] for edge in profile["ledger"]["edges"]]
    assert "SLOT_BET" in reasons and "SIGNUP_BONUS" in reasons
    outcomes = [edge["node"]["outcome"] for edge in profile["loginHistory"]["edges"]]
    assert outcomes[:2] == ["SUCCESS", "BAD_PASSWORD"]
    assert profile["limits"] == {"dailyLossGold": {"amount": None}}
    assert profile["purchases"]["edges"] == []
    sessions = detail["sessions"]
    assert len(sessions) == 2 and all(s["live"] for s in sessions)  # sign-up and login
    assert sessions[0]["createdAt"] >= sessions[1]["createdAt"]

    ban = {"input": {"userId": user_id, "banned": True, "reason": "bots"}}
    await api.data(BAN, ban, token=admin_token)
    detail = (await api.data(DETAIL, {"id": user_id}, token=admin_token))["adminUser"]
    assert detail["banReason"] == "bots"
    assert [(s["live"], s["revokeReason"]) for s in detail["sessions"]] == [(False, "BANNED")] * 2


@pytest.mark.parametrize("raw", ["0", "-1", "abc", "99999999999999999999", "9223372036854775807"])
async def test_an_unknown_player_is_null(api: Api, admin_token: str, raw: str) -> None:
    assert (await api.data(DETAIL, {"id": raw}, token=admin_token))["adminUser"] is None
