"""The operators' console at /play/admin in a real browser, on both backends.

An operator logs in with the page's login form. A player's spins, made through the API,
appear in the live monitor with the player's nickname, stake and payout, newest first;
when the monitor's socket drops, it subscribes again with `since` = the newest event it
showed and the spins made meanwhile appear once each. The operator finds the player,
opens their detail and: adjusts the gold without a reason (refused with a message,
nothing moves), then with one (the player's gold as the API reads it moves by exactly
that, and the audit log in the page shows the entry with its reason); sets the rank (the
API reads it back); bans them (their next API call is refused) and unbans them (they log
in again); notifies them and everyone (they read both through the API); pages through
the audit log of every change to them (the API's entries, in order). The economy
report in the page shows the figures the API's economyReport answers (on a server whose
rollup runs, so they are not all zero). A player who is not an operator sees the
operators-only message. Every request to another host is aborted; a page error or
console error fails the test.
"""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.async_api import Browser, Locator, Page, WebSocketRoute, expect

from tests.conftest import ADMIN_PASSWORD, Backend
from tests.e2e.browser import PageProblems, Screenshots
from tests.e2e.conftest import start_server
from tests.e2e.test_web_client import server_gold
from tests.support import PASSWORD, Api, spin

pytestmark = pytest.mark.e2e

ECONOMY = """query E($firstDay: Date!, $lastDay: Date!) {
  economyReport(firstDay: $firstDay, lastDay: $lastDay) {
    completeAsOf issued sunk days { day issued sunk net reasons { reason issued sunk movements } }
    games { game paidPlays staked paid realisedRtp publishedRtp }
  } }"""
AUDIT = """query A($filter: AuditLogFilter) { auditLog(filter: $filter, first: 100) {
  edges { node { id action target after } } } }"""
SEND = """mutation S($input: SendNotificationInput!) { sendNotification(input: $input) {
  __typename } }"""
NOTIFICATIONS = (
    """{ me { notifications(first: 10) { edges { node { title body broadcast } } } } }"""
)
SPINS = 3


@dataclass
class Sockets:
    """The page's WebSockets, passed through to the server, with what the page sent on
    each (so a test can read the subscriptions' variables, and drop a connection)."""

    open: list[tuple[WebSocketRoute, WebSocketRoute, list[dict[str, Any]]]] = field(
        default_factory=list
    )

    def route(self, page_side: WebSocketRoute) -> None:
        server_side = page_side.connect_to_server()
        sent: list[dict[str, Any]] = []

        def forward(message: str | bytes) -> None:
            if isinstance(message, str):
                sent.append(json.loads(message))
            server_side.send(message)

        page_side.on_message(forward)
        self.open.append((page_side, server_side, sent))

    def subscriptions(self, operation: str) -> list[tuple[int, dict[str, Any]]]:
        """(connection index, variables) of every `operation` the page subscribed to."""
        return [
            (k, message["payload"].get("variables") or {})
            for k, (_, _, sent) in enumerate(self.open)
            for message in sent
            if message.get("type") == "subscribe"
            and message["payload"].get("operationName") == operation
        ]


async def open_admin(
    server: str, browser: Browser, sockets: Sockets | None = None
) -> tuple[Page, PageProblems]:
    """/play/admin in a fresh page that may only reach the server, its problems recorded."""
    problems = PageProblems()
    page = await browser.new_page()
    problems.watch(page)
    await problems.only_hosts(page, urlsplit(server).netloc)
    if sockets is not None:
        await page.route_web_socket(re.compile(r"/graphql$"), sockets.route)
    response = await page.goto(f"{server}/play/admin")
    assert response is not None and response.status == 200
    return page, problems


async def log_in(page: Page, site_id: str, password: str) -> None:
    """The gate's login form; the page starts again signed in."""
    await page.get_by_label("Site id", exact=True).fill(site_id)
    await page.get_by_label("Password", exact=True).fill(password)
    await page.get_by_role("button", name="Log in").click()


def monitor_row(page: Page, round_id: str) -> Locator:
    """The monitor's row of the spin of this round."""
    return page.locator(
        f'#monitor-events tbody tr[data-type="SLOT_SPIN"][data-round-id="{round_id}"]'
    )


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
            row = monitor_row(page, result["roundId"])
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
        await expect(status).to_have_text(
            re.compile(r"^A reason is required.*Nothing was changed\.$")
        )
        await expect(status).to_have_class(re.compile(r"\berror\b"))
        assert await server_gold(api, token) == gold
        await screenshots.take(page, "gold-no-reason")

        reason = f"goodwill {uuid.uuid4().hex[:8]}"
        status = await adjust(page, "250", reason)
        await expect(status).to_have_text(
            f"Added 250 gold; the player now has {gold + 250:,} gold."
        )
        assert await server_gold(api, token) == gold + 250
        await expect(page.locator("#player-gold")).to_have_text(f"{gold + 250:,} gold")
        await expect(page.locator("#player-ledger tbody tr").first).to_contain_text(
            "ADMIN_ADJUSTMENT"
        )
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
            for edge in (await api.data(NOTIFICATIONS, token=token))["me"]["notifications"]["edges"]
        }
        assert received[personal] == {
            "title": personal,
            "body": "A personal note.",
            "broadcast": False,
        }
        assert received[everyone]["broadcast"] is True

        # The audit log a page at a time: every change to this player (over 20 of them).
        for k in range(20):
            note = {"userId": user["id"], "title": f"note {k}", "body": "b"}
            sent = await api.data(SEND, {"input": note}, token=admin_token)
            assert sent["sendNotification"]["__typename"] == "NotificationSent"
        target = audited["target"]
        expected = [
            edge["node"]["id"]
            for edge in (await api.data(AUDIT, {"filter": {"target": target}}, token=admin_token))[
                "auditLog"
            ]["edges"]
        ]
        assert 20 < len(expected) <= 40, expected
        await page.get_by_role("link", name="Audit log").click()
        await page.get_by_label("Action (exact)").fill("")
        await page.get_by_label("Target (exact)").fill(target)
        await page.get_by_role("button", name="Show").click()
        shown = page.locator("#audit-entries tbody tr")
        await expect(page.locator("#audit-page")).to_have_text("Page 1")
        await expect(shown).to_have_count(20)
        first_page = await shown.evaluate_all("rows => rows.map(r => r.dataset.id)")
        await expect(page.get_by_role("button", name="Newer")).to_be_disabled()
        await page.get_by_role("button", name="Older").click()
        await expect(page.locator("#audit-page")).to_have_text("Page 2")
        await expect(shown).to_have_count(len(expected) - 20)
        second_page = await shown.evaluate_all("rows => rows.map(r => r.dataset.id)")
        assert first_page + second_page == expected
        await expect(page.get_by_role("button", name="Older")).to_be_disabled()
        await expect(shown.first).to_contain_text("NOTIFICATION_SEND")
        await screenshots.take(page, "audit-page-2")
        await page.get_by_role("button", name="Newer").click()
        await expect(page.locator("#audit-page")).to_have_text("Page 1")
        await expect(shown.first).to_have_attribute("data-id", expected[0])

    problems.assert_none()


def percent(fraction: float | None) -> str:
    return "—" if fraction is None else f"{fraction * 100:.2f}%"


async def rolled_up(api: Api, token: str, days: dict[str, str], after: datetime) -> dict[str, Any]:
    """The API's report once the rollup has counted everything before `after`."""
    for _ in range(100):
        report: dict[str, Any] = (await api.data(ECONOMY, days, token=token))["economyReport"]
        done = report["completeAsOf"]
        if done is not None and datetime.fromisoformat(done) > after:
            return report
        await asyncio.sleep(0.2)
    raise AssertionError(f"the rollup never counted past {after}: {report}")


async def test_the_economy_report_in_the_page_equals_the_api(
    backend: Backend, browser: Browser, screenshots: Screenshots, tmp_path: Path
) -> None:
    """On a server whose rollup runs every 0.2 s (the shared one's waits a day), so the
    figures are the whole database's, the player's spins and an adjustment included."""
    with start_server(backend, tmp_path, ECONOMY_ROLLUP_INTERVAL_SECONDS="0.2") as running:
        async with httpx.AsyncClient(base_url=running.url, timeout=20) as http:
            api = Api(http)
            token = (await api.new_player())["accessToken"]
            for _ in range(SPINS):
                assert (await spin(api, token, 10))["__typename"] == "SlotSpinSuccess"
            played = datetime.now(UTC)
            admin = await api.login(backend.settings().admin_site_id, ADMIN_PASSWORD)
            today = played.date()
            days = {
                "firstDay": (today - timedelta(days=6)).isoformat(),
                "lastDay": today.isoformat(),
            }
            report = await rolled_up(api, admin["accessToken"], days, played)
            assert report["issued"] > 0 and report["sunk"] >= 10 * SPINS, report

            page, problems = await open_admin(running.url, browser)
            await log_in(page, backend.settings().admin_site_id, ADMIN_PASSWORD)
            await page.get_by_role("link", name="Economy").click()
            await expect(page.locator("#economy-status")).to_contain_text("shown")
            assert await page.locator("#economy-first").input_value() == days["firstDay"]
            assert await page.locator("#economy-last").input_value() == days["lastDay"]
            await screenshots.take(page, "economy")

        issued, sunk = report["issued"], report["sunk"]
        await expect(page.locator("#economy-issued")).to_have_text(f"{issued:,} gold")
        await expect(page.locator("#economy-sunk")).to_have_text(f"{sunk:,} gold")
        await expect(page.locator("#economy-net")).to_have_text(f"{issued - sunk:,} gold")
        await expect(cells(page.locator("#economy-days tbody tr"))).to_have_text(
            [
                f"{value:,}" if isinstance(value, int) else value
                for day in report["days"]
                for value in (day["day"], day["issued"], day["sunk"], day["net"])
            ]
        )
        by_reason: dict[str, list[int]] = {}
        for day in report["days"]:
            for flow in day["reasons"]:
                total = by_reason.setdefault(flow["reason"], [0, 0, 0])
                for k, key in enumerate(("issued", "sunk", "movements")):
                    total[k] += flow[key]
        assert "SLOT_BET" in by_reason, by_reason
        await expect(cells(page.locator("#economy-reasons tbody tr"))).to_have_text(
            [
                text
                for reason in sorted(by_reason)
                for text in (reason, *(f"{n:,}" for n in by_reason[reason]))
            ]
        )
        await expect(cells(page.locator("#economy-games tbody tr"))).to_have_text(
            [
                text
                for game in report["games"]
                for text in (
                    game["game"],
                    *(f"{game[key]:,}" for key in ("paidPlays", "staked", "paid")),
                    percent(game["realisedRtp"]),
                    percent(game["publishedRtp"]),
                )
            ]
        )
        problems.assert_none()


async def test_the_monitor_resumes_after_a_dropped_connection_from_the_last_event(
    server: str, backend: Backend, browser: Browser, screenshots: Screenshots
) -> None:
    """The monitor's socket dropped: it subscribes again with `since` = the newest event it
    showed, and the spins made while it was away appear, each once."""
    sockets = Sockets()
    async with httpx.AsyncClient(base_url=server, timeout=20) as http:
        api = Api(http)
        token = (await api.new_player())["accessToken"]
        page, problems = await open_admin(server, browser, sockets)
        await log_in(page, backend.settings().admin_site_id, ADMIN_PASSWORD)
        before = await spin(api, token, 10)
        await expect(monitor_row(page, before["roundId"])).to_be_visible()
        [(connection, first)] = sockets.subscriptions("MonitorEvents")
        assert first == {"since": None}
        await screenshots.take(page, "monitor-live")

        page_side, server_side, _ = sockets.open[connection]
        await page_side.close(code=1011, reason="test: connection lost")
        await server_side.close()
        status = page.locator("#monitor-status")
        await expect(status).to_contain_text("Reconnecting")
        newest = await page.locator("#monitor-events tbody tr").first.get_attribute("data-event-id")
        await screenshots.take(page, "monitor-dropped")
        away = [await spin(api, token, 10) for _ in range(2)]
        for result in away:
            await expect(monitor_row(page, result["roundId"])).to_have_count(1)
        await expect(status).to_contain_text("Live")
        again = sockets.subscriptions("MonitorEvents")
        assert len(again) == 2 and again[1][0] != connection, again
        assert again[1][1] == {"since": newest}
        ids = await page.locator("#monitor-events tbody tr").evaluate_all(
            "rows => rows.map(r => r.dataset.eventId)"
        )
        assert len(ids) == len(set(ids)), ids
        await screenshots.take(page, "monitor-resumed")
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
