"""Secrets never appear in logs (SPEC §13), even when the database refuses a statement
that carries one: the engine hides statement parameters, and the JSON log formatter
withholds the messages of database errors (PostgreSQL's DETAIL line repeats the key
that clashed, e.g. a refresh token's hash) while still naming the error and its SQLSTATE.

Each error here is real: a statement the database itself refuses, nothing mocked."""

from __future__ import annotations

import contextlib
import io
import json
import logging
import secrets
import traceback
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from starlette.applications import Starlette

from casino_club.clock import FrozenClock
from casino_club.observability import JsonFormatter
from casino_club.persistence.models import AuthSession, CrashRound, FairnessSeed, RefreshToken
from casino_club.security import hash_refresh_token
from casino_club.services import Services
from tests.conftest import Backend
from tests.integration.crash.test_rounds import CASHOUT, open_round, row_of
from tests.support import Api, error_codes, node_id

UNIQUE_VIOLATION = "23505"


class JsonLog:
    """A logger writing through the app's JsonFormatter into memory."""

    def __init__(self, name: str) -> None:
        self.stream = io.StringIO()
        self.handler = logging.StreamHandler(self.stream)
        self.handler.setFormatter(JsonFormatter())
        self.logger = logging.getLogger(name)

    @property
    def text(self) -> str:
        self.handler.flush()
        return self.stream.getvalue()

    def entries(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.text.splitlines()]


@pytest.fixture
def json_log() -> Iterator[JsonLog]:
    log = JsonLog(f"tests.log_secrets.{uuid.uuid4().hex[:8]}")
    log.logger.addHandler(log.handler)
    log.logger.setLevel(logging.DEBUG)
    log.logger.propagate = False
    yield log
    log.logger.removeHandler(log.handler)


def names_the_error(output: str, exc: BaseException, backend: Backend) -> None:
    """The log still says what went wrong: the exception's type, and PostgreSQL's SQLSTATE."""
    assert type(exc).__name__ in output
    assert "IntegrityError" in output
    if backend.name != "sqlite":
        assert UNIQUE_VIOLATION in output


async def session_of(services: Services, refresh_token: str) -> tuple[str, str, int]:
    """(refresh token hash, its auth session id, the user id), as stored."""
    token_hash = hash_refresh_token(refresh_token)
    async with services.sessionmaker() as session:
        row = (
            await session.execute(
                select(RefreshToken.token_hash, AuthSession.id, AuthSession.user_id)
                .join(AuthSession, AuthSession.id == RefreshToken.session_id)
                .where(RefreshToken.token_hash == token_hash)
            )
        ).one()
    return str(row[0]), str(row[1]), int(row[2])


async def test_a_clashing_refresh_token_hash_stays_out_of_the_log(
    api: Api, app: Starlette, backend: Backend, json_log: JsonLog
) -> None:
    services: Services = app.state.services
    player = await api.new_player()
    refresh_token: str = player["refreshToken"]
    token_hash, session_id, _ = await session_of(services, refresh_token)
    now = services.clock.now()

    async with services.sessionmaker() as session:
        session.add(
            RefreshToken(
                token_hash=token_hash,
                session_id=session_id,
                created_at=now,
                expires_at=now + timedelta(days=1),
            )
        )
        with pytest.raises(IntegrityError) as caught:
            await session.flush()
        await session.rollback()
    exc = caught.value
    assert token_hash not in str(exc)  # hide_parameters: no statement parameters in it
    if backend.name != "sqlite":
        # Why the formatter must withhold more than that: the driver's error, the cause of
        # this one, has a DETAIL line ("Key (token_hash)=(…) already exists") with the
        # hash, which Python's own traceback prints.
        assert token_hash in "".join(traceback.format_exception(exc))

    json_log.logger.error("storing a refresh token failed", exc_info=exc)
    output = json_log.text
    assert token_hash not in output
    assert refresh_token not in output
    names_the_error(output, exc, backend)
    (entry,) = json_log.entries()
    assert entry["level"] == "ERROR"
    assert entry["msg"] == "storing a refresh token failed"
    assert "database message withheld" in entry["exc"]


async def test_a_refused_server_seed_stays_out_of_the_error_and_the_log(
    api: Api, app: Starlette, backend: Backend, json_log: JsonLog
) -> None:
    """A second active seed breaks the one-active-seed index: the statement carried the
    secret server seed, which neither the exception's text nor the log may repeat."""
    services: Services = app.state.services
    player = await api.new_player()
    _, _, user_id = await session_of(services, player["refreshToken"])
    server_seed = secrets.token_hex(32)
    now = services.clock.now()

    async with services.sessionmaker() as session:
        session.add(
            FairnessSeed(
                user_id=user_id,
                server_seed=server_seed,
                server_seed_hash=secrets.token_hex(32),
                client_seed="visible client seed",
                nonce=0,
                active=True,
                created_at=now,
            )
        )
        with pytest.raises(IntegrityError) as caught:
            await session.flush()
        await session.rollback()
    exc = caught.value
    assert server_seed not in str(exc)  # hide_parameters: no statement parameters in it
    assert server_seed not in repr(exc)

    json_log.logger.error("storing a server seed failed", exc_info=exc)
    output = json_log.text
    assert server_seed not in output
    names_the_error(output, exc, backend)
    async with services.sessionmaker() as session:
        active = await session.scalars(
            select(FairnessSeed.server_seed).where(
                FairnessSeed.user_id == user_id, FairnessSeed.active
            )
        )
        assert server_seed not in active.all()


@contextlib.contextmanager
def graphql_log(level: int | None = None) -> Iterator[JsonLog]:
    """What the app's `casino_club.graphql` logger writes, through the JSON formatter (at
    its configured level, or at `level`)."""
    log = JsonLog("casino_club.graphql")
    configured = log.logger.level
    if level is not None:
        log.logger.setLevel(level)
    log.logger.addHandler(log.handler)
    try:
        yield log
    finally:
        log.logger.removeHandler(log.handler)
        log.logger.setLevel(configured)


ABSURD_STAKE = 2**63 - 1  # fits BIGINT; its payout at 1.01× does not
ABSURD_PAYOUT = ABSURD_STAKE * 101 // 100


@contextlib.asynccontextmanager
async def a_round_that_cannot_pay(
    api: Api, services: Services, clock: FrozenClock
) -> AsyncIterator[tuple[str, str]]:
    """(token, round id) of a round that has reached its 1.01× auto-cash-out, with its
    stake corrupted by hand so that the payout overflows what the database can store;
    afterwards the stake is put back and the round settled, as any other round."""
    player = await api.new_player()
    token = player["accessToken"]
    row = await open_round(api, services, clock, token, at_least=101, auto=1.01)

    async def set_stake(stake: int) -> None:
        async with services.sessionmaker() as session:
            await session.execute(
                update(CrashRound).where(CrashRound.id == row.id).values(stake=stake)
            )
            await session.commit()

    await set_stake(ABSURD_STAKE)
    clock.advance(row.settles_at - clock.now() + timedelta(seconds=1))
    try:
        yield token, node_id("CrashRound", row.id)
        assert (
            await row_of(services, node_id("CrashRound", row.id))
        ).status == "OPEN"  # nothing half-done
    finally:
        await set_stake(row.stake)
    settled = await api.data(
        CASHOUT, {"input": {"roundId": node_id("CrashRound", row.id)}}, token=token
    )
    assert settled["crashCashout"]["__typename"] == "CrashCashedOut"


async def test_a_masked_internal_error_is_logged_with_its_request_id_and_no_database_text(
    api: Api, app: Starlette, backend: Backend, clock: FrozenClock
) -> None:
    """A cash-out whose payout the database cannot store fails inside the resolver: the
    client gets a masked INTERNAL_SERVER_ERROR with a request id; the log has that id and
    the error's type, not the driver's text (which quotes the statement's parameters)."""
    request_id = "log-secrets-masked-1"
    async with a_round_that_cannot_pay(api, app.state.services, clock) as (token, round_id):
        with graphql_log() as log:
            body = await api.execute(
                CASHOUT,
                {"input": {"roundId": round_id}},
                token=token,
                headers={"X-Request-ID": request_id},
            )
    assert error_codes(body) == ["INTERNAL_SERVER_ERROR"], body
    (error,) = body["errors"]
    assert error["message"] == "Internal server error"
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id}

    (entry,) = [e for e in log.entries() if e["request_id"] == request_id]
    assert entry["level"] == "ERROR"
    assert entry["msg"] == "unexpected error in crashCashout"
    assert "Traceback" in entry["exc"]
    if backend.name != "sqlite":
        # asyncpg's message would quote the parameter: "invalid input for query
        # argument $1: 9315… (value out of int64 range)". The cash-out runs on the
        # driver itself (the bet store's transaction), so the error is asyncpg's own.
        assert "asyncpg.exceptions.DataError: [database message withheld" in entry["exc"]
    else:
        assert "OverflowError" in entry["exc"]
    assert str(ABSURD_PAYOUT) not in log.text


async def test_no_database_text_in_the_log_at_debug_level_either(
    api: Api, app: Starlette, clock: FrozenClock
) -> None:
    """Client errors are logged at DEBUG; an unexpected one only through the masking
    path, which withholds database text (PostgreSQL's driver quotes the value)."""
    async with a_round_that_cannot_pay(api, app.state.services, clock) as (token, round_id):
        with graphql_log(logging.DEBUG) as log:
            body = await api.execute(CASHOUT, {"input": {"roundId": round_id}}, token=token)
    assert error_codes(body) == ["INTERNAL_SERVER_ERROR"], body
    assert "unexpected error in crashCashout" in log.text
    assert str(ABSURD_PAYOUT) not in log.text
