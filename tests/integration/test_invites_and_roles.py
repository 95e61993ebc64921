"""Invite codes (SPEC §5.3) and role checks (SPEC §5.2)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from casino_club.clock import FrozenClock
from tests.support import Api, error_codes, row_id, unique_site_id

VALIDATE = (
    "query V($c: String!) { validateInviteCode(code: $c) { valid reason remainingUses expiresAt } }"
)
CREATE = """
mutation C($input: CreateInviteCodeInput!) {
  createInviteCode(input: $input) {
    __typename
    ... on InviteCodePayload { inviteCode { code maxUses usedCount remainingUses disabled } }
    ... on UserError { code }
  }
}
"""
DISABLE = """
mutation D($input: DisableInviteCodeInput!) {
  disableInviteCode(input: $input) {
    __typename ... on InviteCodePayload { inviteCode { disabled } } ... on UserError { code }
  }
}
"""


async def test_validate_invite_code_without_authentication(api: Api) -> None:
    default = (await api.data(VALIDATE, {"c": "5858"}))["validateInviteCode"]
    assert default == {"valid": True, "reason": None, "remainingUses": None, "expiresAt": None}
    missing = (await api.data(VALIDATE, {"c": "missing"}))["validateInviteCode"]
    assert (missing["valid"], missing["reason"]) == (False, "NOT_FOUND")


async def test_admin_creates_limited_code_and_uses_are_counted(api: Api, admin_token: str) -> None:
    code = unique_site_id("LIM")
    created = await api.data(CREATE, {"input": {"code": code, "maxUses": 3}}, token=admin_token)
    assert created["createInviteCode"]["inviteCode"] == {
        "code": code,
        "maxUses": 3,
        "usedCount": 0,
        "remainingUses": 3,
        "disabled": False,
    }
    await api.new_player()  # with 5858: does not touch this code
    assert (await api.signup(invite_code=code))["__typename"] == "AuthPayload"
    state = (await api.data(VALIDATE, {"c": code}))["validateInviteCode"]
    assert (state["valid"], state["remainingUses"]) == (True, 2)
    duplicate = await api.data(CREATE, {"input": {"code": code}}, token=admin_token)
    assert duplicate["createInviteCode"]["__typename"] == "InviteCodeTaken"


async def test_generated_code_and_expiry(api: Api, admin_token: str, clock: FrozenClock) -> None:
    expires = (clock.now() + timedelta(days=1)).isoformat()
    created = await api.data(CREATE, {"input": {"expiresAt": expires}}, token=admin_token)
    code = created["createInviteCode"]["inviteCode"]["code"]
    assert len(code) == 8
    assert (await api.data(VALIDATE, {"c": code}))["validateInviteCode"]["valid"] is True
    clock.advance(timedelta(days=1))
    state = (await api.data(VALIDATE, {"c": code}))["validateInviteCode"]
    assert (state["valid"], state["reason"]) == (False, "EXPIRED")


@pytest.mark.parametrize(
    "bad_input",
    [{"code": "a b"}, {"code": "abc"}, {"maxUses": 0}, {"expiresAt": "2000-01-01T00:00:00+00:00"}],
)
async def test_invalid_invite_code_input(
    api: Api, admin_token: str, bad_input: dict[str, object]
) -> None:
    result = await api.data(CREATE, {"input": bad_input}, token=admin_token)
    assert result["createInviteCode"]["__typename"] == "ValidationFailed"


async def test_disabled_code_stops_working(api: Api, admin_token: str) -> None:
    code = unique_site_id("DIS")
    await api.data(CREATE, {"input": {"code": code}}, token=admin_token)
    disabled = await api.data(DISABLE, {"input": {"code": code}}, token=admin_token)
    assert disabled["disableInviteCode"]["inviteCode"]["disabled"] is True
    assert (await api.signup(invite_code=code))["reason"] == "NOT_FOUND"
    unknown = await api.data(DISABLE, {"input": {"code": "nope-nope"}}, token=admin_token)
    assert unknown["disableInviteCode"]["__typename"] == "InviteCodeNotFound"


async def test_admin_operations_refuse_players_and_strangers(api: Api) -> None:
    player = await api.new_player()
    variables = {"input": {"code": unique_site_id("X")}}
    assert error_codes(await api.execute(CREATE, variables, token=player["accessToken"])) == [
        "FORBIDDEN"
    ]
    assert error_codes(await api.execute(CREATE, variables)) == ["UNAUTHENTICATED"]
    listing = "{ inviteCodes(first: 5) { edges { node { code } } } }"
    assert error_codes(await api.execute(listing, token=player["accessToken"])) == ["FORBIDDEN"]
    rank = 'mutation { setUserRank(input: {userId: "1", rank: VIP}) { __typename } }'
    assert error_codes(await api.execute(rank, token=player["accessToken"])) == ["FORBIDDEN"]
    assert error_codes(await api.execute("{ me { id } }")) == ["UNAUTHENTICATED"]


async def test_invite_codes_page_by_cursor(api: Api, admin_token: str) -> None:
    for _ in range(3):
        await api.data(CREATE, {"input": {}}, token=admin_token)
    query = """query P($after: String) { inviteCodes(first: 2, after: $after) {
        edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }"""
    first = (await api.data(query, token=admin_token))["inviteCodes"]
    assert first["pageInfo"]["hasNextPage"] is True
    second = await api.data(query, {"after": first["pageInfo"]["endCursor"]}, token=admin_token)
    first_ids = [row_id(e["node"]["id"]) for e in first["edges"]]
    second_ids = [row_id(e["node"]["id"]) for e in second["inviteCodes"]["edges"]]
    assert first_ids == sorted(first_ids, reverse=True)
    assert max(second_ids) < min(first_ids)
    bad = await api.execute(query, {"after": "not-a-cursor"}, token=admin_token)
    assert error_codes(bad) == ["BAD_USER_INPUT"]


async def test_admin_sets_rank_and_public_view_shows_it(api: Api, admin_token: str) -> None:
    player = await api.new_player()
    user_id = player["user"]["id"]
    mutation = """mutation R($input: SetUserRankInput!) { setUserRank(input: $input) {
        __typename ... on UserUpdated { user { rank } } } }"""
    result = await api.data(
        mutation, {"input": {"userId": user_id, "rank": "VIP"}}, token=admin_token
    )
    assert result["setUserRank"]["user"]["rank"] == "VIP"
    other = await api.new_player()
    public = await api.data(
        "query U($id: ID!) { user(id: $id) { id nickname rank level joinedAt } }",
        {"id": user_id},
        token=other["accessToken"],
    )
    assert public["user"]["rank"] == "VIP"
    assert set(public["user"]) == {"id", "nickname", "rank", "level", "joinedAt"}
    missing = await api.data(
        mutation, {"input": {"userId": "999999999", "rank": "VIP"}}, token=admin_token
    )
    assert missing["setUserRank"]["__typename"] == "UserNotFound"


async def test_public_view_does_not_expose_private_fields(api: Api) -> None:
    """Another player's private field answers FORBIDDEN, never the data; its owner reads
    it through the same id."""
    player, other = await api.new_player(), await api.new_player()
    query = "query U($id: ID!) { user(id: $id) { id nickname gold } }"
    body = await api.execute(query, {"id": player["user"]["id"]}, token=other["accessToken"])
    assert error_codes(body) == ["FORBIDDEN"]
    assert body["data"]["user"] is None
    own = await api.data(query, {"id": player["user"]["id"]}, token=player["accessToken"])
    assert own["user"]["gold"] == player["user"]["gold"]
