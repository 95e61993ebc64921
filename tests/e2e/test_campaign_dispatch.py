"""Campaign dispatch with real server processes on PostgreSQL: two instances racing on
one due campaign (both send, from their own logs), and an instance killed with SIGKILL
in the middle of one and restarted. Either way every player of the segment is sent the
notification and credited the reward exactly once, and every wallet still equals its
ledger.

The players are inserted straight into the database (hundreds, in a few statements),
in a segment of their own making; the campaign is scheduled through the API.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import time
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from sqlalchemy.engine import make_url

from tests.conftest import ADMIN_PASSWORD, Backend
from tests.e2e.conftest import start_server
from tests.e2e.test_http_and_websocket import TIMEOUT
from tests.support import LOGIN, row_id

pytestmark = pytest.mark.e2e

SEGMENT = "VIP"
REWARD = 40
SEND_TIMEOUT_SECONDS = 90
SCHEDULE = """mutation S($input: ScheduleCampaignInput!) { scheduleCampaign(input: $input) {
  __typename ... on CampaignScheduled { campaign { id } } } }"""


@contextlib.asynccontextmanager
async def database(backend: Backend) -> AsyncIterator[asyncpg.Connection]:
    dsn = make_url(backend.database_url).set(drivername="postgresql")
    connection = await asyncpg.connect(dsn.render_as_string(hide_password=False), timeout=5)
    try:
        yield connection
    finally:
        await connection.close()


async def insert_players(connection: asyncpg.Connection, count: int) -> list[int]:
    """`count` players with empty wallets, in SEGMENT, as a segmentation run leaves them."""
    tag = uuid.uuid4().hex[:8]
    async with connection.transaction():
        ids: list[int] = [
            row["id"]
            for row in await connection.fetch(
                """INSERT INTO users (site_id, site_id_key, nickname, nickname_key,
                     password_hash, role, rank, xp, daily_streak, lifetime_spend_cents,
                     created_at)
                   SELECT 'cd' || $1 || g, 'cd' || $1 || g, 'cd' || $1 || g, 'cd' || $1 || g,
                     '-', 'USER', 'VIP', 0, 0, 0, now() - interval '3 days'
                   FROM generate_series(1, $2) AS g
                   RETURNING id""",
                tag,
                count,
            )
        ]
        await connection.execute(
            "INSERT INTO wallets (user_id, gold, updated_at)"
            " SELECT id, 0, now() FROM unnest($1::bigint[]) AS id",
            ids,
        )
        await connection.execute(
            """INSERT INTO player_segments (user_id, lifecycle, rfm_segment, computed_lifecycle,
                 computed_rfm_segment, recency_score, frequency_score, monetary_score,
                 computed_at)
               SELECT id, $2, 'MEDIUM', $2, 'MEDIUM', 3, 3, 3, now()
               FROM unnest($1::bigint[]) AS id""",
            ids,
            SEGMENT,
        )
    return ids


async def schedule(backend: Backend, base_url: str, title: str) -> int:
    """A campaign to SEGMENT with a reward, due now, scheduled by an operator."""
    async with httpx.AsyncClient(base_url=base_url, timeout=TIMEOUT) as client:
        login = {"siteId": backend.settings().admin_site_id, "password": ADMIN_PASSWORD}
        answer = await client.post("/graphql", json={"query": LOGIN, "variables": {"input": login}})
        token = answer.json()["data"]["login"]["accessToken"]
        values = {
            "segment": SEGMENT,
            "title": title,
            "body": "A gift",
            "rewardGold": REWARD,
            "sendAt": datetime.now(UTC).isoformat(),
        }
        answer = await client.post(
            "/graphql",
            json={"query": SCHEDULE, "variables": {"input": values}},
            headers={"Authorization": f"Bearer {token}"},
        )
    result = answer.json()["data"]["scheduleCampaign"]
    assert result["__typename"] == "CampaignScheduled", result
    return row_id(result["campaign"]["id"])


async def deliveries(connection: asyncpg.Connection, campaign_id: int) -> int:
    found: int = await connection.fetchval(
        "SELECT count(*) FROM campaign_deliveries WHERE campaign_id = $1", campaign_id
    )
    return found


async def status(connection: asyncpg.Connection, campaign_id: int) -> str:
    found: str = await connection.fetchval(
        "SELECT status FROM campaigns WHERE id = $1", campaign_id
    )
    return found


async def until_sent(connection: asyncpg.Connection, campaign_id: int) -> None:
    deadline = time.monotonic() + SEND_TIMEOUT_SECONDS
    while await status(connection, campaign_id) != "SENT":
        assert time.monotonic() < deadline, "the campaign was not sent in time"
        await asyncio.sleep(0.1)


async def check_exactly_once(
    connection: asyncpg.Connection, campaign_id: int, title: str, players: list[int]
) -> None:
    """Every player of the segment reachable now has the campaign once: one delivery
    row, one notification, one reward in the ledger; and every wallet is its ledger."""
    reference = f"campaign:{campaign_id}"
    audience = {
        row["user_id"]
        for row in await connection.fetch(
            """SELECT s.user_id FROM player_segments s
               JOIN users u ON u.id = s.user_id JOIN wallets w ON w.user_id = s.user_id
               WHERE s.lifecycle = $1 AND u.role <> 'ADMIN' AND u.banned_at IS NULL
                 AND (u.excluded_until IS NULL OR u.excluded_until <= now())""",
            SEGMENT,
        )
    }
    assert set(players) <= audience
    delivered = {
        row["user_id"]
        for row in await connection.fetch(
            "SELECT user_id FROM campaign_deliveries WHERE campaign_id = $1", campaign_id
        )
    }
    assert delivered == audience

    async def per_player(query: str, *args: Any) -> dict[int, int]:
        return {row["user_id"]: row["n"] for row in await connection.fetch(query, *args)}

    notified = await per_player(
        "SELECT user_id, count(*) AS n FROM notifications WHERE title = $1 GROUP BY user_id",
        title,
    )
    rewarded = await per_player(
        """SELECT user_id, count(*) AS n FROM ledger_entries
           WHERE reference = $1 AND reason = 'CAMPAIGN_REWARD' AND amount = $2
           GROUP BY user_id""",
        reference,
        REWARD,
    )
    assert notified == dict.fromkeys(audience, 1)
    assert rewarded == dict.fromkeys(audience, 1)
    gold = await connection.fetch(
        "SELECT gold FROM wallets WHERE user_id = ANY($1::bigint[])", players
    )
    assert [row["gold"] for row in gold] == [REWARD] * len(players)
    mismatched = await connection.fetch(
        """SELECT w.user_id FROM wallets w LEFT JOIN ledger_entries l ON l.user_id = w.user_id
           GROUP BY w.user_id, w.gold HAVING w.gold <> COALESCE(SUM(l.amount), 0)"""
    )
    assert mismatched == []


def players_sent(log: Path) -> int:
    """The players an instance says its dispatcher sent to (the job's log lines)."""
    sent = 0
    for line in log.read_text().splitlines():
        with contextlib.suppress(ValueError):
            record = json.loads(line)
            if record.get("msg") == "players sent operators' campaigns":
                sent += int(record["count"])
    return sent


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
async def test_two_instances_racing_on_one_campaign_send_each_player_once(
    backend: Backend, tmp_path: Path
) -> None:
    quick = {
        "CAMPAIGN_DISPATCH_INTERVAL_SECONDS": "0.1",
        "CAMPAIGN_DISPATCH_BATCH_SIZE": "1",  # 300 transactions: long enough for both
        "LOG_LEVEL": "INFO",  # the job's line saying how many players it sent to
    }
    title = f"Race {uuid.uuid4().hex[:8]}"
    async with database(backend) as connection:
        players = await insert_players(connection, 300)
        with (
            start_server(backend, tmp_path, **quick) as first,
            start_server(backend, tmp_path, **quick) as second,
        ):
            # Due at once: both instances look ten times a second.
            campaign_id = await schedule(backend, first.url, title)
            await until_sent(connection, campaign_id)
        await check_exactly_once(connection, campaign_id, title, players)
        # Both raced and both sent: between them, each delivery once.
        sent = [
            players_sent(tmp_path / f"server-{server.url.rsplit(':', 1)[1]}.log")
            for server in (first, second)
        ]
        assert all(sent), sent
        assert sum(sent) == await deliveries(connection, campaign_id)


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
async def test_a_dispatch_killed_midway_resumes_and_sends_nobody_twice(
    backend: Backend, tmp_path: Path
) -> None:
    quick = {"CAMPAIGN_DISPATCH_INTERVAL_SECONDS": "0.2", "CAMPAIGN_DISPATCH_BATCH_SIZE": "2"}
    title = f"Kill {uuid.uuid4().hex[:8]}"
    async with database(backend) as connection:
        players = await insert_players(connection, 600)
        with start_server(backend, tmp_path, **quick) as server:
            campaign_id = await schedule(backend, server.url, title)
            deadline = time.monotonic() + SEND_TIMEOUT_SECONDS
            while await deliveries(connection, campaign_id) < 20:
                assert time.monotonic() < deadline, "the dispatch did not start in time"
                await asyncio.sleep(0.01)
            server.process.send_signal(signal.SIGKILL)
            server.process.wait()
        # Killed in the middle: some sent, the campaign still SENDING.
        sent_before = await deliveries(connection, campaign_id)
        assert 20 <= sent_before < len(players)
        assert await status(connection, campaign_id) == "SENDING"

        with start_server(backend, tmp_path, **quick):
            await until_sent(connection, campaign_id)
        await check_exactly_once(connection, campaign_id, title, players)
