"""The root Subscription."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from datetime import datetime
from typing import Annotated, Any, TypeVar

import strawberry
from graphql import GraphQLError
from strawberry.types import Info

from casino_club.context import Context
from casino_club.domain import crash, live_events
from casino_club.domain.accounts import Role
from casino_club.domain.crash import TickKind
from casino_club.domain.errors import BadUserInput, ErrorCode, Forbidden, ServiceUnavailable
from casino_club.domain.ids import NodeKind, global_id, parse_node_id
from casino_club.domain.notifications import Notification as NotificationValue
from casino_club.live.events import UnknownEventId
from casino_club.live.journal import EventId, parse_event_id
from casino_club.live.stream import ReplayUnavailable, SubscriptionOverflow
from casino_club.resolvers import crash as crash_cases
from casino_club.resolvers import live_feeds
from casino_club.resolvers import notifications as notification_cases
from casino_club.schema.crash import CrashTick
from casino_club.schema.live import BalanceChange, GameEvent, MonitorEvent
from casino_club.schema.notifications import Notification
from casino_club.schema.permissions import IsAdmin, IsAuthenticated, require_viewer
from casino_club.services import Services


@strawberry.type(description="Proof of a live, authenticated subscription.")
class Heartbeat:
    at: datetime
    user_id: strawberry.ID = strawberry.field(description="The caller's global id (a Player).")
    nickname: str


OVERFLOW_MESSAGE = "Too many undelivered events; resubscribe with since: the last event id seen"


SINCE = (
    "The id of the last event seen: what followed it in the last 5 minutes comes first, "
    "then live events, none twice."
)


REPLAY_UNAVAILABLE = "Missed events cannot be read now; resubscribe with since shortly"
SINCE_REFUSED = "since must be the id of an event this subscription gave"
# What an operator's monitor shows first (SPEC §10).
MONITOR_SNAPSHOT = 200


def _since(since: strawberry.ID | None) -> EventId | None:
    if since is None:
        return None
    parsed = parse_event_id(since)
    if parsed is None:
        raise BadUserInput(SINCE_REFUSED)
    return parsed


T = TypeVar("T")
E = TypeVar("E")


async def _checked(
    info: Info[Context, Any], events: AsyncIterator[T], *, admin: bool = False
) -> AsyncGenerator[T, None]:
    """Events, each after re-checking the session (and the role): a subscription ends
    when its session does. A stream that fell behind, or a `since` never given out, ends
    it with an error the client can act on."""
    try:
        async for event in events:
            info.context.reset_viewer()
            viewer = await require_viewer(info)
            if admin and viewer.role is not Role.ADMIN:
                raise Forbidden(IsAdmin.message)
            yield event
    except ReplayUnavailable:
        raise ServiceUnavailable(REPLAY_UNAVAILABLE) from None
    except SubscriptionOverflow:
        raise GraphQLError(
            OVERFLOW_MESSAGE, extensions={"code": ErrorCode.SUBSCRIPTION_OVERFLOW.value}
        ) from None
    except UnknownEventId:
        raise BadUserInput(SINCE_REFUSED) from None


async def _own_events(
    info: Info[Context, Any],
    since: strawberry.ID | None,
    feed: Callable[[Services, int, EventId | None], AsyncIterator[E | None]],
) -> AsyncGenerator[E, None]:
    """The caller's events of one feed, each after the session is checked again."""
    after = _since(since)
    viewer = await require_viewer(info)
    async for event in _checked(info, feed(info.context.services, viewer.id, after)):
        if event is not None:
            yield event


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="The caller's balance changes, one per ledger row, in order.",
        permission_classes=[IsAuthenticated],
        graphql_type=BalanceChange,
    )
    async def balance_changed(
        self,
        info: Info[Context, Any],
        since: Annotated[strawberry.ID | None, strawberry.argument(description=SINCE)] = None,
    ) -> AsyncGenerator[live_events.BalanceChange, None]:
        async for event in _own_events(info, since, live_feeds.balance_changes):
            yield event

    @strawberry.subscription(
        description="Results of the caller's games, in order.",
        permission_classes=[IsAuthenticated],
        graphql_type=GameEvent,
    )
    async def game_events(
        self,
        info: Info[Context, Any],
        since: Annotated[strawberry.ID | None, strawberry.argument(description=SINCE)] = None,
    ) -> AsyncGenerator[live_events.GameEvent, None]:
        async for event in _own_events(info, since, live_feeds.game_events):
            yield event

    @strawberry.subscription(
        description=(
            "Messages from the operators to the caller and to everyone, as they are sent."
        ),
        permission_classes=[IsAuthenticated],
        graphql_type=Notification,
    )
    async def notifications(
        self,
        info: Info[Context, Any],
        since: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="The id of the last notification seen: those sent after it "
                "come first (however long ago), then live ones, none twice."
            ),
        ] = None,
    ) -> AsyncGenerator[NotificationValue, None]:
        after = None
        if since is not None:
            after = parse_node_id(since, NodeKind.NOTIFICATION)
            if after is None:
                raise BadUserInput("since must be the id of a notification")
        viewer = await require_viewer(info)
        following = notification_cases.follow(info.context.services, viewer.id, after)
        async for notification in _checked(info, following):
            yield notification

    @strawberry.subscription(
        description=(
            "Every game event of every player, for operators: the newest 200 kept first "
            "(or, with since, what followed it), then live."
        ),
        permission_classes=[IsAdmin],
        graphql_type=MonitorEvent,
    )
    async def monitor_events(
        self,
        info: Info[Context, Any],
        since: Annotated[strawberry.ID | None, strawberry.argument(description=SINCE)] = None,
    ) -> AsyncGenerator[live_events.MonitorEvent, None]:
        after = _since(since)
        feed = live_feeds.monitor_events(info.context.services, after, snapshot=MONITOR_SNAPSHOT)
        async for event in _checked(info, feed, admin=True):
            yield event

    @strawberry.subscription(
        description=(
            "A crash round of the caller as it runs: a TICK with the multiplier every "
            "tick interval (100 ms), then CASHED_OUT or CRASHED (revealing the crash point)."
        ),
        permission_classes=[IsAuthenticated],
        graphql_type=CrashTick,
    )
    async def crash_round(
        self, info: Info[Context, Any], round_id: strawberry.ID
    ) -> AsyncGenerator[crash.CrashTick, None]:
        viewer = await require_viewer(info)
        checked = time.monotonic()
        try:
            ticks = crash_cases.follow(
                info.context.services, viewer, parse_node_id(round_id, NodeKind.CRASH_ROUND)
            )
            async for tick in ticks:
                # Like every subscription, it ends when the session does (logout, ban);
                # checked at most once a second, not on every 100 ms tick.
                if tick.kind is not TickKind.TICK or time.monotonic() - checked >= 1:
                    info.context.reset_viewer()
                    await require_viewer(info)
                    checked = time.monotonic()
                yield tick
        except crash_cases.UnknownRound:
            raise GraphQLError(
                "No such round", extensions={"code": ErrorCode.ROUND_NOT_FOUND.value}
            ) from None

    @strawberry.subscription(
        description=(
            "A heartbeat for the caller: one at once, then every intervalSeconds (1–60). "
            "Ends with UNAUTHENTICATED when the session is logged out or the player banned."
        ),
        permission_classes=[IsAuthenticated],
    )
    async def heartbeat(
        self, info: Info[Context, Any], interval_seconds: int = 15
    ) -> AsyncGenerator[Heartbeat, None]:
        if not 1 <= interval_seconds <= 60:
            raise BadUserInput("intervalSeconds must be between 1 and 60")
        while True:
            # The context lives as long as the connection: re-check the session each beat.
            info.context.reset_viewer()
            viewer = await require_viewer(info)
            yield Heartbeat(
                at=info.context.services.clock.now(),
                user_id=strawberry.ID(global_id(NodeKind.PLAYER, viewer.id)),
                nickname=viewer.user.nickname,
            )
            await asyncio.sleep(interval_seconds)
