"""Operator account management: ranks and bans (SPEC §5.1, §5.2), every change audited."""

from __future__ import annotations

from casino_club.context import Context, Viewer
from casino_club.domain.accounts import Rank
from casino_club.domain.days import check_since
from casino_club.domain.ids import parse_id
from casino_club.domain.pagination import decode_cursor
from casino_club.domain.refusals import ValidationFailed
from casino_club.persistence import audit, auth_sessions, users, wallet
from casino_club.resolvers.access import forget_sessions_after_commit
from casino_club.schema.admin import (
    AdminUserResult,
    AuditEntry,
    AuditLogFilter,
    SetUserBannedInput,
    SetUserRankInput,
    UserUpdated,
)
from casino_club.schema.errors import UserNotFound
from casino_club.schema.pagination import Connection, keyset_connection
from casino_club.schema.users import Profile
from casino_club.services import Services


async def set_user_rank(
    context: Context, viewer: Viewer, data: SetUserRankInput
) -> AdminUserResult:
    user_id = parse_id(data.user_id)
    if user_id is None:
        return UserNotFound.new()
    now = context.services.clock.now()
    async with context.services.unit_of_work() as uow:
        user = await users.by_id(uow.session, user_id)
        if user is None:
            return UserNotFound.new()
        before = user.rank
        user.rank = Rank(data.rank).value
        await audit.record(
            uow.session,
            actor_id=viewer.id,
            action="USER_SET_RANK",
            target=f"user:{user.id}",
            before={"rank": before},
            after={"rank": user.rank},
            now=now,
        )
        gold = await wallet.balance_of(uow.session, user.id)
        forget_sessions_after_commit(context.services, uow, user.id)
        await uow.commit()
    return UserUpdated(user=Profile.of(user, gold))


async def set_user_banned(
    context: Context, viewer: Viewer, data: SetUserBannedInput
) -> AdminUserResult:
    """Ban ends every session at once, so the player's tokens stop working immediately."""
    user_id = parse_id(data.user_id)
    if user_id is None:
        return UserNotFound.new()
    if user_id == viewer.id and data.banned:
        return ValidationFailed.single(
            "userId", "CANNOT_BAN_SELF", "an operator cannot ban themselves"
        )
    if data.reason is not None and len(data.reason) > 500:
        return ValidationFailed.single(
            "reason", "REASON_TOO_LONG", "reason must be at most 500 characters"
        )
    now = context.services.clock.now()
    async with context.services.unit_of_work() as uow:
        user = await users.by_id(uow.session, user_id)
        if user is None:
            return UserNotFound.new()
        before = {"banned": user.banned_at is not None, "reason": user.ban_reason}
        if data.banned:
            user.banned_at = user.banned_at or now
            user.ban_reason = data.reason
            await auth_sessions.revoke_all_sessions(uow.session, user.id, "BANNED", now)
        else:
            user.banned_at = None
            user.ban_reason = None
        await audit.record(
            uow.session,
            actor_id=viewer.id,
            action="USER_SET_BANNED",
            target=f"user:{user.id}",
            before=before,
            after={"banned": data.banned, "reason": data.reason},
            now=now,
        )
        gold = await wallet.balance_of(uow.session, user.id)
        forget_sessions_after_commit(context.services, uow, user.id)
        await uow.commit()
    return UserUpdated(user=Profile.of(user, gold))


MAX_FILTER_TEXT = 128


async def audit_log(
    services: Services, where: AuditLogFilter | None, *, first: int, after: str | None
) -> Connection[AuditEntry]:
    """The audit trail, newest first. A filter no row can match (an id that is not one,
    text longer than any stored) answers an empty page rather than an error."""
    where = where or AuditLogFilter()
    actor_id = None if where.actor_id is None else parse_id(where.actor_id)
    texts = (where.action, where.target)
    if (where.actor_id is not None and actor_id is None) or any(
        t is not None and len(t) > MAX_FILTER_TEXT for t in texts
    ):
        return keyset_connection([], first, after, AuditEntry.of, key=lambda row: row.id)
    check_since(where.since)
    async with services.sessionmaker() as session:
        rows = await audit.page(
            session,
            audit.AuditFilter(actor_id, where.action, where.target, where.since),
            after_id=decode_cursor(after),
            limit=first + 1,
        )
    return keyset_connection(rows, first, after, AuditEntry.of, key=lambda row: row.id)
