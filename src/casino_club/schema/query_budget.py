"""Each caller's budget of operations per second (SPEC §13: no caller can starve the others).

A player is counted by the account their token names, an anonymous caller (or one whose
token does not verify) by their address — an IPv4 address or an IPv6 /64, as the auth
throttle counts. Queries and mutations over HTTP or a WebSocket count, and so does each
subscription's start: the subscription and connection limits (live_limits.py) bound what is
held at once, not a loop of subscribing and stopping, each start of which subscribes to the
pub/sub and may replay from the store. Over budget, the operation is not executed: its
answer is one error, RATE_LIMITED with `retryAfterMs`.

The count is the shared sliding window of the hot state (Redis in production, so every
instance draws on one budget). Without Redis the budget is skipped, as the auth throttle
is: refusing every query during an outage would hurt everyone more than a flood.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

from graphql import ExecutionResult, GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from casino_club.context import Context
from casino_club.persistence.rate_limits import HotStateUnavailable
from casino_club.resolvers.guards import RATE_WINDOW_MS, address_bucket
from casino_club.security import InvalidToken

log = logging.getLogger(__name__)


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


def over_budget(retry_after_ms: int) -> GraphQLError:
    return GraphQLError(
        "Too many requests; retry shortly",
        extensions={"code": "RATE_LIMITED", "retryAfterMs": retry_after_ms},
    )


class QueryBudget(SchemaExtension):
    async def on_execute(self) -> AsyncIterator[None]:
        """Count the operation before it runs; over budget, its result is the refusal
        (Strawberry executes only when no extension has set one). A subscription's start
        reads no result set here: the refusal is raised, which strawberry answers."""
        execution = self.execution_context
        context = execution.context
        if isinstance(context, Context):
            wait = await charge(context)
            if wait is not None:
                if execution.operation_type is OperationType.SUBSCRIPTION:
                    raise over_budget(wait)
                execution.result = ExecutionResult(data=None, errors=[over_budget(wait)])
        yield


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
