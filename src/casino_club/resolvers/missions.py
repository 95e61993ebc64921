"""A player's missions (SPEC §8.3): the list with progress, and claiming a reward.

Progress itself is written by the actions that count (persistence/missions.advance, in
their own transactions); here it is only read, and a claim is recorded on the period's
progress row, so it pays once per period.
"""

from __future__ import annotations

from casino_club.context import Context, Viewer
from casino_club.domain.accounts import Role, level_for_xp, level_reached
from casino_club.domain.checkin import AlreadyClaimed
from casino_club.domain.ids import NodeKind, parse_node_id
from casino_club.domain.ledger import LedgerReason, Movement
from casino_club.domain.missions import (
    ClaimRefusal,
    MissionNotComplete,
    MissionNotFound,
    MissionRewardClaimed,
    Periods,
    PlayerMission,
    claim_refusal,
    first_kept,
    locked,
    periods_at,
    reached,
)
from casino_club.domain.progression import Progression
from casino_club.domain.refusals import PlayerExcluded
from casino_club.persistence import missions, player_stats, users, wallet
from casino_club.persistence.missions import PlayerMission as Row
from casino_club.resolvers import leaderboard_feed
from casino_club.resolvers.live import balance_events, progression_events, publish_after_commit
from casino_club.services import Services


async def of_player(services: Services, user_id: int) -> list[PlayerMission]:
    zone = services.settings.zone
    periods = periods_at(services.clock.now(), zone)
    async with services.sessionmaker() as session:
        rows = await missions.of_player(session, user_id, periods)
        level = level_for_xp(await player_stats.xp_of(session, user_id))
    return [_shown(row, periods, services, level) for row in rows]


def _shown(row: Row, periods: Periods, services: Services, level: int) -> PlayerMission:
    mission = row.stored.mission
    stored = row.progress
    progress, target = (0, mission.target) if stored is None else (stored.progress, stored.target)
    return PlayerMission(
        mission=row.stored,
        progress=progress,
        target=target,
        completed=reached(progress, target),
        claimed=stored is not None and stored.claimed_at is not None,
        locked=locked(mission, level),
        resets_at=periods.ends_at(mission.period, services.settings.zone),
    )


ClaimRefused = MissionNotComplete | AlreadyClaimed | MissionNotFound | PlayerExcluded


async def claim_reward(
    context: Context, viewer: Viewer, raw_id: str
) -> MissionRewardClaimed | ClaimRefused:
    """Claims of one player queue on their user row (as check-ins and purchases do), then
    take the wallet and last the progress row: the order every action that counts takes
    them in, so none of them can deadlock against a claim. `raw_id`: the mission's id as
    the client sent it."""
    services = context.services
    mission_id = parse_node_id(raw_id, NodeKind.MISSION)
    if mission_id is None:
        return MissionNotFound()
    now = services.clock.now()
    until = viewer.user.excluded_at(now)
    if until is not None:  # as with the daily reward: nothing to come back for on a break
        return PlayerExcluded(until)
    zone = services.settings.zone
    periods = periods_at(now, zone)
    async with services.unit_of_work() as uow:
        session = uow.session
        await users.lock(session, viewer.id)
        stored = await missions.active(session, mission_id)
        if stored is None:
            return MissionNotFound()
        mission = stored.mission
        period = periods.of(mission.period)
        row = await missions.progress_of(session, viewer.id, mission_id, period)
        progress, target = (0, mission.target) if row is None else (row.progress, row.target)
        refusal = claim_refusal(progress, target, row is not None and row.claimed_at is not None)
        if refusal is ClaimRefusal.NOT_COMPLETE:
            return MissionNotComplete(progress, target)
        if refusal is ClaimRefusal.ALREADY_CLAIMED:
            return AlreadyClaimed(periods.ends_at(mission.period, zone))
        posted = []
        if mission.reward_gold:
            reward = Movement(
                mission.reward_gold, LedgerReason.MISSION_REWARD, f"mission:{mission_id}:{period}"
            )
            posted = await wallet.move_gold(session, user_id=viewer.id, movements=[reward], now=now)
        if not await missions.mark_claimed(session, viewer.id, mission_id, period, now):
            # An operator deleted the mission meanwhile: leaving uncommitted rolls the
            # payment back. (Recording the claim first would take the progress row
            # before the wallet: the reverse of a bet's order.)
            return MissionNotFound()
        await users.add_xp(session, viewer.id, mission.reward_xp)
        xp = await player_stats.xp_of(session, viewer.id)
        balance = (
            posted[-1].balance_after if posted else await wallet.balance_of(session, viewer.id)
        )
        progression = Progression(level_reached(xp - mission.reward_xp, xp), xp=xp)
        events = [*balance_events(posted, now), *progression_events(progression, now)]
        publish_after_commit(services, uow, viewer.id, events)
        operator = viewer.role is Role.ADMIN
        uow.after_commit(
            lambda: leaderboard_feed.feed(services, viewer.id, xp=xp, operator=operator)
        )
        await uow.commit()
    return MissionRewardClaimed(
        mission=stored,
        gold=mission.reward_gold,
        xp=mission.reward_xp,
        balance=balance,
        level=level_for_xp(xp),
    )


async def purge_old_progress(services: Services) -> int:
    """Housekeeping: the progress of daily and weekly periods long over."""
    today = periods_at(services.clock.now(), services.settings.zone).day
    async with services.unit_of_work() as uow:
        purged = await missions.purge_before(uow.session, first_kept(today))
        await uow.commit()
    return purged
