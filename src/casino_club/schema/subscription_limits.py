"""Subscriptions held at once, per player and per address (SPEC §13; live/limits.py).

Subscriptions are served over WebSocket only (no HTTP streaming transport is offered):
sent as a plain POST, one would run its resolver as a query — outside the query budget,
which leaves subscriptions to these limits, and outside these limits too, its lease
ending with the request — and fail as an internal error. It is refused, BAD_REQUEST.

A subscription takes its lease when it starts and gives it back when its operation ends
— completed by the client, ended by an error, or cut by a closed connection: the lease
lives in the operation's hook, which encloses the whole stream. A refused subscription
answers one error, TOO_MANY_SUBSCRIPTIONS, naming the limit.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

from graphql import GraphQLError
from starlette.websockets import WebSocket
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from casino_club.context import Context
from casino_club.domain.errors import ErrorCode
from casino_club.live.limits import Lease, LimitReached
from casino_club.resolvers.guards import address_bucket
from casino_club.resolvers.request_budget import verified_player

WEBSOCKET_ONLY = (
    "Subscriptions are served over WebSocket (graphql-transport-ws or graphql-ws), not plain HTTP"
)


class SubscriptionLimits(SchemaExtension):
    def __init__(self) -> None:
        self._lease: Lease | None = None

    def on_operation(self) -> Iterator[None]:
        try:
            yield
        finally:
            if self._lease is not None:
                self._lease.release()

    async def on_execute(self) -> AsyncIterator[None]:
        execution = self.execution_context
        context = execution.context
        if isinstance(context, Context) and execution.operation_type is OperationType.SUBSCRIPTION:
            if not isinstance(context.request, WebSocket):
                raise GraphQLError(WEBSOCKET_ONLY, extensions={"code": ErrorCode.BAD_REQUEST.value})
            live = context.services.live
            try:
                self._lease = await live.subscription(
                    verified_player(context), address_bucket(context.ip)
                )
            except LimitReached as refused:
                raise GraphQLError(
                    str(refused), extensions={"code": ErrorCode.TOO_MANY_SUBSCRIPTIONS.value}
                ) from None
        yield
