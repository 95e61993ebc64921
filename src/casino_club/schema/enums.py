"""GraphQL enums of account fields, in a module of their own so that any schema module
(users, gacha, admin) can use them without importing schema/users.py and its cycle."""

from __future__ import annotations

import strawberry

from casino_club.domain.accounts import Rank, Role
from casino_club.domain.login_lockout import LoginOutcome

RankEnum = strawberry.enum(Rank, name="Rank", description="STANDARD < PREMIUM < VIP")
RoleEnum = strawberry.enum(Role, name="Role")
LoginOutcomeEnum = strawberry.enum(
    LoginOutcome,
    name="LoginOutcome",
    description="How a login attempt ended; only BAD_PASSWORD counts towards a lockout",
)
