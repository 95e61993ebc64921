"""Activity clients record for their player (domain/activity.py): checked, scrubbed and
throttled, then kept once per eventId with the player's totals in one transaction; and
a player's activity as operators read it."""

from __future__ import annotations

from datetime import datetime

from casino_club.context import Context, Viewer
from casino_club.domain.activity import (
    ActivityRecorded,
    ActivityType,
    PlayerActivity,
    checked_event,
)
from casino_club.domain.refusals import RateLimited, ValidationFailed
from casino_club.persistence import activity
from casino_club.persistence.rate_limits import RateLimitsUnavailable
from casino_club.persistence.redis_client import player_tag
from casino_club.resolvers.guards import rate_limits_down
from casino_club.services import Services

WINDOW_MS = 60_000


async def record(
    context: Context,
    viewer: Viewer,
    kind: ActivityType,
    event_id: str,
    metadata: object,
    client_ts: datetime | None,
) -> ActivityRecorded | ValidationFailed | RateLimited:
    """Keep one event; a retry with the same eventId is answered `duplicate` and counts
    nothing. Checked before it is counted against the player's per-minute budget."""
    services = context.services
    now = services.clock.now()
    event = checked_event(kind, event_id, metadata, client_ts, now)
    if isinstance(event, ValidationFailed):
        return event
    limited = await _throttled(services, viewer.id, now)
    if limited is not None:
        return limited
    async with services.unit_of_work() as uow:
        kept = await activity.record(uow.session, viewer.id, event, now)
        await uow.commit()
    return ActivityRecorded(event_id=event.event_id, duplicate=not kept)


async def _throttled(services: Services, user_id: int, now: datetime) -> RateLimited | None:
    limit = services.settings.activity_events_per_minute_per_player
    if not limit:
        return None
    try:
        wait = await services.rate_limits.hit(
            f"{player_tag(user_id)}:rate:activity",
            limit=limit,
            window_ms=WINDOW_MS,
            now_ms=int(now.timestamp() * 1000),
        )
    except RateLimitsUnavailable:
        raise rate_limits_down() from None
    return None if wait is None else RateLimited(wait)


async def of_player(services: Services, user_id: int) -> PlayerActivity:
    async with services.sessionmaker() as session:
        return await activity.of_player(session, user_id)
