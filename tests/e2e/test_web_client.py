"""The reference web client at /play (SPEC §17) in a real browser, on both backends.

Sign up in the page → spin → the header's gold changes without a reload, also when the
gold moves from outside the page (only the `balanceChanged` subscription can tell it
then) → verify the last spin in the page from the revealed seed (matches) → a tampered
seed does not match. Crash watched live → cash out → its result; the shop with the
sandbox's tokens (declined, paid, pending then paid), the gold arriving in the header;
the daily reward claimed, then refused as already claimed. Dice, rock-paper-scissors and
the prize wheel played in the page, each verified in the page from the revealed seed, and
the server's outcomes recomputed here from docs/FAIRNESS.md's rules by this file's own
code (so the page's "matches" compares its algorithm with the server's, not with itself);
a crash round's crash point verified likewise. Every request to another host
is aborted; a page error or console error (a CSP violation is one) fails the test.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import uuid
from typing import Any
from urllib.parse import urlsplit

import httpx
from playwright.async_api import Browser, Locator, Page, expect

from tests.e2e.browser import PageProblems, Screenshots
from tests.support import Api, spin

GOLD = re.compile(r"^([\d,]+) gold$")
MAX_SPINS = 30
MAX_ROUNDS = 10
TWO_32 = 2**32


def float0_u(server_seed: str, client_seed: str, nonce: int) -> int:
    """docs/FAIRNESS.md's stream, float 0 as its integer u (the float is u / 2^32)."""
    block = hmac.new(
        bytes.fromhex(server_seed), f"{client_seed}:{nonce}:0".encode(), hashlib.sha256
    ).digest()
    return int.from_bytes(block[:4], "big")


def weighted_choice(u: int, weights: list[int]) -> int:
    """The first i with u·W < (w₁+…+wᵢ)·2^32 (docs/FAIRNESS.md, Choices)."""
    total, cumulative = sum(weights), 0
    for i, weight in enumerate(weights):
        cumulative += weight
        if u * total < cumulative * TWO_32:
            return i
    raise AssertionError(u)


async def play_in_page(page: Page, button: Locator, field: str) -> dict[str, Any]:
    """Click a play button and return the server's answer to the page's mutation."""

    def is_play(response: Any) -> bool:
        return response.url.endswith("/graphql") and f"{field}(" in (
            response.request.post_data or ""
        )

    async with page.expect_response(is_play) as answer:
        await button.click()
    outcome: dict[str, Any] = (await (await answer.value).json())["data"][field]
    assert outcome["__typename"].endswith("Success"), outcome
    return outcome


async def verified_seed(page: Page, prefix: str, recomputed: str, proof: dict[str, Any]) -> str:
    """Click the screen's Verify button: the page says it matches, naming the server's
    outcome as what it recomputed; returns the revealed seed, checked against the proof."""
    await page.locator(f"#{prefix}verify").click()
    verdict = page.locator(f"#{prefix}verdict")
    await expect(verdict).to_contain_text("Verified: matches.")
    await expect(verdict).to_contain_text(f"Recomputed {recomputed} matches the shown")
    seed = await page.locator(f"#{prefix}verify-seed").input_value()
    assert hashlib.sha256(bytes.fromhex(seed)).hexdigest() == proof["serverSeedHash"]
    return seed


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
    # The crash point the server revealed, recomputed in the page from the revealed seed.
    await page.get_by_role("button", name="Verify this round").click()
    await expect(page.locator("#crash-verdict")).to_contain_text("Verified: matches.")
    await expect(page.locator("#crash-verdict")).to_contain_text("Recomputed crash point")
    await screenshots.take(page, "crash-verified")

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


async def test_dice_rps_and_wheel_played_and_verified_in_the_page(
    server: str, browser: Browser, screenshots: Screenshots
) -> None:
    """Each game's outcome as the server answered it, verified in the page (matches) and
    recomputed here from the revealed seed by docs/FAIRNESS.md; a tampered seed fails."""
    page, problems = await open_play(server, browser)
    await sign_up(page, screenshots)

    await page.get_by_role("link", name="Dice").click()
    await expect(page.locator("#dice-rtp")).to_contain_text("Return to player 99.00%")
    await page.locator("#dice-chance").fill("50")
    await page.locator("#dice-direction").select_option("OVER")
    await expect(page.locator("#dice-pays")).to_have_text("A win pays 1.9800× the stake.")
    dice = await play_in_page(page, page.get_by_role("button", name="Roll"), "diceRoll")
    await expect(page.locator("#dice-roll")).to_have_text(f"{dice['roll']:.2f}")
    await screenshots.take(page, "dice-rolled")

    await page.get_by_role("link", name="Rock-paper-scissors").click()
    await expect(page.locator("#rps-rtp")).to_contain_text("return to player 98.67%")
    rps = await play_in_page(page, page.get_by_role("button", name="Play Rock"), "rpsPlay")
    await expect(page.locator("#rps-outcome")).to_contain_text("You played Rock")
    await screenshots.take(page, "rps-played")

    await page.get_by_role("link", name="Prize wheel").click()
    await expect(page.locator("#wheel-odds")).to_contain_text("free spin")
    wheel = await play_in_page(page, page.get_by_role("button", name="Spin the wheel"), "wheelSpin")
    await expect(page.locator("#wheel-segment")).to_contain_text(
        f"Segment {wheel['segmentIndex']}, {wheel['label']}"
    )
    await screenshots.take(page, "wheel-spun")
    nonces = [game["fairness"]["nonce"] for game in (dice, rps, wheel)]
    assert nonces == sorted(set(nonces)), nonces

    # Verified in the page, then the server's outcomes recomputed here from the seed.
    wheel_seed = await verified_seed(
        page, "wheel-", f"segment {wheel['segmentIndex']} ({wheel['label']})", wheel["fairness"]
    )
    await screenshots.take(page, "wheel-verified")
    async with httpx.AsyncClient(base_url=server) as http:
        segments = (await Api(http).data("{ wheelConfig { segments { weight } } }"))["wheelConfig"][
            "segments"
        ]
    proof = wheel["fairness"]
    u = float0_u(wheel_seed, proof["clientSeed"], proof["nonce"])
    assert weighted_choice(u, [s["weight"] for s in segments]) == wheel["segmentIndex"]

    await page.get_by_role("link", name="Rock-paper-scissors").click()
    outcome = f"{rps['serverMove']} ({rps['outcome']})"
    rps_seed = await verified_seed(page, "rps-", f"server move {outcome}", rps["fairness"])
    proof = rps["fairness"]
    server_move = ["ROCK", "PAPER", "SCISSORS"][
        float0_u(rps_seed, proof["clientSeed"], proof["nonce"]) * 3 // TWO_32
    ]
    assert server_move == rps["serverMove"]
    beaten = {"ROCK": "SCISSORS", "PAPER": "ROCK", "SCISSORS": "PAPER"}
    expected = (
        "DRAW" if server_move == "ROCK" else "WIN" if beaten["ROCK"] == server_move else "LOSS"
    )
    assert rps["outcome"] == expected

    await page.get_by_role("link", name="Dice").click()
    result = "win" if dice["won"] else "loss"
    dice_seed = await verified_seed(
        page, "dice-", f"roll {dice['roll']:.2f} (OVER 50.00: {result})", dice["fairness"]
    )
    proof = dice["fairness"]
    hundredths = float0_u(dice_seed, proof["clientSeed"], proof["nonce"]) * 10_000 // TWO_32
    assert hundredths == round(dice["roll"] * 100)
    assert dice["won"] == (hundredths >= 5_000)
    assert dice_seed == rps_seed == wheel_seed
    await screenshots.take(page, "dice-verified")

    tampered = ("1" if dice_seed[0] != "1" else "2") + dice_seed[1:]
    await page.locator("#dice-verify-seed").fill(tampered)
    await page.get_by_role("button", name="Verify with this seed").click()
    await expect(page.locator("#dice-verdict")).to_contain_text("Does not match.")
    await expect(page.locator("#dice-verdict")).to_contain_text("Seed hash does not match")
    await expect(page.locator("#dice-verdict")).to_have_class(re.compile(r"\berror\b"))
    await screenshots.take(page, "dice-tampered")
    problems.assert_none()


async def test_gacha_pull_verified_in_the_page(
    server: str, browser: Browser, screenshots: Screenshots
) -> None:
    """A pull's item as the server answered it, verified in the page (matches) and
    recomputed here from the revealed seed by docs/FAIRNESS.md's gacha rule."""
    page, problems = await open_play(server, browser)
    await sign_up(page, screenshots)
    await page.get_by_role("link", name="Shop").click()
    await page.locator("#payment-token").select_option("tok_ok")
    await page.get_by_role("button", name="Buy Starter pack").click()
    await expect(page.locator("#gold")).to_have_text("6,000 gold")

    await page.get_by_role("link", name="Gacha").click()
    await expect(page.locator("#gacha-odds")).to_contain_text("A pull costs 5,000 gold")
    pull = await play_in_page(page, page.locator("#gacha-one"), "gachaPull")
    [pulled] = pull["items"]
    await expect(page.locator("#gacha-items li")).to_have_attribute(
        "data-item", pulled["item"]["id"]
    )
    await screenshots.take(page, "gacha-pulled")
    seed = await verified_seed(page, "gacha-", f"items {pulled['item']['id']}", pull["fairness"])
    await screenshots.take(page, "gacha-verified")

    async with httpx.AsyncClient(base_url=server) as http:
        config = (
            await Api(http).data("{ gachaConfig { rarities { rarity rate items { id } } } }")
        )["gachaConfig"]
    assert not pulled["pity"] and not pulled["downgraded"]
    weights = [round(r["rate"] * 10_000) for r in config["rarities"]]
    assert weights == [150, 650, 2_200, 7_000]
    proof = pull["fairness"]
    u = float0_u(seed, proof["clientSeed"], proof["nonce"])
    k = weighted_choice(u, weights)
    low = sum(weights[:k]) * TWO_32
    pool = sorted(item["id"] for item in config["rarities"][k]["items"])
    item = pool[(u * sum(weights) - low) * len(pool) // (weights[k] * TWO_32)]
    assert item == pulled["item"]["id"]
    assert config["rarities"][k]["rarity"] == pulled["item"]["rarity"]
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
