"""The Node project in clients/: installed from its lock, generated, compiled, run.

Frontends build against `schema.graphql` with Node tools; these helpers run the same
tools the same way (`npm ci`, GraphQL Code Generator, `tsc`), so a schema change that
breaks a typed frontend breaks the suite. Node is required like PostgreSQL and Redis:
with REQUIRE_SERVICES=1 (CI) a missing `node` or `npm` fails the run, else it skips.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

CLIENTS_DIR = Path(__file__).resolve().parents[2] / "clients"
NODE_MODULES = CLIENTS_DIR / "node_modules"
BIN = NODE_MODULES / ".bin"
# Written after a successful `npm ci`: the hash of the manifest and lock it installed.
STAMP = NODE_MODULES / ".casino-club-installed"
INSTALL_TIMEOUT_SECONDS = 600
TOOL_TIMEOUT_SECONDS = 180


def require_node() -> None:
    missing = [tool for tool in ("node", "npm") if shutil.which(tool) is None]
    if not missing:
        return
    message = f"{' and '.join(missing)} not found on PATH (clients/ needs Node ≥ 20)"
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"REQUIRE_SERVICES=1 and {message}")
    pytest.skip(message)


def run(command: list[str], *, timeout: float = TOOL_TIMEOUT_SECONDS) -> str:
    """Run a tool in clients/; its whole output is the failure message if it fails."""
    try:
        done = subprocess.run(
            command,
            cwd=CLIENTS_DIR,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"{' '.join(command)} took over {timeout} s")
    output = f"{done.stdout}\n{done.stderr}".strip()
    if done.returncode != 0:
        pytest.fail(f"{' '.join(command)} exited {done.returncode}:\n{output}")
    return output


@contextlib.contextmanager
def _exclusive() -> Iterator[None]:
    """One installer and generator at a time, across test processes too."""
    with (CLIENTS_DIR / "package.json").open("rb") as anchor:
        fcntl.flock(anchor, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(anchor, fcntl.LOCK_UN)


def _lock_digest() -> str:
    digest = hashlib.sha256()
    for name in ("package.json", "package-lock.json"):
        digest.update((CLIENTS_DIR / name).read_bytes())
    return digest.hexdigest()


def prepare() -> None:
    """`npm ci` when node_modules is missing or was installed from another lock, then
    generate the operation types from the current schema.graphql and operations."""
    require_node()
    with _exclusive():
        if not STAMP.is_file() or STAMP.read_text() != _lock_digest():
            run(["npm", "ci", "--no-audit", "--no-fund"], timeout=INSTALL_TIMEOUT_SECONDS)
            STAMP.write_text(_lock_digest())
        run([str(BIN / "graphql-codegen"), "--config", "codegen.yml"])


def typecheck(project: str = "tsconfig.json") -> str:
    return run([str(BIN / "tsc"), "--noEmit", "-p", project])


def build() -> Path:
    """Compile the Apollo driver (Node 20 runs JavaScript only) and return its entry."""
    run([str(BIN / "tsc"), "-p", "tsconfig.build.json"])
    return CLIENTS_DIR / "build" / "apollo" / "driver.js"
