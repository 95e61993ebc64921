"""Notifications (SPEC §10): operators send them to one player or to everyone; players
list them, count and mark the unread; bad input changes nothing. Live delivery and
resubscription are in tests/e2e/test_notifications_and_monitor.py."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from starlette.applications import Starlette

from casino_club.clock import FrozenClock
from casino_club.resolvers import notifications as notification_cases
from casino_club.resolvers.notifications import REPLAY_PAGE
from tests.support import Api, error_codes, row_id

SEND = """mutation S($input: SendNotificationInput!) { sendNotification(input: $input) {
  __typename
  ... on NotificationSent { notification { id title body broadcast read } }
  ... on ValidationFailed { fields { field code } }
  ... on UserError { code } } }"""
MARK = """mutation M($input: MarkNotificationsReadInput!) { markNotificationsRead(input: $input) {
  __typename
  ... on NotificationsMarked { marked unreadCount }
  ... on ValidationFailed { fields { field code } }
  ... on UserError { code } } }"""
LIST = """query L($first: Int, $after: String, $unreadOnly: Boolean) { me {
  unreadNotifications
  notifications(first: $first, after: $after, unreadOnly: $unreadOnly) {
    edges { node { id title body broadcast read } } pageInfo { hasNextPage endCursor } } } }"""


async def send(api: Api, admin: str, **values: Any) -> dict[str, Any]:
    answer: dict[str, Any] = (await api.data(SEND, {"input": values}, token=admin))[
        "sendNotification"
    ]
    return answer


async def listed(api: Api, token: str, **variables: Any) -> dict[str, Any]:
    me: dict[str, Any] = (await api.data(LIST, variables, token=token))["me"]
    return me


def titles(me: dict[str, Any]) -> list[str]:
    return [edge["node"]["title"] for edge in me["notifications"]["edges"]]


async def player_id(api: Api, token: str) -> str:
    return str((await api.data("{ me { id } }", token=token))["me"]["id"])


async def test_players_see_their_own_and_broadcasts_from_their_sign_up_on(
    api: Api, admin_token: str, clock: FrozenClock
) -> None:
    early = (await api.new_player())["accessToken"]
    tag = (await player_id(api, early))[-6:]
    old = await send(api, admin_token, title=f"old news {tag}", body="before you came")
    assert old["__typename"] == "NotificationSent" and old["notification"]["broadcast"]
    clock.advance(timedelta(seconds=1))
    alice = (await api.new_player())["accessToken"]
    bob = (await api.new_player())["accessToken"]
    mine = await send(
        api, admin_token, userId=await player_id(api, alice), title=f"for alice {tag}", body="hi"
    )
    assert mine["notification"] == {
        "id": mine["notification"]["id"],
        "title": f"for alice {tag}",
        "body": "hi",
        "broadcast": False,
        "read": False,
    }
    everyone = await send(api, admin_token, title=f"  all {tag}  ", body=" maintenance at 3 ")
    assert everyone["notification"]["title"] == f"all {tag}"  # trimmed

    alice_sees = await listed(api, alice)
    assert titles(alice_sees)[:2] == [f"all {tag}", f"for alice {tag}"]
    assert f"old news {tag}" not in titles(alice_sees)
    assert f"for alice {tag}" not in titles(await listed(api, bob))
    assert f"all {tag}" in titles(await listed(api, bob))
    assert f"old news {tag}" in titles(await listed(api, early))
    assert alice_sees["unreadNotifications"] == len(titles(alice_sees))


async def test_marking_read_by_id_and_all(api: Api, admin_token: str) -> None:
    token = (await api.new_player())["accessToken"]
    user = await player_id(api, token)
    sent = [
        (await send(api, admin_token, userId=user, title=f"n{k}", body="b"))["notification"]["id"]
        for k in range(3)
    ]
    before = (await listed(api, token))["unreadNotifications"]
    marked = (await api.data(MARK, {"input": {"ids": [sent[0]]}}, token=token))[
        "markNotificationsRead"
    ]
    assert marked == {
        "__typename": "NotificationsMarked",
        "marked": 1,
        "unreadCount": before - 1,
    }
    again = (await api.data(MARK, {"input": {"ids": [sent[0]]}}, token=token))[
        "markNotificationsRead"
    ]
    assert again["marked"] == 0 and again["unreadCount"] == before - 1
    unread = await listed(api, token, unreadOnly=True)
    assert sent[0] not in [e["node"]["id"] for e in unread["notifications"]["edges"]]
    read_one = [
        e["node"]
        for e in (await listed(api, token))["notifications"]["edges"]
        if e["node"]["id"] == sent[0]
    ]
    assert read_one[0]["read"] is True

    everything = (await api.data(MARK, {"input": {"all": True}}, token=token))[
        "markNotificationsRead"
    ]
    assert everything["marked"] == before - 1 and everything["unreadCount"] == 0
    assert (await listed(api, token, unreadOnly=True))["notifications"]["edges"] == []


async def test_twenty_concurrent_mark_all_leave_everything_read_once(
    api: Api, admin_token: str
) -> None:
    token = (await api.new_player())["accessToken"]
    user = await player_id(api, token)
    for k in range(5):
        await send(api, admin_token, userId=user, title=f"c{k}", body="b")
    unread = (await listed(api, token))["unreadNotifications"]  # broadcasts too
    assert unread >= 5
    answers = await asyncio.gather(
        *(api.data(MARK, {"input": {"all": True}}, token=token) for _ in range(20))
    )
    results = [a["markNotificationsRead"] for a in answers]
    assert {r["__typename"] for r in results} == {"NotificationsMarked"}
    assert (await listed(api, token))["unreadNotifications"] == 0
    # Each notification was marked by exactly one of them.
    assert sum(r["marked"] for r in results) == unread


async def test_pages_follow_the_cursor_newest_first(api: Api, admin_token: str) -> None:
    token = (await api.new_player())["accessToken"]
    user = await player_id(api, token)
    for k in range(5):
        await send(api, admin_token, userId=user, title=f"p{k}", body="b")
    seen: list[str] = []
    after = None
    while True:
        me = await listed(api, token, first=2, after=after)
        seen += [t for t in titles(me) if t.startswith("p")]
        if not me["notifications"]["pageInfo"]["hasNextPage"]:
            break
        after = me["notifications"]["pageInfo"]["endCursor"]
    assert seen == ["p4", "p3", "p2", "p1", "p0"]


async def test_bad_input_is_a_typed_error_and_changes_nothing(api: Api, admin_token: str) -> None:
    token = (await api.new_player())["accessToken"]
    other = (await api.new_player())["accessToken"]
    user = await player_id(api, token)
    theirs = (
        await send(api, admin_token, userId=await player_id(api, other), title="x", body="y")
    )["notification"]["id"]
    mine = (await send(api, admin_token, userId=user, title="mine", body="y"))["notification"]["id"]
    before = await listed(api, token)

    refused_sends = [
        ({"title": " ", "body": "b"}, ["title"]),
        ({"title": "t", "body": "b" * 2001}, ["body"]),
        ({"title": "t" * 121, "body": ""}, ["title", "body"]),
    ]
    for values, fields in refused_sends:
        answer = await send(api, admin_token, userId=user, **values)
        assert answer["__typename"] == "ValidationFailed", answer
        assert [f["field"] for f in answer["fields"]] == fields
    for missing in ["999999999999", "abc", "-1"]:
        answer = await send(api, admin_token, userId=missing, title="t", body="b")
        assert answer == {"__typename": "UserNotFound", "code": "USER_NOT_FOUND"}

    refused_marks: list[tuple[dict[str, Any], str]] = [
        ({"ids": [mine, theirs]}, "NotificationNotFound"),
        ({"ids": ["nope"]}, "NotificationNotFound"),
        ({"ids": [mine], "all": True}, "ValidationFailed"),
        ({}, "ValidationFailed"),
        ({"ids": []}, "ValidationFailed"),
        ({"ids": [mine] * 101}, "ValidationFailed"),
    ]
    for values, typename in refused_marks:
        marked = (await api.data(MARK, {"input": values}, token=token))["markNotificationsRead"]
        assert marked["__typename"] == typename, (values, marked)
    assert await listed(api, token) == before  # nothing sent, nothing marked

    as_player = await api.execute(SEND, {"input": {"title": "t", "body": "b"}}, token=token)
    assert error_codes(as_player) == ["FORBIDDEN"]
    first_zero = await api.execute(LIST, {"first": 0}, token=token)
    assert error_codes(first_zero) == ["BAD_USER_INPUT"]


async def test_a_resubscription_is_given_every_notification_it_missed(
    api: Api, app: Starlette, admin_token: str
) -> None:
    """More than a page (100) missed: all of them, in order, then live ones."""
    token = (await api.new_player())["accessToken"]
    user = await player_id(api, token)
    first = (await send(api, admin_token, userId=user, title="seen", body="b"))["notification"]
    for k in range(REPLAY_PAGE + 5):
        await send(api, admin_token, userId=user, title=f"missed {k}", body="b")
    services = app.state.services
    titles_heard = []
    following = notification_cases.follow(services, row_id(user), row_id(first["id"]))
    async with asyncio.timeout(15):
        async for notification in following:
            titles_heard.append(notification.title)
            if len(titles_heard) == REPLAY_PAGE + 5:
                break
    assert titles_heard == [f"missed {k}" for k in range(REPLAY_PAGE + 5)]
