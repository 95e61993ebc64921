"""Subscription delivery latency (SPEC §14): 1,000 `balanceChanged` subscribers spread
over two app instances, players spinning at a modest fixed rate on either instance.

Measured per delivered event: its receipt at the subscriber minus the event's `at` (the
bet's clock reading, taken just before its one-statement commit; client and servers share
this machine's clock). So it is commit → client plus the bet's own milliseconds before
its commit. Every event must reach every subscriber of its player exactly once.

The subscribers are one Python process of raw WebSockets (no load generator speaks
graphql-transport-ws); the spins come at a fixed rate, so that process mostly waits.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

import aiohttp
import orjson
import websockets

SPIN = {
    "query": "mutation { slotSpin(input: {stake: 10}) { __typename "
    "... on SlotSpinSuccess { payout } } }"
}
BALANCE = "subscription { balanceChanged { gold at } }"
WARM_UP_SECONDS = 30.0


@dataclass(frozen=True)
class Delivery:
    subscribers: int
    instances: int
    spins: int
    delivered: int
    expected: int
    p50_ms: float
    p99_ms: float


class Subscriber:
    def __init__(self, url: str, token: str, player: int) -> None:
        self.url = url.replace("http://", "ws://") + "/graphql"
        self.token = token
        self.player = player
        self.latencies: list[float] = []
        self.heard = 0
        self.ready = asyncio.Event()

    async def run(self) -> None:
        async with websockets.connect(
            self.url, subprotocols=[websockets.Subprotocol("graphql-transport-ws")]
        ) as ws:
            payload = {"authorization": f"Bearer {self.token}"}
            await ws.send(orjson.dumps({"type": "connection_init", "payload": payload}).decode())
            assert orjson.loads(await ws.recv())["type"] == "connection_ack"
            subscribe = {"id": "1", "type": "subscribe", "payload": {"query": BALANCE}}
            await ws.send(orjson.dumps(subscribe).decode())
            async for raw in ws:
                received = time.time()
                message = orjson.loads(raw)
                if message["type"] == "ping":
                    await ws.send('{"type":"pong"}')
                    continue
                assert message["type"] == "next", message
                at = message["payload"]["data"]["balanceChanged"]["at"]
                self.latencies.append(received - datetime.fromisoformat(at).timestamp())
                self.heard += 1
                self.ready.set()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


async def delivery_latency(
    urls: list[str], tokens: list[str], *, subscribers: int, spins: int, rate: float
) -> Delivery:
    """Open the subscribers (round-robin over instances and players), make sure each is
    live, then spin `spins` times at `rate` per second, alternating instances."""
    listeners = [
        Subscriber(urls[n % len(urls)], tokens[n % len(tokens)], n % len(tokens))
        for n in range(subscribers)
    ]
    tasks = [asyncio.create_task(s.run()) for s in listeners]
    rows = Counter[int]()  # ledger rows (balance events) per player, once measuring
    try:
        async with aiohttp.ClientSession() as http:

            async def spin(player: int, url: str) -> None:
                """One spin; its ledger rows (the stake, and a win if any) counted."""
                headers = {"Authorization": f"Bearer {tokens[player]}"}
                async with http.post(f"{url}/graphql", json=SPIN, headers=headers) as response:
                    body = await response.json()
                result = body["data"]["slotSpin"]
                assert result["__typename"] == "SlotSpinSuccess", body
                rows[player] += 1 + (result["payout"] > 0)

            # Live: every subscriber has heard one of its player's spins.
            deadline = time.monotonic() + WARM_UP_SECONDS
            while not all(s.ready.is_set() for s in listeners):
                if time.monotonic() > deadline:
                    raise SystemExit("subscribers did not all become live")
                waiting = {s.player for s in listeners if not s.ready.is_set()}
                await asyncio.gather(*(spin(p, urls[0]) for p in waiting))
                await asyncio.sleep(0.2)
            await asyncio.sleep(1)
            for s in listeners:
                s.latencies.clear()
                s.heard = 0
            rows.clear()

            interval = 1 / rate
            started = time.monotonic()
            players = itertools.cycle(range(len(tokens)))
            sent = []
            for n in range(spins):
                await asyncio.sleep(max(0.0, started + n * interval - time.monotonic()))
                sent.append(asyncio.create_task(spin(next(players), urls[n % len(urls)])))
            await asyncio.gather(*sent)
            expected = sum(rows[s.player] for s in listeners)
            for _ in range(100):  # at most 10 s for the last deliveries
                if sum(s.heard for s in listeners) >= expected:
                    break
                await asyncio.sleep(0.1)
            await asyncio.sleep(0.5)  # anything more would arrive now, and be counted
    finally:
        for task in tasks:
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.gather(*tasks, return_exceptions=True)
    latencies = [latency for s in listeners for latency in s.latencies]
    return Delivery(
        subscribers=subscribers,
        instances=len(urls),
        spins=spins,
        delivered=sum(s.heard for s in listeners),
        expected=expected,
        p50_ms=percentile(latencies, 0.5),
        p99_ms=percentile(latencies, 0.99),
    )
