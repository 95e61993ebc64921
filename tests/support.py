"""Test helpers: a small GraphQL client over any httpx client, and fixtures' building blocks."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import dataclasses
import os
import socket
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import event
from starlette.applications import Starlette

from casino_club.clock import FrozenClock
from casino_club.domain.ids import NodeKind, global_id, split_global_id
from casino_club.domain.ledger import LedgerReason, Movement
from casino_club.domain.missions import Mission
from casino_club.live.events import user_channel
from casino_club.persistence import idempotency, missions, wallet
from casino_club.persistence.models import IdempotencyKey
from casino_club.services import Services

AUTH_FIELDS = """
  __typename
  ... on AuthPayload {
    accessToken refreshToken accessTokenExpiresAt
    user { id siteId nickname gold rank role level xp xpToNextLevel lastLoginAt }
  }
  ... on UserError { code message }
  ... on RateLimited { retryAfterMs }
"""

SIGNUP = f"""mutation Signup($input: SignupInput!) {{ signup(input: $input) {{ {AUTH_FIELDS}
  ... on ValidationFailed {{ fields {{ field code message }} }}
  ... on InviteCodeInvalid {{ reason }} }} }}"""
LOGIN = f"""mutation Login($input: LoginInput!) {{ login(input: $input) {{ {AUTH_FIELDS}
  ... on LoginLocked {{ retryAfterSeconds lockedUntil }} }} }}"""
REFRESH = f"""mutation Refresh($input: RefreshTokensInput!) {{ refreshTokens(input: $input) {{
  {AUTH_FIELDS} ... on InvalidRefreshToken {{ reason }} }} }}"""
ME = "query Me { me { id siteId nickname gold rank role level xp xpToNextLevel lastLoginAt } }"

PASSWORD = "correct horse battery"


def ahead_of_the_wall_clock() -> FrozenClock:
    """A day ahead: the session's real-clock e2e servers share the test database and
    sweep crash rounds by their own clocks; to them rounds opened on this clock have not
    started yet, so only the test decides when a round ends."""
    return FrozenClock(datetime.now(UTC).replace(microsecond=0) + timedelta(days=1))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def unique_site_id(prefix: str = "u") -> str:
    return f"{prefix}_{uuid.uuid4().hex[:12]}"


class Api:
    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def execute(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        token: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        all_headers = dict(headers or {})
        if token is not None:
            all_headers["Authorization"] = f"Bearer {token}"
        response = await self.client.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=all_headers
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def data(
        self, query: str, variables: dict[str, Any] | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        """Execute and insist on no errors."""
        body = await self.execute(query, variables, **kwargs)
        assert "errors" not in body, body
        data: dict[str, Any] = body["data"]
        return data

    async def signup(self, **overrides: Any) -> dict[str, Any]:
        site_id = overrides.pop("site_id", None) or unique_site_id()
        values = {
            "siteId": site_id,
            "nickname": overrides.pop("nickname", None) or f"n{uuid.uuid4().hex[:10]}",
            "password": overrides.pop("password", PASSWORD),
            "inviteCode": overrides.pop("invite_code", "5858"),
            **overrides,
        }
        result: dict[str, Any] = (await self.data(SIGNUP, {"input": values}))["signup"]
        return result

    async def new_player(self) -> dict[str, Any]:
        """A signed-up player; fails the test if sign-up does not succeed."""
        result = await self.signup()
        assert result["__typename"] == "AuthPayload", result
        return result

    async def login(self, site_id: str, password: str = PASSWORD) -> dict[str, Any]:
        result: dict[str, Any] = (
            await self.data(LOGIN, {"input": {"siteId": site_id, "password": password}})
        )["login"]
        return result


def error_codes(body: dict[str, Any]) -> list[str]:
    return [error.get("extensions", {}).get("code") for error in body.get("errors", [])]


SPIN = """
mutation Spin($input: SlotSpinInput!) {
  slotSpin(input: $input) {
    __typename
    ... on SlotSpinSuccess {
      roundId reels multiplier bonusPercent stake payout isJackpot winStreak balance replayed
      fairness { serverSeedHash clientSeed nonce }
    }
    ... on UserError { code message }
    ... on InsufficientFunds { required balance }
    ... on InvalidStake { minStake maxStake }
    ... on RateLimited { retryAfterMs }
  }
}
"""
FAIRNESS = "query { me { gold fairness { serverSeedHash clientSeed nonce } } }"
ROTATE = """mutation Rotate($input: RotateServerSeedInput!) { rotateServerSeed(input: $input) {
  __typename
  ... on ServerSeedRotated {
    revealed { serverSeed serverSeedHash clientSeed rounds revealedAt }
    fairness { serverSeedHash clientSeed nonce } }
  ... on SeedInUse { game roundId }
  ... on UserError { code message } } }"""


async def rotate_seed(api: Api, token: str, client_seed: str | None = None) -> dict[str, Any]:
    """rotateServerSeed's result, whatever it is."""
    variables = {"input": {} if client_seed is None else {"clientSeed": client_seed}}
    result: dict[str, Any] = (await api.data(ROTATE, variables, token=token))["rotateServerSeed"]
    return result


async def revealed_seed(api: Api, token: str) -> str:
    """Rotate the seed (which must succeed) and return the revealed server seed."""
    result = await rotate_seed(api, token)
    assert result["__typename"] == "ServerSeedRotated", result
    seed: str = result["revealed"]["serverSeed"]
    return seed


LEDGER = """query L($after: String) { me { ledger(first: 100, after: $after) {
  edges { cursor node { id amount balanceAfter reason reference at } }
  pageInfo { hasNextPage endCursor } } } }"""


async def spin(api: Api, token: str, stake: object, key: str | None = None) -> dict[str, Any]:
    variables: dict[str, Any] = {"input": {"stake": stake}}
    if key is not None:
        variables["input"]["idempotencyKey"] = key
    result: dict[str, Any] = (await api.data(SPIN, variables, token=token))["slotSpin"]
    return result


def row_id(global_id: str) -> int:
    """The database row id inside a global id the API gave (base64 of "Type:key"), for
    tests that reach the database directly; the API itself only takes global ids."""
    split = split_global_id(global_id)
    assert split is not None, f"not a global id: {global_id!r}"
    return int(split[1])


def any_row_id(value: str | int) -> int:
    """A row id given either way: as a number (from the database) or as the global id the
    API gave, for helpers fed by both."""
    if isinstance(value, int) or value.isdigit():
        return int(value)
    return row_id(value)


def node_id(kind: str, key: int | str) -> str:
    """The global id of `kind`'s row `key`, as the API writes it."""
    return global_id(NodeKind(kind), key)


async def grant_gold(app: Starlette, user_id: str, amount: int) -> None:
    """Give a player (by the global id the API gave) gold through the ledger, as an
    operator's adjustment would."""
    services: Services = app.state.services
    async with services.unit_of_work() as uow:
        await wallet.move_gold(
            uow.session,
            user_id=row_id(user_id),
            movements=[Movement(amount, LedgerReason.ADMIN_ADJUSTMENT, "test")],
            now=services.clock.now(),
        )
        await uow.commit()


async def store_answered_key(
    app: Starlette, user_id: int, key: str, operation: str, parameters: dict[str, Any], text: str
) -> None:
    """A COMPLETED idempotency key whose stored answer is `text`, verbatim (e.g. a row as
    older code wrote it). `parameters` are what the use case fingerprints."""
    services: Services = app.state.services
    now = services.clock.now()
    async with services.unit_of_work() as uow:
        uow.session.add(
            IdempotencyKey(
                user_id=user_id,
                key=key,
                operation=operation,
                fingerprint=idempotency.fingerprint(operation, parameters),
                state=idempotency.COMPLETED,
                response=text,
                created_at=now,
                completed_at=now,
            )
        )
        await uow.commit()


async def events_during(
    app: Starlette, user_id: int, action: Callable[[], Awaitable[object]], until: str
) -> list[dict[str, Any]]:
    """What the player's channel carries from before `action` until a game event of type
    `until` (within 5 s); events of an earlier action may still arrive first."""
    services: Services = app.state.services
    received: list[dict[str, Any]] = []
    async with services.events.subscribe(user_channel(user_id)) as stream:
        await action()
        async with asyncio.timeout(5):
            async for event in stream:
                received.append(event)
                if event.get("type") == until:
                    return received
    raise AssertionError(f"the stream ended before {until}")


@contextlib.asynccontextmanager
async def missions_in_play(app: Starlette, *defined: Mission) -> AsyncIterator[dict[str, int]]:
    """The missions stored for the test's duration (their keys made unique in the shared
    database), then deleted; yields each given key's mission id."""
    services: Services = app.state.services
    suffix = uuid.uuid4().hex[:8]
    ids: dict[str, int] = {}
    async with services.unit_of_work() as uow:
        for mission in defined:
            unique = dataclasses.replace(mission, key=f"{mission.key}-{suffix}")
            stored = await missions.save(uow.session, unique, services.clock.now(), new=True)
            ids[mission.key] = stored.id
        await uow.commit()
    try:
        yield ids
    finally:
        async with services.unit_of_work() as uow:
            for mission_id in ids.values():
                await missions.delete_with_progress(uow.session, mission_id)
            await uow.commit()


# The statements list of the `counting` block the running code is in, if any.
_COUNTING: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar(
    "counting", default=None
)


@contextlib.contextmanager
def counting(services: Services, containing: str = "") -> Iterator[list[str]]:
    """The SQL statements the code running meanwhile in this task sends (SQLite's BEGINs
    left out), or only those containing `containing`.

    Only this task's: a request sent meanwhile (in-process, as `api_for` sends it) runs in
    the task's context, and so does any task it starts, while the app's background jobs
    (started with the app) do not — their statements, counted before, made counts flaky.
    SQLAlchemy runs each statement in a greenlet carrying the caller's context.
    """
    statements: list[str] = []
    token = _COUNTING.set(statements)

    def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        # BEGIN: SQLite's transactions, not queries.
        if (
            _COUNTING.get() is statements
            and not statement.startswith("BEGIN")
            and containing in statement
        ):
            statements.append(statement)

    engine = services.engine.sync_engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", seen)
        _COUNTING.reset(token)


async def books_balance(app: Starlette) -> None:
    """wallet == sum(ledger) for every player."""
    services: Services = app.state.services
    async with services.sessionmaker() as session:
        assert await wallet.ledger_mismatches(session) == []


async def run_command(
    environment: dict[str, str], *args: str, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    """`casino-club <args>` as a real process, configured by `environment`. In a thread:
    the test's app keeps running its background jobs meanwhile, so a transaction one of
    them has open on SQLite finishes instead of holding the lock the command waits for."""
    executable = Path(sys.executable).parent / "casino-club"
    return await asyncio.to_thread(
        subprocess.run,
        [str(executable), *args],
        env={**os.environ, **environment},
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )
