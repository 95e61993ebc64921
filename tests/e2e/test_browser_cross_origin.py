"""A frontend on another origin, in a real browser (SPEC §4.2, §12.1).

A tiny page (other_origin.html: plain fetch and a plain graphql-transport-ws WebSocket)
is served by a second HTTP server on its own port, which makes it another origin. From
an origin in ALLOWED_ORIGINS it signs up, spins, and hears `balanceChanged`; from any
other, the browser refuses its fetch (CORS) and its WebSocket (origin check), and the
server changes nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.async_api import Browser, Page, expect

from tests.conftest import Backend
from tests.e2e.browser import PageProblems, Screenshots, serving_page
from tests.e2e.conftest import start_server
from tests.support import PASSWORD, Api, unique_site_id

PAGE = Path(__file__).with_name("other_origin.html")
SPINS_UNTIL_SUBSCRIBED = 20
# What Chromium logs when it refuses a page's cross-origin fetch or WebSocket.
REFUSAL_MESSAGES = re.compile(
    r"blocked by CORS policy|net::ERR_FAILED|WebSocket connection to .* failed"
)


@pytest.fixture(scope="module")
def origins() -> Iterator[tuple[str, str]]:
    """Two servers of the same page: the first origin is allowed, the second is not."""
    html = PAGE.read_bytes()
    with serving_page(html) as allowed, serving_page(html) as refused:
        yield allowed, refused


@pytest.fixture(scope="module")
def api_server(
    backend: Backend, origins: tuple[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    allowed, _ = origins
    with start_server(
        backend, tmp_path_factory.mktemp("cors"), ALLOWED_ORIGINS=json.dumps([allowed])
    ) as running:
        yield running.url


def signup_input() -> dict[str, str]:
    return {
        "siteId": unique_site_id("cors"),
        "nickname": unique_site_id("n"),
        "password": PASSWORD,
        "inviteCode": "5858",  # seeded by tests/conftest.py (bootstrap.seed)
    }


async def open_page(browser: Browser, origin: str, api_server: str, problems: PageProblems) -> Page:
    page = await browser.new_page()
    problems.watch(page)
    # Recorded, not intercepted: the browser's own CORS preflights must reach the server.
    problems.note_other_hosts(page, urlsplit(origin).netloc, urlsplit(api_server).netloc)
    await page.goto(f"{origin}/?api={api_server}")
    await expect(page.locator("#origin")).to_have_text(origin)
    return page


async def test_a_page_on_an_allowed_origin_signs_up_spins_and_hears_its_balance(
    api_server: str, origins: tuple[str, str], browser: Browser, screenshots: Screenshots
) -> None:
    allowed, _ = origins
    problems = PageProblems()
    page = await open_page(browser, allowed, api_server, problems)
    await screenshots.take(page, "loaded")

    user = await page.evaluate("input => casino.signup(input)", signup_input())
    assert user["gold"] > 0
    await expect(page.locator("#gold")).to_have_text(str(user["gold"]))
    await screenshots.take(page, "signed-up")

    assert await page.evaluate("casino.subscribe()") == "acknowledged"
    await expect(page.locator("#socket")).to_have_text("acknowledged")
    # The server subscribes after the acknowledgement, asynchronously: spin until a
    # spin's balance reaches the page over the WebSocket.
    for _ in range(SPINS_UNTIL_SUBSCRIBED):
        spin: dict[str, Any] = await page.evaluate("stake => casino.spin(stake)", 10)
        assert spin["__typename"] == "SlotSpinSuccess", spin
        try:
            await expect(page.locator("#gold")).to_have_text(str(spin["balance"]), timeout=1000)
            break
        except AssertionError:
            continue
    else:
        pytest.fail(f"no balanceChanged reached the page in {SPINS_UNTIL_SUBSCRIBED} spins")
    await screenshots.take(page, "balance-changed")

    # Subscribed now: the next spin's change arrives, with its delta and reason.
    spin = await page.evaluate("stake => casino.spin(stake)", 20)
    assert spin["__typename"] == "SlotSpinSuccess", spin
    await expect(page.locator("#gold")).to_have_text(str(spin["balance"]))
    events: list[dict[str, Any]] = await page.evaluate("casino.events")
    assert events[-1]["gold"] == spin["balance"]
    # The stake, then the win when there is one.
    assert events[-1]["reason"] in {"SLOT_BET", "SLOT_WIN"}, events[-1]
    if events[-1]["reason"] == "SLOT_BET":
        assert events[-1]["delta"] == -20, events[-1]
    await screenshots.take(page, "balance-changed-again")
    problems.assert_none()


async def test_a_page_on_another_origin_is_refused_fetch_and_websocket(
    api_server: str, origins: tuple[str, str], browser: Browser, screenshots: Screenshots
) -> None:
    _, refused = origins
    problems = PageProblems()
    page = await open_page(browser, refused, api_server, problems)

    values = signup_input()
    outcome = await page.evaluate(
        "input => casino.signup(input).then(() => 'signed up', error => error.message)", values
    )
    assert outcome == "Failed to fetch"
    await screenshots.take(page, "fetch-refused")

    async with httpx.AsyncClient(base_url=api_server) as client:
        api = Api(client)
        # The preflight was refused, so the sign-up never reached the server.
        login = await api.login(values["siteId"])
        assert login["__typename"] != "AuthPayload", login
        token = (await api.new_player())["accessToken"]

    # With a valid token, the WebSocket is refused all the same (the handshake's origin),
    # with a reason the page can show.
    await page.evaluate("token => { casino.token = token; }", token)
    outcome = await page.evaluate(
        "casino.subscribe().then(answer => answer, error => error.message)"
    )
    assert outcome == f"closed 4403 Origin not allowed (ALLOWED_ORIGINS): {refused}"
    await screenshots.take(page, "websocket-refused")
    problems.assert_only(REFUSAL_MESSAGES)
    assert problems.errors, "the browser reported no refusal"
