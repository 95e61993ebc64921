"""Debian's HAProxy in front of app instances (SPEC §16), as the e2e test and the bench
run it: HTTP and WebSocket on one port, round robin, /health checked often enough that
a dead instance leaves the rotation within about a second.

Every answer an instance gave carries `X-Served-By: <server>`; HAProxy's own answers
(a 502 for a request in flight to an instance that died, a 503 with none left) do not,
so a client can tell the two apart. HAProxy logs one line per request (per WebSocket
when it closes) to its log file: the server, the status (-1: none, the connection was
closed), the request line, the total time and how the session ended.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from tests.conftest import REQUIRE_SERVICES
from tests.e2e.conftest import stop_process
from tests.support import free_port

STARTUP_TIMEOUT_SECONDS = 15
SERVED_BY = "X-Served-By"

# Each instance checked every 500 ms, out after two failures (250 ms apart once one
# failed), back after two successes; a failed connection in real traffic counts as a
# failed check. (Not `on-marked-down shutdown-sessions`: it also cut requests that had
# been passed on from the instance to another, mid-answer. An instance that dies closes
# its WebSockets with it; one that stops closes them itself, telling clients to
# reconnect.)
SERVER_OPTIONS = " ".join(
    [
        "check inter 500ms fastinter 250ms downinter 1s fall 2 rise 2",
        "observe layer4 error-limit 1 on-error fail-check",
    ]
)
CONFIG = """\
global
    log stdout format raw local0
    maxconn 4096
    stats socket {socket} mode 600 level admin

defaults
    mode http
    log global
    log-format "%s %ST %HM %HU %Tt %tsc %rc"
    option dontlognull
    # The client's address for the instances (which believe it from TRUSTED_PROXIES).
    option forwardfor
    timeout connect 1s
    # A health check's answer may take this long (a busy instance answers late).
    timeout check 2s
    timeout client 30s
    timeout server 30s
    # A WebSocket, once upgraded, is a tunnel: idle up to this long (the server pings
    # every 15 s, so a live one never is).
    timeout tunnel 1h
    timeout client-fin 5s
    timeout http-keep-alive 10s
    # A request is retried, on another instance, only when its connection failed before
    # the instance accepted it (refused, or reset from the backlog of one that died):
    # the instance never read it, so this is safe for any request. One an instance had
    # read is never replayed here: if the instance dies, the client gets a 502 (or, on
    # a kept-alive connection, its connection closed), and only the client knows
    # whether it may send it again (a money mutation may, with its idempotency key).
    retries 2
    option redispatch 1
    retry-on conn-failure

frontend app
    bind 127.0.0.1:{port}
    default_backend instances

backend instances
    balance roundrobin
    option httpchk GET /health
    http-check expect status 200
    http-response set-header {served_by} %[srv_name]
{servers}
"""


@dataclass(frozen=True)
class RunningProxy:
    url: str
    process: subprocess.Popen[bytes]
    log_path: Path
    socket_path: Path

    def log_lines(self) -> list[list[str]]:
        """HAProxy's log so far: per request [server, status, method, uri, total ms,
        termination state]."""
        lines = self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()
        return [line.split() for line in lines if line.count(" ") >= 4]

    def server_states(self) -> dict[str, str]:
        """Each instance's state as HAProxy sees it now ("UP", "DOWN", …)."""
        with socket.socket(socket.AF_UNIX) as sock:
            sock.connect(str(self.socket_path))
            sock.sendall(b"show stat\n")
            data = b""
            while chunk := sock.recv(65536):
                data += chunk
        header, *rows = data.decode().splitlines()
        columns = header.lstrip("# ").split(",")
        states = {}
        for row in rows:
            fields = dict(zip(columns, row.split(","), strict=False))
            if fields.get("pxname") == "instances" and fields["svname"] != "BACKEND":
                states[fields["svname"]] = fields["status"]
        return states


def server_name(index: int) -> str:
    return f"app{index + 1}"


def ensure_haproxy() -> str:
    found = shutil.which("haproxy") or shutil.which("haproxy", path="/usr/sbin:/usr/local/sbin")
    if found is None:
        message = "haproxy is not installed (apt-get install haproxy; .ci/run does)"
        if REQUIRE_SERVICES:
            pytest.fail(f"REQUIRE_SERVICES=1 and {message}")
        pytest.skip(message)
    return found


@contextlib.contextmanager
def start_haproxy(instance_urls: Sequence[str], log_dir: Path) -> Iterator[RunningProxy]:
    """HAProxy on a free port in front of `instance_urls` (app1, app2, … in order),
    started once it answers and sees every instance up; stopped at the end."""
    port = free_port()
    socket_path = log_dir / f"haproxy-{port}.sock"
    servers = "\n".join(
        f"    server {server_name(n)} {urlsplit(url).netloc} {SERVER_OPTIONS}"
        for n, url in enumerate(instance_urls)
    )
    config_path = log_dir / f"haproxy-{port}.cfg"
    config_path.write_text(
        CONFIG.format(port=port, socket=socket_path, served_by=SERVED_BY, servers=servers),
        encoding="utf-8",
    )
    binary = ensure_haproxy()
    checked = subprocess.run(
        [binary, "-c", "-q", "-f", str(config_path)], capture_output=True, text=True, check=False
    )
    assert checked.returncode == 0, checked.stderr
    log_path = log_dir / f"haproxy-{port}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen([binary, "-db", "-f", str(config_path)], stdout=log, stderr=log)
    proxy = RunningProxy(f"http://127.0.0.1:{port}", process, log_path, socket_path)
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        while True:
            if process.poll() is not None:
                pytest.fail(f"haproxy exited early:\n{log_path.read_text()}")
            with contextlib.suppress(httpx.TransportError, OSError):
                healthy = httpx.get(f"{proxy.url}/health", timeout=1).status_code == 200
                if healthy and set(proxy.server_states().values()) == {"UP"}:
                    break
            if time.monotonic() > deadline:
                pytest.fail(f"haproxy did not see every instance up:\n{log_path.read_text()}")
            time.sleep(0.1)
        yield proxy
    finally:
        stop_process(process)
