"""One subscription over a real WebSocket, its results read as they come: what the e2e
tests of live events listen with."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from typing import Any

from gql import Client, GraphQLRequest
from gql.transport.websockets import WebsocketsTransport

from tests.e2e.test_http_and_websocket import TIMEOUT, ws_url

Items = list[dict[str, Any]]


class Listener:
    """Every result of one subscription (its `field`), in the order received."""

    def __init__(self, ws: Client, request: GraphQLRequest, field: str) -> None:
        self.received: Items = []
        self._arrived = asyncio.Event()
        self._task = asyncio.create_task(self._read(ws, request, field))

    async def _read(self, ws: Client, request: GraphQLRequest, field: str) -> None:
        async for result in ws.subscribe(request):  # type: ignore[attr-defined]
            self.received.append(result[field])
            self._arrived.set()

    async def until(self, done: Callable[[Items], bool], within: float = TIMEOUT) -> bool:
        """Whether what was received satisfies `done` within `within` seconds. A
        subscription that ended with an error raises it here."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(within):
                while not done(self.received):
                    self._arrived.clear()
                    arrived = asyncio.ensure_future(self._arrived.wait())
                    await asyncio.wait([self._task, arrived], return_when=asyncio.FIRST_COMPLETED)
                    arrived.cancel()
                    if self._task.done():
                        self._task.result()
                        return done(self.received)
                return True
        return False

    async def until_gold(self, gold: int) -> None:
        """Wait (bounded) until the last balance event received shows `gold`."""
        assert await self.until(showing(gold)), f"no balance event showing {gold}"

    def stop(self) -> None:
        self._task.cancel()


def showing(gold: int) -> Callable[[Items], bool]:
    """The last balance event received shows `gold`."""
    return lambda items: bool(items) and items[-1]["gold"] == gold


def having(found: Callable[[dict[str, Any]], bool]) -> Callable[[Items], bool]:
    """Some item received satisfies `found`."""
    return lambda items: any(found(item) for item in items)


@contextlib.asynccontextmanager
async def listening(
    base_url: str, token: str, request: GraphQLRequest, field: str
) -> AsyncIterator[Listener]:
    """A WebSocket (graphql-transport-ws) subscribed as `token`'s player."""
    transport = WebsocketsTransport(
        url=ws_url(base_url),
        init_payload={"authorization": f"Bearer {token}"},
        subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
    )
    async with Client(transport=transport) as ws:
        listener = Listener(ws, request, field)
        try:
            yield listener
        finally:
            listener.stop()
