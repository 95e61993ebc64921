"""Reading profiles: the caller's own, and others' public view (SPEC §5.4)."""

from __future__ import annotations

from casino_club.context import Context, Viewer
from casino_club.domain.errors import Unauthenticated
from casino_club.domain.ids import parse_id
from casino_club.persistence import users
from casino_club.persistence.database import read_connection
from casino_club.schema.users import Profile, PublicUser


async def me(context: Context, viewer: Viewer) -> Profile:
    """Read afresh: the viewer's account may come from the session cache."""
    async with read_connection(context.services.engine) as connection:
        found = await users.account_of(connection, viewer.id)
    if found is None:  # the account was removed after its token was checked
        raise Unauthenticated()
    return Profile.of(*found)


async def public_user(context: Context, user_id: str) -> PublicUser | None:
    row_id = parse_id(user_id)
    if row_id is None:
        return None
    user = await context.loaders.users.load(row_id)
    if user is None or user.banned_at is not None:
        return None
    return PublicUser.of(user)
