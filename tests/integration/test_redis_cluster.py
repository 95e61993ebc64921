"""On a Redis Cluster (SPEC §16): what a bet runs touches one slot per script — the
player's, for everything that is the player's — and a player's events travel by sharded
pub/sub to the one node owning their channel's slot, never to every node.

Observed on the real cluster: MONITOR on every node shows the scripts a spin runs and
their keys, CLUSTER KEYSLOT says where each lives, PUBSUB SHARDNUMSUB where a channel is
subscribed, and the nodes' cluster-bus counters whether anything was broadcast.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from redis.asyncio import Redis
from redis.asyncio.cluster import ClusterNode, RedisCluster
from starlette.applications import Starlette

from casino_club.live.events import EventBus, user_channel
from casino_club.persistence.redis_client import player_tag
from casino_club.services import Services
from tests.conftest import CLUSTER_BACKEND, Backend, cluster_client
from tests.integration.test_event_bus import all_within
from tests.support import Api, row_id, spin

pytestmark = pytest.mark.parametrize("backend", [CLUSTER_BACKEND], indirect=True)

QUIET_SECONDS = 0.5
# MONITOR quotes each argument; keys (and channels) hold no quote of their own.
_ARGUMENT = re.compile(r'"((?:[^"\\]|\\.)*)"')
# The few global keys: the boards, and the operators' monitor channel's stream.
GLOBAL_TAGS = {"lb", "monitor"}


@pytest.fixture
async def cluster(backend: Backend) -> AsyncIterator[RedisCluster]:
    client = cluster_client(backend.redis_url)
    await client.initialize()
    yield client
    await client.aclose()


def node_client(node: ClusterNode) -> Redis:
    return Redis(host=node.host, port=int(node.port), socket_timeout=5)


async def keyslot(cluster: RedisCluster, name: str) -> int:
    """The cluster's own answer (CLUSTER KEYSLOT), not the client's arithmetic."""
    return int(await cluster.execute_command("CLUSTER KEYSLOT", name))


def tag(name: str) -> str:
    return name[name.index("{") + 1 : name.index("}")]


@contextlib.asynccontextmanager
async def monitored(cluster: RedisCluster) -> AsyncIterator[list[list[str]]]:
    """Every script (EVAL/EVALSHA) clients send to any node meanwhile, as its arguments."""
    scripts: list[list[str]] = []
    clients = [node_client(node) for node in cluster.get_primaries()]

    async def watch(client: Redis, ready: asyncio.Event) -> None:
        # On a connection of its own, read raw: each line as Redis wrote it, e.g.
        # `1796… [0 127.0.0.1:5555] "EVALSHA" "…" "1" "cc:{u:7}:rate:game" …`.
        connection = await client.connection_pool.get_connection()  # type: ignore[no-untyped-call]
        try:
            await connection.send_command("MONITOR")
            assert await connection.read_response() == b"OK"
            ready.set()
            while True:
                line = (await connection.read_response()).decode()
                source, _, command = line.partition("] ")
                arguments = _ARGUMENT.findall(command)
                if not source.endswith(" lua") and arguments[0] in {"EVAL", "EVALSHA"}:
                    scripts.append(arguments)
        finally:
            await connection.disconnect()

    readies = [asyncio.Event() for _ in clients]
    watchers = [asyncio.create_task(watch(c, r)) for c, r in zip(clients, readies, strict=True)]
    await asyncio.gather(*(ready.wait() for ready in readies))
    try:
        yield scripts
    finally:
        await asyncio.sleep(QUIET_SECONDS)  # what follows the answer (the feeds) too
        for watcher in watchers:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher
        for client in clients:
            await client.aclose()


async def test_every_key_of_a_spins_scripts_for_its_player_shares_the_players_slot(
    backend: Backend, api: Api, cluster: RedisCluster
) -> None:
    player = await api.new_player()
    user_id, token = row_id(player["user"]["id"]), player["accessToken"]
    async with monitored(cluster) as scripts:
        assert (await spin(api, token, 10))["__typename"] == "SlotSpinSuccess"

    ours = [s for s in scripts if any(k.startswith(backend.redis_prefix) for k in s[3:])]
    keys_of = [arguments[3 : 3 + int(arguments[2])] for arguments in ours]
    players = [keys for keys in keys_of if any(player_tag(user_id) in key for key in keys)]
    player_keys = {key for keys in players for key in keys}
    prefix = backend.redis_prefix
    # The bet's rate limit and its events' stream, at least, are the player's.
    assert f"{prefix}{player_tag(user_id)}:rate:game" in player_keys
    assert f"{prefix}events:{player_tag(user_id)}" in player_keys
    player_slot = await keyslot(cluster, player_tag(user_id))
    assert {await keyslot(cluster, key) for key in player_keys} == {player_slot}
    # The journal's script SPUBLISHes to the player's channel (its ARGV[5]): same slot.
    published = [s for s in ours if f"{prefix}events:{player_tag(user_id)}" in s]
    channel = published[0][3 + 1 + 4]
    assert channel == prefix + user_channel(user_id)
    assert await keyslot(cluster, channel) == player_slot
    # Whatever else the spin's scripts touched is one of the few global groups, and every
    # script kept to one slot.
    others = {tag(key) for keys in keys_of if keys not in players for key in keys}
    assert others <= GLOBAL_TAGS, others
    for keys in keys_of:
        assert len({await keyslot(cluster, key) for key in keys}) == 1, keys


async def shard_subscribers(cluster: RedisCluster, channel: str) -> dict[str, int]:
    """PUBSUB SHARDNUMSUB asked of each node: who holds a sharded subscription there."""
    counts = {}
    for node in cluster.get_primaries():
        client = node_client(node)
        try:
            [(_, count)] = await client.execute_command("PUBSUB SHARDNUMSUB", channel)  # type: ignore[no-untyped-call]
        finally:
            await client.aclose()
        counts[node.name] = int(count)
    return counts


async def publishes_broadcast(cluster: RedisCluster) -> dict[str, int]:
    """Each node's count of PUBLISH messages sent over the cluster bus (to every node)."""
    info: dict[str, dict[str, Any]] = await cluster.execute_command(
        "CLUSTER INFO", target_nodes=RedisCluster.PRIMARIES
    )
    counts = {}
    for name, fields in info.items():
        text = fields.decode() if isinstance(fields, bytes) else str(fields)
        found = re.search(r"cluster_stats_messages_publish_sent:(\d+)", text)
        counts[name] = int(found[1]) if found else 0
    return counts


async def test_a_players_event_goes_to_its_shards_subscribers_only(
    backend: Backend, app: Starlette, api: Api, cluster: RedisCluster
) -> None:
    services: Services = app.state.services
    player = await api.new_player()
    user_id, token = row_id(player["user"]["id"]), player["accessToken"]
    channel = backend.redis_prefix + user_channel(user_id)
    owner = cluster.get_node_from_key(channel)
    assert owner is not None
    # A classic subscriber of the same name on every node: a plain PUBLISH would reach
    # all of them, wherever it was sent.
    classic = [node_client(node).pubsub() for node in cluster.get_primaries()]
    for pubsub in classic:
        await pubsub.subscribe(channel)
        assert (await pubsub.get_message(timeout=5))["type"] == "subscribe"
    try:
        before = await publishes_broadcast(cluster)
        async with services.events.subscribe(user_channel(user_id)) as stream:
            subscribed = await shard_subscribers(cluster, channel)
            assert subscribed == {
                node.name: int(node.name == owner.name) for node in cluster.get_primaries()
            }
            assert (await spin(api, token, 10))["__typename"] == "SlotSpinSuccess"
            async with asyncio.timeout(5):
                async for event in stream:
                    if event.get("type") == "SLOT_SPIN":
                        break
            assert event["id"]  # the journal's id: `since` replays from it
        heard = [await pubsub.get_message(timeout=QUIET_SECONDS) for pubsub in classic]
        assert heard == [None] * len(classic)
        assert await publishes_broadcast(cluster) == before
        await services.events.settled()
        assert set((await shard_subscribers(cluster, channel)).values()) == {0}
    finally:
        for pubsub in classic:
            await pubsub.aclose()  # type: ignore[no-untyped-call]


async def shard_subscriptions(cluster: RedisCluster, channels: list[str]) -> list[int]:
    """Each channel's sharded subscriptions, summed over every node."""
    totals = [0] * len(channels)
    for node in cluster.get_primaries():
        client = node_client(node)
        try:
            reply = await client.execute_command("PUBSUB SHARDNUMSUB", *channels)  # type: ignore[no-untyped-call]
        finally:
            await client.aclose()
        for index, (_, count) in enumerate(reply):
            totals[index] += int(count)
    return totals


async def test_subscribers_arriving_together_on_a_fresh_sharded_bus_all_hear_once(
    backend: Backend, cluster: RedisCluster
) -> None:
    """SPEC §15's races on sharded pub/sub: 300 subscriptions opened in the same instant,
    two per channel, over channels spread on every node (each node's connection opened
    by whichever came first) — each hears what is published to its channel, once; each
    channel is subscribed once upstream, and none is left once they leave."""
    prefix = f"{backend.redis_prefix}burst:"
    bus = EventBus(backend.redis_url, prefix, cluster=True)
    await bus.connect()
    channels = [player_tag(n) for n in range(150)]
    named = [prefix + channel for channel in channels]
    assert len({cluster.get_node_from_key(name) for name in named}) == 3
    try:
        async with contextlib.AsyncExitStack() as stack:
            streams = await asyncio.gather(
                *(stack.enter_async_context(bus.subscribe(c)) for c in channels for _ in (1, 2))
            )
            assert bus.subscribed_upstream() == set(channels)
            assert set(await shard_subscriptions(cluster, named)) == {1}
            for n, channel in enumerate(channels):
                await bus.publish(channel, {"n": n})
            heard = await asyncio.gather(*(all_within(stream, 0.5) for stream in streams))
            assert heard == [[{"n": n}] for n in range(150) for _ in (1, 2)]
        await bus.settled()
        assert bus.subscribed_upstream() == set()
        assert set(await shard_subscriptions(cluster, named)) == {0}
    finally:
        await bus.disconnect()


async def test_a_sharded_subscription_is_in_place_when_subscribe_returns(
    backend: Backend, cluster: RedisCluster
) -> None:
    """The subscriber reads the journal right after subscribing: the channel's node must
    count the subscription by then, or an event published in between would be lost."""
    prefix = f"{backend.redis_prefix}confirm:"
    bus = EventBus(backend.redis_url, prefix, cluster=True)
    await bus.connect()
    try:
        for n in range(30):
            async with bus.subscribe(player_tag(n)):
                assert await shard_subscriptions(cluster, [prefix + player_tag(n)]) == [1]
    finally:
        await bus.disconnect()


async def test_a_lost_shard_connection_resubscribes_and_replays_what_it_missed(
    backend: Backend, cluster: RedisCluster
) -> None:
    """The node drops the bus's sharded pub/sub connection (CLIENT KILL): the bus
    reconnects, subscribes again where the slot lives, and the subscriber gets what was
    published meanwhile from the journal — every event once, in order."""
    prefix = f"{backend.redis_prefix}lost:"
    bus = EventBus(backend.redis_url, prefix, cluster=True)
    await bus.connect()
    channel = player_tag(1)
    owner = cluster.get_node_from_key(prefix + channel)
    assert owner is not None
    try:
        async with bus.subscribe(channel) as stream:
            await bus.publish(channel, {"n": 1})
            first = await stream.next(within=5)
            killer = node_client(owner)
            try:
                clients = await killer.client_list()
                sharded = [c["id"] for c in clients if int(c.get("ssub", 0)) > 0]
                assert sharded
                for client_id in sharded:
                    await killer.client_kill_filter(_id=client_id)
            finally:
                await killer.aclose()
            await bus.publish(channel, {"n": 2})  # while the bus may not hear it live
            second = await stream.next(within=15)  # live, or read after resubscribing
            await bus.publish(channel, {"n": 3})
            rest = [second, await stream.next(within=5)]
        heard = [event and event["n"] for event in [first, *rest]]
        assert heard == [1, 2, 3]
        assert await shard_subscriptions(cluster, [prefix + channel]) == [0]
    finally:
        await bus.disconnect()
