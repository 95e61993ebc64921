"""Slow clients are cut off (SPEC §13): a request whose headers or body trickle in holds a
connection, a parser and (once its headers are in) a task for as long as the client
likes; 250 connections sending a byte every 10 s were all still held after 39 s.

uvicorn bounds neither: its keep-alive timer runs only between requests and is
cancelled by every byte received, and it has no header or body timeout. So:

- `HeaderDeadlineProtocol`, the HTTP protocol `serve` runs, gives a connection
  `HTTP_HEADER_TIMEOUT_SECONDS` from when it opens, or from the first byte of each next
  request, to complete the request's headers (a WebSocket handshake included), and
  closes it with 408 otherwise;
- `BodyDeadlineMiddleware` gives the application `HTTP_BODY_TIMEOUT_SECONDS` from the
  headers to the body's last byte, and answers 408 (closing the connection) otherwise.
  A client that leaves before its body is complete is a departure, logged at INFO:
  Starlette raised `ClientDisconnect`, logged at ERROR with a traceback.

Neither logs above INFO: a slow client is the client's business.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from starlette.requests import ClientDisconnect
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from casino_club.config import get_settings
from casino_club.domain.errors import ErrorCode

log = logging.getLogger(__name__)

_TIMED_OUT_TEXT = b"Request headers took too long"
# Written straight to the socket: no application is involved yet.
HEADERS_TIMED_OUT = b"".join(
    [
        b"HTTP/1.1 408 Request Timeout\r\n",
        b"content-type: text/plain; charset=utf-8\r\n",
        b"content-length: " + str(len(_TIMED_OUT_TEXT)).encode() + b"\r\n",
        b"connection: close\r\n",
        b"\r\n",
        _TIMED_OUT_TEXT,
    ]
)


class HeaderDeadlineProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, with a deadline for each request's headers."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.header_timeout = get_settings().http_header_timeout_seconds
        self.header_deadline: asyncio.TimerHandle | None = None

    def _arm(self) -> None:
        self._disarm()
        self.header_deadline = self.loop.call_later(self.header_timeout, self._headers_too_slow)

    def _disarm(self) -> None:
        if self.header_deadline is not None:
            self.header_deadline.cancel()
            self.header_deadline = None

    def _headers_too_slow(self) -> None:
        self.header_deadline = None
        if not self.transport.is_closing():
            log.info("closed a connection whose request headers took too long")
            self.transport.write(HEADERS_TIMED_OUT)
            self.transport.close()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()  # a connection that never sends a byte is held no longer

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._arm()  # each request of a keep-alive connection, from its first byte

    def on_headers_complete(self) -> None:
        self._disarm()
        super().on_headers_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)


class _BodyTooSlow(Exception):
    pass


class BodyDeadlineMiddleware:
    """The whole request body within `seconds` of the headers, or 408 and a closed
    connection; a client gone mid-body ends the request quietly."""

    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.seconds
        body_complete = False
        response_started = False

        async def bounded_receive() -> Message:
            nonlocal body_complete
            if body_complete:
                return await receive()
            try:
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                raise _BodyTooSlow from None
            if message["type"] != "http.request" or not message.get("more_body", False):
                body_complete = True
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, bounded_receive, tracking_send)
        except _BodyTooSlow:
            log.info("refused a request whose body took too long")
            if not response_started:
                await self._refuse(send)
        except ClientDisconnect:
            log.info("a client left before its request body was complete")

    async def _refuse(self, send: Send) -> None:
        response = JSONResponse(
            {
                "errors": [
                    {
                        "message": "Request body took too long",
                        "extensions": {"code": ErrorCode.REQUEST_TIMEOUT.value},
                    }
                ]
            },
            status_code=408,
            headers={"connection": "close"},
        )
        await response({"type": "http"}, _no_receive, send)


async def _no_receive() -> Message:
    return {"type": "http.disconnect"}
