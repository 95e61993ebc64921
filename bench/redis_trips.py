"""`make bench`, second part: what a spin asks of Redis, command by command (issue 29).

`INFO commandstats` (the bet path's "Redis cmds/req") counts the commands scripts run
inside Redis as well as those the server sends, so it says how much work Redis does, not
how often the server waits for it. Here Redis's MONITOR watches spins made one at a time
(nothing else uses the bench's prefix) and tells the two apart: a command sent by the
server is a round trip's worth of waiting for its request (commands of one loop turn
share a pipeline, so under load several requests' commands share one); a command a
script ran costs Redis only. Each script is named by its SHA-1, and what it is for by
the key it touches.

The section is written into bench/RESULTS.md between its markers (bench/results.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
from redis.asyncio import Redis
from tests.e2e.conftest import start_server

from bench.bet_path import SERVER_SETTINGS, SPIN, signup_players, top_up
from bench.database import REDIS_URL, bench_database
from bench.results import write_section
from casino_club.live import journal
from casino_club.persistence import (
    live_leases,
    persisted_queries,
    rate_limits,
    redis_batch,
    redis_leaderboards,
)

SPINS = 200
PLAYERS = 8
# What the server's scripts are for, by script and the end of the first key they name.
PURPOSES = {
    ("rate_limits._RATE_LIMIT", ":rate:query"): "the caller's operation budget (SPEC §13)",
    ("rate_limits._RATE_LIMIT", ":rate:game"): "the player's game rate limit (SPEC §13)",
    ("journal._PUBLISH", ""): "the bet's events: journal append and live publish, one step",
    ("redis_leaderboards._ADD_PLAY", ""): "the play's leaderboard scores",
}
# Commands the server sends bare, by name.
BARE = {"ZADD": "the experience board, when the spin changed the player's experience"}


def script_names() -> dict[str, str]:
    """Every script of the server by its SHA-1: `module._NAME`."""
    names: dict[str, str] = {}
    for module in (journal, live_leases, persisted_queries, rate_limits, redis_leaderboards):
        short = module.__name__.rsplit(".", 1)[-1]
        for attribute, value in vars(module).items():
            scripts = value.values() if isinstance(value, dict) else [value]
            for script in scripts:
                if isinstance(script, redis_batch.Script):
                    names[script.sha] = f"{short}.{attribute}"
    return names


def purpose(script: str, first_key: str) -> str:
    for (name, key_end), text in PURPOSES.items():
        if name == script and first_key.endswith(key_end):
            return text
    return "(not expected on a spin)"


@dataclass(frozen=True)
class Sent:
    label: str  # the script and its purpose, or the command's name
    per_spin: float


@dataclass(frozen=True)
class Trips:
    spins: int
    sent: list[Sent]
    inside_scripts: Counter[str]


def words(command: str) -> list[str]:
    """MONITOR's command as its words (redis-py joins them with spaces; the ones read
    here, a name, a SHA-1, a count and a key, hold none)."""
    return command.split(" ", 4)


async def watch(redis: Redis, prefix: str, seen: list[tuple[str, list[str]]]) -> None:
    async with redis.monitor() as monitor:
        async for entry in monitor.listen():
            if prefix in entry["command"]:
                seen.append((entry["client_type"], words(entry["command"])))


def tally(seen: list[tuple[str, list[str]]], spins: int) -> Trips:
    names = script_names()
    sent: Counter[str] = Counter()
    inside: Counter[str] = Counter()
    for client, command in seen:
        name = command[0].upper()
        if client == "lua":
            inside[name] += 1
        elif name in {"EVALSHA", "EVAL"}:
            script = names.get(command[1], "an unknown script") if name == "EVALSHA" else "EVAL"
            first_key = command[3] if len(command) > 3 and command[2] != "0" else ""
            sent[f"`{script}`: {purpose(script, first_key)}"] += 1
        else:
            sent[f"`{name}`: {BARE.get(name, '(not expected on a spin)')}"] += 1
    return Trips(
        spins,
        [Sent(label, count / spins) for label, count in sent.most_common()],
        inside,
    )


async def measure() -> Trips:
    async with bench_database() as db:
        with start_server(
            db.backend, Path(tempfile.mkdtemp(prefix="casino-trips-")), **SERVER_SETTINGS
        ) as running:
            players = await signup_players(running.url, PLAYERS)
            await top_up(db.backend, [user_id for _, user_id in players], 1_000_000)
            tokens = [token for token, _ in players]
            async with httpx.AsyncClient(base_url=running.url, timeout=30) as client:

                async def spin(n: int) -> None:
                    answer = await client.post(
                        "/graphql",
                        json=SPIN,
                        headers={"Authorization": f"Bearer {tokens[n % len(tokens)]}"},
                    )
                    assert answer.json()["data"]["slotSpin"]["__typename"] == "SlotSpinSuccess"

                for n in range(20):  # warm: scripts loaded, pools open
                    await spin(n)
                redis = Redis.from_url(REDIS_URL)
                seen: list[tuple[str, list[str]]] = []
                watcher = asyncio.create_task(watch(redis, db.backend.redis_prefix, seen))
                try:
                    await asyncio.sleep(0.5)  # MONITOR is on
                    for n in range(SPINS):
                        await spin(n)
                    await asyncio.sleep(0.5)  # the last spin's commands are seen
                finally:
                    watcher.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await watcher
                    await redis.aclose()
    return tally(seen, SPINS)


def section(trips: Trips) -> str:
    total_sent = sum(s.per_spin for s in trips.sent)
    inside = sum(trips.inside_scripts.values()) / trips.spins
    lines = [
        "## Redis per spin",
        "",
        f"Written by `make bench` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: "
        f"{trips.spins} `slotSpin`s one at a time, watched by Redis's MONITOR. "
        f"**{total_sent:.1f} commands sent per spin** (each one a wait for its request; "
        "under load a loop turn's commands share one pipeline); the scripts run "
        f"{inside:.1f} more inside Redis, which cost Redis only.",
        "",
        "| sent by the server | per spin |",
        "|---|---:|",
        *(f"| {s.label} | {s.per_spin:.2f} |" for s in trips.sent),
        "",
        "Inside the scripts: "
        + ", ".join(
            f"{name} {count / trips.spins:.1f}"
            for name, count in trips.inside_scripts.most_common()
        )
        + " per spin.",
        "",
        "The first two wait one after the other (the budget before the operation runs, "
        "the game limit inside it); the last two go out together after the commit, on "
        "their own connections (the journal may be another Redis, `BROADCAST_URL`); "
        "the experience board's command rides with the scores' script.",
    ]
    return "\n".join(lines)


def main() -> None:
    trips = asyncio.run(measure())
    text = section(trips)
    write_section("redis-trips", text)
    print(text)


if __name__ == "__main__":
    main()
