"""How a domain enum becomes a GraphQL enum, and the enums of account fields.

`graphql_enum` is the one way: domain/ holds the values and never imports strawberry;
the meaning of each value for a client is written here, keyed by the members
themselves, so a renamed value breaks the import and a new value without a meaning
fails tests/test_schema_contract.py. The account enums live here too, so that any schema
module (users, gacha, admin) can use them without importing schema/users.py and its cycle.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import TypeVar

import strawberry

from casino_club.domain.accounts import Rank, Role
from casino_club.domain.login_lockout import LoginOutcome

E = TypeVar("E", bound=Enum)


def graphql_enum(
    values: type[E], name: str, description: str, meanings: Mapping[E, str]
) -> type[E]:
    """Publish `values` as the GraphQL enum `name`, each value described by `meanings`."""
    strawberry.enum(values, name=name, description=description)
    definition = values.__strawberry_definition__  # type: ignore[attr-defined]
    for value in definition.values:
        member = values[value.name]
        if member in meanings:
            value.description = meanings[member]
    return values


RankEnum = graphql_enum(
    Rank,
    "Rank",
    "A player's rank: STANDARD < PREMIUM < VIP. Set by operators (SPEC §5.2); some products "
    "and gacha banners require a minimum rank.",
    {
        Rank.STANDARD: "Every new player.",
        Rank.PREMIUM: "Above STANDARD.",
        Rank.VIP: "The highest rank.",
    },
)
RoleEnum = graphql_enum(
    Role,
    "Role",
    "What an account may do; operations marked admin-only answer FORBIDDEN to a USER.",
    {
        Role.USER: "A player.",
        Role.ADMIN: "An operator: may also use the admin queries and mutations.",
    },
)
LoginOutcomeEnum = graphql_enum(
    LoginOutcome,
    "LoginOutcome",
    "How a login attempt ended; only BAD_PASSWORD counts towards a lockout",
    {
        LoginOutcome.SUCCESS: "Logged in.",
        LoginOutcome.BAD_PASSWORD: "A wrong password; 5 within 10 minutes lock the account "
        "for 10 minutes.",
        LoginOutcome.UNKNOWN_USER: "No account has this siteId.",
        LoginOutcome.LOCKED: "Refused during a lock, without trying the password.",
        LoginOutcome.BANNED: "The right password, on a banned account.",
        LoginOutcome.RATE_LIMITED: "Refused by the per-address throttle, without trying the "
        "password.",
    },
)
