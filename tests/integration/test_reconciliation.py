"""The books check (SPEC §11): a wallet moved around its ledger is found and reported,
by the job every instance runs and by `casino-club reconcile` (exit 1)."""

from __future__ import annotations

import logging
import subprocess

import pytest
from sqlalchemy import update
from starlette.applications import Starlette

from casino_club.domain.ledger import Mismatch
from casino_club.persistence.models import Wallet
from casino_club.resolvers.reconciliation import reconcile
from casino_club.services import Services
from tests.conftest import Backend
from tests.support import Api, row_id, run_command


async def plant(app: Starlette, user_id: int, delta: int) -> None:
    """Move gold by direct SQL, around the ledger, as a bad manual fix would."""
    services: Services = app.state.services
    async with services.unit_of_work() as uow:
        await uow.session.execute(
            update(Wallet).where(Wallet.user_id == user_id).values(gold=Wallet.gold + delta)
        )
        await uow.commit()


async def run_cli(backend: Backend) -> subprocess.CompletedProcess[str]:
    return await run_command(backend.environment(), "reconcile")


async def test_a_wallet_moved_around_its_ledger_is_found_and_reported(
    api: Api, app: Starlette, backend: Backend, caplog: pytest.LogCaptureFixture
) -> None:
    services: Services = app.state.services
    user_id = row_id((await api.new_player())["user"]["id"])
    assert await reconcile(services) == []
    assert (await run_cli(backend)).returncode == 0
    await plant(app, user_id, 7)
    try:
        with caplog.at_level(logging.ERROR, logger="casino_club.resolvers.reconciliation"):
            found = await reconcile(services)
        assert found == [Mismatch(user_id, 1_007, 1_000)]
        assert [r.getMessage() for r in caplog.records] == ["wallet does not match its ledger"]
        cli = await run_cli(backend)
        assert cli.returncode == 1
        assert f"user {user_id}: wallet 1007, ledger 1000" in cli.stdout
    finally:
        await plant(app, user_id, -7)  # the books must balance for the tests after this
    assert await reconcile(services) == []
