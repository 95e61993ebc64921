"""Strawberry's WebSocket protocol handlers, holding WebSocket messages to the rules of
HTTP bodies (SPEC §13), and for whom a client that left mid-send has simply left.

Malformed frames. Strawberry assumes well-formed messages: a JSON array or a `subscribe`
whose payload is null raised a TypeError that dropped the socket with no close code,
and the legacy graphql-ws handler silently skipped invalid JSON (and, since the view's
`decode_json` refuses them, NUL characters). Here every frame is decoded as an HTTP
body is, and checked for the shape its protocol gives it before strawberry reads it; a
frame that fails either closes the connection with 4400 and the reason, on both
protocols.

Documents. An operation's document is checked as over HTTP (the view's
`document_problem`: a 5,000-digit or NUL literal is answered with the HTTP 400's message,
code BAD_REQUEST), and one that does not parse is answered with its syntax error (code
GRAPHQL_PARSE_FAILED): `CheckedDocuments.on_parse` raises it, strawberry's streaming path
does not catch it, and the operation task used to log it at ERROR with a traceback whose
text quoted the document — a `login`'s inline password included.

Departures. uvicorn reports a send to a socket the client has closed as
`ClientDisconnected` (an OSError), and a send or close after uvicorn itself closed the
socket (a keep-alive ping unanswered, an oversized frame) as a RuntimeError ("Unexpected
ASGI message 'websocket.send'"); strawberry translates neither into its own
`WebSocketDisconnected`, so the operation's task failed with an ERROR and a traceback
for an everyday departure. Here both end the operation quietly (logged at INFO); any
other failure is still an error.

Idle connections. graphql-transport-ws closes a connection that sends no
`connection_init` within the view's `connection_init_wait_timeout` (4408); the legacy
handler had no such bound, and now closes the same way. A repeated graphql-ws
`connection_init` (the protocol allows one) keeps one keep-alive task, not one per init.

Limits. Both enforce the per-player and per-address connection limits (limits.py): a
connection over one is closed with 4429 and the limit as its reason (graphql-ws is told
in a `connection_error` first), and every connection gives its lease back on leaving.

Reasons (SPEC §12.1: a refused WebSocket closes with a reason a client can show; a
browser's CloseEvent carries nothing else). Strawberry closes a refused
`connection_init` with 4403 "Forbidden" whatever the refusal said, and the legacy
handler with 1011 and no reason (1000 for an init payload that is not an object), so
the app refuses with `InitRefused` instead of strawberry's ConnectionRejectionError:
graphql-transport-ws closes 4403 with its message as the reason; graphql-ws sends it
(with its code) in `connection_error`, then closes the same way.

Failures. An operation whose result has no data and errors at no field (its source
stream raised — the session ended, the subscriber fell behind — or it was refused when
it started) failed as a whole: strawberry sent that as an ordinary result (`next` /
`data`) followed by `complete`, which a client's subscription reads as a normal end.
It is sent as the protocol's `error` message instead, and nothing after it.

Shutdown. uvicorn closes every open WebSocket with 1012 ("service restart") and no
reason when the server stops; `serve` runs `ShutdownReasonProtocol`, which says so.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar, cast

import orjson
from graphql import GraphQLError
from starlette.websockets import WebSocketDisconnect, WebSocketState
from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.http.exceptions import NonTextMessageReceived, WebSocketDisconnected
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
)
from strawberry.subscriptions.protocols.graphql_ws.handlers import BaseGraphQLWSHandler
from strawberry.subscriptions.protocols.graphql_ws.types import ErrorMessage
from strawberry.types.execution import ExecutionResult, PreExecutionError
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

from casino_club.domain.errors import ErrorCode
from casino_club.http_requests import UnstorableJson
from casino_club.live.limits import HoldsConnection, LimitReached

if TYPE_CHECKING:
    from strawberry.schema.schema import StreamResult

log = logging.getLogger(__name__)


class CheckingView(Protocol):
    """What the handlers need of the view (app.CasinoGraphQL): its check of a document,
    the HTTP body's; named here so this module does not import the app back."""

    def document_problem(self, query: str) -> str | None: ...


# What a send or close raises when the socket is gone: uvicorn's ClientDisconnected is
# an OSError; a send after uvicorn (or starlette) closed the socket is a RuntimeError.
GONE = (OSError, RuntimeError, WebSocketDisconnected)

MALFORMED = 4400
# The close code of a refused connection_init (graphql-transport-ws's "Forbidden").
FORBIDDEN = 4403
# The close code of a connection refused by a limit (graphql-transport-ws uses 4429 for
# "too many" too).
TOO_MANY_CONNECTIONS = 4429
NOT_AN_OBJECT = "WebSocket message must be a JSON object"
UNKNOWN_TYPE = "Unknown message type"
BAD_ID = "The message's id must be a string"
BAD_PAYLOAD = "The operation's payload must be an object"
BAD_QUERY = "The operation's query must be a string"
BAD_VARIABLES = "The operation's variables must be an object or null"
BAD_OPERATION_NAME = "The operation's operationName must be a string or null"
BAD_EXTENSIONS = "The operation's extensions must be an object or null"
INIT_TIMEOUT = "Connection initialisation timeout"
# uvicorn's close code for the connections open when the server stops (RFC 6455's
# "service restart": clients reconnect, to another instance or after the restart).
SERVICE_RESTART = 1012
SHUTTING_DOWN = "The server is restarting; reconnect"
BAD_INIT_PAYLOAD = "Invalid connection init payload"
# MALFORMED_JSON's content, within a close reason's room.
MALFORMED_FRAME = (
    "Malformed JSON: invalid UTF-8 or surrogates, over 1,024 levels deep, or a number "
    "beyond ±1.8e308"
)
# A close frame's reason holds at most 123 bytes (RFC 6455 §5.5); a longer one fails the
# close itself (websockets raises "control frame too long"), and strawberry quotes the
# client's text in some ("Subscriber for <id> already exists").
MAX_REASON_BYTES = 123


def fitting(reason: str) -> str:
    """The reason, cut to a close frame's room on a character boundary."""
    return reason.encode()[:MAX_REASON_BYTES].decode(errors="ignore")


class InitRefused(Exception):
    """The app's refusal of a `connection_init` (`on_ws_connect`), and what the client is
    told: the message (the close reason, cut to fit) and the rest of its error payload
    (its code, a retry delay)."""

    def __init__(self, message: str, **extensions: object) -> None:
        super().__init__(message)
        self.message = message
        self.extensions = extensions

    @property
    def payload(self) -> dict[str, object]:
        """graphql-ws's `connection_error` payload."""
        return {"message": self.message, **self.extensions}


def failure_of(result: object) -> list[GraphQLError] | None:
    """The errors of a result that reports the operation failed as a whole — no data,
    and no error located at a field (a field's error has a path; the errors strawberry
    makes of a source stream that raised, or of a refusal at the start, have none) —
    or None for a result to deliver as it is. A pre-execution error is strawberry's to
    answer (it closes on some)."""
    if not isinstance(result, ExecutionResult) or isinstance(result, PreExecutionError):
        return None
    errors = result.errors
    if result.data is not None or not errors or any(error.path for error in errors):
        return None
    return list(errors)


@dataclass(frozen=True, slots=True)
class MalformedFrame:
    """A text frame that is not acceptable JSON, and why (the HTTP 400's message)."""

    reason: str


class CheckedWebSocketAdapter(ASGIWebSocketAdapter):
    """Frames decoded by the view's `decode_json`, as HTTP bodies are; one it refuses is
    handed on as a `MalformedFrame` for the protocol handler to close on, rather than
    raised (graphql-transport-ws: a reason that hid the problem) or skipped (graphql-ws).
    Closing a socket that is already gone is not an error; a reason too long for a close
    frame is cut to fit."""

    async def iter_json(self, *, ignore_parsing_errors: bool = False) -> AsyncGenerator[object]:
        try:
            while self.ws.application_state != WebSocketState.DISCONNECTED:
                text = await self.ws.receive_text()
                frame: object
                try:
                    frame = self.view.decode_json(text)
                except UnstorableJson as exc:
                    frame = MalformedFrame(exc.msg)
                except orjson.JSONDecodeError:
                    frame = MalformedFrame(MALFORMED_FRAME)
                yield frame
        except KeyError as exc:  # starlette: a frame without text
            raise NonTextMessageReceived from exc
        except WebSocketDisconnect:
            pass

    async def close(self, code: int, reason: str) -> None:
        with contextlib.suppress(*GONE):
            await super().close(code, fitting(reason))


class ShutdownReasonProtocol(WebSocketsSansIOProtocol):
    """uvicorn's WebSocket protocol (the one its `auto` picks), whose shutdown closes an
    open connection with 1012 and a reason a client can show; as uvicorn's otherwise."""

    def shutdown(self) -> None:
        if not self.handshake_complete or self.close_sent:
            super().shutdown()
            return
        self.stop_keepalive()
        self.queue.put_nowait(
            {"type": "websocket.disconnect", "code": SERVICE_RESTART, "reason": SHUTTING_DOWN}
        )
        self.conn.send_close(SERVICE_RESTART, SHUTTING_DOWN)
        self.transport.write(b"".join(self.conn.data_to_send()))
        self.transport.close()


def payload_problem(payload: object) -> str | None:
    """Why an operation's payload is not what an HTTP body would have to be, if it is not."""
    if not isinstance(payload, dict):
        return BAD_PAYLOAD
    if not isinstance(payload.get("query"), str):
        return BAD_QUERY
    if not isinstance(payload.get("variables"), dict | None):
        return BAD_VARIABLES
    if not isinstance(payload.get("operationName"), str | None):
        return BAD_OPERATION_NAME
    if not isinstance(payload.get("extensions"), dict | None):
        return BAD_EXTENSIONS
    return None


@dataclass(frozen=True)
class Grammar:
    """A protocol's client messages: their types, which carry an id, which starts one."""

    types: frozenset[str]
    with_id: frozenset[str]
    start: str

    def problem(self, message: object) -> str | None:
        if isinstance(message, MalformedFrame):
            return message.reason
        if not isinstance(message, dict):
            return NOT_AN_OBJECT
        kind = message.get("type")
        if not isinstance(kind, str) or kind not in self.types:
            return UNKNOWN_TYPE
        if kind in self.with_id and not isinstance(message.get("id"), str):
            return BAD_ID
        if kind == self.start:
            return payload_problem(message.get("payload"))
        return None


TRANSPORT_GRAMMAR = Grammar(
    types=frozenset({"connection_init", "ping", "pong", "subscribe", "complete"}),
    with_id=frozenset({"subscribe", "complete"}),
    start="subscribe",
)
LEGACY_GRAMMAR = Grammar(
    types=frozenset({"connection_init", "connection_terminate", "start", "stop"}),
    with_id=frozenset({"start", "stop"}),
    start="start",
)


def refusal(message: str) -> GraphQLError:
    """An operation refused as its HTTP request would be with a 400."""
    return GraphQLError(message, extensions={"code": ErrorCode.BAD_REQUEST.value})


def over_connection_limit(limit: int) -> GraphQLError:
    """strawberry's own refusal ("Subscription limit reached") carries no code."""
    return GraphQLError(
        f"Too many subscriptions: {limit} operations at once on one connection",
        extensions={"code": ErrorCode.TOO_MANY_SUBSCRIPTIONS.value},
    )


# The context the handlers serve: the app's, which holds its connection's lease.
C = TypeVar("C", bound=HoldsConnection)


def release_connection(context: HoldsConnection) -> None:
    if context.connection_lease is not None:
        context.connection_lease.release()
        context.connection_lease = None


class TransportWSHandler(BaseGraphQLTransportWSHandler[C, None], Generic[C]):
    """graphql-transport-ws."""

    async def handle(self) -> None:
        try:
            await super().handle()
        finally:
            release_connection(self.context)

    async def handle_connection_init(self, message: Any) -> None:
        try:
            await super().handle_connection_init(message)
        except InitRefused as refused:
            await self.websocket.close(code=FORBIDDEN, reason=refused.message)
        except LimitReached as refused:
            await self.websocket.close(code=TOO_MANY_CONNECTIONS, reason=str(refused))

    async def handle_message(self, message: Any) -> None:
        problem = TRANSPORT_GRAMMAR.problem(message)
        if problem is not None:
            await self.handle_invalid_message(problem)
            return
        await super().handle_message(message)

    async def handle_subscribe(self, message: Any) -> None:
        operation_id: str = message["id"]
        if self.connection_acknowledged and operation_id not in self.operations:
            problem = cast("CheckingView", self.view).document_problem(message["payload"]["query"])
            error = None if problem is None else refusal(problem)
            limit = self.max_subscriptions_per_connection
            if error is None and limit is not None and len(self.operations) >= limit:
                error = over_connection_limit(limit)
            if error is not None:
                await self.send_message(
                    {"id": operation_id, "type": "error", "payload": [error.formatted]}
                )
                return
        await super().handle_subscribe(message)

    async def _send_result_stream(
        self, operation: Operation[C, None], result_source: StreamResult
    ) -> None:
        try:
            await super()._send_result_stream(
                operation, self._until_failure(operation, result_source)
            )
        except GraphQLError as error:  # raised, not returned: a syntax error (module doc)
            await operation.send_initial_errors([error])

    @staticmethod
    async def _until_failure(
        operation: Operation[C, None], result_source: StreamResult
    ) -> StreamResult:
        """The results to send as `next`; a failure is sent as `error` and ends them
        (the operation is then completed: strawberry's `complete` is not sent)."""
        async for result in result_source:
            errors = failure_of(result)
            if errors is not None:
                await operation.send_initial_errors(errors)
                return
            yield result

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


class LegacyWSHandler(BaseGraphQLWSHandler[C, None], Generic[C]):
    """graphql-ws (the legacy protocol): its operation tasks have no error handler of
    their own, so a departure is caught where the operation runs."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Operations whose failure was sent as `error` (module doc), until they end.
        self._failed: set[str] = set()

    async def handle(self) -> None:
        deadline = asyncio.create_task(self._close_unless_initialised())
        try:
            await super().handle()
        finally:
            deadline.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await deadline
            release_connection(self.context)

    async def handle_connection_init(self, message: Any) -> None:
        # graphql-ws lets a client initialise again, and strawberry starts a keep-alive
        # task on every acknowledgement without stopping the last: forty inits made forty
        # `ka` streams, each failing unretrieved once the client left. One at a time.
        if self.keep_alive_task is not None:
            self.keep_alive_task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self.keep_alive_task
            self.keep_alive_task = None
        payload = message.get("payload")
        if payload is not None and not isinstance(payload, dict):
            await self._refuse(
                InitRefused(BAD_INIT_PAYLOAD, code=ErrorCode.BAD_REQUEST.value), MALFORMED
            )
            return
        try:
            await super().handle_connection_init(message)
        except InitRefused as refused:
            await self._refuse(refused, FORBIDDEN)
        except LimitReached as refused:
            limit = InitRefused(str(refused), code=ErrorCode.TOO_MANY_CONNECTIONS.value)
            await self._refuse(limit, TOO_MANY_CONNECTIONS)

    async def _refuse(self, refused: InitRefused, close_code: int) -> None:
        """graphql-ws clients read `connection_error`; a browser's close event shows the
        reason."""
        await self.send_message({"type": "connection_error", "payload": refused.payload})
        await self.websocket.close(code=close_code, reason=refused.message)

    async def _close_unless_initialised(self) -> None:
        await asyncio.sleep(self.view.connection_init_wait_timeout.total_seconds())
        if not self.connection_acknowledged:
            await self.websocket.close(code=4408, reason=INIT_TIMEOUT)

    async def handle_message(self, message: Any) -> None:
        problem = LEGACY_GRAMMAR.problem(message)
        if problem is not None:
            await self.websocket.close(code=MALFORMED, reason=problem)
            return
        await super().handle_message(message)

    async def handle_start(self, message: Any) -> None:
        if self.connection_acknowledged:
            problem = cast("CheckingView", self.view).document_problem(message["payload"]["query"])
            if problem is not None:
                await self.send_error(message["id"], refusal(problem))
                return
            limit = self.max_subscriptions_per_connection
            others = [task for key, task in self.tasks.items() if key != message["id"]]
            if limit is not None and len(others) >= limit:
                await self.send_error(message["id"], over_connection_limit(limit))
                return
        await super().handle_start(message)

    async def send_error(self, operation_id: str, error: GraphQLError) -> None:
        await self.send_message(
            ErrorMessage(type="error", id=operation_id, payload=error.formatted)
        )

    async def send_message(self, message: Any) -> None:
        if message["type"] == "complete" and message["id"] in self._failed:
            return  # its `error` ended it
        try:
            await super().send_message(message)
        except GONE as error:
            raise WebSocketDisconnected from error

    async def send_data_message(self, execution_result: ExecutionResult, operation_id: str) -> None:
        errors = failure_of(execution_result)
        if errors is None:
            await super().send_data_message(execution_result, operation_id)
            return
        # graphql-ws's `error` carries one error, as strawberry sends a pre-execution one;
        # the stream ends after it (module doc), and its `complete` is not sent.
        self._failed.add(operation_id)
        await self.send_error(operation_id, errors[0])

    async def handle_async_results(
        self,
        operation_id: str,
        query: str,
        operation_name: str | None,
        variables: dict[str, object] | None,
    ) -> None:
        try:
            await super().handle_async_results(operation_id, query, operation_name, variables)
        except GraphQLError as error:  # raised, not returned: a syntax error (module doc)
            try:
                await self.send_error(operation_id, error)
            except WebSocketDisconnected:
                log.info("a subscriber left before its error was sent")
        except WebSocketDisconnected:
            log.info("a subscriber left while an event was being sent")
        finally:
            self._failed.discard(operation_id)
