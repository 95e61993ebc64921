"""Player segmentation for operators, on both backends: the lifecycle's boundaries
through real runs on a frozen clock, a run's statements not growing with the players,
dry runs writing nothing, overrides surviving runs, the operators' queries and
mutations (refused to players), and `casino-club segment-users` as a real process.

The database is shared by the tests of a backend and a run segments everyone in it, so
each test looks only at the players it made; RFM scores, relative to the population,
are checked exactly by the unit tests (tests/unit/test_segments.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy import func, select, update
from sqlalchemy.engine import make_url
from starlette.applications import Starlette

from casino_club import jobs
from casino_club.clock import FrozenClock
from casino_club.config import Settings
from casino_club.domain.accounts import identity_key
from casino_club.domain.segments import RunReport, Segment, SegmentKind
from casino_club.persistence import migrations
from casino_club.persistence.models import (
    FairnessSeed,
    GameRound,
    PlayerSegment,
    Purchase,
    SegmentChange,
    SegmentRun,
    User,
    Wallet,
)
from casino_club.resolvers import segments
from casino_club.services import Services
from tests.conftest import ADMIN_PASSWORD, Backend
from tests.support import Api, counting, error_codes, node_id, run_command

DAY = timedelta(days=1)
TABLES = (PlayerSegment, SegmentChange, SegmentRun)


async def make_player(
    services: Services,
    *,
    joined: datetime,
    rank: str = "STANDARD",
    role: str = "USER",
    plays: tuple[datetime, ...] = (),
    spent: tuple[tuple[int, datetime], ...] = (),
) -> int:
    """A player inserted directly (joined, played and paid when the test says)."""
    name = f"sg{uuid.uuid4().hex[:12]}"
    async with services.unit_of_work() as uow:
        session = uow.session
        user = User(
            site_id=name,
            site_id_key=identity_key(name),
            nickname=name,
            nickname_key=identity_key(name),
            password_hash="-",
            role=role,
            rank=rank,
            xp=0,
            daily_streak=0,
            lifetime_spend_cents=0,
            created_at=joined,
        )
        session.add(user)
        await session.flush()
        session.add(Wallet(user_id=user.id, gold=0, updated_at=joined))
        if plays:
            seed = FairnessSeed(
                user_id=user.id,
                server_seed="0" * 64,
                server_seed_hash="1" * 64,
                client_seed="c",
                nonce=0,
                active=True,
                created_at=joined,
            )
            session.add(seed)
            await session.flush()
            for nonce, at in enumerate(plays):
                session.add(
                    GameRound(
                        user_id=user.id,
                        game="SLOTS",
                        stake=10,
                        payout=0,
                        outcome="{}",
                        seed_id=seed.id,
                        server_seed_hash=seed.server_seed_hash,
                        client_seed="c",
                        nonce=nonce,
                        created_at=at,
                    )
                )
        for index, (cents, at) in enumerate(spent):
            session.add(
                Purchase(
                    user_id=user.id,
                    idempotency_key=f"{name}-{index}",
                    sku="starter",
                    quantity=1,
                    currency="USD",
                    unit_price_cents=cents,
                    amount_cents=cents,
                    gold=1000,
                    bonus_gold=0,
                    status="SUCCEEDED",
                    gateway="sandbox",
                    created_at=at,
                    settled_at=at,
                    spend_usd_cents=cents,
                )
            )
        await uow.commit()
        return user.id


async def stored(services: Services, user_id: int) -> PlayerSegment | None:
    async with services.sessionmaker() as session:
        return await session.get(PlayerSegment, user_id)


async def history(services: Services, user_id: int) -> list[tuple[str, str | None, str, bool]]:
    async with services.sessionmaker() as session:
        rows = await session.scalars(
            select(SegmentChange).where(SegmentChange.user_id == user_id).order_by(SegmentChange.id)
        )
        return [(r.kind, r.from_segment, r.to_segment, r.run_id is not None) for r in rows]


async def row_counts(services: Services) -> dict[str, int]:
    async with services.sessionmaker() as session:
        return {
            model.__tablename__: int(
                await session.scalar(select(func.count()).select_from(model)) or 0
            )
            for model in TABLES
        }


async def scheduled_runs(services: Services) -> int:
    async with services.sessionmaker() as session:
        found = await session.scalar(
            select(func.count()).select_from(SegmentRun).where(SegmentRun.scheduled.is_(True))
        )
        return int(found or 0)


async def run(services: Services, **options: Any) -> RunReport:
    report = await segments.run(services, **options)
    assert report is not None
    return report


async def test_lifecycle_boundaries_through_a_real_run(app: Starlette, clock: FrozenClock) -> None:
    services: Services = app.state.services
    now = clock.now()
    long_ago = now - 100 * DAY
    made = {
        "joined 6 days ago": (
            await make_player(services, joined=now - 6 * DAY),
            Segment.NEW,
        ),
        "joined 7 days ago, played today": (
            await make_player(services, joined=now - 7 * DAY, plays=(now,)),
            Segment.ACTIVE,
        ),
        "joined 7 days ago, never played": (
            await make_player(services, joined=now - 7 * DAY),
            Segment.DORMANT_SHORT,
        ),
        "played 6 days ago": (
            await make_player(services, joined=long_ago, plays=(now - 6 * DAY,)),
            Segment.ACTIVE,
        ),
        "played 7 days ago": (
            await make_player(services, joined=long_ago, plays=(now - 7 * DAY,)),
            Segment.DORMANT_SHORT,
        ),
        "played 29 days ago": (
            await make_player(services, joined=long_ago, plays=(now - 29 * DAY,)),
            Segment.DORMANT_SHORT,
        ),
        "played 30 days ago": (
            await make_player(services, joined=long_ago, plays=(long_ago, now - 30 * DAY)),
            Segment.DORMANT_LONG,
        ),
        "VIP, played 6 days ago": (
            await make_player(services, joined=long_ago, rank="VIP", plays=(now - 6 * DAY,)),
            Segment.VIP,
        ),
        "VIP, played 30 days ago": (
            await make_player(services, joined=long_ago, rank="VIP", plays=(now - 30 * DAY,)),
            Segment.DORMANT_LONG,
        ),
    }
    operator = await make_player(services, joined=long_ago, role="ADMIN")

    report = await run(services)

    for what, (user_id, expected) in made.items():
        row = await stored(services, user_id)
        assert row is not None, what
        assert (what, row.lifecycle, row.computed_lifecycle) == (what, expected, expected)
        assert all(
            1 <= score <= 5
            for score in (row.recency_score, row.frequency_score, row.monetary_score)
        )
        assert Segment(row.rfm_segment).kind is SegmentKind.RFM
        assert await history(services, user_id) == [
            ("LIFECYCLE", None, expected.value, True),
            ("RFM", None, row.rfm_segment, True),
        ]
    assert await stored(services, operator) is None
    assert operator not in {change.user_id for change in report.changes}

    # A day on, the players on an edge cross it; the others keep their rows unwritten.
    clock.advance(DAY)
    moved = await run(services)
    mine = {user_id: what for what, (user_id, _) in made.items()}
    crossed = {
        mine[change.user_id]: (change.before, change.after)
        for change in moved.changes
        if change.user_id in mine and change.kind is SegmentKind.LIFECYCLE
    }
    assert crossed == {
        "joined 6 days ago": (Segment.NEW, Segment.DORMANT_SHORT),
        "played 6 days ago": (Segment.ACTIVE, Segment.DORMANT_SHORT),
        "played 29 days ago": (Segment.DORMANT_SHORT, Segment.DORMANT_LONG),
        "VIP, played 6 days ago": (Segment.VIP, Segment.DORMANT_SHORT),
    }
    again = await run(services)
    assert not {change.user_id for change in again.changes} & set(mine)


async def test_a_player_made_an_operator_leaves_the_segments(
    app: Starlette, clock: FrozenClock
) -> None:
    services: Services = app.state.services
    user_id = await make_player(services, joined=clock.now())
    await run(services)
    assert await stored(services, user_id) is not None
    async with services.unit_of_work() as uow:
        await uow.session.execute(update(User).where(User.id == user_id).values(role="ADMIN"))
        await uow.commit()
    await run(services, dry_run=True)
    assert await stored(services, user_id) is not None  # a dry run writes nothing
    await run(services)
    assert await stored(services, user_id) is None


async def test_purchases_count_when_succeeded_within_the_window(
    app: Starlette, clock: FrozenClock
) -> None:
    """A recent top spender who plays is a WHALE; the same spend 91 days ago is no spend."""
    services: Services = app.state.services
    now = clock.now()
    joined = now - 200 * DAY
    recent = await make_player(
        services, joined=joined, plays=(now,), spent=((10**9, now - 89 * DAY),)
    )
    old = await make_player(services, joined=joined, plays=(now,), spent=((10**9, now - 91 * DAY),))
    await run(services)
    whale = await stored(services, recent)
    lapsed = await stored(services, old)
    assert whale is not None and lapsed is not None
    assert (whale.monetary_score, whale.rfm_segment) == (5, "WHALE")
    assert lapsed.monetary_score <= 3
    assert lapsed.rfm_segment != "WHALE"


@contextlib.asynccontextmanager
async def fresh_database(backend: Backend, tmp_path: Path) -> AsyncIterator[str]:
    """A database of its own, migrated: its population is only what the test makes."""
    if backend.name == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path}/segments.db"
        await asyncio.to_thread(migrations.upgrade, url)
        yield url
        return
    server = make_url(backend.database_url)
    admin = await asyncpg.connect(
        server.set(drivername="postgresql").render_as_string(hide_password=False)
    )
    name = f"cc_seg_{uuid.uuid4().hex[:12]}"
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        url = server.set(database=name).render_as_string(hide_password=False)
        await asyncio.to_thread(migrations.upgrade, url)
        yield url
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def test_a_run_sends_as_many_statements_for_50_players_as_for_10(
    backend: Backend, tmp_path: Path, clock: FrozenClock
) -> None:
    async with fresh_database(backend, tmp_path) as url:
        services = Services.create(backend.settings(database_url=url), clock=clock)
        try:
            now = clock.now()

            async def population(size: int) -> None:
                for index in range(size):
                    await make_player(
                        services,
                        joined=now - (index % 40) * DAY,
                        plays=(now - index * DAY, now - 2 * DAY),
                        spent=((100 + index, now - DAY),) if index % 3 == 0 else (),
                    )

            await population(10)
            with counting(services) as ten:
                first = await run(services)
            await population(40)
            with counting(services) as fifty:
                second = await run(services)
            assert (first.players, second.players) == (10, 50)
            assert first.rows_written == 10
            assert second.rows_written >= 40
            assert len(ten) == len(fifty), (ten, fifty)
            assert len(ten) <= 7
        finally:
            await services.close()


async def test_a_dry_run_reports_the_changes_and_writes_nothing(
    app: Starlette, clock: FrozenClock
) -> None:
    services: Services = app.state.services
    user_id = await make_player(services, joined=clock.now())
    before = await row_counts(services)
    report = await run(services, dry_run=True)
    assert report.run_id is None
    assert (user_id, SegmentKind.LIFECYCLE, None, Segment.NEW) in {
        (c.user_id, c.kind, c.before, c.after) for c in report.changes
    }
    assert await row_counts(services) == before
    assert await stored(services, user_id) is None


async def test_segment_users_as_a_real_process(
    app: Starlette, backend: Backend, clock: FrozenClock
) -> None:
    services: Services = app.state.services
    user_id = await make_player(services, joined=clock.now())
    before = await row_counts(services)

    dry = await run_command(backend.environment(), "segment-users", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert f"user {user_id}: LIFECYCLE - -> NEW\n" in dry.stdout
    assert "dry run, nothing written: " in dry.stdout
    assert await row_counts(services) == before

    done = await run_command(backend.environment(), "segment-users")
    assert done.returncode == 0, done.stderr
    assert f"user {user_id}: LIFECYCLE - -> NEW\n" in done.stdout
    row = await stored(services, user_id)
    assert row is not None and row.lifecycle == "NEW"
    after = await row_counts(services)
    assert after["segment_runs"] == before["segment_runs"] + 1
    assert after["segment_changes"] >= before["segment_changes"] + 2


async def test_the_job_runs_once_a_game_day(app: Starlette, clock: FrozenClock) -> None:
    services: Services = app.state.services
    job = jobs.BY_NAME["segment-players"]
    user_id = await make_player(services, joined=clock.now())
    scheduled_before = await scheduled_runs(services)
    await job.work(services)  # the day's scheduled run (manual runs do not count)
    assert (await stored(services, user_id)) is not None
    clock.advance(DAY)
    late = await make_player(services, joined=clock.now())
    assert await job.work(services) >= 2  # the new player's two first segments at least
    assert await job.work(services) == 0  # once a game day
    assert await stored(services, late) is not None
    assert await scheduled_runs(services) == scheduled_before + 2


SEGMENT_FIELDS = """lifecycle rfmSegment computedLifecycle computedRfmSegment
  recencyScore frequencyScore monetaryScore computedAt
  override { segment reason operatorId at }"""
OVERRIDE = f"""mutation O($input: OverrideSegmentInput!) {{ overrideSegment(input: $input) {{
  __typename ... on UserError {{ code }}
  ... on ValidationFailed {{ fields {{ field code }} }}
  ... on SegmentOverridden {{ player {{ id }} segments {{ {SEGMENT_FIELDS} }} }} }} }}"""
CLEAR = f"""mutation C($input: ClearSegmentOverrideInput!) {{
  clearSegmentOverride(input: $input) {{
  __typename ... on UserError {{ code }}
  ... on ValidationFailed {{ fields {{ field code }} }}
  ... on SegmentOverridden {{ player {{ id }} segments {{ {SEGMENT_FIELDS} }} }} }} }}"""
COUNTS = """{ segmentCounts { asOf counts { segment kind players } } }"""
IN_SEGMENT = """query S($segment: Segment!, $first: Int!, $after: String) {
  playersInSegment(segment: $segment, first: $first, after: $after) {
    edges { cursor node { profile { id } segments { lifecycle rfmSegment } } }
    pageInfo { hasNextPage endCursor } } }"""
DETAIL = (
    """query D($id: ID!) { adminUser(id: $id) { segments { lifecycle override { segment } } } }"""
)
AUDIT = """query A($target: String!) { auditLog(filter: {target: $target}, first: 5) {
  edges { node { action actorId before after } } } }"""


async def test_an_override_holds_through_runs_until_cleared(
    app: Starlette, api: Api, admin_token: str, settings: Settings, clock: FrozenClock
) -> None:
    services: Services = app.state.services
    user_id = await make_player(services, joined=clock.now())
    await run(services)
    player = node_id("Player", user_id)
    request = {"userId": player, "segment": "VIP", "reason": "  launch partner  "}

    held = (await api.data(OVERRIDE, {"input": request}, token=admin_token))["overrideSegment"]
    assert held["__typename"] == "SegmentOverridden", held
    assert held["player"]["id"] == player
    segments = held["segments"]
    assert (segments["lifecycle"], segments["computedLifecycle"]) == ("VIP", "NEW")
    assert segments["rfmSegment"] == segments["computedRfmSegment"]
    assert segments["override"]["segment"] == "VIP"
    assert segments["override"]["reason"] == "launch partner"
    entries = (await api.data(AUDIT, {"target": f"user:{user_id}"}, token=admin_token))["auditLog"][
        "edges"
    ]
    assert entries[0]["node"]["action"] == "PLAYER_SEGMENT_OVERRIDE"
    assert entries[0]["node"]["before"]["lifecycle"] == "NEW"
    assert entries[0]["node"]["after"]["lifecycle"] == "VIP"
    assert entries[0]["node"]["actorId"] == segments["override"]["operatorId"]

    # Eight days on the computed segment moves; the one in force stays the override.
    clock.advance(8 * DAY)
    await run(services)
    row = await stored(services, user_id)
    assert row is not None
    assert (row.lifecycle, row.computed_lifecycle) == ("VIP", "DORMANT_SHORT")
    changes = await history(services, user_id)
    assert changes[:4] == [
        ("LIFECYCLE", None, "NEW", True),
        ("RFM", None, changes[1][2], True),
        ("LIFECYCLE", "NEW", "VIP", False),  # the operator's, in force
        ("LIFECYCLE", "NEW", "DORMANT_SHORT", True),  # the run's, computed
    ]
    assert all(kind == "RFM" and by_run for kind, _, _, by_run in changes[4:])

    token = (await api.login(settings.admin_site_id, ADMIN_PASSWORD))["accessToken"]
    cleared = (
        await api.data(CLEAR, {"input": {"userId": player, "reason": "ended"}}, token=token)
    )["clearSegmentOverride"]
    assert cleared["__typename"] == "SegmentOverridden", cleared
    assert cleared["segments"]["lifecycle"] == "DORMANT_SHORT"
    assert cleared["segments"]["override"] is None
    detail = (await api.data(DETAIL, {"id": player}, token=token))["adminUser"]
    assert detail["segments"] == {"lifecycle": "DORMANT_SHORT", "override": None}
    again = (await api.data(CLEAR, {"input": {"userId": player, "reason": "again"}}, token=token))[
        "clearSegmentOverride"
    ]
    assert again["__typename"] == "ValidationFailed"
    assert again["fields"] == [{"field": "userId", "code": "NO_OVERRIDE"}]


async def test_overrides_refused_with_typed_errors(
    app: Starlette, api: Api, admin_token: str, clock: FrozenClock
) -> None:
    services: Services = app.state.services
    unsegmented = await make_player(services, joined=clock.now())
    operator = await make_player(services, joined=clock.now(), role="ADMIN")
    cases = {
        node_id("Player", 10**12): ("UserNotFound", None),
        "not an id": ("UserNotFound", None),
        node_id("Player", operator): ("ValidationFailed", "OPERATOR_NOT_SEGMENTED"),
        node_id("Player", unsegmented): ("ValidationFailed", "NOT_SEGMENTED_YET"),
    }
    for user, (typename, code) in cases.items():
        request = {"userId": user, "segment": "WHALE", "reason": "test"}
        answer = (await api.data(OVERRIDE, {"input": request}, token=admin_token))[
            "overrideSegment"
        ]
        assert answer["__typename"] == typename, (user, answer)
        if code is not None:
            assert answer["fields"] == [{"field": "userId", "code": code}]
    blank = {"userId": node_id("Player", unsegmented), "segment": "WHALE", "reason": "  "}
    answer = (await api.data(OVERRIDE, {"input": blank}, token=admin_token))["overrideSegment"]
    assert answer["fields"] == [{"field": "reason", "code": "INVALID_REASON"}]


async def test_operators_count_and_list_players_by_segment(
    app: Starlette, api: Api, admin_token: str, clock: FrozenClock
) -> None:
    services: Services = app.state.services
    mine = [await make_player(services, joined=clock.now()) for _ in range(3)]
    await run(services)

    counts = (await api.data(COUNTS, token=admin_token))["segmentCounts"]
    assert counts["asOf"] is not None
    by_segment = {count["segment"]: count for count in counts["counts"]}
    assert set(by_segment) == {segment.value for segment in Segment}
    lifecycle = sum(c["players"] for c in counts["counts"] if c["kind"] == "LIFECYCLE")
    rfm = sum(c["players"] for c in counts["counts"] if c["kind"] == "RFM")
    assert lifecycle == rfm == (await row_counts(services))["player_segments"]
    assert by_segment["NEW"]["players"] >= 3

    first = (await api.data(IN_SEGMENT, {"segment": "NEW", "first": 2}, token=admin_token))[
        "playersInSegment"
    ]
    assert first["pageInfo"]["hasNextPage"] is True
    ids = [edge["node"]["profile"]["id"] for edge in first["edges"]]
    assert ids == [node_id("Player", mine[2]), node_id("Player", mine[1])]
    assert all(edge["node"]["segments"]["lifecycle"] == "NEW" for edge in first["edges"])
    after = first["pageInfo"]["endCursor"]
    second = (
        await api.data(
            IN_SEGMENT, {"segment": "NEW", "first": 1, "after": after}, token=admin_token
        )
    )["playersInSegment"]
    assert [e["node"]["profile"]["id"] for e in second["edges"]] == [node_id("Player", mine[0])]
    rfm_segment = second["edges"][0]["node"]["segments"]["rfmSegment"]
    in_rfm = (
        await api.data(IN_SEGMENT, {"segment": rfm_segment, "first": 100}, token=admin_token)
    )["playersInSegment"]["edges"]
    assert all(edge["node"]["segments"]["rfmSegment"] == rfm_segment for edge in in_rfm)


async def test_players_are_refused(api: Api) -> None:
    player = await api.new_player()
    token = player["accessToken"]
    someone = player["user"]["id"]
    requests: list[tuple[str, dict[str, Any]]] = [
        (COUNTS, {}),
        (IN_SEGMENT, {"segment": "NEW", "first": 5}),
        (OVERRIDE, {"input": {"userId": someone, "segment": "WHALE", "reason": "me"}}),
        (CLEAR, {"input": {"userId": someone, "reason": "me"}}),
        (DETAIL, {"id": someone}),
    ]
    for query, variables in requests:
        assert error_codes(await api.execute(query, variables, token=token)) == ["FORBIDDEN"]
        assert error_codes(await api.execute(query, variables)) == ["UNAUTHENTICATED"]
