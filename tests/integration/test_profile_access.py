"""Private fields of a player resolve from their owner, never from whoever asks
(SPEC §5.4, §13): every field of `Player`, from every place a full profile is returned."""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request

from casino_club.context import Context
from casino_club.dataloaders import Loaders
from casino_club.services import Services
from tests.support import PASSWORD, Api, error_codes, grant_gold, row_id

PROFILE = """
  id siteId nickname rank role gold goldDebt level xp xpToNextLevel dailyStreak createdAt joinedAt
  lastLoginAt
  fairness { serverSeedHash clientSeed nonce }
  revealedSeeds(first: 5) { serverSeedHash }
  gacha { pityCounter pullsToday countsByRarity { rarity count } }
  inventory(first: 5) { edges { node { itemId kind quantity } } }
  ledger(first: 5) { edges { node { amount reason } } }
  history(first: 5) { edges { node { game stake payout } } }
  loginHistory(first: 5) { edges { node { outcome ip } } }
  attendance(year: 2026, month: 11) { days { day streak } }
  stats { total { plays staked } games { game plays } gachaByRarity { rarity count } }
  purchases(first: 5) { edges { node { id status } } }
  notifications(first: 5) { edges { node { id title } } } unreadNotifications
  limits { dailyPurchaseCents { amount } monthlyPurchaseCents { amount }
    dailyLossGold { amount } excludedUntil }
  activity { counts { screenViews playSeconds } lastSeenAt lastPlayAt lastPurchaseAt }
  recommendations { id rule }
"""
SIGNUP = f"""mutation S($input: SignupInput!) {{ signup(input: $input) {{
  __typename ... on AuthPayload {{ refreshToken user {{ {PROFILE} }} }} }} }}"""
LOGIN = f"""mutation L($input: LoginInput!) {{ login(input: $input) {{
  __typename ... on AuthPayload {{ accessToken user {{ {PROFILE} }} }} }} }}"""
REFRESH = f"""mutation R($input: RefreshTokensInput!) {{ refreshTokens(input: $input) {{
  __typename ... on AuthPayload {{ user {{ {PROFILE} }} }} }} }}"""
ME = f"{{ me {{ {PROFILE} }} }}"
SET_RANK = f"""mutation A($input: SetUserRankInput!) {{ setUserRank(input: $input) {{
  __typename ... on UserUpdated {{ user {{ {PROFILE} }} }} }} }}"""
ADMIN_USER = f"""query D($id: ID!) {{ adminUser(id: $id) {{ profile {{ {PROFILE} }} }} }}"""
# One user (the search names one): 20 full profiles would exceed QUERY_MAX_COST.
ADMIN_USERS = f"""query U($search: String!) {{ adminUsers(filter: {{search: $search}}, first: 1) {{
  edges {{ node {{ profile {{ {PROFILE} }} }} }} }} }}"""
PULL = """mutation { gachaPull(input: {count: ONE, payWith: GOLD}) { __typename } }"""
PROFILE_TYPE = '{ __type(name: "Player") { fields(includeDeprecated: true) { name } } }'


def selected_fields() -> set[str]:
    """The top-level field names PROFILE selects."""
    depth, names, word = 0, set(), ""
    for char in PROFILE + " ":
        if char.isalnum() or char == "_":
            word += char
            continue
        if word and depth == 0:
            names.add(word)
        word = ""
        depth += {"{": 1, "}": -1, "(": 1, ")": -1}.get(char, 0)
    return names


async def test_the_selection_covers_every_field_of_player(api: Api) -> None:
    fields = (await api.data(PROFILE_TYPE))["__type"]["fields"]
    assert selected_fields() == {field["name"] for field in fields}


def assert_profile_of(profile: dict[str, Any], user_id: str, pulls_today: int) -> None:
    assert profile["id"] == user_id
    assert profile["gacha"]["pullsToday"] == pulls_today
    assert profile["fairness"]["serverSeedHash"]
    assert any(e["node"]["reason"] == "SIGNUP_BONUS" for e in profile["ledger"]["edges"])


async def test_every_profile_answers_every_field_for_its_owner(
    api: Api, app: Starlette, admin_token: str
) -> None:
    signed = (
        await api.data(
            SIGNUP,
            {
                "input": {
                    "siteId": "profile_owner_1",
                    "nickname": "owner one",
                    "password": PASSWORD,
                    "inviteCode": "5858",
                }
            },
        )
    )["signup"]
    assert signed["__typename"] == "AuthPayload"
    user_id = signed["user"]["id"]
    assert_profile_of(signed["user"], user_id, 0)

    await grant_gold(app, user_id, 10_000)
    logged = (
        await api.data(LOGIN, {"input": {"siteId": "profile_owner_1", "password": PASSWORD}})
    )["login"]
    token = logged["accessToken"]
    assert (await api.data(PULL, token=token))["gachaPull"]["__typename"] == "GachaPullSuccess"
    assert_profile_of(logged["user"], user_id, 0)  # read before the pull

    assert_profile_of((await api.data(ME, token=token))["me"], user_id, 1)
    refreshed = (await api.data(REFRESH, {"input": {"refreshToken": signed["refreshToken"]}}))[
        "refreshTokens"
    ]
    assert_profile_of(refreshed["user"], user_id, 1)

    # An operator reading the player's profile sees the player's data, not their own.
    ranked = (
        await api.data(
            SET_RANK, {"input": {"userId": user_id, "rank": "PREMIUM"}}, token=admin_token
        )
    )["setUserRank"]
    assert ranked["__typename"] == "UserUpdated"
    assert_profile_of(ranked["user"], user_id, 1)
    assert ranked["user"]["loginHistory"]["edges"][0]["node"]["outcome"] == "SUCCESS"
    detail = (await api.data(ADMIN_USER, {"id": user_id}, token=admin_token))["adminUser"]
    assert_profile_of(detail["profile"], user_id, 1)
    found = (await api.data(ADMIN_USERS, {"search": "profile_owner_1"}, token=admin_token))[
        "adminUsers"
    ]["edges"]
    assert [edge["node"]["profile"]["id"] for edge in found] == [user_id]
    assert_profile_of(found[0]["node"]["profile"], user_id, 1)
    admin_me = (await api.data(ME, token=admin_token))["me"]
    assert admin_me["id"] != user_id
    assert admin_me["gacha"]["pullsToday"] == 0


async def test_private_fields_need_a_caller(api: Api) -> None:
    assert error_codes(await api.execute(ME)) == ["UNAUTHENTICATED"]


async def test_only_the_owner_or_an_operator_may_read_private_data(
    api: Api, app: Starlette, admin_token: str
) -> None:
    """The decision behind IsOwnerOrAdmin, on real request contexts."""
    services: Services = app.state.services
    owner, other = await api.new_player(), await api.new_player()

    def context_of(token: str) -> Context:
        scope = {
            "type": "http",
            "method": "POST",
            "path": "/graphql",
            "query_string": b"",
            "headers": [(b"authorization", f"Bearer {token}".encode())],
            "client": ("203.0.113.7", 4711),
        }
        return Context(
            services=services,
            request=Request(scope),
            response=None,
            token=token,
            loaders=Loaders.create(services),
        )

    owner_id, other_id = row_id(owner["user"]["id"]), row_id(other["user"]["id"])
    assert await context_of(owner["accessToken"]).may_read_private(owner_id)
    assert not await context_of(owner["accessToken"]).may_read_private(other_id)
    assert await context_of(admin_token).may_read_private(other_id)
    proven = context_of(other["accessToken"])
    proven.prove_owner(owner_id)  # as login does for the profile it returns
    assert await proven.may_read_private(owner_id)
