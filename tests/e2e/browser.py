"""A real browser for the suite: Playwright driving Debian's Chromium, headless.

Never a browser of Playwright's own (`playwright install` downloads one): Debian's
`chromium` package (.ci/run installs it). Without it the browser tests skip, or fail
with REQUIRE_SERVICES=1 (CI), like the tests needing PostgreSQL or Redis.

Each test leaves screenshots of its steps under `test-artifacts/` (gitignored).
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.async_api import Browser, ConsoleMessage, Error, Page, Route, async_playwright

from tests.conftest import REQUIRE_SERVICES

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@contextlib.asynccontextmanager
async def chromium() -> AsyncIterator[Browser]:
    """Debian's Chromium, headless, for the duration of a test."""
    if not os.access(CHROMIUM, os.X_OK):
        message = f"{CHROMIUM} is not installed (apt-get install chromium)"
        if REQUIRE_SERVICES:
            pytest.fail(f"REQUIRE_SERVICES=1 and {message}")
        pytest.skip(message)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            yield browser
        finally:
            await browser.close()


@dataclass
class PageProblems:
    """What went wrong in a page: uncaught errors, console errors (CSP violations are
    reported there), and requests to hosts other than the allowed ones."""

    errors: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)

    def watch(self, page: Page) -> None:
        page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))
        page.on("console", self._console)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(f"console error: {message.text}")

    async def only_hosts(self, page: Page, *hosts: str) -> None:
        """Abort (and record) every request to any other host: as if offline.

        Not for cross-origin tests: while it routes requests, Playwright answers
        Chromium's CORS preflights itself, allowing them; the server never sees them.
        """

        async def route(request_route: Route) -> None:
            url = request_route.request.url
            if self._foreign(url, hosts):
                self.blocked.append(url)
                await request_route.abort("internetdisconnected")
            else:
                await request_route.continue_()

        await page.route("**/*", route)

    def note_other_hosts(self, page: Page, *hosts: str) -> None:
        """Record (without intercepting) every request to any other host."""
        page.on(
            "request",
            lambda request: (
                self.blocked.append(request.url) if self._foreign(request.url, hosts) else None
            ),
        )

    @staticmethod
    def _foreign(url: str, hosts: tuple[str, ...]) -> bool:
        return not url.startswith("data:") and urlsplit(url).netloc not in hosts

    def assert_none(self) -> None:
        assert self.blocked == [], f"the page asked other hosts: {self.blocked}"
        assert self.errors == [], "\n".join(self.errors)

    def assert_only(self, expected: re.Pattern[str]) -> None:
        """No problems but console errors matching `expected` (a refusal the test provoked)."""
        assert self.blocked == [], f"the page asked other hosts: {self.blocked}"
        unexpected = [error for error in self.errors if not expected.search(error)]
        assert unexpected == [], "\n".join(unexpected)


class Screenshots:
    """Numbered screenshots of a test's steps in test-artifacts/<test>/."""

    def __init__(self, request: pytest.FixtureRequest) -> None:
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
        self.directory = ARTIFACTS / name
        self.directory.mkdir(parents=True, exist_ok=True)
        for old in self.directory.glob("*.png"):
            old.unlink()
        self.count = 0

    async def take(self, page: Page, step: str) -> None:
        self.count += 1
        path = self.directory / f"{self.count:02d}-{step}.png"
        try:
            await page.screenshot(path=str(path), full_page=True)
        except Error as exc:  # an artefact, not the test's verdict
            path.with_suffix(".txt").write_text(f"no screenshot: {exc}\n")


@contextlib.contextmanager
def serving_page(html: bytes) -> Iterator[str]:
    """A second HTTP server on its own port (so its own origin) answering GET / with `html`."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if urlsplit(self.path).path != "/":
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(html)))
            self.end_headers()
            self.wfile.write(html)

        def log_message(self, format: str, *args: object) -> None:
            pass  # the test's output is enough

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
