"""Strawberry's WebSocket protocol handlers, for whom a client that left mid-send has
simply left.

uvicorn reports a send to a socket the client has closed as `ClientDisconnected` (an
OSError), which strawberry's ASGI adapter does not translate into its own
`WebSocketDisconnected`: the operation's task then failed with an ERROR and a traceback
in the log ("Exception in worker task") for what is an everyday departure. Here a send
that finds the client gone raises `WebSocketDisconnected`, and the operation ends
quietly (logged at INFO); any other failure is still an error.

Both also enforce the per-player and per-address connection limits (live_limits): a
connection over one is closed with 4429 and the limit as its reason (graphql-ws is told
in a `connection_error` first), and every connection gives its lease back on leaving.
"""

from __future__ import annotations

import logging
from typing import Any

from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_ws.handlers import BaseGraphQLWSHandler

from casino_club.context import Context
from casino_club.live_limits import LimitReached

log = logging.getLogger(__name__)

# What a send raises when the client is gone: uvicorn's ClientDisconnected is an OSError.
GONE = (OSError, WebSocketDisconnected)
# The close code of a connection refused by a limit (graphql-transport-ws uses 4429 for
# "too many" too).
TOO_MANY_CONNECTIONS = 4429


def release_connection(context: Context) -> None:
    if context.connection_lease is not None:
        context.connection_lease.release()
        context.connection_lease = None


class TransportWSHandler(BaseGraphQLTransportWSHandler[Context, None]):
    """graphql-transport-ws."""

    async def handle(self) -> None:
        try:
            await super().handle()
        finally:
            release_connection(self.context)

    async def handle_connection_init(self, message: Any) -> None:
        try:
            await super().handle_connection_init(message)
        except LimitReached as refused:
            await self.websocket.close(code=TOO_MANY_CONNECTIONS, reason=str(refused))

    async def send_message(self, message: Any) -> None:
        try:
            await super().send_message(message)
        except GONE as error:
            raise WebSocketDisconnected from error

    async def handle_task_exception(self, error: Exception) -> None:
        if isinstance(error, WebSocketDisconnected):
            log.info("a subscriber left while an event was being sent")
            return
        await super().handle_task_exception(error)


class LegacyWSHandler(BaseGraphQLWSHandler[Context, None]):
    """graphql-ws (the legacy protocol): its operation tasks have no error handler of
    their own, so a departure is caught where the operation runs."""

    async def handle(self) -> None:
        try:
            await super().handle()
        finally:
            release_connection(self.context)

    async def handle_connection_init(self, message: Any) -> None:
        try:
            await super().handle_connection_init(message)
        except LimitReached as refused:
            payload = {"message": str(refused), "code": "TOO_MANY_CONNECTIONS"}
            await self.send_message({"type": "connection_error", "payload": payload})
            await self.websocket.close(code=TOO_MANY_CONNECTIONS, reason=str(refused))

    async def send_message(self, message: Any) -> None:
        try:
            await super().send_message(message)
        except GONE as error:
            raise WebSocketDisconnected from error

    async def handle_async_results(
        self,
        operation_id: str,
        query: str,
        operation_name: str | None,
        variables: dict[str, object] | None,
    ) -> None:
        try:
            await super().handle_async_results(operation_id, query, operation_name, variables)
        except WebSocketDisconnected:
            log.info("a subscriber left while an event was being sent")
