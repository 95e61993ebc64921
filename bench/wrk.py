"""Drive the server with wrk (a C load generator: it takes ~5% of a core, where a Python
client takes half of one from the server it measures) and read what it measured."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import orjson

LOAD_SCRIPT = Path(__file__).with_name("load.lua")
CRASH_SCRIPT = Path(__file__).with_name("crash.lua")
REPORT_SCRIPT = Path(__file__).with_name("report.lua")
_RESULT = re.compile(
    r"RESULT requests=(\d+) failed=(\d+) socket_errors=(\d+) duration_us=(\d+) "
    r"p50_us=(\d+) p99_us=(\d+)"
)


@dataclass(frozen=True)
class Measured:
    """One run's numbers; `requests` counts only answered requests."""

    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds


class InvalidRun(SystemExit):
    """A run with failed responses measures something else: it is refused, not reported."""


def ensure_wrk() -> str:
    """wrk from Debian's packages, installed if missing."""
    found = shutil.which("wrk")
    if found:
        return found
    subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True)
    found = shutil.which("wrk")
    if found is None:
        raise SystemExit("wrk is not installed and apt-get could not install it")
    return found


def run_wrk(
    url: str,
    tokens: list[str],
    payload: Mapping[str, object],
    expect: str,
    *,
    connections: int,
    seconds: float,
    delay_ms: int = 0,
) -> Measured:
    """One mutation (`payload`) on `connections` keep-alive connections, two threads, for
    `seconds`; every response must contain `expect`."""
    with tempfile.TemporaryDirectory(prefix="bench-wrk-") as folder:
        body_file = Path(folder, "body.json")
        body_file.write_bytes(orjson.dumps(payload))
        variables = {
            "BENCH_BODY": str(body_file),
            "BENCH_EXPECT": expect,
            "BENCH_DELAY_MS": str(delay_ms),
        }
        return _wrk(LOAD_SCRIPT, url, tokens, connections, min(2, connections), seconds, variables)


def run_crash_wrk(url: str, tokens: list[str], *, connections: int, seconds: float) -> Measured:
    """`crashBet` then `crashCashout` of its round, over and over, on each connection (one
    thread each, players split between them); both answers checked."""
    variables = {"BENCH_THREADS": str(connections)}
    return _wrk(CRASH_SCRIPT, url, tokens, connections, connections, seconds, variables)


def _wrk(
    script: Path,
    url: str,
    tokens: list[str],
    connections: int,
    threads: int,
    seconds: float,
    variables: Mapping[str, str],
) -> Measured:
    with tempfile.TemporaryDirectory(prefix="bench-wrk-") as folder:
        tokens_file = Path(folder, "tokens")
        tokens_file.write_text("\n".join(tokens) + "\n", encoding="utf-8")
        env = {
            **os.environ,
            **variables,
            "BENCH_TOKENS": str(tokens_file),
            "BENCH_REPORT": str(REPORT_SCRIPT),
        }
        completed = subprocess.run(
            [
                ensure_wrk(),
                f"-c{connections}",
                f"-t{threads}",
                f"-d{seconds:g}s",
                "--timeout",
                "10s",
                "-s",
                str(script),
                f"{url}/graphql",
            ],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
    match = _RESULT.search(completed.stdout)
    if match is None:
        raise InvalidRun(f"wrk printed no result:\n{completed.stdout}\n{completed.stderr}")
    requests, failed, socket_errors, duration_us, p50_us, p99_us = map(int, match.groups())
    if failed or socket_errors:
        raise InvalidRun(
            f"{failed} failed responses and {socket_errors} socket errors of {requests}: "
            f"the run is invalid\n{completed.stdout}"
        )
    return Measured(requests, duration_us / 1e6, p50_us / 1000, p99_us / 1000)
