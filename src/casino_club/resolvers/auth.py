"""Sign-up, login, token refresh and logout (SPEC §5.1)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from casino_club.context import Context, Viewer
from casino_club.domain.accounts import (
    Rank,
    Role,
    SessionEnd,
    SignupRequest,
    normalize_nickname,
    validate_signup,
)
from casino_club.domain.auth import (
    MAX_CLIENT_MUTATION_ID,
    AccountBanned,
    AuthPayload,
    InvalidCredentials,
    InvalidRefreshToken,
    LoginLocked,
    LoginRefusal,
    LogoutSuccess,
    NicknameTaken,
    RefreshRefusal,
    RefreshTokenProblem,
    SignupRefusal,
    SiteIdTaken,
)
from casino_club.domain.invites import InviteCodeInvalid, InviteProblem, invite_problem
from casino_club.domain.login_lockout import (
    LockoutPolicy,
    LoginOutcome,
    locked_until,
    retry_after_seconds,
)
from casino_club.domain.refusals import ValidationFailed
from casino_club.persistence import (
    accounts,
    auth_sessions,
    invite_codes,
    login_attempts,
    users,
    wallet,
)
from casino_club.persistence.models import User
from casino_club.persistence.unit_of_work import UnitOfWork
from casino_club.persistence.users import IdentityTaken, NewUser
from casino_club.resolvers.access import forget_sessions_after_commit
from casino_club.resolvers.guards import hashing_saturated, throttle_address
from casino_club.resolvers.users import profile_of
from casino_club.security import hash_refresh_token, new_refresh_token

MAX_INVITE_CODE_LENGTH = 32


def lockout_policy(context: Context) -> LockoutPolicy:
    settings = context.services.settings
    return LockoutPolicy(
        max_failures=settings.login_max_failures,
        window=timedelta(seconds=settings.login_failure_window_seconds),
        lock=timedelta(seconds=settings.login_lock_seconds),
    )


async def signup(
    context: Context,
    site_id: str,
    nickname: str,
    password: str,
    invite_code: str,
    phone: str | None,
) -> AuthPayload | SignupRefusal:
    services = context.services
    request = SignupRequest(site_id=site_id, nickname=nickname, password=password, phone=phone)
    problems = validate_signup(request)
    if problems:
        return ValidationFailed.of(problems)
    if len(invite_code) > MAX_INVITE_CODE_LENGTH:
        return ValidationFailed.single(
            "inviteCode", "INVALID_INVITE_CODE", "invite code is too long"
        )
    limited = hashing_saturated(context) or await throttle_address(context)
    if limited is not None:
        return limited
    nickname = normalize_nickname(nickname)
    # Everything that can refuse the sign-up is checked before the ~160 ms hash, so a
    # refused request costs no hashing; the transaction checks again (races).
    async with services.sessionmaker() as session:
        refused = await _signup_refusal(
            session, site_id, nickname, invite_code, services.clock.now()
        )
    if refused is not None:
        return refused
    # Hash before the transaction opens: ~160 ms of CPU must not hold database locks.
    password_hash = await services.passwords.hash(password)
    now = services.clock.now()

    async with services.unit_of_work() as uow:
        session = uow.session
        taken = await _identity_refusal(session, site_id, nickname)
        if taken is not None:
            return taken
        try:
            user, gold = await accounts.open_account(
                session,
                NewUser(
                    site_id=site_id,
                    nickname=nickname,
                    password_hash=password_hash,
                    phone=phone,
                ),
                bonus=services.settings.signup_bonus_gold,
                now=now,
            )
        except IdentityTaken as taken_race:
            return SiteIdTaken() if taken_race.field == "siteId" else NicknameTaken()
        # The code's use last: its row is every sign-up's, and its lock is held from
        # here to the commit (a burst of sign-ups queued on it, each holding it through
        # the account's inserts, waited past the statement timeout). A refusal here
        # rolls the account back with it.
        if not await invite_codes.consume(session, invite_code, now):
            return await _invite_refusal(session, invite_code, now)
        payload = await _start_session(context, session, user, gold, now)
        await uow.commit()
    return payload


async def _identity_refusal(
    session: AsyncSession, site_id: str, nickname: str
) -> SiteIdTaken | NicknameTaken | None:
    taken = await users.taken_identities(session, site_id, nickname)
    if "siteId" in taken:
        return SiteIdTaken()
    if "nickname" in taken:
        return NicknameTaken()
    return None


async def _signup_refusal(
    session: AsyncSession, site_id: str, nickname: str, code: str, now: datetime
) -> SiteIdTaken | NicknameTaken | InviteCodeInvalid | None:
    """Why the sign-up would be refused, read before hashing (the transaction decides)."""
    taken = await _identity_refusal(session, site_id, nickname)
    if taken is not None:
        return taken
    row = await invite_codes.by_code(session, code)
    if invite_problem(None if row is None else invite_codes.state_of(row), now) is not None:
        return await _invite_refusal(session, code, now)
    return None


async def _invite_refusal(session: AsyncSession, code: str, now: datetime) -> InviteCodeInvalid:
    row = await invite_codes.by_code(session, code)
    problem = invite_problem(None if row is None else invite_codes.state_of(row), now)
    # consume() refused it, so it is not usable; a code used up meanwhile is EXHAUSTED.
    return InviteCodeInvalid(problem or InviteProblem.EXHAUSTED)


async def login(context: Context, site_id: str, password: str) -> AuthPayload | LoginRefusal:
    """Log in; at most `max_failures` password checks per account per window.

    The check is reserved before the hash runs: under a lock on the account, the recent
    failures are counted and this attempt is recorded as one more failure; only a right
    password turns it into a success afterwards. So however many requests arrive at
    once, each sees the ones before it, and the lock holds.
    """
    services = context.services
    policy = lockout_policy(context)
    now = services.clock.now()
    site_id = site_id[:64]
    limited = hashing_saturated(context) or await throttle_address(context)

    async with services.unit_of_work() as uow:
        session = uow.session
        # A throttled attempt is only recorded: it checks nothing, so it takes no lock.
        user = await users.by_site_id(session, site_id, lock=limited is None)

        async def record(outcome: LoginOutcome) -> int:
            return await login_attempts.record(
                session,
                user_id=user.id if user else None,
                site_id=site_id,
                ip=context.ip,
                user_agent=context.user_agent,
                outcome=outcome,
                now=now,
            )

        failures: list[datetime] = []
        lock_end: datetime | None = None
        reserved: int | None = None
        if limited is not None:
            await record(LoginOutcome.RATE_LIMITED)
        elif user is None:
            await record(LoginOutcome.UNKNOWN_USER)
        else:
            failures = await login_attempts.recent_failures(session, user.id, now - policy.lookback)
            lock_end = locked_until(failures, now, policy)
            if lock_end is not None:
                await record(LoginOutcome.LOCKED)
            else:
                reserved = await record(LoginOutcome.BAD_PASSWORD)
        await uow.commit()
    if limited is not None:
        return limited

    # Unknown users and locked accounts are checked against a dummy hash: the time is
    # the same, so it reveals neither, and no real password is tried during a lock.
    password_ok = await services.passwords.verify(
        user.password_hash if user is not None and reserved is not None else None, password
    )
    if user is None:
        return InvalidCredentials()
    if lock_end is not None:
        return LoginLocked(retry_after_seconds(lock_end, now), lock_end)
    assert reserved is not None
    if not password_ok:
        new_lock = locked_until([*failures, now], now, policy)
        if new_lock is not None:
            return LoginLocked(retry_after_seconds(new_lock, now), new_lock)
        return InvalidCredentials()

    async with services.unit_of_work() as uow:
        session = uow.session
        if user.banned_at is not None:
            await login_attempts.resolve(session, reserved, LoginOutcome.BANNED)
            await uow.commit()
            return AccountBanned()
        await login_attempts.resolve(session, reserved, LoginOutcome.SUCCESS)
        # This update locks the player's row to the commit: logins at once take turns
        # from here, so each counts the sessions the ones before it opened.
        await users.set_last_login(session, user.id, now)
        user.last_login_at = now
        gold = await wallet.balance_of(session, user.id)
        result = await _start_session(context, session, user, gold, now)
        await _end_sessions_beyond_the_limit(context, uow, user.id, now)
        await uow.commit()
    return result


async def _end_sessions_beyond_the_limit(
    context: Context, uow: UnitOfWork, user_id: int, now: datetime
) -> None:
    """MAX_SESSIONS_PER_PLAYER: the oldest sessions beyond it end (SESSION_LIMIT), their
    subscriptions told why."""
    limit = context.services.settings.max_sessions_per_player
    if limit and await auth_sessions.revoke_all_but_newest(
        uow.session, user_id, limit, SessionEnd.SESSION_LIMIT, now
    ):
        forget_sessions_after_commit(context.services, uow, user_id)


async def refresh_tokens(context: Context, refresh_token: str) -> AuthPayload | RefreshRefusal:
    limited = await throttle_address(context)
    if limited is not None:
        return limited
    services = context.services
    now = services.clock.now()
    token_hash = hash_refresh_token(refresh_token)
    async with services.unit_of_work() as uow:
        session = uow.session
        found = await auth_sessions.refresh_token_with_session(session, token_hash)
        if found is None:
            return InvalidRefreshToken(RefreshTokenProblem.UNKNOWN)
        token, auth = found
        if token.used_at is not None or not await auth_sessions.mark_refresh_token_used(
            session, token_hash, now
        ):
            # A used token presented again means it was copied: end every session.
            await auth_sessions.revoke_all_sessions(
                session, auth.user_id, SessionEnd.REFRESH_REUSE, now
            )
            forget_sessions_after_commit(services, uow, auth.user_id)
            await uow.commit()
            return InvalidRefreshToken(RefreshTokenProblem.REUSED)
        if auth.revoked_at is not None:
            return InvalidRefreshToken(RefreshTokenProblem.REVOKED)
        if token.expires_at <= now or auth.expires_at <= now:
            return InvalidRefreshToken(RefreshTokenProblem.EXPIRED)
        user = await users.by_id(session, auth.user_id)
        if user is None:
            return InvalidRefreshToken(RefreshTokenProblem.UNKNOWN)
        if user.banned_at is not None:
            return AccountBanned()
        refresh = new_refresh_token()
        ttl = timedelta(seconds=services.settings.refresh_token_ttl_seconds)
        auth.expires_at = now + ttl
        await auth_sessions.add_refresh_token(
            session, auth.id, hash_refresh_token(refresh), now + ttl, now
        )
        gold = await wallet.balance_of(session, user.id)
        payload = _payload(context, user, gold, auth.id, refresh, now + ttl, now)
        await uow.commit()
    return payload


def _client_mutation_id_problem(value: str | None) -> ValidationFailed | None:
    if value is not None and len(value) > MAX_CLIENT_MUTATION_ID:
        return ValidationFailed.single(
            "clientMutationId",
            "INVALID_CLIENT_MUTATION_ID",
            f"must be at most {MAX_CLIENT_MUTATION_ID} characters",
        )
    return None


async def logout(
    context: Context, viewer: Viewer, client_mutation_id: str | None
) -> LogoutSuccess | ValidationFailed:
    """End this session: its access token stops working on the next request."""
    problem = _client_mutation_id_problem(client_mutation_id)
    if problem is not None:
        return problem
    async with context.services.unit_of_work() as uow:
        count = await auth_sessions.revoke_session(
            uow.session, viewer.claims.session_id, SessionEnd.LOGOUT, context.services.clock.now()
        )
        forget_sessions_after_commit(context.services, uow, viewer.id)
        await uow.commit()
    return LogoutSuccess(revoked_sessions=count, client_mutation_id=client_mutation_id)


async def logout_all(
    context: Context, viewer: Viewer, client_mutation_id: str | None
) -> LogoutSuccess | ValidationFailed:
    problem = _client_mutation_id_problem(client_mutation_id)
    if problem is not None:
        return problem
    async with context.services.unit_of_work() as uow:
        count = await auth_sessions.revoke_all_sessions(
            uow.session, viewer.id, SessionEnd.LOGOUT_ALL, context.services.clock.now()
        )
        forget_sessions_after_commit(context.services, uow, viewer.id)
        await uow.commit()
    return LogoutSuccess(revoked_sessions=count, client_mutation_id=client_mutation_id)


async def _start_session(
    context: Context, session: AsyncSession, user: User, gold: int, now: datetime
) -> AuthPayload:
    ttl = timedelta(seconds=context.services.settings.refresh_token_ttl_seconds)
    refresh = new_refresh_token()
    auth = await auth_sessions.open_session(
        session,
        user_id=user.id,
        refresh_hash=hash_refresh_token(refresh),
        ttl=ttl,
        now=now,
        ip=context.ip,
        user_agent=(context.user_agent or "")[:256] or None,
    )
    return _payload(context, user, gold, auth.id, refresh, now + ttl, now)


def _payload(
    context: Context,
    user: User,
    gold: int,
    session_id: str,
    refresh: str,
    refresh_expires_at: datetime,
    now: datetime,
) -> AuthPayload:
    access, claims = context.services.tokens.issue(
        user_id=user.id, session_id=session_id, rank=Rank(user.rank), role=Role(user.role), now=now
    )
    context.prove_owner(user.id)
    return AuthPayload(
        access_token=access,
        access_token_expires_at=claims.expires_at,
        refresh_token=refresh,
        refresh_token_expires_at=refresh_expires_at,
        user=profile_of(user, gold),
    )
