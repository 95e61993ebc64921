"""A database that does not answer in time gives SERVICE_UNAVAILABLE (SPEC §13), not a
hang and not an internal error; nothing changes."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from casino_club.clock import FrozenClock
from tests.conftest import Backend, api_for, running_app
from tests.support import FAIRNESS, error_codes, row_id, spin


# PostgreSQL only: the statement timeout is PostgreSQL's (SQLite waits on its single
# writer with a busy timeout of its own).
@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
async def test_a_statement_past_the_timeout_is_service_unavailable(
    backend: Backend, clock: FrozenClock
) -> None:
    settings = backend.settings(database_timeout_seconds=0.5)
    async with running_app(settings, clock) as app, api_for(app) as api:
        player = await api.new_player()
        token, user_id = player["accessToken"], row_id(player["user"]["id"])
        dsn = make_url(backend.database_url).set(drivername="postgresql")
        holder = await asyncpg.connect(dsn.render_as_string(hide_password=False))
        try:
            # Another transaction holds the player's seed row, which every bet locks first.
            lock = holder.transaction()
            await lock.start()
            await holder.execute(
                "SELECT id FROM fairness_seeds WHERE user_id = $1 AND active FOR UPDATE", user_id
            )
            async with asyncio.timeout(20):
                body = await api.execute(
                    "mutation { slotSpin(input: {stake: 10}) { __typename } }", token=token
                )
            await lock.rollback()
        finally:
            await holder.close()
        assert error_codes(body) == ["SERVICE_UNAVAILABLE"], body
        assert "requestId" in body["errors"][0]["extensions"]
        me = (await api.data(FAIRNESS, token=token))["me"]
        assert (me["gold"], me["fairness"]["nonce"]) == (1000, 0)
        assert (await spin(api, token, 10))["__typename"] == "SlotSpinSuccess"
