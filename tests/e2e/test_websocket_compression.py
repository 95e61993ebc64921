"""permessage-deflate on WebSockets is a setting (WS_PER_MESSAGE_DEFLATE), off by
default: a client that offers it (every browser does, and so does the websockets
library) gets a connection without it, and so no zlib state on the server, unless the
setting turns it on. Real uvicorn processes, both backends."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
import websockets

from tests.conftest import Backend
from tests.e2e.conftest import start_server
from tests.e2e.test_http_and_websocket import ws_url

pytestmark = pytest.mark.e2e


async def negotiated(base_url: str) -> list[str]:
    """The extensions a connection that offers permessage-deflate ends up with, once the
    server has acknowledged it (a graphql-transport-ws session that works)."""
    async with websockets.connect(
        ws_url(base_url),
        subprotocols=[websockets.Subprotocol("graphql-transport-ws")],
        compression="deflate",
    ) as ws:
        await ws.send(orjson.dumps({"type": "connection_init"}).decode())
        assert orjson.loads(await ws.recv())["type"] == "connection_ack"
        return [extension.name for extension in ws.protocol.extensions]


async def test_compression_is_off_unless_the_setting_turns_it_on(
    server: str, backend: Backend, tmp_path: Path
) -> None:
    assert await negotiated(server) == []
    with start_server(backend, tmp_path, WS_PER_MESSAGE_DEFLATE="true") as compressing:
        assert await negotiated(compressing.url) == ["permessage-deflate"]
