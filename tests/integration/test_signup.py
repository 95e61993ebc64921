"""Sign-up (SPEC §5.1): the happy path; every bad input gets its typed error, creates nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from starlette.applications import Starlette

from casino_club.clock import FrozenClock
from casino_club.persistence.models import InviteCode, LedgerEntry, User, Wallet
from casino_club.services import Services
from tests.support import ME, Api, row_id, unique_site_id


def services_of(app: Starlette) -> Services:
    services: Services = app.state.services
    return services


async def counts(app: Starlette) -> dict[str, int]:
    async with services_of(app).sessionmaker() as session:
        return {
            "users": int(await session.scalar(select(func.count()).select_from(User)) or 0),
            "wallets": int(await session.scalar(select(func.count()).select_from(Wallet)) or 0),
            "ledger": int(await session.scalar(select(func.count()).select_from(LedgerEntry)) or 0),
            "invite_uses": int(await session.scalar(select(func.sum(InviteCode.used_count))) or 0),
        }


async def test_signup_grants_bonus_through_the_ledger_and_me_works(
    api: Api, app: Starlette
) -> None:
    result = await api.signup(nickname="김철수", phone="+82 10-1234-5678")
    assert result["__typename"] == "AuthPayload"
    user = result["user"]
    assert (user["gold"], user["rank"], user["role"], user["level"]) == (
        1000,
        "STANDARD",
        "USER",
        1,
    )
    assert user["nickname"] == "김철수"
    me = (await api.data(ME, token=result["accessToken"]))["me"]
    assert me["siteId"] == user["siteId"] and me["gold"] == 1000 and me["xpToNextLevel"] == 500
    async with services_of(app).sessionmaker() as session:
        rows = (
            await session.execute(
                select(LedgerEntry.amount, LedgerEntry.reason, LedgerEntry.balance_after).where(
                    LedgerEntry.user_id == row_id(user["id"])
                )
            )
        ).all()
        stored = await session.scalar(
            select(User.password_hash).where(User.id == row_id(user["id"]))
        )
    assert [tuple(row) for row in rows] == [(1000, "SIGNUP_BONUS", 1000)]
    assert stored is not None and stored.startswith("$argon2id$")


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"password": "short7!"}, "password", "PASSWORD_TOO_SHORT"),
        ({"password": "x" * 129}, "password", "PASSWORD_TOO_LONG"),
        ({"site_id": "abc"}, "siteId", "INVALID_SITE_ID"),
        ({"site_id": "has space"}, "siteId", "INVALID_SITE_ID"),
        ({"site_id": "a" * 33}, "siteId", "INVALID_SITE_ID"),
        ({"site_id": "ünïcode"}, "siteId", "INVALID_SITE_ID"),
        ({"nickname": "x"}, "nickname", "INVALID_NICKNAME"),
        ({"nickname": "n" * 21}, "nickname", "INVALID_NICKNAME"),
        ({"nickname": "bad\u0007name"}, "nickname", "INVALID_NICKNAME"),
        ({"phone": "call me"}, "phone", "INVALID_PHONE"),
        ({"invite_code": "X" * 1000}, "inviteCode", "INVALID_INVITE_CODE"),
    ],
)
async def test_invalid_fields_are_reported_and_nothing_is_created(
    api: Api, app: Starlette, overrides: dict[str, Any], field: str, code: str
) -> None:
    before = await counts(app)
    result = await api.signup(**overrides)
    assert result["__typename"] == "ValidationFailed"
    assert {"field": field, "code": code} in [
        {"field": f["field"], "code": f["code"]} for f in result["fields"]
    ]
    assert await counts(app) == before


async def test_all_problems_are_reported_at_once(api: Api) -> None:
    result = await api.signup(site_id="x", nickname="y", password="z")
    assert result["__typename"] == "ValidationFailed"
    assert {f["field"] for f in result["fields"]} == {"siteId", "nickname", "password"}


async def test_duplicate_site_id_and_nickname_in_another_case(api: Api, app: Starlette) -> None:
    first = await api.new_player()
    site_id, nickname = first["user"]["siteId"], first["user"]["nickname"]
    before = await counts(app)
    same_site = await api.signup(site_id=site_id.upper())
    assert (same_site["__typename"], same_site["code"]) == ("SiteIdTaken", "SITE_ID_TAKEN")
    same_nick = await api.signup(nickname=nickname.upper())
    assert (same_nick["__typename"], same_nick["code"]) == ("NicknameTaken", "NICKNAME_TAKEN")
    assert await counts(app) == before


async def test_unknown_invite_code(api: Api, app: Starlette) -> None:
    before = await counts(app)
    result = await api.signup(invite_code="NOPE-0000")
    assert (result["__typename"], result["reason"]) == ("InviteCodeInvalid", "NOT_FOUND")
    assert await counts(app) == before


CREATE_INVITE = """
mutation Create($input: CreateInviteCodeInput!) {
  createInviteCode(input: $input) {
    __typename
    ... on InviteCodePayload { inviteCode { code maxUses usedCount remainingUses expiresAt } }
    ... on UserError { code message }
  }
}
"""


async def test_expired_invite_code(
    api: Api, app: Starlette, admin_token: str, clock: FrozenClock
) -> None:
    code = unique_site_id("EXP")
    expires = (clock.now() + timedelta(hours=1)).isoformat()
    created = await api.data(
        CREATE_INVITE, {"input": {"code": code, "expiresAt": expires}}, token=admin_token
    )
    assert created["createInviteCode"]["__typename"] == "InviteCodePayload"
    ok = await api.signup(invite_code=code)
    assert ok["__typename"] == "AuthPayload"
    clock.advance(timedelta(hours=1))
    before = await counts(app)
    result = await api.signup(invite_code=code)
    assert (result["__typename"], result["reason"]) == ("InviteCodeInvalid", "EXPIRED")
    assert await counts(app) == before


async def test_exhausted_invite_code(api: Api, app: Starlette, admin_token: str) -> None:
    code = unique_site_id("TWO")
    await api.data(CREATE_INVITE, {"input": {"code": code, "maxUses": 2}}, token=admin_token)
    for _ in range(2):
        assert (await api.signup(invite_code=code))["__typename"] == "AuthPayload"
    before = await counts(app)
    result = await api.signup(invite_code=code)
    assert (result["__typename"], result["reason"]) == ("InviteCodeInvalid", "EXHAUSTED")
    assert await counts(app) == before


async def test_rejected_signup_does_not_use_up_the_invite(
    api: Api, app: Starlette, admin_token: str
) -> None:
    code = unique_site_id("ONE")
    await api.data(CREATE_INVITE, {"input": {"code": code, "maxUses": 1}}, token=admin_token)
    taken = (await api.new_player())["user"]["siteId"]
    assert (await api.signup(site_id=taken, invite_code=code))["__typename"] == "SiteIdTaken"
    assert (await api.signup(invite_code=code))["__typename"] == "AuthPayload"
