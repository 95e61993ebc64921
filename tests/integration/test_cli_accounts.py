"""`casino-club create-admin` and `casino-club promote` (SPEC §11) as an operator runs
them: real processes against the test database; the password only ever from stdin."""

from __future__ import annotations

import subprocess
import uuid

from sqlalchemy import select
from starlette.applications import Starlette

from casino_club.persistence.models import AuditLog
from casino_club.services import Services
from tests.conftest import Backend
from tests.support import PASSWORD, Api, error_codes, row_id, run_command

ADMIN_ONLY = "{ adminProducts { sku } }"


async def run(backend: Backend, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return await run_command(backend.environment(), *args, stdin=stdin)


async def test_create_admin_reads_the_password_from_stdin(api: Api, backend: Backend) -> None:
    site_id = f"op_{uuid.uuid4().hex[:8]}"
    made = await run(
        backend, "create-admin", "--site-id", site_id, "--nickname", site_id, stdin=f"{PASSWORD}\n"
    )
    assert made.returncode == 0, made.stderr
    token = (await api.login(site_id))["accessToken"]
    assert "adminProducts" in (await api.data(ADMIN_ONLY, token=token))
    again = await run(
        backend, "create-admin", "--site-id", site_id, "--nickname", site_id, stdin=f"{PASSWORD}\n"
    )
    assert again.returncode == 1
    refused = await run(
        backend, "create-admin", "--site-id", "x", "--nickname", "x", "--password", "y"
    )
    assert refused.returncode == 2 and "No such option" in refused.stderr


async def test_promote_makes_a_player_an_operator_audited(
    api: Api, app: Starlette, backend: Backend
) -> None:
    player = await api.new_player()
    site_id = player["user"]["siteId"]
    assert error_codes(await api.execute(ADMIN_ONLY, token=player["accessToken"])) == ["FORBIDDEN"]
    done = await run(backend, "promote", "--site-id", site_id)
    assert done.returncode == 0, done.stderr
    token = (await api.login(site_id, PASSWORD))["accessToken"]
    assert "adminProducts" in (await api.data(ADMIN_ONLY, token=token))
    services: Services = app.state.services
    async with services.sessionmaker() as session:
        actions = list(
            await session.scalars(
                select(AuditLog.action).where(
                    AuditLog.target == f"user:{row_id(player['user']['id'])}"
                )
            )
        )
    assert actions == ["USER_PROMOTE"]
    assert (await run(backend, "promote", "--site-id", "nobody_here")).returncode == 1
