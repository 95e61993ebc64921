"""kpiReport equals a recomputation from the raw rows, on both backends: a generated
month of play (fixed seed) — sign-ups, plays, logins, clients' activity, purchases in two
currencies and refunds, with times on both sides of the game day's midnight in
GAME_TIMEZONE=Asia/Seoul (15:00 UTC) — is rolled up, and every figure, cohort and funnel
step the API reports is computed again here from the generated rows by this file's own
code. An operator who plays is in no figure. The month is in 2001, so the rest of the
suite's rows (made now) fall in none of its windows."""

from __future__ import annotations

import asyncio
import random
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from casino_club.clock import FrozenClock
from casino_club.config import Settings
from casino_club.persistence import kpis, migrations
from casino_club.persistence.models import (
    ActivityEvent,
    FairnessSeed,
    GameRound,
    LoginAttempt,
    Purchase,
    User,
    Wallet,
)
from casino_club.resolvers import kpis as kpi_cases
from casino_club.services import Services
from tests.conftest import ADMIN_PASSWORD, TEST_DEFAULTS, api_for, running_app

SEOUL = ZoneInfo("Asia/Seoul")
FIRST = date(2001, 3, 1)
DAYS = 31
PLAYERS = 30
REPORT = """query K($first: Date!, $last: Date!) {
  kpiReport(firstDay: $first, lastDay: $last) {
  days { day dau wau mau newPlayers payers firstTimePayers conversionPercent }
  money { day currency gross refunded net arpdau arppu }
  completeThrough
  cohorts { day size d1 d7 d30 }
  funnel { day shopOpened buyClicked purchased } } }"""


@dataclass
class Month:
    """What was generated, as this test keeps it to recompute from."""

    signups: dict[int, datetime] = field(default_factory=dict)
    active: set[tuple[int, date]] = field(default_factory=set)
    charges: list[tuple[int, str, int, datetime]] = field(default_factory=list)
    refunds: list[tuple[str, int, datetime]] = field(default_factory=list)
    clicks: set[tuple[str, int, date]] = field(default_factory=set)


def day_of(at: datetime) -> date:
    return at.astimezone(SEOUL).date()


def moment(rng: random.Random, day: date) -> datetime:
    """A time on the Seoul game day, often just before or after its midnight (15:00 UTC)."""
    midnight = datetime(day.year, day.month, day.day, tzinfo=SEOUL).astimezone(UTC)
    edge = rng.random() < 0.4
    seconds = rng.choice([1, 59, 86_340, 86_399]) if edge else rng.randrange(86_400)
    return midnight + timedelta(seconds=seconds)


def user_row(tag: str, created: datetime, role: str = "USER") -> User:
    name = f"k{tag}{uuid.uuid4().hex[:8]}"
    return User(
        site_id=name,
        site_id_key=name,
        nickname=name,
        nickname_key=name,
        password_hash="x",
        role=role,
        created_at=created,
    )


async def generate(services: Services) -> Month:
    rng = random.Random(2026)
    month = Month()
    async with services.unit_of_work() as uow:
        session = uow.session
        operator = user_row("op", moment(rng, FIRST), role="ADMIN")
        people = [operator]
        for _ in range(PLAYERS):
            signup = moment(rng, FIRST + timedelta(days=rng.randrange(DAYS)))
            people.append(user_row("p", signup))
        session.add_all(people)
        await session.flush()
        # Every account has its wallet (the ledger's tests count them); these hold nothing.
        session.add_all(
            Wallet(user_id=person.id, gold=0, updated_at=person.created_at) for person in people
        )
        for person in people:
            counted = person is not operator
            if counted:
                month.signups[person.id] = person.created_at
            seed = FairnessSeed(
                user_id=person.id,
                server_seed="0" * 64,
                server_seed_hash="1" * 64,
                client_seed="c",
                nonce=0,
                active=True,
                created_at=person.created_at,
            )
            session.add(seed)
            await session.flush()
            first_day = day_of(person.created_at)
            for offset in range(40):
                day = first_day + timedelta(days=offset)
                if rng.random() > 0.35:
                    continue
                at = max(moment(rng, day), person.created_at)
                kind = rng.choice(["play", "login", "shop", "buy", "screen"])
                if kind == "play":
                    session.add(
                        GameRound(
                            user_id=person.id,
                            game="SLOTS",
                            stake=10,
                            payout=0,
                            outcome="{}",
                            seed_id=seed.id,
                            server_seed_hash="1" * 64,
                            client_seed="c",
                            nonce=offset,
                            created_at=at,
                        )
                    )
                elif kind == "login":
                    session.add(
                        LoginAttempt(
                            user_id=person.id,
                            site_id=person.site_id,
                            success=True,
                            outcome="SUCCESS",
                            created_at=at,
                        )
                    )
                    if rng.random() < 0.3:  # a failed one makes nobody active
                        session.add(
                            LoginAttempt(
                                user_id=person.id,
                                site_id=person.site_id,
                                success=False,
                                outcome="BAD_PASSWORD",
                                created_at=at + timedelta(days=1),
                            )
                        )
                else:
                    event_type = {"shop": "SHOP_OPENED", "buy": "BUY_CLICKED"}.get(
                        kind, "SCREEN_VIEW"
                    )
                    session.add(
                        ActivityEvent(
                            user_id=person.id,
                            event_type=event_type,
                            event_id=uuid.uuid4().hex,
                            event_metadata={},
                            client_ts=None,
                            recorded_at=at,
                        )
                    )
                    if counted and kind in ("shop", "buy"):
                        month.clicks.add((kind, person.id, day_of(at)))
                    if kind == "buy" and rng.random() < 0.6:
                        currency = rng.choice(["USD", "KRW"])
                        amount = rng.choice([499, 999, 4999]) * (1 if currency == "USD" else 13)
                        settled = at + timedelta(minutes=rng.choice([1, 30, 600]))
                        refunded = settled + timedelta(days=2) if rng.random() < 0.2 else None
                        session.add(
                            Purchase(
                                user_id=person.id,
                                idempotency_key=uuid.uuid4().hex,
                                sku="starter",
                                quantity=1,
                                currency=currency,
                                unit_price_cents=amount,
                                amount_cents=amount,
                                gold=1000,
                                bonus_gold=0,
                                status="REFUNDED" if refunded else "SUCCEEDED",
                                gateway="sandbox",
                                created_at=at,
                                settled_at=settled,
                                refunded_at=refunded,
                            )
                        )
                        if counted:
                            month.charges.append((person.id, currency, amount, settled))
                            if refunded:
                                month.refunds.append((currency, amount, refunded))
                        kind = "buy-and-pay"
                if counted:
                    month.active.add((person.id, day_of(at)))
                    if kind == "buy-and-pay":
                        pass
        await uow.commit()
    return month


def expected(month: Month, last: date) -> dict[str, Any]:
    """The report, recomputed from what was generated."""
    days, money, cohorts, funnel = [], [], [], []
    active_on: dict[date, set[int]] = defaultdict(set)
    for user, day in month.active:
        active_on[day].add(user)
    first_charge: dict[int, datetime] = {}
    for user, _, _, settled in month.charges:
        first_charge[user] = min(settled, first_charge.get(user, settled))
    for offset in range(DAYS):
        day = FIRST + timedelta(days=offset)

        def window(n: int, day: date = day) -> set[int]:
            return set().union(*(active_on[day - timedelta(days=k)] for k in range(n)))

        dau = len(active_on[day])
        payers = {u for u, _, _, at in month.charges if day_of(at) == day}
        gross: dict[str, int] = defaultdict(int)
        refunded: dict[str, int] = defaultdict(int)
        for _, currency, amount, at in month.charges:
            if day_of(at) == day:
                gross[currency] += amount
        for currency, amount, at in month.refunds:
            if day_of(at) == day:
                refunded[currency] += amount
        for currency in sorted(set(gross) | set(refunded)):
            net = gross[currency] - refunded[currency]
            money.append(
                {
                    "day": day.isoformat(),
                    "currency": currency,
                    "gross": gross[currency],
                    "refunded": refunded[currency],
                    "net": net,
                    "arpdau": round(net / dau, 2) if dau else 0.0,
                    "arppu": round(net / len(payers), 2) if payers else 0.0,
                }
            )
        signed = {u for u, at in month.signups.items() if day_of(at) == day}
        days.append(
            {
                "day": day.isoformat(),
                "dau": dau,
                "wau": len(window(7)),
                "mau": len(window(30)),
                "newPlayers": len(signed),
                "payers": len(payers),
                "firstTimePayers": sum(1 for at in first_charge.values() if day_of(at) == day),
                "conversionPercent": round(100 * len(payers) / dau, 2) if dau else 0.0,
            }
        )
        retention: dict[str, float | None] = {}
        for n in (1, 7, 30):
            later = day + timedelta(days=n)
            if later > last:
                retention[f"d{n}"] = None
            else:
                kept = len(signed & active_on[later])
                retention[f"d{n}"] = round(100 * kept / len(signed), 2) if signed else 0.0
        cohorts.append({"day": day.isoformat(), "size": len(signed), **retention})
        funnel.append(
            {
                "day": day.isoformat(),
                "shopOpened": len({u for k, u, d in month.clicks if k == "shop" and d == day}),
                "buyClicked": len({u for k, u, d in month.clicks if k == "buy" and d == day}),
                "purchased": len(payers),
            }
        )
    return {"days": days, "money": money, "cohorts": cohorts, "funnel": funnel}


async def test_the_report_equals_a_recomputation_from_the_raw_rows(settings: Settings) -> None:
    seoul = settings.model_copy(update={"game_timezone": "Asia/Seoul"})
    clock = FrozenClock(datetime(2001, 6, 1, 3, tzinfo=UTC))
    # The month, and 30 days on for D30, written day by day as the job writes each (the
    # job's own schedule is the next test's, on a database no other test rolled up).
    last = clock.now().astimezone(SEOUL).date()
    async with running_app(seoul, clock) as app, api_for(app) as api:
        services: Services = app.state.services
        month = await generate(services)
        day = FIRST
        while day <= last:
            async with services.unit_of_work() as uow:
                await kpis.compute_day(uow.session, day, SEOUL, clock.now())
                await uow.commit()
            day += timedelta(days=1)
        admin = await api.login(seoul.admin_site_id, ADMIN_PASSWORD)
        variables = {
            "first": FIRST.isoformat(),
            "last": (FIRST + timedelta(days=DAYS - 1)).isoformat(),
        }
        token = admin["accessToken"]
        report = (await api.data(REPORT, variables, token=token))["kpiReport"]
    want = expected(month, last)
    assert report["days"] == want["days"]
    assert report["money"] == want["money"]
    assert report["cohorts"] == want["cohorts"]
    assert report["funnel"] == want["funnel"]
    assert sum(d["payers"] for d in want["days"]) > 5  # the month is not empty
    assert any(c["d1"] for c in want["cohorts"])


async def test_the_job_writes_every_day_then_yesterday_and_today(tmp_path: Path) -> None:
    """On a database of its own (the suite's are rolled up by other tests' servers): the
    first run writes from the first sign-up on, at most 62 days (3-01..5-01); the next
    from the last written (5-01..6-01); then each run yesterday and today again."""
    settings = Settings(
        _env_file=None,
        **{
            **TEST_DEFAULTS,
            "app_env": "test",
            "game_timezone": "Asia/Seoul",
            "database_url": f"sqlite+aiosqlite:///{tmp_path / 'casino.db'}",
            "redis_url": "",
            "broadcast_url": "memory://",
            "admin_password": ADMIN_PASSWORD,
        },
    )
    await asyncio.to_thread(migrations.upgrade, settings.database_url)
    clock = FrozenClock(datetime(2001, 6, 1, 3, tzinfo=UTC))
    services = Services.create(settings, clock=clock)
    try:
        await generate(services)
        runs = [await kpi_cases.roll_up(services) for _ in range(3)]
        async with services.sessionmaker() as session:
            written = await kpis.last_computed(session)
    finally:
        await services.close()
    assert runs == [62, 32, 2]
    assert written == clock.now().astimezone(SEOUL).date()
