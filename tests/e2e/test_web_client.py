"""The reference web client at /play (SPEC §17) in a real browser, on both backends.

Sign up in the page → spin → the header's gold changes without a reload, also when the
gold moves from outside the page (only the `balanceChanged` subscription can tell it
then) → verify the last spin in the page from the revealed seed (matches) → a tampered
seed does not match. Every request to another host is aborted; a page error or console
error (a CSP violation is one) fails the test.
"""

from __future__ import annotations

import re
import uuid
from urllib.parse import urlsplit

import httpx
from playwright.async_api import Browser, Page, expect

from tests.e2e.browser import PageProblems, Screenshots
from tests.support import Api, spin

GOLD = re.compile(r"^([\d,]+) gold$")
MAX_SPINS = 30


async def header_gold(page: Page) -> int:
    text = await page.locator("#gold").inner_text()
    match = GOLD.match(text)
    assert match, text
    return int(match.group(1).replace(",", ""))


async def server_gold(api: Api, token: str) -> int:
    gold: int = (await api.data("{ me { gold } }", token=token))["me"]["gold"]
    return gold


async def test_sign_up_spin_live_balance_and_verify(
    server: str, browser: Browser, screenshots: Screenshots
) -> None:
    problems = PageProblems()
    page = await browser.new_page()
    problems.watch(page)
    await problems.only_hosts(page, urlsplit(server).netloc)
    response = await page.goto(f"{server}/play")
    assert response is not None and response.status == 200
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "connect-src 'self'" in policy

    suffix = uuid.uuid4().hex[:10]
    await page.get_by_label("Site id (4–32").fill(f"web_{suffix}")
    await page.get_by_label("Nickname").fill(f"web{suffix}")
    await page.get_by_label("Password (at least").fill("correct horse battery")
    await page.get_by_label("Invite code").fill("5858")
    await screenshots.take(page, "sign-up")
    await page.get_by_role("button", name="Sign up").click()
    await expect(page.locator("#gold")).to_have_text("1,000 gold")
    await expect(page.locator("#rtp")).to_contain_text("Return to player")
    await screenshots.take(page, "signed-in")

    # A marker that a reload would wipe: every change below happens in this document.
    await page.evaluate("window.notReloaded = true")
    token = await page.evaluate("sessionStorage.getItem('casino-club.accessToken')")
    assert isinstance(token, str) and token

    async with httpx.AsyncClient(base_url=server) as http:
        api = Api(http)
        # A spin may pay its stake back (two cherries): spin until the gold moves.
        for _ in range(MAX_SPINS):
            before = await header_gold(page)
            # Cleared first, so the result waited for below is this spin's.
            await page.evaluate("document.getElementById('result').replaceChildren()")
            await page.get_by_role("button", name="Spin", exact=True).click()
            await expect(page.locator("#verify")).to_be_visible()
            await expect(page.locator("#gold")).to_have_text(
                f"{await server_gold(api, token):,} gold"
            )
            if await header_gold(page) != before:
                break
        else:
            raise AssertionError(f"the gold never moved in {MAX_SPINS} spins")
        await screenshots.take(page, "spun")

        # Gold moved by another client: only the subscription can bring it to the page.
        for _ in range(MAX_SPINS):
            before = await server_gold(api, token)
            result = await spin(api, token, 10)
            assert result["__typename"] == "SlotSpinSuccess", result
            after = await server_gold(api, token)
            if after != before:
                await expect(page.locator("#gold")).to_have_text(f"{after:,} gold")
                break
        else:
            raise AssertionError(f"the gold never moved in {MAX_SPINS} spins")
        assert await page.evaluate("window.notReloaded") is True
        await screenshots.take(page, "live-balance")

    # The last spin shown, recomputed in the browser from the seed rotateServerSeed reveals.
    await page.get_by_role("button", name="Verify this spin").click()
    await expect(page.locator("#verdict")).to_contain_text("Verified: matches.")
    seed = await page.locator("#verify-seed").input_value()
    assert re.fullmatch(r"[0-9a-f]{64}", seed), seed
    await screenshots.take(page, "verified")

    tampered = ("1" if seed[0] != "1" else "2") + seed[1:]
    await page.locator("#verify-seed").fill(tampered)
    await page.get_by_role("button", name="Verify with this seed").click()
    await expect(page.locator("#verdict")).to_contain_text("Does not match.")
    await expect(page.locator("#verdict")).to_contain_text("Seed hash does not match")
    await screenshots.take(page, "tampered")
    problems.assert_none()


async def test_assets_are_immutable_and_unknown_names_are_not_found(server: str) -> None:
    async with httpx.AsyncClient(base_url=server) as http:
        page = await http.get("/play")
        assert page.status_code == 200
        urls = re.findall(r'(?:src|href)="(/play/assets/[^"]+)"', page.text)
        assert len(urls) == 2, page.text
        for url in urls:
            asset = await http.get(url)
            assert asset.status_code == 200
            assert "immutable" in asset.headers["cache-control"]
        missing = await http.get("/play/assets/..%2Fpage.html")
        assert missing.status_code == 404
        admin = await http.get("/play/admin")
        assert admin.status_code == 200 and admin.text == page.text
