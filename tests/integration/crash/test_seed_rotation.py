"""Rotating the server seed (SPEC §6.1) never reveals a seed that decided a round still
in play, and never fails because a bet raced it."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import select
from starlette.applications import Starlette

from casino_club.persistence.models import CrashRound, FairnessSeed
from casino_club.services import Services
from tests.integration.crash.test_rounds import cash_out, place
from tests.support import FAIRNESS, Api, books_balance, rotate_seed, row_id, spin

VERIFY_CRASH = """query V($seed: String!, $client: String!, $nonce: Int!) {
  verifyRound(game: CRASH, serverSeed: $seed, clientSeed: $client, nonce: $nonce) {
    crashPoint } }"""


async def test_an_open_crash_round_keeps_its_seed_secret(api: Api, app: Starlette) -> None:
    token = (await api.new_player())["accessToken"]
    committed = (await api.data(FAIRNESS, token=token))["me"]["fairness"]
    placed = await place(api, token, stake=100)
    assert placed["__typename"] == "CrashBetPlaced"
    round_id = placed["round"]["id"]

    refused = await rotate_seed(api, token)
    assert refused["__typename"] == "SeedInUse"
    assert (refused["code"], refused["game"], refused["roundId"]) == (
        "SEED_IN_USE",
        "CRASH",
        round_id,
    )
    assert str(row_id(round_id)) in refused["message"]
    after = (await api.data(FAIRNESS, token=token))["me"]["fairness"]
    assert after["serverSeedHash"] == committed["serverSeedHash"]
    services: Services = app.state.services
    async with services.sessionmaker() as session:
        seed = await session.scalar(
            select(FairnessSeed).where(FairnessSeed.server_seed_hash == after["serverSeedHash"])
        )
    assert seed is not None and seed.active and seed.revealed_at is None

    ended = await cash_out(api, token, round_id)
    rotated = await rotate_seed(api, token, client_seed="fresh client seed")
    assert rotated["__typename"] == "ServerSeedRotated"
    assert rotated["revealed"]["serverSeedHash"] == committed["serverSeedHash"]
    assert rotated["fairness"]["clientSeed"] == "fresh client seed"
    verified = await api.data(
        VERIFY_CRASH,
        {
            "seed": rotated["revealed"]["serverSeed"],
            "client": committed["clientSeed"],
            "nonce": placed["round"]["fairness"]["nonce"],
        },
    )
    crash_point = ended.get("crashPoint") or ended["round"]["crashPoint"]
    assert verified["verifyRound"]["crashPoint"] == crash_point


async def test_bets_racing_rotations_never_reveal_a_running_rounds_seed(
    api: Api, app: Starlette
) -> None:
    """Crash bets, spins and rotations of the same players, all at once: every request
    answers (no internal error), and no open round's seed is revealed."""
    tokens = [(await api.new_player())["accessToken"] for _ in range(4)]

    async def player_burst(token: str) -> list[dict[str, Any]]:
        actions = [
            place(api, token, stake=10),
            *(rotate_seed(api, token) for _ in range(3)),
            *(spin(api, token, 10) for _ in range(4)),
        ]
        return list(await asyncio.gather(*actions))

    outcomes = [r for batch in await asyncio.gather(*map(player_burst, tokens)) for r in batch]
    kinds = {r["__typename"] for r in outcomes}
    assert kinds <= {"CrashBetPlaced", "SeedInUse", "ServerSeedRotated", "SlotSpinSuccess"}
    assert "SlotSpinSuccess" in kinds and "CrashBetPlaced" in kinds

    services: Services = app.state.services
    async with services.sessionmaker() as session:
        leaked = (
            await session.execute(
                select(CrashRound.id)
                .join(FairnessSeed, FairnessSeed.id == CrashRound.seed_id)
                .where(CrashRound.status == "OPEN", FairnessSeed.revealed_at.is_not(None))
            )
        ).all()
    assert leaked == []
    await books_balance(app)
