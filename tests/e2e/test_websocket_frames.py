"""WebSocket messages are held to the rules of HTTP bodies (SPEC §13), on both protocols,
against a real uvicorn process whose log file is read afterwards.

A malformed frame closes the connection with 4400 and the reason; a syntax error, an
over-long document or a literal HTTP would refuse is answered as a GraphQL error on the
operation; nothing of the document (which may hold a password literal) reaches the log,
and nothing at all is logged at ERROR.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets
from websockets.asyncio.connection import Connection

from casino_club.live.ws_handlers import MALFORMED_FRAME
from casino_club.schema.request_checks import NUMBER_OUT_OF_RANGE, UNSTORABLE_TEXT
from tests.conftest import Backend
from tests.e2e.conftest import start_server
from tests.e2e.test_http_and_websocket import TIMEOUT, ws_url

pytestmark = pytest.mark.e2e

TRANSPORT = "graphql-transport-ws"
LEGACY = "graphql-ws"
PASSWORD_LITERAL = "hunter2-Secret-Literal-77"
# A login with its password inline, and a syntax error after it (a missing brace).
BROKEN_LOGIN = (
    'mutation { login(input: {siteId: "someone", password: "' + PASSWORD_LITERAL + '"}) '
    "{ __typename }"
)
INIT_TIMEOUT_SECONDS = 1


class LoggedServer:
    def __init__(self, url: str, log_dir: Path) -> None:
        self.url = url
        self.log_dir = log_dir
        self.read_from = 0

    def whole_log(self) -> str:
        return "".join(path.read_text() for path in self.log_dir.glob("server-*.log"))

    def log(self) -> str:
        """What the server logged since the current test began."""
        return self.whole_log()[self.read_from :]


@pytest.fixture(scope="module")
def logged(backend: Backend, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LoggedServer]:
    log_dir = tmp_path_factory.mktemp("ws-frames")
    # At INFO, so that nothing logged at all may quote a document.
    settings = {
        "WS_CONNECTION_INIT_TIMEOUT_SECONDS": str(INIT_TIMEOUT_SECONDS),
        "LOG_LEVEL": "INFO",
    }
    with start_server(backend, log_dir, **settings) as running:
        yield LoggedServer(running.url, log_dir)


@pytest.fixture(autouse=True)
def this_tests_log(logged: LoggedServer) -> None:
    logged.read_from = len(logged.whole_log())


def start_message(protocol: str, payload: object, operation_id: object = "1") -> dict[str, Any]:
    kind = "subscribe" if protocol == TRANSPORT else "start"
    return {"id": operation_id, "type": kind, "payload": payload}


async def connected(url: str, protocol: str) -> websockets.ClientConnection:
    socket = await websockets.connect(ws_url(url), subprotocols=[protocol])  # type: ignore[list-item]
    await socket.send(json.dumps({"type": "connection_init", "payload": {}}))
    ack = json.loads(await asyncio.wait_for(socket.recv(), TIMEOUT))
    assert ack["type"] == "connection_ack", ack
    return socket


async def answer_to(url: str, protocol: str, payload: dict[str, Any]) -> dict[str, Any]:
    """The first message about operation 1 that is not a keep-alive."""
    async with await connected(url, protocol) as socket:
        await socket.send(json.dumps(start_message(protocol, payload)))
        while True:
            message: dict[str, Any] = json.loads(await asyncio.wait_for(socket.recv(), TIMEOUT))
            if message["type"] != "ka":
                return message


async def read_until_closed(socket: Connection) -> None:
    while True:
        await asyncio.wait_for(socket.recv(), TIMEOUT)


async def close_code_after(url: str, protocol: str, frame: str) -> tuple[int, str]:
    async with await connected(url, protocol) as socket:
        await socket.send(frame)
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await read_until_closed(socket)
    received = closed.value.rcvd
    assert received is not None, "the server dropped the socket without a close frame"
    return received.code, received.reason


def assert_quiet(server: LoggedServer) -> None:
    log = server.log()
    assert PASSWORD_LITERAL not in log
    assert '"level":"ERROR"' not in log, log
    assert "Traceback" not in log, log


def errors_of(protocol: str, message: dict[str, Any]) -> list[dict[str, Any]]:
    """An operation's errors: graphql-transport-ws sends a list, graphql-ws one error."""
    assert (message["type"], message["id"]) == ("error", "1"), message
    payload = message["payload"]
    return payload if protocol == TRANSPORT else [payload]


@pytest.mark.parametrize("protocol", [TRANSPORT, LEGACY])
@pytest.mark.parametrize(
    ("query", "code"),
    [
        (BROKEN_LOGIN, "GRAPHQL_PARSE_FAILED"),
        ("{ " + "__typename " * 2100 + "}", "QUERY_TOO_COMPLEX"),  # a limit, not a typo
    ],
    ids=["syntax error with a password", "over the token limit"],
)
async def test_a_document_that_does_not_parse_is_answered_as_an_error_and_not_logged(
    logged: LoggedServer, protocol: str, query: str, code: str
) -> None:
    errors = errors_of(protocol, await answer_to(logged.url, protocol, {"query": query}))
    assert [error["extensions"]["code"] for error in errors] == [code]
    assert errors[0]["message"].startswith("Syntax Error")
    assert_quiet(logged)


@pytest.mark.parametrize("protocol", [TRANSPORT, LEGACY])
@pytest.mark.parametrize(
    ("literal", "message"),
    [("9" * 5000, NUMBER_OUT_OF_RANGE), ('"a\\u0000b"', UNSTORABLE_TEXT)],
    ids=["5,000 digits", "NUL"],
)
async def test_literals_http_refuses_are_refused_with_its_message(
    logged: LoggedServer, protocol: str, literal: str, message: str
) -> None:
    query = f"{{ validateInviteCode(code: {literal}) {{ valid }} }}"
    errors = errors_of(protocol, await answer_to(logged.url, protocol, {"query": query}))
    assert [(error["message"], error["extensions"]["code"]) for error in errors] == [
        (message, "BAD_REQUEST")
    ]
    assert_quiet(logged)


MALFORMED_FRAMES = {
    "array": ("[]", "WebSocket message must be a JSON object"),
    "not json": ("{type: 1}", MALFORMED_FRAME),
    "5,000 digits": ('{"type": "x", "a": ' + "9" * 5000 + "}", MALFORMED_FRAME),
    "NUL in variables": (None, UNSTORABLE_TEXT),
    "payload null": (None, "The operation's payload must be an object"),
    "payload a string": (None, "The operation's payload must be an object"),
    "query not a string": (None, "The operation's query must be a string"),
    "variables not an object": (None, "The operation's variables must be an object or null"),
    "operationName not a string": (None, "The operation's operationName must be a string or null"),
    "id missing": (None, "The message's id must be a string"),
    "type not a string": ('{"type": ["subscribe"]}', "Unknown message type"),
}


def malformed_frame(name: str, protocol: str) -> str:
    frame = MALFORMED_FRAMES[name][0]
    if frame is not None:
        return frame
    query = "{ __typename }"
    message = {
        "NUL in variables": start_message(protocol, {"query": query, "variables": {"a": "\x00"}}),
        "payload null": start_message(protocol, None),
        "payload a string": start_message(protocol, query),
        "query not a string": start_message(protocol, {"query": 5}),
        "variables not an object": start_message(protocol, {"query": query, "variables": [1]}),
        "operationName not a string": start_message(
            protocol, {"query": query, "operationName": {"a": 1}}
        ),
        "id missing": {"type": start_message(protocol, None)["type"], "payload": {"query": query}},
    }[name]
    return json.dumps(message)


@pytest.mark.parametrize("protocol", [TRANSPORT, LEGACY])
@pytest.mark.parametrize("name", list(MALFORMED_FRAMES))
async def test_a_malformed_frame_closes_with_4400_and_the_reason(
    logged: LoggedServer, protocol: str, name: str
) -> None:
    code, reason = await close_code_after(logged.url, protocol, malformed_frame(name, protocol))
    assert (code, reason) == (4400, MALFORMED_FRAMES[name][1])
    assert_quiet(logged)


async def test_a_close_reason_quoting_the_client_is_cut_to_fit_a_close_frame(
    logged: LoggedServer,
) -> None:
    """Strawberry closes on an unknown operation name, quoting it: 200 characters made
    a reason too long for a close frame, and the close itself failed with an ERROR."""
    payload = {"query": "{ __typename }", "operationName": "o" * 200}
    frame = json.dumps(start_message(TRANSPORT, payload))
    code, reason = await close_code_after(logged.url, TRANSPORT, frame)
    assert (code, reason) == (4400, 'Unknown operation named "' + "o" * 98)
    assert_quiet(logged)


@pytest.mark.parametrize("protocol", [TRANSPORT, LEGACY])
async def test_a_connection_that_never_initialises_is_closed(
    logged: LoggedServer, protocol: str
) -> None:
    async with websockets.connect(ws_url(logged.url), subprotocols=[protocol]) as socket:  # type: ignore[list-item]
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await asyncio.wait_for(socket.recv(), INIT_TIMEOUT_SECONDS + TIMEOUT)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4408
    assert_quiet(logged)


async def test_a_get_request_s_document_is_not_logged(logged: LoggedServer) -> None:
    """Over HTTP too: uvicorn's access line quoted GET's query string, document and all."""
    async with httpx.AsyncClient(base_url=logged.url, timeout=TIMEOUT) as client:
        refused = await client.get("/graphql", params={"query": BROKEN_LOGIN + "}"})
    assert refused.status_code == 400  # mutations are not run over GET
    assert "GET /graphql?[withheld]" in logged.log()
    assert_quiet(logged)


async def test_a_well_formed_operation_still_answers(logged: LoggedServer) -> None:
    """(graphql-ws runs only subscriptions, which need a player: test_http_and_websocket.)"""
    message = await answer_to(logged.url, TRANSPORT, {"query": "{ __typename }"})
    assert message["payload"] == {"data": {"__typename": "Query"}}
