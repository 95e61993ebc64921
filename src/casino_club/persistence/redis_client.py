"""Redis clients with timeouts on every call (SPEC §13), for one Redis or a Cluster.

Without timeouts a Redis that accepts connections but never answers (a stalled server,
a half-open connection) hangs every request that touches it; with them such a call fails
within the timeout and the caller answers SERVICE_UNAVAILABLE.

On a Redis Cluster (REDIS_CLUSTER, SPEC §16) the client routes each command, and each
script by its keys, to the node owning their slot; pipelines (persistence/redis_batch.py)
go to every node concerned at once. Hence the rule for keys: every key one script
touches carries one hash tag (`player_tag`, or a fixed one for the few global groups).
"""

from __future__ import annotations

from dataclasses import dataclass

from redis.asyncio import Redis
from redis.asyncio.cluster import RedisCluster
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from casino_club.config import Settings

# One Redis or a Cluster: the commands this server sends are the same.
RedisClient = Redis | RedisCluster

# redis-py's defaults are "wait forever"; these are what a stall may cost a request.
_FIELDS = Settings.model_fields
DEFAULT_CONNECT_TIMEOUT_SECONDS: float = _FIELDS["redis_connect_timeout_seconds"].default
DEFAULT_SOCKET_TIMEOUT_SECONDS: float = _FIELDS["redis_socket_timeout_seconds"].default


@dataclass(frozen=True, slots=True)
class RedisTimeouts:
    connect_seconds: float = DEFAULT_CONNECT_TIMEOUT_SECONDS
    socket_seconds: float = DEFAULT_SOCKET_TIMEOUT_SECONDS

    def client(self, url: str) -> Redis:
        """No retries by redis-py (its `from_url` default today, made explicit): a lost
        connection is the caller's to see. A pub/sub connection retried quietly comes
        back resubscribed but deaf to what was published meanwhile, and nobody would
        replay it (live/redis_pubsub.py)."""
        return Redis.from_url(
            url,
            socket_connect_timeout=self.connect_seconds,
            socket_timeout=self.socket_seconds,
            retry=Retry(NoBackoff(), 0),
        )

    def cluster_client(self, url: str) -> RedisCluster:
        """A Cluster client that learns the slots' nodes from the node `url` names."""
        return RedisCluster.from_url(
            url,
            socket_connect_timeout=self.connect_seconds,
            socket_timeout=self.socket_seconds,
        )

    def client_for(self, url: str, cluster: bool) -> RedisClient:
        return self.cluster_client(url) if cluster else self.client(url)


def player_tag(user_id: int) -> str:
    """`{u:42}`: the hash tag of every key and channel of one player, so that on a
    Cluster all of them live in one slot and any script over them runs on one node."""
    return f"{{u:{user_id}}}"
