"""Each caller's budgets (SPEC §13: no caller can starve the others): operations per
second (schema/query_budget.py), and schema descriptions executed per minute
(schema/introspection.py).

A player is counted by the account their token names, an anonymous caller (or one whose
token does not verify) by their address — an IPv4 address or an IPv6 /64, as the auth
throttle counts. The count is the shared sliding window of the hot state (Redis in
production, so every instance draws on one budget). Without Redis a budget is skipped,
as the auth throttle is: refusing every query during an outage would hurt everyone more
than a flood.
"""

from __future__ import annotations

import logging

from casino_club.context import Context
from casino_club.persistence.rate_limits import HotStateUnavailable
from casino_club.resolvers.guards import RATE_WINDOW_MS, address_bucket
from casino_club.security import InvalidToken

log = logging.getLogger(__name__)

DESCRIPTION_WINDOW_MS = 60_000


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
    """Who a budget counts: `u:<id>` for a player, `a:<address>` for anyone else."""
    player = verified_player(context)
    return f"u:{player}" if player is not None else f"a:{address_bucket(context.ip)}"


def caller_key(context: Context) -> tuple[str, int]:
    """The budget's key and its size per second; a size of 0 is no budget."""
    settings = context.services.settings
    who = caller(context)
    per_second = (
        settings.query_budget_per_second_per_player
        if who.startswith("u:")
        else settings.query_budget_per_second_per_address
    )
    return f"rate:query:{who}", per_second


async def charge(context: Context) -> int | None:
    """Count one operation of the caller; None if within budget, else the ms to wait."""
    settings = context.services.settings
    if not (
        settings.query_budget_per_second_per_player or settings.query_budget_per_second_per_address
    ):
        return None  # no budget: not even the token's signature checked for it
    key, per_second = caller_key(context)
    if per_second == 0:
        return None
    services = context.services
    try:
        return await services.hot_state.hit(
            key,
            limit=per_second,
            window_ms=RATE_WINDOW_MS,
            now_ms=int(services.clock.now().timestamp() * 1000),
        )
    except HotStateUnavailable:
        log.warning("query budget skipped: hot state unavailable")
        return None


async def charge_descriptions(context: Context, descriptions: int) -> int | None:
    """None if the caller may have these schema descriptions executed (introspection
    answered from no cache), else the ms until they may: one each against
    GRAPHQL_INTROSPECTION_MISSES_PER_MINUTE; the first refused ends the charge."""
    if descriptions == 0:
        return None
    services = context.services
    per_minute = services.settings.graphql_introspection_misses_per_minute
    if per_minute == 0:
        return None
    key = f"rate:introspection:{caller(context)}"
    try:
        for _ in range(descriptions):
            wait = await services.hot_state.hit(
                key,
                limit=per_minute,
                window_ms=DESCRIPTION_WINDOW_MS,
                now_ms=int(services.clock.now().timestamp() * 1000),
            )
            if wait is not None:
                return wait
    except HotStateUnavailable:
        log.warning("introspection budget skipped: hot state unavailable")
    return None
