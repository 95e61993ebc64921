"""What every money mutation goes through before it runs: the rate limit and its
idempotency key (SPEC §2.5, §6). One implementation, shared by every game and the shop."""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, TypeVar

from casino_club.context import Context, Viewer
from casino_club.domain.errors import ServiceUnavailable
from casino_club.domain.refusals import (
    IdempotencyKeyInUse,
    IdempotencyKeyReused,
    RateLimited,
    ValidationFailed,
)
from casino_club.persistence import idempotency, stored_outcomes
from casino_club.persistence.database import read_connection
from casino_club.persistence.idempotency import InUse, KeyRequest, KeyTaken, Replay, Reused
from casino_club.persistence.rate_limits import RateLimitsUnavailable
from casino_club.persistence.redis_client import player_tag
from casino_club.resolvers.live import publish

MAX_KEY_LENGTH = 255
MAX_REASON_LENGTH = 500
RATE_WINDOW_MS = 1000
AUTH_WINDOW_MS = 60_000
HASH_QUEUE_RETRY_MS = 1000
IPV6 = 6

log = logging.getLogger(__name__)

R = TypeVar("R")
E = TypeVar("E")


def rate_limits_down() -> ServiceUnavailable:
    return ServiceUnavailable("Game state is temporarily unavailable; retry shortly")


async def rate_limited(
    context: Context, viewer: Viewer, *, fail_open: bool = False
) -> RateLimited | None:
    """Count this game action; a RateLimited result if the caller is over the limit.

    Without Redis the action is refused (SERVICE_UNAVAILABLE), unless `fail_open`:
    for an action that can only ever pay what is already owed, once (a crash cash-out),
    refusing would cost the player more than skipping the limit risks.
    """
    services = context.services
    now_ms = int(services.clock.now().timestamp() * 1000)
    try:
        wait = await services.rate_limits.hit(
            f"{player_tag(viewer.id)}:rate:game",
            limit=services.settings.game_rate_limit_per_second,
            window_ms=RATE_WINDOW_MS,
            now_ms=now_ms,
        )
    except RateLimitsUnavailable:
        if fail_open:
            return None
        raise rate_limits_down() from None
    return None if wait is None else RateLimited(wait)


def address_bucket(address: str | None) -> str:
    """Whom an address's budget belongs to: an IPv4 address, or an IPv6 /64 (one host
    usually holds a whole /64 and could otherwise take a fresh address per request)."""
    if address is None:
        return "unknown"
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == IPV6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


async def throttle_address(context: Context) -> RateLimited | None:
    """Count an anonymous auth request (signup, login, refresh) against its address.

    Each login costs a password hash, so these are what a flood aims at. Without Redis
    the throttle fails open: refusing every login during an outage would hurt players
    more, and the hashes still queue (security.Passwords) and accounts still lock.
    """
    services = context.services
    limit = services.settings.auth_attempts_per_minute_per_address
    if limit == 0:
        return None
    now_ms = int(services.clock.now().timestamp() * 1000)
    try:
        wait = await services.rate_limits.hit(
            f"rate:auth:{address_bucket(context.ip)}",
            limit=limit,
            window_ms=AUTH_WINDOW_MS,
            now_ms=now_ms,
        )
    except RateLimitsUnavailable:
        log.warning("auth throttle skipped: hot state unavailable")
        return None
    return None if wait is None else RateLimited(wait)


def hashing_saturated(context: Context) -> RateLimited | None:
    """Refuse a request that would hash a password while hashes are queued to the limit,
    rather than let it (and every later one) wait without end."""
    if context.services.passwords.saturated:
        return RateLimited(HASH_QUEUE_RETRY_MS)
    return None


def key_request(
    context: Context,
    viewer: Viewer,
    *,
    key: str | None,
    operation: str,
    parameters: dict[str, Any],
) -> KeyRequest | ValidationFailed | None:
    """The request's idempotency key, checked; None when the client sent none.

    `operation` is the GraphQL mutation's name, so a key names what it was used for the
    same way everywhere.
    """
    if key is None:
        return None
    if not 1 <= len(key) <= MAX_KEY_LENGTH:
        return ValidationFailed.single(
            "idempotencyKey", "INVALID_IDEMPOTENCY_KEY", f"must be 1-{MAX_KEY_LENGTH} characters"
        )
    services = context.services
    retention = timedelta(hours=services.settings.idempotency_retention_hours)
    return KeyRequest(
        user_id=viewer.id,
        key=key,
        operation=operation,
        fingerprint=idempotency.fingerprint(operation, parameters),
        expired_before=services.clock.now() - retention,
    )


async def stored_answer(
    context: Context, request: KeyRequest, replay: type[R]
) -> R | IdempotencyKeyReused | IdempotencyKeyInUse | None:
    """The outcome already stored under the key, if any (a replay of `replay`'s type),
    or why not.

    A replay first announces again what the key's work announced (a bet's events, under
    the bet's key: a channel that has them already is skipped), so that events lost with
    an instance that died between the commit and its publish reach the player before
    the answer does, and before anything the client does next."""
    async with read_connection(context.services.engine) as connection:
        found = await idempotency.stored(connection, request)
    if isinstance(found, Replay):
        announced = found.announced
        if announced is not None:
            await publish(
                context.services, request.user_id, announced.events, key=announced.key, retry=True
            )
        return stored_outcomes.load(replay, found.response)
    if isinstance(found, Reused):
        return IdempotencyKeyReused()
    if isinstance(found, InUse):
        return IdempotencyKeyInUse()
    return None


async def run_idempotent(
    context: Context,
    request: KeyRequest | None,
    *,
    work: Callable[[KeyRequest | None], Awaitable[R | E]],
    replay: type[R],
) -> R | E | IdempotencyKeyReused | IdempotencyKeyInUse:
    """Run `work` at most once per key.

    `work` claims the key with `idempotency.claim` as the first statement of its money
    transaction and stores its outcome (a `replay`) with `idempotency.complete` before
    committing; an outcome that is not a success (an `E`) must roll back, and the key
    goes with it.
    """
    if request is None:
        return await work(None)
    try:
        return await work(request)
    except KeyTaken:
        answer = await stored_answer(context, request, replay)
        # Nothing live stored: the key expired and was purged meanwhile; a retry runs.
        return IdempotencyKeyInUse() if answer is None else answer


def reason_problem(reason: str) -> ValidationFailed | None:
    """An operator's reason, kept in the audit log: 1-500 characters once trimmed."""
    if 1 <= len(reason.strip()) <= MAX_REASON_LENGTH:
        return None
    return ValidationFailed.single(
        "reason", "INVALID_REASON", f"must be 1-{MAX_REASON_LENGTH} characters"
    )
