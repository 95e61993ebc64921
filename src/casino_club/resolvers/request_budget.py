"""Each caller's budgets of operations (SPEC §13: no caller can starve the others).

A player is counted by the account their token names, an anonymous caller (or one whose
token does not verify) by their address — an IPv4 address or an IPv6 /64, as the auth
throttle counts. Two budgets draw on the shared sliding window of the hot state (Redis
in production, so every instance draws on one budget):

- operations per second (`charge_operation`): queries and mutations over HTTP or a
  WebSocket, each subscription's start, each WebSocket `connection_init`;
- schema descriptions executed per minute (`charge_introspection`): an introspection the
  cache could not answer costs ~100 ms, so each is counted.

Without Redis a budget is skipped, as the auth throttle is: refusing every query during
an outage would hurt everyone more than a flood.
"""

from __future__ import annotations

import logging

from casino_club.context import Context
from casino_club.persistence.rate_limits import RateLimitsUnavailable
from casino_club.persistence.redis_client import player_tag
from casino_club.resolvers.guards import RATE_WINDOW_MS, address_bucket
from casino_club.security import InvalidToken

log = logging.getLogger(__name__)

INTROSPECTION_WINDOW_MS = 60_000


def verified_player(context: Context) -> int | None:
    """The player the request's token names, if its signature and expiry check out.

    No database: a logged-out session still counts as its player, which is all a count
    needs; the fields themselves check the session.
    """
    services = context.services
    token = context.token
    if token is None or context.token_error is not None:
        return None
    now = services.clock.now()
    checked = services.sessions.get(token, now)
    if checked is not None:
        return checked.claims.user_id
    try:
        return services.tokens.decode(token, now).user_id
    except InvalidToken:
        return None  # answered UNAUTHENTICATED by the fields that need a player


def caller(context: Context) -> str:
    """Who a budget counts: a player by their hash tag (`{u:<id>}`, so their budgets'
    keys share their slot on a Cluster), anyone else as `a:<address>`."""
    player = verified_player(context)
    return player_tag(player) if player is not None else f"a:{address_bucket(context.ip)}"


async def _hit(context: Context, key: str, limit: int, window_ms: int, what: str) -> int | None:
    services = context.services
    try:
        return await services.rate_limits.hit(
            key,
            limit=limit,
            window_ms=window_ms,
            now_ms=int(services.clock.now().timestamp() * 1000),
        )
    except RateLimitsUnavailable:
        log.warning("%s budget skipped: hot state unavailable", what)
        return None


async def charge_operation(context: Context) -> int | None:
    """Count one operation of the caller; None if within budget, else the ms to wait."""
    settings = context.services.settings
    if not (
        settings.query_budget_per_second_per_player or settings.query_budget_per_second_per_address
    ):
        return None  # no budget: not even the token's signature checked for it
    who = caller(context)
    per_second = (
        settings.query_budget_per_second_per_player
        if who.startswith("{u:")
        else settings.query_budget_per_second_per_address
    )
    if per_second == 0:
        return None
    return await _hit(context, f"{who}:rate:query", per_second, RATE_WINDOW_MS, "query")


async def charge_introspection(context: Context, descriptions: int) -> int | None:
    """Count `descriptions` schema descriptions executed for the caller; None if all are
    within budget, else the ms until they would be (the first refused ends the charge)."""
    per_minute = context.services.settings.graphql_introspection_misses_per_minute
    if descriptions == 0 or per_minute == 0:
        return None
    key = f"{caller(context)}:rate:introspection"
    for _ in range(descriptions):
        wait = await _hit(context, key, per_minute, INTROSPECTION_WINDOW_MS, "introspection")
        if wait is not None:
            return wait
    return None
