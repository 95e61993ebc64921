"""Redis clients with timeouts on every call (SPEC §13).

Without them a Redis that accepts connections but never answers (a stalled server, a
half-open connection) hangs every request that touches it; with them such a call fails
within the timeout and the caller answers SERVICE_UNAVAILABLE.
"""

from __future__ import annotations

from dataclasses import dataclass

from redis.asyncio import Redis

from casino_club.config import Settings

# redis-py's defaults are "wait forever"; these are what a stall may cost a request.
_FIELDS = Settings.model_fields
DEFAULT_CONNECT_TIMEOUT_SECONDS: float = _FIELDS["redis_connect_timeout_seconds"].default
DEFAULT_SOCKET_TIMEOUT_SECONDS: float = _FIELDS["redis_socket_timeout_seconds"].default


@dataclass(frozen=True, slots=True)
class RedisTimeouts:
    connect_seconds: float = DEFAULT_CONNECT_TIMEOUT_SECONDS
    socket_seconds: float = DEFAULT_SOCKET_TIMEOUT_SECONDS

    def client(self, url: str) -> Redis:
        return Redis.from_url(
            url,
            socket_connect_timeout=self.connect_seconds,
            socket_timeout=self.socket_seconds,
        )
