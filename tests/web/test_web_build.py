"""The committed build of the web client (src/casino_club/web/static/) is what its
sources build to, byte for byte (SPEC §17): rebuilt here from the lock as `make web`
does (`npm ci`, GraphQL Code Generator, `tsc --strict`, esbuild), into a temporary
directory, and compared. A stale build — sources, schema.graphql, possibleTypes.json or
the lock changed without `make web` — fails with the names of the files that differ.

Node is required like PostgreSQL and Redis: with REQUIRE_SERVICES=1 (CI) a missing
`node` or `npm` fails the run, else it skips.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WEB_DIR = ROOT / "web"
STATIC = ROOT / "src" / "casino_club" / "web" / "static"
STAMP = WEB_DIR / "node_modules" / ".casino-club-installed"
INSTALL_TIMEOUT_SECONDS = 600
TOOL_TIMEOUT_SECONDS = 180


def require_node() -> None:
    missing = [tool for tool in ("node", "npm") if shutil.which(tool) is None]
    if not missing:
        return
    message = f"{' and '.join(missing)} not found on PATH (web/ needs Node ≥ 20)"
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"REQUIRE_SERVICES=1 and {message}")
    pytest.skip(message)


def run(command: list[str], timeout: float = TOOL_TIMEOUT_SECONDS) -> None:
    """Run a tool in web/; its whole output is the failure message if it fails."""
    try:
        done = subprocess.run(
            command, cwd=WEB_DIR, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"{' '.join(command)} took over {timeout} s")
    if done.returncode != 0:
        pytest.fail(f"{' '.join(command)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}")


def lock_digest() -> str:
    digest = hashlib.sha256()
    for name in ("package.json", "package-lock.json"):
        digest.update((WEB_DIR / name).read_bytes())
    return digest.hexdigest()


def test_committed_build_matches_a_rebuild_from_the_sources(tmp_path: Path) -> None:
    require_node()
    with (WEB_DIR / "package.json").open("rb") as anchor:
        # One installer at a time, across test processes too.
        fcntl.flock(anchor, fcntl.LOCK_EX)
        try:
            if not STAMP.is_file() or STAMP.read_text() != lock_digest():
                run(["npm", "ci", "--no-audit", "--no-fund"], timeout=INSTALL_TIMEOUT_SECONDS)
                STAMP.write_text(lock_digest())
            run(["npm", "run", "codegen"])
            run(["npm", "run", "typecheck"])
            run(["node", "build.mjs", str(tmp_path)])
        finally:
            fcntl.flock(anchor, fcntl.LOCK_UN)

    built = {path.name: path.read_bytes() for path in tmp_path.iterdir()}
    committed = {path.name: path.read_bytes() for path in STATIC.iterdir()}
    assert "manifest.json" in built
    stale = sorted(
        name for name in built.keys() | committed.keys() if built.get(name) != committed.get(name)
    )
    assert stale == [], f"src/casino_club/web/static/ is stale ({stale}): run `make web` and commit"
