"""What every money mutation goes through before it runs: the rate limit and its
idempotency key (SPEC §2.5, §6). One implementation, shared by every game and the shop."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, TypeVar

from casino_club.context import Context, Viewer
from casino_club.persistence import idempotency
from casino_club.persistence.hot_state import HotStateUnavailable
from casino_club.persistence.idempotency import Claimed, InUse, Replay, Reused
from casino_club.schema.errors import ValidationFailed
from casino_club.schema.games import IdempotencyKeyInUse, IdempotencyKeyReused, RateLimited
from casino_club.schema.permissions import ServiceUnavailable

MAX_KEY_LENGTH = 255
RATE_WINDOW_MS = 1000

R = TypeVar("R")


def hot_state_down() -> ServiceUnavailable:
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
        wait = await services.hot_state.hit(
            f"rate:game:{viewer.id}",
            limit=services.settings.game_rate_limit_per_second,
            window_ms=RATE_WINDOW_MS,
            now_ms=now_ms,
        )
    except HotStateUnavailable:
        if fail_open:
            return None
        raise hot_state_down() from None
    return None if wait is None else RateLimited.new(wait)


async def run_idempotent(
    context: Context,
    viewer: Viewer,
    *,
    key: str | None,
    operation: str,
    parameters: dict[str, Any],
    work: Callable[[Claimed | None], Awaitable[R]],
    succeeded: Callable[[R], bool],
    replay: Callable[[dict[str, Any]], R],
) -> R | IdempotencyKeyReused | IdempotencyKeyInUse | ValidationFailed:
    """Run `work` at most once per key.

    `work` must store its result with `idempotency.complete` inside its own transaction
    when it succeeds; a result that is not a success changed nothing, so the key is
    released and a retry runs again.
    """
    if key is None:
        return await work(None)
    if not 1 <= len(key) <= MAX_KEY_LENGTH:
        return ValidationFailed.single(
            "idempotencyKey", "INVALID_IDEMPOTENCY_KEY", f"must be 1-{MAX_KEY_LENGTH} characters"
        )
    services = context.services
    settings = services.settings
    claim = await idempotency.claim(
        services.sessionmaker,
        user_id=viewer.id,
        key=key,
        operation=operation,
        parameters=parameters,
        now=services.clock.now(),
        stale_after=timedelta(seconds=settings.idempotency_stale_seconds),
        retention=timedelta(hours=settings.idempotency_retention_hours),
    )
    if isinstance(claim, Replay):
        return replay(claim.response)
    if isinstance(claim, InUse):
        return IdempotencyKeyInUse.new()
    if isinstance(claim, Reused):
        return IdempotencyKeyReused.new()
    try:
        result = await work(claim)
    except BaseException:
        await idempotency.release(services.sessionmaker, claim)
        raise
    if not succeeded(result):
        await idempotency.release(services.sessionmaker, claim)
    return result
