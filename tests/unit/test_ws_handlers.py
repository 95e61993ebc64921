"""A subscriber that leaves mid-send is a departure, not an error (issue 13): uvicorn's
ClientDisconnected from a send ends the operation quietly on both protocols, where
strawberry logged "Exception in worker task" with a traceback."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from strawberry.http.exceptions import WebSocketDisconnected
from uvicorn.protocols.utils import ClientDisconnected

from casino_club.live.ws_handlers import LegacyWSHandler, TransportWSHandler


class GoneSocket:
    """The one thing the handlers' send touches: a socket whose client has left."""

    def __init__(self, error: Exception) -> None:
        self.error = error

    async def send_json(self, message: Any) -> None:
        raise self.error


def handler_of(cls: type[Any], error: Exception | None = None) -> Any:
    """The handler with only its socket (and graphql-ws's record of failed operations):
    send_message and the error hook need no more."""
    handler = object.__new__(cls)
    handler.websocket = GoneSocket(error or ClientDisconnected())
    handler._failed = set()
    return handler


# What uvicorn raises for a send after it closed the socket itself (a keep-alive ping
# unanswered, an oversized frame): strawberry let it out as "Exception in worker task".
CLOSED_BY_UVICORN = RuntimeError(
    "Unexpected ASGI message 'websocket.send', after sending 'websocket.close'."
)


@pytest.mark.parametrize("error", [ClientDisconnected(), CLOSED_BY_UVICORN])
@pytest.mark.parametrize("cls", [TransportWSHandler, LegacyWSHandler])
async def test_a_send_to_a_departed_client_is_a_disconnect(
    cls: type[Any], error: Exception
) -> None:
    with pytest.raises(WebSocketDisconnected):
        await handler_of(cls, error).send_message({"type": "next", "id": "1", "payload": {}})


async def test_a_departure_is_not_logged_as_an_error(caplog: pytest.LogCaptureFixture) -> None:
    handler = handler_of(TransportWSHandler)
    with caplog.at_level(logging.INFO):
        await handler.handle_task_exception(WebSocketDisconnected())
    assert [r.levelno for r in caplog.records] == [logging.INFO]
    caplog.clear()
    await handler.handle_task_exception(ValueError("a real bug"))
    assert [r.levelno for r in caplog.records] == [logging.ERROR]  # still reported


async def test_the_legacy_protocol_ends_the_operation_quietly(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Its operation task has no error hook: the departure is caught where it runs."""

    class Stream:
        def __aiter__(self) -> Stream:
            return self

        async def __anext__(self) -> Any:
            raise StopAsyncIteration

    handler = handler_of(LegacyWSHandler)
    handler.subscriptions, handler.tasks = {}, {}

    class Schema:
        async def subscribe(self, **_: Any) -> Stream:
            return Stream()

    handler.schema, handler.context, handler.root_value = Schema(), None, None
    with caplog.at_level(logging.INFO):
        await handler.handle_async_results("1", "subscription { heartbeat { at } }", None, None)
    assert [r.levelno for r in caplog.records] == [logging.INFO]
