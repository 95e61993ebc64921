"""The operators' console at /play/admin in a real browser, on both backends.

An operator logs in with the page's login form. A player's spins, made through the API,
appear in the live monitor with the player's nickname, stake and payout. The operator
finds the player, opens their detail and: adjusts the gold without a reason (refused
with a message, nothing moves), then with one (the player's gold as the API reads it
moves by exactly that, and the audit log in the page shows the entry with its reason);
sets the rank (the API reads it back); bans them (their next API call is refused) and
unbans them (they log in again); notifies them and everyone (they read both through the
API). The economy report shows the figures the API's economyReport answers. A player who
is not an operator sees the operators-only message. Every request to another host is
aborted; a page error or console error fails the test.
"""

from __future__ import annotations

import re
import uuid
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.async_api import Browser, Locator, Page, expect

from tests.conftest import ADMIN_PASSWORD, Backend
from tests.e2e.browser import PageProblems, Screenshots
from tests.e2e.test_web_client import server_gold
from tests.support import PASSWORD, Api, spin

pytestmark = pytest.mark.e2e

ECONOMY = """query E($firstDay: Date!, $lastDay: Date!) {
  economyReport(firstDay: $firstDay, lastDay: $lastDay) {
    issued sunk days { day issued sunk net }
    games { game paidPlays staked paid }
  } }"""
AUDIT = """query A($filter: AuditLogFilter) { auditLog(filter: $filter, first: 5) {
  edges { node { action target after } } } }"""
NOTIFICATIONS = """{ me { notifications(first: 10) { edges { node { title body broadcast } } } } }"""
SPINS = 3


async def open_admin(server: str, browser: Browser) -> tuple[Page, PageProblems]:
    """/play/admin in a fresh page that may only reach the server, its problems recorded."""
    problems = PageProblems()
    page = await browser.new_page()
    problems.watch(page)
    await problems.only_hosts(page, urlsplit(server).netloc)
    response = await page.goto(f"{server}/play/admin")
    assert response is not None and response.status == 200
    return page, problems


async def log_in(page: Page, site_id: str, password: str) -> None:
    """The gate's login form; the page starts again signed in."""
    await page.get_by_label("Site id", exact=True).fill(site_id)
    await page.get_by_label("Password", exact=True).fill(password)
    await page.get_by_role("button", name="Log in").click()


def cells(row: Locator) -> Locator:
    return row.locator("td")


async def adjust(page: Page, amount: str, reason: str) -> Locator:
    await page.locator("#player-gold-amount").fill(amount)
    await page.locator("#player-gold-reason").fill(reason)
    await page.get_by_role("button", name="Adjust gold").click()
    return page.locator("#player-status")


async def test_operator_console_on_a_player(
    server: str, backend: Backend, browser: Browser, screenshots: Screenshots
) -> None:
    async with httpx.AsyncClient(base_url=server, timeout=20) as http:
        api = Api(http)
        player = await api.new_player()
        token, user = player["accessToken"], player["user"]
        page, problems = await open_admin(server, browser)
        await expect(page.locator("#login")).to_be_visible()
        await screenshots.take(page, "gate-login")
        await log_in(page, backend.settings().admin_site_id, ADMIN_PASSWORD)
        await expect(page.locator("#admin-operator")).to_contain_text("Signed in as operator")
        await expect(page.locator("#monitor-status")).to_contain_text("Live")
        await screenshots.take(page, "monitor-open")

        # The player's spins, through the API, in the monitor: their nickname and amounts.
        spins = [await spin(api, token, 10) for _ in range(SPINS)]
        for result in spins:
            assert result["__typename"] == "SlotSpinSuccess", result
            row = page.locator(
                f'#monitor-events tbody tr[data-type="SLOT_SPIN"][data-round-id="{result["roundId"]}"]'
            )
            await expect(row).to_have_attribute("data-user-id", user["id"])
            await expect(cells(row).nth(1)).to_have_text(user["nickname"])
            await expect(cells(row).nth(3)).to_have_text(f"{result['stake']:,}")
            await expect(cells(row).nth(4)).to_have_text(f"{result['payout']:,}")
        # Newest first: the last spin's row above the first's.
        rounds = await page.locator('#monitor-events tbody tr[data-type="SLOT_SPIN"]').evaluate_all(
            "rows => rows.map(r => r.dataset.roundId)"
        )
        mine = [r for r in rounds if r in {s["roundId"] for s in spins}]
        assert mine == [s["roundId"] for s in reversed(spins)], mine
        await screenshots.take(page, "monitor-spins")

        # Search, then open the player.
        await page.get_by_role("link", name="Players").click()
        await page.get_by_label("Site id or nickname starts with").fill(user["siteId"])
        await page.get_by_role("button", name="Search").click()
        found = page.locator(f'#players-results tbody tr[data-user-id="{user["id"]}"]')
        await expect(found).to_be_visible()
        await expect(page.locator("#players-results tbody tr")).to_have_count(1)
        await screenshots.take(page, "players-found")
        await page.get_by_role("button", name=f"Open {user['nickname']} ({user['siteId']})").click()
        await expect(page.locator("#player-title")).to_have_text(
            f"{user['nickname']} ({user['siteId']})"
        )
        gold = await server_gold(api, token)
        await expect(page.locator("#player-gold")).to_have_text(f"{gold:,} gold")
        await expect(page.locator("#player-history tbody tr")).to_have_count(SPINS)
        await screenshots.take(page, "player-detail")

        # No reason: refused with a message, nothing moves.
        status = await adjust(page, "250", "")
        await expect(status).to_have_text(re.compile(r"^A reason is required.*Nothing was changed\.$"))
        await expect(status).to_have_class(re.compile(r"\berror\b"))
        assert await server_gold(api, token) == gold
        await screenshots.take(page, "gold-no-reason")

        reason = f"goodwill {uuid.uuid4().hex[:8]}"
        status = await adjust(page, "250", reason)
        await expect(status).to_have_text(f"Added 250 gold; the player now has {gold + 250:,} gold.")
        assert await server_gold(api, token) == gold + 250
        await expect(page.locator("#player-gold")).to_have_text(f"{gold + 250:,} gold")
        await expect(page.locator("#player-ledger tbody tr").first).to_contain_text("ADMIN_ADJUSTMENT")
        await screenshots.take(page, "gold-adjusted")

        # The audit log in the page: the entry with its reason, as the API has it.
        await page.get_by_role("link", name="Audit log").click()
        await page.get_by_label("Action (exact)").fill("USER_ADMIN_ADJUSTMENT")
        await page.get_by_role("button", name="Show").click()
        entry = page.locator("#audit-entries tbody tr").first
        await expect(entry).to_contain_text(f"reason: {reason}")
        await expect(cells(entry).nth(5)).to_contain_text("amount: 250")
        await expect(cells(entry).nth(4)).to_have_text(f"gold: {gold}")
        admin = await api.login(backend.settings().admin_site_id, ADMIN_PASSWORD)
        admin_token = admin["accessToken"]
        audited = (
            await api.data(
                AUDIT, {"filter": {"action": "USER_ADMIN_ADJUSTMENT"}}, token=admin_token
            )
        )["auditLog"]["edges"][0]["node"]
        assert audited["after"]["reason"] == reason and audited["after"]["amount"] == 250
        await expect(cells(entry).nth(3)).to_have_text(audited["target"])
        await screenshots.take(page, "audit-entry")

        # Rank, ban, unban: back on the player's detail (kept while another tab showed).
        await page.get_by_role("link", name="Players").click()
        await page.locator("#player-rank-select").select_option("VIP")
        await page.get_by_role("button", name="Set rank").click()
        await expect(page.locator("#player-status")).to_have_text("Rank set to VIP.")
        await expect(page.locator("#player-rank")).to_have_text("VIP")
        assert (await api.data("{ me { rank } }", token=token))["me"]["rank"] == "VIP"
        await screenshots.take(page, "rank-set")

        await page.get_by_label("Ban reason").fill("chargeback test")
        await page.get_by_role("button", name="Ban", exact=True).click()
        await expect(page.locator("#player-status")).to_contain_text("Banned")
        await expect(page.locator("#player-banned")).to_contain_text("chargeback test")
        refused = await api.execute("{ me { id } }", token=token)
        assert refused.get("data") is None and refused["errors"][0]["extensions"]["code"] == (
            "UNAUTHENTICATED"
        ), refused
        assert (await api.login(user["siteId"]))["__typename"] == "AccountBanned"
        await screenshots.take(page, "banned")

        await page.get_by_role("button", name="Unban").click()
        await expect(page.locator("#player-status")).to_contain_text("Unbanned")
        await expect(page.locator("#player-banned")).to_have_text("No")
        again = await api.login(user["siteId"], PASSWORD)
        assert again["__typename"] == "AuthPayload", again
        token = again["accessToken"]
        assert await server_gold(api, token) == gold + 250
        await screenshots.take(page, "unbanned")

        # Notifications: to this player from their detail, then to everyone.
        personal = f"For you {uuid.uuid4().hex[:6]}"
        await page.locator("#player-notify-title").fill(personal)
        await page.locator("#player-notify-body").fill("A personal note.")
        await page.get_by_role("button", name=f"Send to {user['nickname']}").click()
        await expect(page.locator("#player-notify-status")).to_have_text(
            f"Sent to {user['nickname']}: “{personal}”."
        )
        await page.get_by_role("link", name="Notifications").click()
        everyone = f"For all {uuid.uuid4().hex[:6]}"
        await page.locator("#notify-audience").select_option("everyone")
        await page.locator("#notify-title").fill(everyone)
        await page.locator("#notify-body").fill("A note to every player.")
        await page.get_by_role("button", name="Send", exact=True).click()
        await expect(page.locator("#notify-status")).to_have_text(
            f"Sent to every player: “{everyone}”."
        )
        await screenshots.take(page, "notified")
        received = {
            edge["node"]["title"]: edge["node"]
            for edge in (await api.data(NOTIFICATIONS, token=token))["me"]["notifications"][
                "edges"
            ]
        }
        assert received[personal] == {
            "title": personal,
            "body": "A personal note.",
            "broadcast": False,
        }
        assert received[everyone]["broadcast"] is True

        # The economy report in the page equals the API's for the same days.
        await page.get_by_role("link", name="Economy").click()
        await expect(page.locator("#economy-status")).to_contain_text("shown")
        first_day = await page.locator("#economy-first").input_value()
        last_day = await page.locator("#economy-last").input_value()
        report = (
            await api.data(
                ECONOMY, {"firstDay": first_day, "lastDay": last_day}, token=admin_token
            )
        )["economyReport"]
        await expect(page.locator("#economy-issued")).to_have_attribute(
            "data-value", str(report["issued"])
        )
        await expect(page.locator("#economy-sunk")).to_have_attribute(
            "data-value", str(report["sunk"])
        )
        await expect(page.locator("#economy-issued")).to_have_text(f"{report['issued']:,} gold")
        await expect(page.locator("#economy-days tbody tr")).to_have_count(len(report["days"]))
        for day in report["days"]:
            line = cells(page.locator(f'#economy-days tr[data-day="{day["day"]}"]'))
            await expect(line).to_have_text(
                [day["day"], f"{day['issued']:,}", f"{day['sunk']:,}", f"{day['net']:,}"]
            )
        for game in report["games"]:
            line = cells(page.locator(f'#economy-games tr[data-game="{game["game"]}"]'))
            expected = [f"{game[k]:,}" for k in ("paidPlays", "staked", "paid")]
            await expect(line.nth(1)).to_have_text(expected[0])
            await expect(line.nth(2)).to_have_text(expected[1])
            await expect(line.nth(3)).to_have_text(expected[2])
        await screenshots.take(page, "economy")
    problems.assert_none()


async def test_a_player_at_the_console_sees_operators_only(
    server: str, browser: Browser, screenshots: Screenshots
) -> None:
    async with httpx.AsyncClient(base_url=server, timeout=20) as http:
        player: dict[str, Any] = (await Api(http).new_player())["user"]
    page, problems = await open_admin(server, browser)
    await log_in(page, player["siteId"], PASSWORD)
    forbidden = page.locator("#admin-forbidden")
    await expect(forbidden).to_have_text(re.compile(r"^Operators only: this account is not"))
    await expect(page.locator("#monitor")).to_have_count(0)
    await expect(page.get_by_role("link", name="Back to the game")).to_be_visible()
    await screenshots.take(page, "operators-only")
    problems.assert_none()
