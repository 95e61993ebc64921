"""Strawberry's WebSocket protocol handlers, for whom a client that left mid-send has
simply left.

uvicorn reports a send to a socket the client has closed as `ClientDisconnected` (an
OSError), which strawberry's ASGI adapter does not translate into its own
`WebSocketDisconnected`: the operation's task then failed with an ERROR and a traceback
in the log ("Exception in worker task") for what is an everyday departure. Here a send
that finds the client gone raises `WebSocketDisconnected`, and the operation ends
quietly (logged at INFO); any other failure is still an error.
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

log = logging.getLogger(__name__)

# What a send raises when the client is gone: uvicorn's ClientDisconnected is an OSError.
GONE = (OSError, WebSocketDisconnected)


class TransportWSHandler(BaseGraphQLTransportWSHandler[Context, None]):
    """graphql-transport-ws."""

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
