"""Which operations a shared cache may keep: those reading public fields only (SPEC §12.1).

A GET of such an operation is answered `Cache-Control: public, max-age=N`
(PUBLIC_QUERY_MAX_AGE_SECONDS); every other answer is `no-store` (http_responses.py).

Public-ness is decided from the operation's root fields against the explicit list below,
never from whether the request carried a token. `public` lets a shared cache keep an
answer even to a request with an `Authorization` header (RFC 9111 §3.5), and serve it to
anyone: so a field is listed only if its whole answer, down to every nested field, is
the same for every caller, a logged-in one or not — game rules and odds, the shop's
catalog, leaderboards (public profiles), a fairness check computed from its arguments.
A token sent with such a query changes nothing in the answer (no listed field reads the
viewer), so it does not make the answer private either.

Not listed, though readable without logging in: `limitedPackages` (a logged-in caller
sees their own allowance), `validateInviteCode` (a code's state changes as it is used,
and a cached "valid" would outlive it), `node`/`nodes` (they reach private objects). A
field added to Query is private until it is listed here.
"""

from __future__ import annotations

from graphql import DocumentNode, OperationType, get_operation_ast

from casino_club.schema.extensions import root_fields
from casino_club.schema.query_limits import fragments_of

PUBLIC_ROOT_FIELDS = frozenset(
    {
        "__typename",
        "slotsConfig",
        "gachaConfig",
        "wheelConfig",
        "rpsConfig",
        "diceConfig",
        "crashConfig",
        "leaderboard",
        "catalog",
        "verifyRound",
    }
)


def is_public(document: DocumentNode, operation_name: str | None) -> bool:
    """The operation the request runs is a query of listed root fields only (through
    its fragments)."""
    operation = get_operation_ast(document, operation_name)
    if operation is None or operation.operation is not OperationType.QUERY:
        return False
    return root_fields(operation, fragments_of(document)) <= PUBLIC_ROOT_FIELDS
