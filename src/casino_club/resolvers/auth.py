"""Sign-up, login, token refresh and logout (SPEC §5.1)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from casino_club.context import Context, Viewer
from casino_club.domain.accounts import (
    Rank,
    Role,
    SignupRequest,
    normalize_nickname,
    validate_signup,
)
from casino_club.domain.invites import invite_problem
from casino_club.domain.login_lockout import LockoutPolicy, locked_until, retry_after_seconds
from casino_club.persistence import (
    accounts,
    auth_sessions,
    invite_codes,
    login_attempts,
    users,
    wallet,
)
from casino_club.persistence.models import User
from casino_club.persistence.users import IdentityTaken, NewUser
from casino_club.schema.auth import (
    AuthPayload,
    LoginInput,
    LoginResult,
    LogoutSuccess,
    RefreshTokensInput,
    RefreshTokensResult,
    SignupInput,
    SignupResult,
)
from casino_club.schema.errors import (
    AccountBanned,
    InvalidCredentials,
    InvalidRefreshToken,
    InviteCodeInvalid,
    LoginLocked,
    NicknameTaken,
    RefreshTokenProblem,
    SiteIdTaken,
    ValidationFailed,
)
from casino_club.schema.users import Profile
from casino_club.security import hash_refresh_token, new_refresh_token

MAX_INVITE_CODE_LENGTH = 32


def lockout_policy(context: Context) -> LockoutPolicy:
    settings = context.services.settings
    return LockoutPolicy(
        max_failures=settings.login_max_failures,
        window=timedelta(seconds=settings.login_failure_window_seconds),
        lock=timedelta(seconds=settings.login_lock_seconds),
    )


async def signup(context: Context, data: SignupInput) -> SignupResult:
    services = context.services
    request = SignupRequest(
        site_id=data.site_id, nickname=data.nickname, password=data.password, phone=data.phone
    )
    problems = validate_signup(request)
    if problems:
        return ValidationFailed.of(problems)
    if len(data.invite_code) > MAX_INVITE_CODE_LENGTH:
        return ValidationFailed.single(
            "inviteCode", "INVALID_INVITE_CODE", "invite code is too long"
        )
    nickname = normalize_nickname(data.nickname)
    # Hash before the transaction opens: ~160 ms of CPU must not hold database locks.
    password_hash = await services.passwords.hash(data.password)
    now = services.clock.now()

    async with services.unit_of_work() as uow:
        session = uow.session
        taken = await users.taken_identities(session, data.site_id, nickname)
        if "siteId" in taken:
            return SiteIdTaken.new()
        if "nickname" in taken:
            return NicknameTaken.new()
        if not await invite_codes.consume(session, data.invite_code, now):
            row = await invite_codes.by_code(session, data.invite_code)
            problem = invite_problem(None if row is None else invite_codes.state_of(row), now)
            assert problem is not None, "consume refused a usable code"
            return InviteCodeInvalid.new(problem)
        try:
            user, gold = await accounts.open_account(
                session,
                NewUser(
                    site_id=data.site_id,
                    nickname=nickname,
                    password_hash=password_hash,
                    phone=data.phone,
                ),
                bonus=services.settings.signup_bonus_gold,
                now=now,
            )
        except IdentityTaken as taken_race:
            return SiteIdTaken.new() if taken_race.field == "siteId" else NicknameTaken.new()
        payload = await _start_session(context, session, user, gold, now)
        await uow.commit()
    return payload


async def login(context: Context, data: LoginInput) -> LoginResult:
    services = context.services
    policy = lockout_policy(context)
    now = services.clock.now()
    async with services.sessionmaker() as session:
        user = await users.by_site_id(session, data.site_id[:64])
        failures = (
            await login_attempts.recent_failures(session, user.id, now - policy.lookback)
            if user
            else []
        )
    lock_end = locked_until(failures, now, policy)
    # Verified even for unknown users and locked accounts, so timing reveals neither.
    password_ok = await services.passwords.verify(
        user.password_hash if user else None, data.password
    )

    async with services.unit_of_work() as uow:
        session = uow.session

        async def record(outcome: str) -> None:
            await login_attempts.record(
                session,
                user_id=user.id if user else None,
                site_id=data.site_id,
                ip=context.ip,
                user_agent=context.user_agent,
                outcome=outcome,
                now=now,
            )

        result: LoginResult
        if user is None:
            await record("UNKNOWN_USER")
            result = InvalidCredentials.new()
        elif lock_end is not None:
            await record("LOCKED")
            result = LoginLocked.new(retry_after_seconds(lock_end, now), lock_end)
        elif not password_ok:
            await record("BAD_PASSWORD")
            new_lock = locked_until([*failures, now], now, policy)
            result = (
                LoginLocked.new(retry_after_seconds(new_lock, now), new_lock)
                if new_lock is not None
                else InvalidCredentials.new()
            )
        elif user.banned_at is not None:
            await record("BANNED")
            result = AccountBanned.new()
        else:
            await record("SUCCESS")
            await users.set_last_login(session, user.id, now)
            user.last_login_at = now
            gold = await wallet.balance_of(session, user.id)
            result = await _start_session(context, session, user, gold, now)
        await uow.commit()
    return result


async def refresh_tokens(context: Context, data: RefreshTokensInput) -> RefreshTokensResult:
    services = context.services
    now = services.clock.now()
    token_hash = hash_refresh_token(data.refresh_token)
    async with services.unit_of_work() as uow:
        session = uow.session
        found = await auth_sessions.refresh_token_with_session(session, token_hash)
        if found is None:
            return InvalidRefreshToken.new(RefreshTokenProblem.UNKNOWN)
        token, auth = found
        if token.used_at is not None or not await auth_sessions.mark_refresh_token_used(
            session, token_hash, now
        ):
            # A used token presented again means it was copied: end every session.
            await auth_sessions.revoke_all_sessions(session, auth.user_id, "REFRESH_REUSE", now)
            await uow.commit()
            return InvalidRefreshToken.new(RefreshTokenProblem.REUSED)
        if auth.revoked_at is not None:
            return InvalidRefreshToken.new(RefreshTokenProblem.REVOKED)
        if token.expires_at <= now or auth.expires_at <= now:
            return InvalidRefreshToken.new(RefreshTokenProblem.EXPIRED)
        user = await users.by_id(session, auth.user_id)
        if user is None:
            return InvalidRefreshToken.new(RefreshTokenProblem.UNKNOWN)
        if user.banned_at is not None:
            return AccountBanned.new()
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


async def logout(context: Context, viewer: Viewer) -> LogoutSuccess:
    """End this session: its access token stops working on the next request."""
    async with context.services.unit_of_work() as uow:
        count = await auth_sessions.revoke_session(
            uow.session, viewer.claims.session_id, "LOGOUT", context.services.clock.now()
        )
        await uow.commit()
    return LogoutSuccess(revoked_sessions=count)


async def logout_all(context: Context, viewer: Viewer) -> LogoutSuccess:
    async with context.services.unit_of_work() as uow:
        count = await auth_sessions.revoke_all_sessions(
            uow.session, viewer.id, "LOGOUT_ALL", context.services.clock.now()
        )
        await uow.commit()
    return LogoutSuccess(revoked_sessions=count)


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
    return AuthPayload(
        access_token=access,
        access_token_expires_at=claims.expires_at,
        refresh_token=refresh,
        refresh_token_expires_at=refresh_expires_at,
        user=Profile.of(user, gold),
    )
