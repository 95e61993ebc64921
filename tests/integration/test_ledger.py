"""Money is sacred (SPEC §2.1): wallets always equal the sum of their ledger, even under races."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter

from sqlalchemy import func, select
from starlette.applications import Starlette

from casino_club.persistence.models import InviteCode, LedgerEntry, User, Wallet
from casino_club.persistence.wallet import ledger_mismatches
from casino_club.services import Services
from tests.support import Api, unique_site_id


async def assert_books_balance(app: Starlette) -> None:
    services: Services = app.state.services
    async with services.sessionmaker() as session:
        assert await ledger_mismatches(session) == []
        wallets = await session.scalar(select(func.coalesce(func.sum(Wallet.gold), 0)))
        ledger = await session.scalar(select(func.coalesce(func.sum(LedgerEntry.amount), 0)))
        users = await session.scalar(select(func.count()).select_from(User))
        opened = await session.scalar(select(func.count()).select_from(Wallet))
    assert wallets == ledger
    assert users == opened  # every account has exactly one wallet


async def test_wallet_equals_ledger_after_signups(api: Api, app: Starlette) -> None:
    for _ in range(5):
        await api.new_player()
    await assert_books_balance(app)


async def test_concurrent_signups_for_a_limited_invite_never_overuse_it(
    api: Api, app: Starlette, admin_token: str
) -> None:
    code = unique_site_id("RACE")
    await api.data(
        "mutation C($c: String!) "
        "{ createInviteCode(input: {code: $c, maxUses: 10}) { __typename } }",
        {"c": code},
        token=admin_token,
    )
    results = await asyncio.gather(*(api.signup(invite_code=code) for _ in range(30)))
    outcomes = Counter(result["__typename"] for result in results)
    assert outcomes == {"AuthPayload": 10, "InviteCodeInvalid": 20}
    assert {r["reason"] for r in results if r["__typename"] == "InviteCodeInvalid"} == {"EXHAUSTED"}
    services: Services = app.state.services
    async with services.sessionmaker() as session:
        used = await session.scalar(select(InviteCode.used_count).where(InviteCode.code == code))
    assert used == 10
    await assert_books_balance(app)


async def test_concurrent_signups_with_one_nickname_create_one_account(
    api: Api, app: Starlette
) -> None:
    nickname = f"n{uuid.uuid4().hex[:8]}"
    results = await asyncio.gather(
        *(api.signup(nickname=nickname.upper() if i % 2 else nickname) for i in range(20))
    )
    outcomes = Counter(result["__typename"] for result in results)
    assert outcomes == {"AuthPayload": 1, "NicknameTaken": 19}
    await assert_books_balance(app)
