"""Activity types: what a client records of its player's activity, and the totals and
last times operators read on a player."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.scalars import JSON

from casino_club.domain import activity
from casino_club.domain.activity import ActivityType
from casino_club.schema.enums import graphql_enum
from casino_club.schema.errors import ValidationFailed
from casino_club.schema.games import RateLimited
from casino_club.schema.outcomes import presents

ActivityTypeEnum = graphql_enum(
    ActivityType,
    "ActivityType",
    "What the player did, as the client saw it.",
    {
        ActivityType.SCREEN_VIEW: "A screen was shown (name it in metadata, e.g. "
        '{"screen": "shop"}).',
        ActivityType.SHOP_OPENED: "The shop was opened: the funnel's first step.",
        ActivityType.BUY_CLICKED: "A buy button was pressed: the funnel's second step.",
        ActivityType.PLAY_DURATION: "Time spent playing: metadata.seconds, a whole number "
        "from 1 to 86,400, added to the player's total.",
        ActivityType.BONUS_USED: "A bonus was used (name it in metadata).",
    },
)


@strawberry.input(
    description="One activity event. Metadata is a JSON object of at most 2,048 bytes, 32 "
    "keys and 3 levels; keys naming personal data (password, phone, email, card, token, "
    "address, …) are dropped with their values before anything is stored."
)
class RecordActivityInput:
    event_type: ActivityTypeEnum = strawberry.field(  # type: ignore[valid-type]
        description="What happened."
    )
    event_id: str = strawberry.field(
        description="The client's id for this event (1–64 of A–Z a–z 0–9 _ . : -): a retry "
        "with the same id counts once."
    )
    metadata: JSON | None = strawberry.field(
        default=None, description="Details the client chooses (a JSON object)."
    )
    client_ts: datetime | None = strawberry.field(
        default=None,
        description="When it happened by the client's clock (within 7 days of the server's).",
    )


@presents(activity.ActivityRecorded)
@strawberry.type(description="The event is kept, or was already.")
class ActivityRecorded:
    event_id: str = strawberry.field(description="The event's id, as sent.")
    duplicate: bool = strawberry.field(
        description="True when this eventId was recorded before: nothing was counted again."
    )


RecordActivityResult = Annotated[
    ActivityRecorded | ValidationFailed | RateLimited,
    strawberry.union(
        "RecordActivityResult",
        description="recordActivity's answer: kept, or why not (nothing was stored).",
    ),
]


@presents(activity.ActivityCounts)
@strawberry.type(description="A player's activity totals, from the events their clients sent.")
class ActivityCounts:
    screen_views: int = strawberry.field(description="SCREEN_VIEW events.")
    shop_opens: int = strawberry.field(description="SHOP_OPENED events.")
    buy_clicks: int = strawberry.field(description="BUY_CLICKED events.")
    bonus_uses: int = strawberry.field(description="BONUS_USED events.")
    play_seconds: int = strawberry.field(description="PLAY_DURATION seconds, added up.")


@presents(activity.PlayerActivity)
@strawberry.type(
    description="A player's activity: their clients' events added up, and when they last "
    "logged in, played and bought (each from its own record)."
)
class PlayerActivity:
    counts: ActivityCounts = strawberry.field(description="The events' totals.")
    last_seen_at: datetime | None = strawberry.field(
        description="When their client last recorded an event; null: never."
    )
    last_login_at: datetime | None = strawberry.field(
        description="Their last login; null: never (sign-up is not a login)."
    )
    last_play_at: datetime | None = strawberry.field(
        description="Their last settled play of any game; null: never."
    )
    last_purchase_at: datetime | None = strawberry.field(
        description="When their last paid purchase succeeded (refunded ones included); null: never."
    )
