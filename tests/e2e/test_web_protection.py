"""The reference web client's protection, seeds and session screens in a real browser,
on both backends.

A limit set in the page is the limit the API answers (a raise waits, shown pending); a
cool-off confirmed in the page closes the games (the page says so in words, the API
refuses too); a client seed set and a seed rotated in the page, the revealed seed
listed and hashing to the hash shown before; logging out in the page (and everywhere,
and from the operators' console) ends the session for the API, and a session ended
elsewhere sends the page to the login screen saying why; a short-lived access token
refreshed by the page ahead of its expiry, and after an UNAUTHENTICATED answer (the
request sent again); a dropped WebSocket resumed from the last event seen while the
gold moved from outside (the header right, no event twice); a crash round resumed after
a reload and cashed out; and a keyboard-only sign-up and spin. Any page or console
error fails.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from playwright.async_api import Browser, Page, WebSocketRoute, expect

from tests.conftest import Backend
from tests.e2e.browser import PageProblems, Screenshots
from tests.e2e.conftest import start_server
from tests.e2e.test_web_admin import log_in, open_admin
from tests.e2e.test_web_client import header_gold, open_play, server_gold, sign_up
from tests.support import PASSWORD, Api, spin

TOKEN = "sessionStorage.getItem('casino-club.accessToken')"
LIMITS = """{ me { limits { excludedUntil
  dailyPurchaseCents { amount pending { amount appliesAt } }
  monthlyPurchaseCents { amount pending { amount appliesAt } }
  dailyLossGold { amount pending { amount appliesAt } } } } }"""
MAX_ROUNDS = 10


async def page_token(page: Page) -> str:
    token = await page.evaluate(TOKEN)
    assert isinstance(token, str) and token
    return token


async def refused(api: Api, token: str) -> bool:
    """Whether the API refuses `token` as not signed in."""
    body = await api.execute("{ me { id } }", token=token)
    codes = [e.get("extensions", {}).get("code") for e in body.get("errors", [])]
    return codes == ["UNAUTHENTICATED"]


async def test_limits_set_in_the_page_are_the_apis(
    server: str, browser: Browser, screenshots: Screenshots
) -> None:
    page, problems = await open_play(server, browser)
    await sign_up(page, screenshots)
    await page.get_by_role("link", name="Player protection").click()
    loss = page.get_by_label("New limit (gold lost at play")
    await loss.fill("500")
    await page.locator("#limit-dailyLossGold-save").click()
    await expect(page.locator("#limit-dailyLossGold-state")).to_have_text("500 gold.")
    await page.locator("#limit-dailyPurchaseCents").fill("20")
    await page.locator("#limit-dailyPurchaseCents").press("Enter")
    await expect(page.locator("#limit-dailyPurchaseCents-state")).to_have_text("$20.00.")
    await screenshots.take(page, "limits-set")

    async with httpx.AsyncClient(base_url=server) as http:
        api = Api(http)
        token = await page_token(page)
        limits = (await api.data(LIMITS, token=token))["me"]["limits"]
        assert limits["dailyLossGold"] == {"amount": 500, "pending": None}
        assert limits["dailyPurchaseCents"] == {"amount": 2_000, "pending": None}
        assert limits["monthlyPurchaseCents"] == {"amount": None, "pending": None}

        # A raise waits 24 hours: the page shows it pending, as the API has it.
        await page.locator("#limit-dailyLossGold").fill("800")
        await page.locator("#limit-dailyLossGold-save").click()
        state = page.locator("#limit-dailyLossGold-state")
        await expect(state).to_contain_text("500 gold. Pending: 800 gold from ")
        await screenshots.take(page, "limit-raise-pending")
        limits = (await api.data(LIMITS, token=token))["me"]["limits"]
        assert limits["dailyLossGold"]["amount"] == 500
        assert limits["dailyLossGold"]["pending"]["amount"] == 800
    problems.assert_none()


async def test_cool_off_confirmed_in_the_page_closes_the_games(
    server: str, browser: Browser, screenshots: Screenshots
) -> None:
    page, problems = await open_play(server, browser)
    await sign_up(page, screenshots)
    await page.get_by_role("link", name="Player protection").click()
    await page.get_by_label("Cool-off: 24 hours").check()
    await page.get_by_role("button", name="Continue…").click()
    confirm = page.locator("#break-confirm-text")
    await expect(confirm).to_contain_text("For 24 hours from now you will not be able to play")
    await expect(confirm).to_contain_text("You cannot end it early. Are you sure?")
    await screenshots.take(page, "cool-off-confirm")
    # Going back starts nothing.
    await page.get_by_role("button", name="No, go back").click()
    await expect(confirm).to_have_count(0)
    async with httpx.AsyncClient(base_url=server) as http:
        api = Api(http)
        token = await page_token(page)
        assert (await api.data(LIMITS, token=token))["me"]["limits"]["excludedUntil"] is None

        await page.get_by_role("button", name="Continue…").click()
        await page.get_by_role("button", name="Yes, start my 24 hours break").click()
        await expect(page.locator("#protection-status")).to_contain_text("Your break has started.")
        await expect(page.locator("#break-state")).to_contain_text("You are on a break until")
        await screenshots.take(page, "cool-off-started")
        assert (await api.data(LIMITS, token=token))["me"]["limits"]["excludedUntil"]

        await page.get_by_role("link", name="Slots").click()
        before = await header_gold(page)
        await page.get_by_role("button", name="Spin", exact=True).click()
        status = page.locator("#slots > p.status")
        await expect(status).to_contain_text("You are on a break from play until")
        await expect(status).to_contain_text("games, the shop and rewards are closed")
        await expect(status).to_have_class(re.compile(r"\berror\b"))
        await screenshots.take(page, "spin-refused")
        refusal = await spin(api, token, 10)
        assert refusal["__typename"] == "PlayerExcluded", refusal
        assert await server_gold(api, token) == before == await header_gold(page)
    problems.assert_none()


async def test_client_seed_set_and_seed_rotated_in_the_page(
    server: str, browser: Browser, screenshots: Screenshots
) -> None:
    page, problems = await open_play(server, browser)
    await sign_up(page, screenshots)
    await page.get_by_role("button", name="Spin", exact=True).click()
    await expect(page.locator("#reels")).to_be_visible()
    await page.get_by_role("link", name="Fairness seeds").click()
    shown_hash = await page.locator("#current-hash").inner_text()
    assert re.fullmatch(r"[0-9a-f]{64}", shown_hash), shown_hash
    await expect(page.locator("#current-nonce")).to_have_text("1")
    await expect(page.locator("#no-revealed")).to_be_visible()

    await page.get_by_label("New client seed").fill("my lucky seed 7")
    await page.get_by_label("New client seed").press("Enter")
    await expect(page.locator("#current-client-seed")).to_have_text("my lucky seed 7")
    await expect(page.locator("#current-hash")).to_have_text(shown_hash)
    await screenshots.take(page, "client-seed-set")

    await page.get_by_role("button", name="Rotate server seed").click()
    await expect(page.locator("#seeds-status")).to_contain_text(
        f"Revealed the seed of hash {shown_hash[:16]}"
    )
    row = page.locator(f'#revealed-seeds tr[data-hash="{shown_hash}"]')
    await expect(row).to_have_count(1)
    await expect(row.locator(".seed-check")).to_have_text(
        "SHA-256 of the seed matches the published hash"
    )
    seed = await row.locator(".revealed-seed").inner_text()
    assert hashlib.sha256(bytes.fromhex(seed)).hexdigest() == shown_hash
    await expect(row).to_contain_text("my lucky seed 7")
    await expect(row).to_contain_text("0 – 0")
    new_hash = await page.locator("#current-hash").inner_text()
    assert new_hash != shown_hash
    await expect(page.locator("#current-nonce")).to_have_text("0")
    await screenshots.take(page, "rotated")

    async with httpx.AsyncClient(base_url=server) as http:
        me = (
            await Api(http).data(
                "{ me { fairness { serverSeedHash clientSeed } "
                "revealedSeeds { serverSeed serverSeedHash clientSeed rounds } } }",
                token=await page_token(page),
            )
        )["me"]
    assert me["fairness"] == {"serverSeedHash": new_hash, "clientSeed": "my lucky seed 7"}
    assert me["revealedSeeds"] == [
        {
            "serverSeed": seed,
            "serverSeedHash": shown_hash,
            "clientSeed": "my lucky seed 7",
            "rounds": 1,
        }
    ]
    problems.assert_none()


async def test_logout_and_logout_everywhere_end_the_session(
    server: str, browser: Browser, screenshots: Screenshots
) -> None:
    page, problems = await open_play(server, browser)
    site_id = f"out_{uuid.uuid4().hex[:10]}"
    await page.get_by_label("Site id (4–32").fill(site_id)
    await page.get_by_label("Nickname").fill(f"o{uuid.uuid4().hex[:10]}")
    await page.get_by_label("Password (at least").fill("correct horse battery")
    await page.get_by_label("Invite code").fill("5858")
    await page.get_by_role("button", name="Sign up").click()
    await expect(page.locator("#gold")).to_have_text("1,000 gold")
    async with httpx.AsyncClient(base_url=server) as http:
        api = Api(http)
        first = await page_token(page)
        assert not await refused(api, first)
        await page.get_by_role("button", name="Log out", exact=True).click()
        await expect(page.locator("#auth-status")).to_have_text("You logged out.")
        await screenshots.take(page, "logged-out")
        assert await page.evaluate(TOKEN) is None
        assert await refused(api, first)

        # Logged in again in the page, and elsewhere: "everywhere" ends both.
        elsewhere = await api.login(site_id, "correct horse battery")
        assert elsewhere["__typename"] == "AuthPayload", elsewhere
        await page.locator("#login").get_by_label("Site id").fill(site_id)
        await page.locator("#login").get_by_label("Password").fill("correct horse battery")
        await page.locator("#login").get_by_role("button", name="Log in").click()
        await expect(page.locator("#gold")).to_have_text("1,000 gold")
        second = await page_token(page)
        await page.get_by_role("button", name="Log out everywhere").click()
        await expect(page.locator("#auth-status")).to_have_text("You logged out on every device.")
        await screenshots.take(page, "logged-out-everywhere")
        assert await refused(api, second)
        assert await refused(api, elsewhere["accessToken"])
    problems.assert_none()


async def test_a_short_lived_access_token_is_refreshed_as_the_page_runs(
    backend: Backend, browser: Browser, screenshots: Screenshots, tmp_path: Path
) -> None:
    """Access tokens of 6 s: the page trades its refresh token before each expires, its
    requests keep working, and its live feed runs on (the socket restarted each time)."""
    with start_server(backend, tmp_path, ACCESS_TOKEN_TTL_SECONDS="6") as running:
        page, problems = await open_play(running.url, browser)
        await sign_up(page, screenshots)
        await page.evaluate("window.notReloaded = true")
        first = await page_token(page)
        async with httpx.AsyncClient(base_url=running.url) as http:
            api = Api(http)
            await asyncio.sleep(8)  # past the first token's life
            assert await refused(api, first)
            current = await page_token(page)
            assert current != first
            await page.get_by_role("button", name="Spin", exact=True).click()
            await expect(page.locator("#reels")).to_be_visible()
            await expect(page.locator("#gold")).to_have_text(
                f"{await server_gold(api, await page_token(page)):,} gold"
            )
            await screenshots.take(page, "spun-after-refresh")

            # Gold moved from outside after several refreshes: the live feed still tells.
            await asyncio.sleep(7)
            for _ in range(20):
                result = await spin(api, await page_token(page), 10)
                assert result["__typename"] == "SlotSpinSuccess", result
                gold = await server_gold(api, await page_token(page))
                await expect(page.locator("#gold")).to_have_text(f"{gold:,} gold")
                if result["payout"] != 10:
                    break
            await expect(page.locator("#live")).to_have_text("Live updates: on")
            assert await page.evaluate("window.notReloaded") is True
            await screenshots.take(page, "live-after-refresh")

            # No refresh ahead of time (the page believes its token lasts): the spin is
            # answered UNAUTHENTICATED, the page refreshes and sends it again, once.
            await page.evaluate(
                "sessionStorage.setItem('casino-club.accessTokenExpiresAt', '2999-01-01T00:00Z')"
            )
            await page.reload()
            await expect(page.locator("#live")).to_have_text("Live updates: on")
            stale = await page_token(page)
            await asyncio.sleep(7)
            assert await refused(api, stale)
            await page.evaluate("document.getElementById('result').replaceChildren()")
            await page.get_by_role("button", name="Spin", exact=True).click()
            await expect(page.locator("#reels")).to_be_visible()
            assert await page_token(page) != stale
            await expect(page.locator("#gold")).to_have_text(
                f"{await server_gold(api, await page_token(page)):,} gold"
            )
            await screenshots.take(page, "spun-after-unauthenticated")
        problems.assert_none()


async def test_a_session_ended_elsewhere_sends_the_page_to_the_login_screen(
    server: str, browser: Browser, screenshots: Screenshots
) -> None:
    """The page's session logged out from outside: its live feed ends on the next event
    with the reason, and the page shows the login screen saying why."""
    page, problems = await open_play(server, browser)
    site_id = f"end_{uuid.uuid4().hex[:10]}"
    await page.get_by_label("Site id (4–32").fill(site_id)
    await page.get_by_label("Nickname").fill(f"e{uuid.uuid4().hex[:10]}")
    await page.get_by_label("Password (at least").fill("correct horse battery")
    await page.get_by_label("Invite code").fill("5858")
    await page.get_by_role("button", name="Sign up").click()
    await expect(page.locator("#live")).to_have_text("Live updates: on")
    async with httpx.AsyncClient(base_url=server) as http:
        api = Api(http)
        ended = await api.data(
            "mutation { logout(input: {}) { __typename } }", token=await page_token(page)
        )
        assert ended["logout"]["__typename"] == "LogoutSuccess", ended
        other = await api.login(site_id, "correct horse battery")
        assert other["__typename"] == "AuthPayload", other
        result = await spin(api, other["accessToken"], 10)
        assert result["__typename"] == "SlotSpinSuccess", result
    status = page.locator("#auth-status")
    await expect(status).to_have_text(
        "Your session ended: you logged out (here or in another tab). Log in again to play."
    )
    await expect(status).to_have_class(re.compile(r"\berror\b"))
    assert await page.evaluate(TOKEN) is None
    await screenshots.take(page, "session-ended")
    problems.assert_none()


class SocketDropper:
    """Every WebSocket of the page through the test: it can drop them (as a server or a
    network would) and hold new ones off until let through."""

    def __init__(self) -> None:
        self.open: list[WebSocketRoute] = []
        self.holding = False

    async def route(self, ws: WebSocketRoute) -> None:
        if self.holding:
            await ws.close(code=1013, reason="try again later")
            return
        ws.connect_to_server()
        self.open.append(ws)

    async def drop(self) -> None:
        self.holding = True
        for ws in self.open:
            await ws.close(code=1012, reason="dropped by the test")
        self.open.clear()


async def test_a_dropped_socket_resumes_from_the_last_event(
    server: str, browser: Browser, screenshots: Screenshots
) -> None:
    problems = PageProblems()
    page = await browser.new_page()
    problems.watch(page)
    await problems.only_hosts(page, urlsplit(server).netloc)
    dropper = SocketDropper()
    await page.route_web_socket(re.compile(r"/graphql$"), dropper.route)
    await page.goto(f"{server}/play")
    await sign_up(page, screenshots)
    await expect(page.locator("#live")).to_have_text("Live updates: on")
    await page.evaluate("window.notReloaded = true")
    log = page.locator("#balance-log li")
    async with httpx.AsyncClient(base_url=server) as http:
        api = Api(http)
        token = await page_token(page)
        # One change seen before the drop, so the feed has a last event to resume from.
        await page.get_by_role("button", name="Spin", exact=True).click()
        await expect(page.locator("#reels")).to_be_visible()
        seen = await ledger_moves(api, token)
        assert seen > 0
        await expect(log).to_have_count(seen)

        await dropper.drop()
        await expect(page.locator("#live")).to_have_text("Live updates: reconnecting…")
        await screenshots.take(page, "dropped")
        for _ in range(3):
            result = await spin(api, token, 10)
            assert result["__typename"] == "SlotSpinSuccess", result
        await asyncio.sleep(1)  # the page retries meanwhile, and is held off
        dropper.holding = False

        await expect(page.locator("#live")).to_have_text("Live updates: on", timeout=15_000)
        moves = await ledger_moves(api, token)
        await expect(log).to_have_count(moves)
        await expect(page.locator("#gold")).to_have_text(f"{await server_gold(api, token):,} gold")
        ids = [await item.get_attribute("data-event-id") for item in await log.all()]
        assert len(set(ids)) == len(ids) == moves, ids
        # Every game event once too: each spin's, and what it moved (missions, …).
        plays = await page.locator("#event-log li").evaluate_all(
            "items => items.map(item => [item.dataset.eventId, item.textContent])"
        )
        assert [text for _, text in plays].count("slot spin") == 4, plays
        assert len({event_id for event_id, _ in plays}) == len(plays), plays
    assert await page.evaluate("window.notReloaded") is True
    await page.locator("#recent summary").click()
    await screenshots.take(page, "resumed")
    problems.assert_none()


async def ledger_moves(api: Api, token: str) -> int:
    """The player's ledger rows since sign-up (the sign-up bonus came before any feed)."""
    query = "{ me { ledger(first: 100) { edges { node { reason } } } } }"
    edges = (await api.data(query, token=token))["me"]["ledger"]["edges"]
    return sum(1 for edge in edges if edge["node"]["reason"] != "SIGNUP_BONUS")


async def test_a_crash_round_is_resumed_after_a_reload_and_cashed_out(
    server: str, browser: Browser, screenshots: Screenshots
) -> None:
    page, problems = await open_play(server, browser)
    await sign_up(page, screenshots)
    multiplier = page.locator("#crash-multiplier")
    result = page.locator("#crash-result")
    climbed = re.compile(r"^(1\.(0[5-9]|[1-9]\d)|[2-9]\.\d\d|\d{2,}\.\d\d)×$")
    for _ in range(MAX_ROUNDS):
        await page.get_by_role("link", name="Crash").click()
        await page.get_by_role("button", name="Place bet").click()
        try:
            await expect(multiplier).to_have_text(climbed, timeout=5_000)
        except AssertionError:
            continue
        await page.reload()
        # The page opens the crash screen by itself and follows the round again.
        await expect(page.locator("#crash-title")).to_be_visible()
        try:
            await expect(result).to_have_text(
                re.compile(r"^(Round running|Lost: it crashed at)"), timeout=5_000
            )
        except AssertionError:
            # The round crashed while the page reloaded: there is nothing to resume (the
            # page rightly shows no round); bet again. A resume that never works still
            # fails below, after MAX_ROUNDS bets.
            continue
        if (await result.inner_text()).startswith("Lost"):
            continue
        await expect(page.locator("#crash > p.status").first).to_have_text(
            "Your round from before is still running: resumed here."
        )
        await expect(multiplier).to_have_text(climbed)
        await screenshots.take(page, "crash-resumed")
        await page.get_by_role("button", name="Cash out").click()
        await expect(result).to_have_text(re.compile(r"^(Cashed out at|Lost: it crashed at) "))
        text = await result.inner_text()
        if text.startswith("Cashed out"):
            await screenshots.take(page, "crash-cashed-out")
            async with httpx.AsyncClient(base_url=server) as http:
                gold = await server_gold(Api(http), await page_token(page))
            await expect(page.locator("#gold")).to_have_text(f"{gold:,} gold")
            assert await header_gold(page) == gold
            break
    else:
        raise AssertionError(f"no round resumed and cashed out in {MAX_ROUNDS} bets")
    problems.assert_none()


async def focus_by_tab(page: Page, selector: str, limit: int = 40, *, back: bool = False) -> None:
    """Press Tab (or Shift+Tab) until `selector` has the focus; the focus is visible."""
    for _ in range(limit):
        await page.keyboard.press("Shift+Tab" if back else "Tab")
        if await page.evaluate("(s) => document.activeElement?.matches(s) ?? false", selector):
            outline = await page.evaluate(
                "() => { const s = getComputedStyle(document.activeElement);"
                " return [s.outlineStyle, s.outlineWidth]; }"
            )
            assert outline == ["solid", "3px"], (selector, outline)
            return
    raise AssertionError(f"{selector} never got the focus in {limit} Tabs")


async def test_keyboard_only_sign_up_and_spin(
    server: str, browser: Browser, screenshots: Screenshots
) -> None:
    page, problems = await open_play(server, browser)
    suffix = uuid.uuid4().hex[:10]
    await focus_by_tab(page, "#signup input[name=siteId]")
    await page.keyboard.type(f"key_{suffix}")
    await page.keyboard.press("Tab")
    await page.keyboard.type(f"k{suffix}")
    await page.keyboard.press("Tab")
    await page.keyboard.type("correct horse battery")
    await page.keyboard.press("Tab")
    await page.keyboard.type("5858")
    await focus_by_tab(page, "#signup button[type=submit]", limit=2)
    await screenshots.take(page, "keyboard-sign-up")
    await page.keyboard.press("Enter")
    await expect(page.locator("#gold")).to_have_text("1,000 gold")

    # The screens' tabs are links: Tab to one and Enter shows it.
    await focus_by_tab(page, "#tab-dice")
    await page.keyboard.press("Enter")
    await expect(page.locator("#dice")).to_be_visible()
    await expect(page.locator("#slots")).to_be_hidden()
    await focus_by_tab(page, "#tab-slots", limit=3, back=True)
    await page.keyboard.press("Enter")
    await expect(page.locator("#slots")).to_be_visible()
    await focus_by_tab(page, "#spin")
    await screenshots.take(page, "keyboard-spin-focused")
    await page.keyboard.press("Enter")
    await expect(page.locator("#reels")).to_be_visible()
    async with httpx.AsyncClient(base_url=server) as http:
        gold = await server_gold(Api(http), await page_token(page))
    await expect(page.locator("#gold")).to_have_text(f"{gold:,} gold")
    await focus_by_tab(page, "#verify")
    await page.keyboard.press("Enter")
    await expect(page.locator("#verdict")).to_contain_text("Verified: matches.")
    await screenshots.take(page, "keyboard-verified")
    problems.assert_none()


async def test_logging_out_of_the_console_ends_the_session(
    server: str, browser: Browser, screenshots: Screenshots
) -> None:
    """The console's Log out is the same real logout (here on its operators-only page)."""
    async with httpx.AsyncClient(base_url=server) as http:
        api = Api(http)
        player = (await api.new_player())["user"]
        page, problems = await open_admin(server, browser)
        await log_in(page, player["siteId"], PASSWORD)
        await expect(page.locator("#admin-forbidden")).to_be_visible()
        token = await page_token(page)
        await page.get_by_role("button", name="Log out").click()
        await expect(page.locator("#admin-status")).to_have_text("You logged out.")
        await screenshots.take(page, "console-logged-out")
        assert await refused(api, token)
    problems.assert_none()
