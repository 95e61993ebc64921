"""The web client's progress screens at /play in a real browser, on both backends.

Missions: a spin in the page advances a mission's progress shown there, a spin from
outside the page moves it live; an early claim is refused with the server's typed
answer said in words; a purchase completes the first-purchase mission, whose claim
brings its gold to the header. Leaderboards: after a play the player is shown at the
rank the API reports, among the same top players. Notifications: one sent by an operator
through the API appears without a reload; after the page's WebSocket is dropped, one
sent meanwhile still arrives (the page subscribes again with `since` = the last id it
saw); the header's unread count follows the server's; marking one read and then all read
clears it; the list pages with "More notifications". History: the plays just made,
newest first, with the API's ids and amounts, a page at a time ("More plays"); stats
equal the API's. Every request to another host is aborted; a page or console error
fails the test.
"""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from typing import Any

import httpx
from playwright.async_api import Browser, Page, WebSocketRoute, expect

from tests.conftest import Backend
from tests.e2e.browser import Screenshots
from tests.e2e.test_notifications_and_monitor import SEND, admin_token
from tests.e2e.test_web_client import open_play, play_in_page, server_gold, sign_up
from tests.support import Api, spin

MISSIONS = """{ missions { mission { key title } progress target completed claimed } }"""
BOARD = """query B($game: Game) {
  leaderboard(metric: NET_WIN, period: DAY, game: $game, first: 100) {
    entries { rank value user { id nickname } } } }"""
HISTORY = """query H($after: String) { me { history(first: 100, after: $after) {
  edges { node { id game stake payout } } pageInfo { hasNextPage endCursor } } } }"""
STATS = "{ me { stats { total { plays wins losses staked paid net biggestWin } } } }"
UNREAD = "{ me { unreadNotifications } }"
ME_ID = "{ me { id } }"
HISTORY_PAGE = 10
NOTICE_PAGE = 10
NOTICES = "{ me { notifications(first: 100) { edges { node { id } } } } }"
EXTRA_SPINS = 11
MAX_TRIES = 20


async def token_of(page: Page) -> str:
    token = await page.evaluate("sessionStorage.getItem('casino-club.accessToken')")
    assert isinstance(token, str) and token
    return token


async def mission(api: Api, token: str, key: str) -> dict[str, Any]:
    missions = (await api.data(MISSIONS, token=token))["missions"]
    [found] = [m for m in missions if m["mission"]["key"] == key]
    result: dict[str, Any] = found
    return result


async def spun(api: Api, token: str) -> None:
    """A 10-gold spin from outside the page, waiting out the play rate limit if met."""
    for _ in range(MAX_TRIES):
        result = await spin(api, token, 10)
        if result["__typename"] != "RateLimited":
            assert result["__typename"] == "SlotSpinSuccess", result
            return
        await asyncio.sleep(result["retryAfterMs"] / 1000)
    raise AssertionError(f"still rate limited after {MAX_TRIES} tries")


async def send_notification(http: httpx.AsyncClient, admin: str, user_id: str, title: str) -> str:
    """An operator's sendNotification to one player, through the API; the notification's id."""
    variables = {"input": {"userId": user_id, "title": title, "body": f"Body of {title}"}}
    response = await http.post(
        "/graphql",
        json={"query": SEND, "variables": variables},
        headers={"Authorization": f"Bearer {admin}"},
    )
    sent = response.json()["data"]["sendNotification"]
    assert sent["__typename"] == "NotificationSent", sent
    notification_id: str = sent["notification"]["id"]
    return notification_id


def gold_text(amount: int) -> str:
    return f"{amount:,} gold"


async def test_missions_progress_live_refusal_and_claim(
    server: str, browser: Browser, screenshots: Screenshots
) -> None:
    page, problems = await open_play(server, browser)
    await sign_up(page, screenshots)
    await page.evaluate("window.notReloaded = true")
    token = await token_of(page)

    async with httpx.AsyncClient(base_url=server) as http:
        api = Api(http)
        await page.locator("#tab-missions").click()
        spins = page.locator('tr[data-mission="daily-spin-20"] .mission-progress')
        purchase = page.locator('tr[data-mission="first-purchase"]')
        await expect(spins).to_have_text("0 / 20")
        await expect(purchase.locator(".mission-progress")).to_have_text("0 / 1")
        await expect(purchase.locator(".mission-state")).to_have_text("In progress")
        await screenshots.take(page, "missions")

        # Too early: the page says what the server's typed refusal says, with the progress.
        async with page.expect_response(
            lambda r: "claimMissionReward(" in (r.request.post_data or "")
        ) as answer:
            await page.get_by_role("button", name='Claim "Make your first purchase"').click()
        refusal = (await (await answer.value).json())["data"]["claimMissionReward"]
        assert refusal["__typename"] == "MissionNotComplete", refusal
        assert (refusal["progress"], refusal["target"]) == (0, 1)
        status = page.locator("#missions-status")
        await expect(status).to_have_text(f'"Make your first purchase": {refusal["message"]}')
        await expect(status).to_have_class(re.compile(r"\berror\b"))
        await screenshots.take(page, "missions-early-claim")

        # A spin in the page: the missions screen shows it when shown again.
        await page.locator("#tab-slots").click()
        await play_in_page(page, page.locator("#spin"), "slotSpin")
        await page.locator("#tab-missions").click()
        await expect(spins).to_have_text("1 / 20")
        assert (await mission(api, token, "daily-spin-20"))["progress"] == 1

        # A spin from outside the page: only the gameEvents subscription can tell it.
        await spun(api, token)
        await expect(spins).to_have_text("2 / 20")
        await screenshots.take(page, "missions-live-progress")

        # A purchase completes the first-purchase mission; its claim pays into the header.
        await page.locator("#tab-shop").click()
        await page.locator("#payment-token").select_option("tok_ok")
        await page.get_by_role("button", name="Buy Starter pack").click()
        await expect(page.locator("#shop-status")).to_contain_text("Paid: Starter pack")
        await page.locator("#tab-missions").click()
        await expect(purchase.locator(".mission-progress")).to_have_text("1 / 1")
        await expect(purchase.locator(".mission-state")).to_have_text("Complete: claim it")
        before = await server_gold(api, token)
        await expect(page.locator("#gold")).to_have_text(gold_text(before))
        await screenshots.take(page, "missions-complete")
        await page.get_by_role("button", name='Claim "Make your first purchase"').click()
        await expect(status).to_have_text(
            re.compile(r'^"Make your first purchase" claimed: 5,000 gold and 200 XP credited')
        )
        await expect(page.locator("#gold")).to_have_text(gold_text(before + 5_000))
        assert await server_gold(api, token) == before + 5_000
        await expect(purchase.locator(".mission-state")).to_have_text("Claimed")
        claimed = page.get_by_role("button", name='Claim "Make your first purchase"')
        await expect(claimed).to_be_disabled()
        assert (await mission(api, token, "first-purchase"))["claimed"] is True
        await screenshots.take(page, "missions-claimed")

    assert await page.evaluate("window.notReloaded") is True
    problems.assert_none()


async def test_leaderboard_history_stats_and_notification_pages(
    server: str, backend: Backend, browser: Browser, screenshots: Screenshots
) -> None:
    page, problems = await open_play(server, browser)
    await sign_up(page, screenshots)
    token = await token_of(page)

    async with httpx.AsyncClient(base_url=server) as http:
        api = Api(http)
        me = (await api.data(ME_ID, token=token))["me"]["id"]
        # The day's free wheel spin puts the player on the wheel's NET_WIN board of the
        # day (few players of the suite spin the wheel: they are in its top 100).
        await page.locator("#tab-wheel").click()
        await play_in_page(page, page.locator("#wheel-spin"), "wheelSpin")
        await page.locator("#tab-slots").click()
        await play_in_page(page, page.locator("#spin"), "slotSpin")
        for _ in range(EXTRA_SPINS):
            await spun(api, token)

        board = (await api.data(BOARD, {"game": "WHEEL"}))["leaderboard"]["entries"]
        [own] = [entry for entry in board if entry["user"]["id"] == me]
        await page.locator("#tab-leaderboards").click()
        await page.locator("#board-metric").select_option("NET_WIN")
        await page.locator("#board-game").select_option("WHEEL")
        await page.locator("#board-period").select_option("DAY")
        mine = page.locator("#board-mine")
        await expect(mine).to_have_text(
            f"You are #{own['rank']} on this board with {gold_text(own['value'])}."
        )
        row = page.locator(f'#board-table tr[data-player="{me}"]')
        await expect(row.locator("td").first).to_have_text(f"#{own['rank']}")
        top = [f"#{e['rank']}" for e in board[:10]]
        if own["rank"] > 10:
            top.append(f"#{own['rank']}")
        await expect(page.locator("#board-table tr[data-player] td:first-child")).to_have_text(top)
        await screenshots.take(page, "leaderboard")
        # The LEVEL board takes no game nor period: the page says so by disabling them.
        await page.locator("#board-metric").select_option("LEVEL")
        await expect(page.locator("#board-game")).to_be_disabled()
        await expect(page.locator("#board-period")).to_have_value("ALL")
        await expect(mine).to_have_text(
            re.compile(
                r"^You are (#\d+ on this board with [\d,]+ XP|not in the top 100 of this board)\.$"
            )
        )
        await screenshots.take(page, "leaderboard-level")

        history = (await api.data(HISTORY, token=token))["me"]["history"]
        plays = [edge["node"] for edge in history["edges"]]
        assert len(plays) == EXTRA_SPINS + 2 and not history["pageInfo"]["hasNextPage"]
        await page.locator("#tab-history").click()
        rows = page.locator("#history-rows tr")
        await expect(rows).to_have_count(HISTORY_PAGE)
        await expect(page.locator("#history-more")).to_be_visible()
        await screenshots.take(page, "history-first-page")
        await page.get_by_role("button", name="More plays").click()
        await expect(rows).to_have_count(len(plays))
        await expect(page.locator("#history-more")).to_be_hidden()
        shown = await rows.evaluate_all("rows => rows.map(r => r.dataset.round)")
        assert shown == [play["id"] for play in plays]
        await expect(page.locator("#history-rows .stake")).to_have_text(
            [gold_text(play["stake"]) for play in plays]
        )
        await expect(page.locator("#history-rows .payout")).to_have_text(
            [gold_text(play["payout"]) for play in plays]
        )
        assert plays[-1]["game"] == "WHEEL" and {p["game"] for p in plays[:-1]} == {"SLOTS"}
        await screenshots.take(page, "history-all")

        total = (await api.data(STATS, token=token))["me"]["stats"]["total"]
        assert total["plays"] == len(plays)
        cells = page.locator('#stats-table tr[data-game="TOTAL"] td')
        await expect(cells).to_have_text(
            [
                str(total["plays"]),
                str(total["wins"]),
                str(total["losses"]),
                gold_text(total["staked"]),
                gold_text(total["paid"]),
                gold_text(total["net"]),
                gold_text(total["biggestWin"]),
                "—",
            ]
        )
        await screenshots.take(page, "stats")

        # Notifications sent before their screen is first shown: listed a page at a time.
        admin = await admin_token(http, backend)
        for k in range(NOTICE_PAGE + 1):
            await send_notification(http, admin, me, f"Notice {k}")
        listed = (await api.data(NOTICES, token=token))["me"]["notifications"]["edges"]
        ids = [edge["node"]["id"] for edge in listed]
        count = (await api.data(UNREAD, token=token))["me"]["unreadNotifications"]
        assert count >= NOTICE_PAGE + 1
        await expect(page.locator("#unread")).to_have_text(unread_text(count))
        await page.locator("#tab-notifications").click()
        items = page.locator("#notifications-list li")
        await expect(items).to_have_count(NOTICE_PAGE)
        await page.get_by_role("button", name="More notifications").click()
        await expect(items).to_have_count(min(len(ids), 2 * NOTICE_PAGE))
        shown = await items.evaluate_all("items => items.map(i => i.dataset.notification)")
        assert shown == ids[: 2 * NOTICE_PAGE]
        await screenshots.take(page, "notification-pages")
    problems.assert_none()


def unread_text(count: int) -> str:
    if count == 0:
        return "No unread notifications"
    return f"{count} unread notification{'' if count == 1 else 's'}"


class RoutedSockets:
    """The page's WebSockets, passed through to the server, with every frame the page sent
    (so a test sees what it subscribed with) and a way to drop one (as a network would)."""

    def __init__(self) -> None:
        self.routes: list[WebSocketRoute] = []
        self.sent: list[dict[str, Any]] = []

    def route(self, route: WebSocketRoute) -> None:
        server = route.connect_to_server()

        def to_server(message: str | bytes) -> None:
            if isinstance(message, str):
                self.sent.append(json.loads(message))
            server.send(message)

        route.on_message(to_server)
        self.routes.append(route)

    def subscribed_since(self) -> list[str | None]:
        """`since` of each NotificationsLive subscription the page sent, in order."""
        return [
            frame["payload"]["variables"]["since"]
            for frame in self.sent
            if frame.get("type") == "subscribe"
            and frame["payload"].get("operationName") == "NotificationsLive"
        ]


async def test_notifications_arrive_live_and_are_marked_read(
    server: str, backend: Backend, browser: Browser, screenshots: Screenshots
) -> None:
    """Live without a reload; after the connection drops, one sent meanwhile comes back by
    `since` (the page subscribes again from the last id it saw); unread count; read."""
    page, problems = await open_play(server, browser)
    sockets = RoutedSockets()
    await page.route_web_socket(re.compile(r"/graphql$"), sockets.route)
    await sign_up(page, screenshots)
    await page.evaluate("window.notReloaded = true")
    token = await token_of(page)
    unread = page.locator("#unread")
    items = page.locator("#notifications-list li")

    async with httpx.AsyncClient(base_url=server) as http:
        api = Api(http)
        me = (await api.data(ME_ID, token=token))["me"]["id"]
        admin = await admin_token(http, backend)

        async def send(title: str) -> str:
            return await send_notification(http, admin, me, title)

        async def unread_now() -> int:
            count: int = (await api.data(UNREAD, token=token))["me"]["unreadNotifications"]
            return count

        count = await unread_now()
        await expect(unread).to_have_text(unread_text(count))
        await page.locator("#tab-notifications").click()
        await expect(page.locator("#notifications-status")).not_to_have_text(
            "Loading your notifications…"
        )
        # The page's subscription is on its way to the server before the operator sends.
        for _ in range(100):
            if sockets.subscribed_since():
                break
            await asyncio.sleep(0.05)
        else:
            raise AssertionError("the page never subscribed to notifications")
        await screenshots.take(page, "notifications-before")

        first_title = f"Welcome {uuid.uuid4().hex[:6]}"
        first = await send(first_title)
        item = page.locator(f'li[data-notification="{first}"]')
        await expect(item.locator("h3")).to_have_text(first_title)
        await expect(items.first).to_have_attribute("data-notification", first)
        count = await unread_now()
        assert count >= 1
        await expect(unread).to_have_text(unread_text(count))
        await screenshots.take(page, "notification-arrived")

        # The connection drops; one is sent before the page has connected again (graphql-ws
        # waits a second or more first), so only `since` can bring it.
        connections = len(sockets.routes)
        await sockets.routes[-1].close(code=1012, reason="the test drops the connection")
        missed_title = f"While away {uuid.uuid4().hex[:6]}"
        missed = await send(missed_title)
        assert len(sockets.routes) == connections, "reconnected before the send: nothing missed"
        await expect(items.first).to_have_attribute("data-notification", missed, timeout=15_000)
        assert len(sockets.routes) == connections + 1
        assert sockets.subscribed_since()[-1] == first
        await expect(unread).to_have_text(unread_text(count + 1))
        await screenshots.take(page, "notification-after-reconnect")

        # On another screen: the header's count still moves, and the list has it later.
        await page.locator("#tab-slots").click()
        second_title = f"Bonus {uuid.uuid4().hex[:6]}"
        second = await send(second_title)
        await expect(unread).to_have_text(unread_text(count + 2))
        await page.locator("#tab-notifications").click()
        await expect(items.first).to_have_attribute("data-notification", second)
        listed = await items.evaluate_all("items => items.map(i => i.dataset.notification)")
        assert listed[:3] == [second, missed, first]
        await screenshots.take(page, "notification-second")

        await item.get_by_role("button", name=f'Mark "{first_title}" read').click()
        await expect(item.locator(".notice-state")).to_have_text("Read")
        await expect(unread).to_have_text(unread_text(count + 1))
        assert await unread_now() == count + 1
        await screenshots.take(page, "notification-read")

        await page.get_by_role("button", name="Mark all read").click()
        await expect(unread).to_have_text(unread_text(0))
        states = page.locator("#notifications-list .notice-state")
        await expect(states.filter(has_text="Unread")).to_have_count(0)
        await expect(states.first).to_have_text("Read")
        assert await unread_now() == 0
        await screenshots.take(page, "notifications-all-read")

    assert await page.evaluate("window.notReloaded") is True
    problems.assert_none()
