"""Committed events outlive a Redis outage (SPEC §10, §13): what could not be published
is kept in the database, and the relay publishes it, in order, once Redis is back."""

from __future__ import annotations

import asyncio
import itertools
import subprocess
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from casino_club.domain import crash
from casino_club.live.events import user_channel
from casino_club.persistence.models import UndeliveredEvents
from casino_club.services import Services
from tests.conftest import Backend, api_for, running_app, start_redis
from tests.integration.crash.test_rounds import cash_out, open_round
from tests.integration.test_event_bus import TIMEOUT, all_within
from tests.support import SPIN, ahead_of_the_wall_clock, node_id, row_id


async def waiting(services: Services) -> dict[str, int]:
    """Undelivered events per channel."""
    async with services.sessionmaker() as session:
        rows = await session.execute(
            select(UndeliveredEvents.channel, func.count()).group_by(UndeliveredEvents.channel)
        )
    return {channel: count for channel, count in rows.all()}


def chained(events: list[dict[str, Any]], gold: int) -> None:
    """Balance events tell one story ending at `gold`: each is the last plus its delta."""
    balances = [e for e in events if e["kind"] == "balance"]
    for before, after in itertools.pairwise(balances):
        assert after["gold"] == before["gold"] + after["delta"], (before, after)
    assert balances[-1]["gold"] == gold


async def test_events_of_a_commit_made_while_redis_is_down_are_delivered_in_order(
    backend: Backend, private_redis: tuple[int, list[subprocess.Popen[bytes]]]
) -> None:
    port, processes = private_redis
    url = f"redis://127.0.0.1:{port}/0"
    settings = backend.settings(
        redis_url=url,
        redis_cluster=False,  # a Redis of the test's own, to stop
        broadcast_url=url,
        game_rate_limit_per_second=1_000,
        event_relay_interval_seconds=60,  # the test relays when it wants
    )
    clock = ahead_of_the_wall_clock()
    async with running_app(settings, clock) as application, api_for(application) as api:
        services: Services = application.state.services
        token = (await api.new_player())["accessToken"]
        user_id = row_id((await api.data("{ me { id } }", token=token))["me"]["id"])
        channel = user_channel(user_id)
        async with services.events.subscribe(channel) as stream:
            row = await open_round(api, services, clock, token, at_least=150)
            before = await all_within(stream, 0.3)
            assert before, "the bets were published"

            processes[0].kill()
            processes[0].wait()
            clock.advance(timedelta(milliseconds=crash.reach_ms(row.crash_point) // 2))
            won = await cash_out(api, token, node_id("CrashRound", row.id))
            assert won["__typename"] == "CrashCashedOut"
            assert (await waiting(services)).get(channel) == 1
            assert await all_within(stream, 0.3) == []

            processes.append(start_redis(port))
            for _ in range(TIMEOUT * 20):  # until the bus has reconnected
                if services.events.healthy:
                    break
                await asyncio.sleep(0.05)
            assert services.events.healthy
            # Redis is back, but the cash-out's events still wait: the spin's queue
            # behind them rather than overtake them.
            spin = await api.data(SPIN, {"input": {"stake": 10}}, token=token)
            assert spin["slotSpin"]["__typename"] == "SlotSpinSuccess"
            assert (await waiting(services)).get(channel) == 2
            assert await all_within(stream, 0.3) == []

            assert await services.outbox.relay() >= 2
            assert await waiting(services) == {}
            relayed = await all_within(stream, 0.5)
            kinds = [(e["kind"], e.get("type")) for e in relayed]
            settled = kinds.index(("game", "CRASH_SETTLED"))
            spun = kinds.index(("game", "SLOT_SPIN"))
            assert settled < spun
            gold = (await api.data("{ me { gold } }", token=token))["me"]["gold"]
            chained(before + relayed, gold)

            # Nothing waits any more: the next events go straight out.
            await api.data(SPIN, {"input": {"stake": 10}}, token=token)
            assert await waiting(services) == {}
            assert ("game", "SLOT_SPIN") in [
                (e["kind"], e.get("type")) for e in await all_within(stream, 0.5)
            ]
