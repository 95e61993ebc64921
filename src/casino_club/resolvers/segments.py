"""Player segmentation (SPEC §11.1; the rules in domain/segments.py): the run that
segments every player, once per game day from a background job and on demand from
`casino-club segment-users`, and the operators' reads and overrides.

A run is one transaction: it reads the population in one statement, computes every
player's segments, and writes only the players whose stored segments or scores changed,
with a history row for each segment that moved. Only one instance runs at a time
(persistence/segments.take_the_run). A dry run does all of it but write.
"""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from casino_club.context import Context, Viewer
from casino_club.domain.accounts import Rank, Role
from casino_club.domain.admin import AdminUser
from casino_club.domain.days import game_day, midnight
from casino_club.domain.ids import NodeKind, parse_node_id
from casino_club.domain.refusals import UserNotFound, ValidationFailed
from casino_club.domain.segments import (
    RFM_WINDOW_DAYS,
    Change,
    PlayerFacts,
    PlayerSegments,
    RunReport,
    Segment,
    SegmentCount,
    SegmentCounts,
    SegmentKind,
    SegmentOverridden,
    segment_population,
)
from casino_club.persistence import audit, users
from casino_club.persistence import segments as stored_segments
from casino_club.persistence.segments import PopulationRow, ToStore
from casino_club.persistence.user_listing import UserWithGold
from casino_club.resolvers.admin_users import as_admin_user
from casino_club.resolvers.guards import reason_problem
from casino_club.services import Services


async def run(
    services: Services, *, dry_run: bool = False, scheduled: bool = False
) -> RunReport | None:
    """Segment every player now. None when it did not run: another instance is running,
    or (`scheduled`) the scheduled run of this game day has happened."""
    now = services.clock.now()
    zone = services.settings.zone
    today = game_day(now, zone)
    since = midnight(today - timedelta(days=RFM_WINDOW_DAYS - 1), zone)
    async with services.unit_of_work() as uow:
        session = uow.session
        if not await stored_segments.take_the_run(session):
            return None
        if scheduled and await stored_segments.scheduled_run_on(session, today):
            return None
        rows = await stored_segments.population(session, since)
        to_store, changes = _compare(rows, today, zone)
        if dry_run:
            return RunReport(None, today, len(rows), len(to_store), tuple(changes))
        await stored_segments.forget_operators(session)
        run_id = await stored_segments.start_run(session, today, scheduled=scheduled, now=now)
        await stored_segments.store(session, to_store, now)
        await stored_segments.record_changes(session, changes, run_id, now)
        await stored_segments.finish_run(session, run_id, players=len(rows), changes=len(changes))
        await uow.commit()
    return RunReport(run_id, today, len(rows), len(to_store), tuple(changes))


async def scheduled_run(services: Services) -> int:
    """The background job's work: the game day's run, once; the segment changes written."""
    report = await run(services, scheduled=True)
    return 0 if report is None else len(report.changes)


def _compare(
    rows: list[PopulationRow], today: date, zone: ZoneInfo
) -> tuple[list[ToStore], list[Change]]:
    """The players whose stored segments or scores differ from the computed ones, and
    the segments that moved (a player's first segments move from None)."""
    facts = {
        row.user_id: PlayerFacts(
            joined=game_day(row.joined_at, zone),
            last_play=None if row.last_play_at is None else game_day(row.last_play_at, zone),
            rank=Rank(row.rank),
            plays=row.plays,
            spend_cents=row.spend_cents,
        )
        for row in rows
    }
    computed = segment_population(facts, today)
    to_store: list[ToStore] = []
    changes: list[Change] = []
    for row in rows:
        found = computed[row.user_id]
        new = ToStore(
            user_id=row.user_id,
            lifecycle=found.lifecycle,
            rfm_segment=found.rfm.segment,
            recency_score=found.rfm.recency,
            frequency_score=found.rfm.frequency,
            monetary_score=found.rfm.monetary,
        )
        old = row.stored
        before_lifecycle = None if old is None else Segment(old.computed_lifecycle)
        before_rfm = None if old is None else Segment(old.computed_rfm_segment)
        if before_lifecycle is not new.lifecycle:
            changes.append(
                Change(row.user_id, SegmentKind.LIFECYCLE, before_lifecycle, new.lifecycle)
            )
        if before_rfm is not new.rfm_segment:
            changes.append(Change(row.user_id, SegmentKind.RFM, before_rfm, new.rfm_segment))
        if old is None or (
            before_lifecycle,
            before_rfm,
            old.recency_score,
            old.frequency_score,
            old.monetary_score,
        ) != (
            new.lifecycle,
            new.rfm_segment,
            new.recency_score,
            new.frequency_score,
            new.monetary_score,
        ):
            to_store.append(new)
    return to_store, changes


async def counts(services: Services) -> SegmentCounts:
    """Players per segment in force, every segment named (0 when empty)."""
    async with services.sessionmaker() as session:
        found = await stored_segments.counts(session)
        last = await stored_segments.last_run(session)
    return SegmentCounts(
        as_of=None if last is None else last.started_at,
        counts=tuple(SegmentCount(segment, found.get(segment, 0)) for segment in Segment),
    )


async def players_in(
    services: Services, segment: Segment, *, after_id: int | None, limit: int
) -> list[AdminUser]:
    """Players in `segment` (in force), newest first: a keyset page after `after_id`."""
    async with services.sessionmaker() as session:
        rows = await stored_segments.page_in(session, segment, after_id=after_id, limit=limit)
    now = services.clock.now()
    return [as_admin_user(UserWithGold(user, gold), now) for user, gold in rows]


async def of_player(context: Context, user_id: int) -> PlayerSegments | None:
    """A player's segments (batched across a response's players); None until segmented."""
    return await context.loaders.segments.load(user_id)


async def override(
    context: Context, viewer: Viewer, raw_user_id: str, segment: Segment | None, reason: str
) -> SegmentOverridden | UserNotFound | ValidationFailed:
    """An operator puts a player in `segment` (None: clears their override) until it is
    cleared, whatever runs compute meanwhile; audited, and the segment in force that
    moved is kept in the history."""
    services = context.services
    invalid = reason_problem(reason)
    if invalid is not None:
        return invalid
    reason = reason.strip()
    user_id = parse_node_id(raw_user_id, NodeKind.PLAYER)
    if user_id is None:
        return UserNotFound()
    now = services.clock.now()
    async with services.unit_of_work() as uow:
        session = uow.session
        user = await users.by_id(session, user_id)
        if user is None:
            return UserNotFound()
        if Role(user.role) is Role.ADMIN:
            return ValidationFailed.single(
                "userId", "OPERATOR_NOT_SEGMENTED", "operators' accounts are never segmented"
            )
        row = await stored_segments.of_player(session, user_id)
        if row is None:
            return ValidationFailed.single(
                "userId",
                "NOT_SEGMENTED_YET",
                "the player has not been segmented yet (the next run will)",
            )
        if segment is None and row.override_segment is None:
            return ValidationFailed.single(
                "userId", "NO_OVERRIDE", "the player's segments are not overridden"
            )
        before = {
            "override": row.override_segment,
            "lifecycle": row.lifecycle,
            "rfmSegment": row.rfm_segment,
        }
        stored_segments.set_override(row, segment, reason, viewer.id, now)
        after = {
            "override": row.override_segment,
            "lifecycle": row.lifecycle,
            "rfmSegment": row.rfm_segment,
            "reason": reason,
        }
        moved = [
            Change(user_id, kind, Segment(str(before[key])), Segment(str(after[key])))
            for kind, key in ((SegmentKind.LIFECYCLE, "lifecycle"), (SegmentKind.RFM, "rfmSegment"))
            if before[key] != after[key]
        ]
        await stored_segments.record_changes(session, moved, None, now)
        await audit.record(
            session,
            actor_id=viewer.id,
            action="PLAYER_SEGMENT_OVERRIDE" if segment is not None else "PLAYER_SEGMENT_CLEAR",
            target=f"user:{user_id}",
            before=before,
            after=after,
            now=now,
        )
        segments = stored_segments.as_segments(row)
        await uow.commit()
    return SegmentOverridden(segments=segments)
