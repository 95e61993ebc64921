"""The reference web client at /play (SPEC §17) in a real browser, on both backends.

Sign up in the page → spin → the header's gold changes without a reload, also when the
gold moves from outside the page (only the `balanceChanged` subscription can tell it
then) → verify the last spin in the page from the revealed seed (matches) → a tampered
seed does not match. Crash watched live → cash out → its result; the shop with the
sandbox's tokens (declined, paid, pending then paid), the gold arriving in the header;
the daily reward claimed, then refused as already claimed. Every request to another host
is aborted; a page error or console error (a CSP violation is one) fails the test.
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
MAX_ROUNDS = 10


async def header_gold(page: Page) -> int:
    text = await page.locator("#gold").inner_text()
    match = GOLD.match(text)
    assert match, text
    return int(match.group(1).replace(",", ""))


async def server_gold(api: Api, token: str) -> int:
    gold: int = (await api.data("{ me { gold } }", token=token))["me"]["gold"]
    return gold


async def sign_up(page: Page, screenshots: Screenshots) -> None:
    """Sign up a new player in the page, which then shows them signed in with 1,000 gold."""
    suffix = uuid.uuid4().hex[:10]
    await page.get_by_label("Site id (4–32").fill(f"web_{suffix}")
    await page.get_by_label("Nickname").fill(f"web{suffix}")
    await page.get_by_label("Password (at least").fill("correct horse battery")
    await page.get_by_label("Invite code").fill("5858")
    await screenshots.take(page, "sign-up")
    await page.get_by_role("button", name="Sign up").click()
    await expect(page.locator("#gold")).to_have_text("1,000 gold")


async def open_play(server: str, browser: Browser) -> tuple[Page, PageProblems]:
    """/play in a fresh page that may only reach the server, its problems recorded."""
    problems = PageProblems()
    page = await browser.new_page()
    problems.watch(page)
    await problems.only_hosts(page, urlsplit(server).netloc)
    response = await page.goto(f"{server}/play")
    assert response is not None and response.status == 200
    return page, problems


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

    await sign_up(page, screenshots)
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


async def test_crash_live_cash_out_shop_and_daily_check_in(
    server: str, browser: Browser, screenshots: Screenshots
) -> None:
    """Crash watched live → cash out → the result; buy with tok_ok, a declined card and a
    pending one, the gold arriving in the header; claim the daily reward, then again."""
    page, problems = await open_play(server, browser)
    await sign_up(page, screenshots)
    await page.evaluate("window.notReloaded = true")
    gold = 1_000

    await page.get_by_role("link", name="Crash").click()
    await expect(page.locator("#crash-rtp")).to_contain_text("Return to player 99.00%")
    await screenshots.take(page, "crash-odds")
    multiplier = page.locator("#crash-multiplier")
    result = page.locator("#crash-result")
    # A round may crash before the multiplier leaves 1.00×: bet again until one climbs.
    for _ in range(MAX_ROUNDS):
        await page.get_by_role("button", name="Place bet").click()
        gold -= 10
        await expect(page.locator("#gold")).to_have_text(f"{gold:,} gold")
        climbed = re.compile(r"^(1\.(0[1-9]|[1-9]\d)|[2-9]\.\d\d|\d{2,}\.\d\d)×$")
        try:
            await expect(multiplier).to_have_text(climbed, timeout=3_000)
        except AssertionError:
            await expect(result).to_contain_text("Lost: it crashed at 1.00×")
            continue
        await screenshots.take(page, "crash-climbing")
        seen = float((await multiplier.inner_text()).rstrip("×"))
        await page.get_by_role("button", name="Cash out").click()
        await expect(result).to_have_text(re.compile(r"^(Cashed out at|Lost: it crashed at) "))
        text = await result.inner_text()
        await screenshots.take(page, "crash-result")
        if text.startswith("Cashed out"):
            match = re.match(r"Cashed out at ([\d.]+)×: ([\d,]+) gold paid\.", text)
            assert match, text
            assert float(match.group(1)) >= seen
            payout = int(match.group(2).replace(",", ""))
            assert payout == 10 * round(float(match.group(1)) * 100) // 100
            gold += payout
            await expect(page.locator("#gold")).to_have_text(f"{gold:,} gold")
            break
    else:
        raise AssertionError(f"no round climbed and cashed out in {MAX_ROUNDS} bets")

    await page.get_by_role("link", name="Shop").click()
    starter = page.get_by_role("button", name="Buy Starter pack")
    await page.locator("#payment-token").select_option("tok_declined")
    await starter.click()
    await expect(page.locator("#shop-status")).to_contain_text("nothing was charged")
    await screenshots.take(page, "shop-declined")
    await page.locator("#payment-token").select_option("tok_ok")
    await starter.click()
    await expect(page.locator("#shop-status")).to_contain_text("Paid: Starter pack, 5,000 gold")
    gold += 5_000
    await expect(page.locator("#gold")).to_have_text(f"{gold:,} gold")
    await screenshots.take(page, "shop-paid")
    await page.locator("#payment-token").select_option("tok_pending")
    await starter.click()
    await expect(page.locator("#shop-status")).to_contain_text("pending at the provider")
    await screenshots.take(page, "shop-pending")
    gold += 5_000
    await expect(page.locator("#gold")).to_have_text(f"{gold:,} gold", timeout=10_000)
    await expect(page.locator("#shop-status")).to_contain_text("Paid: Starter pack")
    await screenshots.take(page, "shop-pending-paid")

    await page.get_by_role("link", name="Daily check-in").click()
    await page.get_by_role("button", name="Claim today's reward").click()
    await expect(page.locator("#daily-result")).to_have_text(
        "Day 1 of your streak: 1,200 gold and 75 XP credited."
    )
    gold += 1_200
    await expect(page.locator("#gold")).to_have_text(f"{gold:,} gold")
    await screenshots.take(page, "daily-claimed")
    await page.get_by_role("button", name="Claim today's reward").click()
    await expect(page.locator("#daily-result")).to_contain_text("The next one opens")
    await expect(page.locator("#daily-result")).to_have_class(re.compile(r"\berror\b"))
    await screenshots.take(page, "daily-already-claimed")
    assert await page.evaluate("window.notReloaded") is True
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
