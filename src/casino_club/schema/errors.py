"""Expected business outcomes, returned as members of result unions (SPEC §12).

Every type implements `UserError`, so a client can handle any unknown error generically
by its `code` and `message`, and specific ones by their `__typename`.
"""

from __future__ import annotations

from datetime import datetime

import strawberry

from casino_club.domain import auth, invites, refusals
from casino_club.domain.accounts import FieldProblem
from casino_club.domain.errors import ErrorCode as ErrorCodeValue
from casino_club.domain.invites import InviteProblem
from casino_club.schema.enums import graphql_enum
from casino_club.schema.outcomes import presents

C = ErrorCodeValue
ErrorCode = graphql_enum(
    ErrorCodeValue,
    "ErrorCode",
    "Every code the API answers with: a `UserError`'s `code`, or a GraphQL "
    "error's `extensions.code`.",
    {
        # Expected problems: the `code` of the result union member of the same name.
        C.ACCOUNT_BANNED: "AccountBanned: the account is banned; it cannot log in.",
        C.ACTIVE_ROUND_EXISTS: "ActiveRoundExists: one crash round at a time; nothing was charged.",
        C.ALREADY_CLAIMED: "AlreadyClaimed: this reward was claimed for the period; see "
        "`availableAt`.",
        C.CAMPAIGN_NOT_CANCELLABLE: "CampaignNotCancellable: the campaign's sending "
        "started or ended, or it was cancelled; `status` says which (admin).",
        C.CAMPAIGN_NOT_FOUND: "CampaignNotFound: no campaign has this id (admin).",
        C.DAILY_LIMIT_REACHED: "DailyLimitReached: today's gacha pulls are used up.",
        C.IDEMPOTENCY_KEY_IN_USE: "IdempotencyKeyInUse: a request with this key is still "
        "running; retry the same request shortly.",
        C.IDEMPOTENCY_KEY_REUSED: "IdempotencyKeyReused: the key was used for a different "
        "request; send a new key.",
        C.INSUFFICIENT_FUNDS: "InsufficientFunds: the balance does not cover it; nothing "
        "was charged.",
        C.INVALID_CREDENTIALS: "InvalidCredentials: wrong siteId or password (it does not "
        "say which).",
        C.INVALID_REFRESH_TOKEN: "InvalidRefreshToken: log in again; `reason` says why.",
        C.INVALID_STAKE: "InvalidStake: the stake is outside the game's minimum and maximum.",
        C.INVITE_CODE_INVALID: "InviteCodeInvalid: sign-up's invite code cannot be used.",
        C.INVITE_CODE_NOT_FOUND: "InviteCodeNotFound: no invite code has this text (admin).",
        C.INVITE_CODE_TAKEN: "InviteCodeTaken: an invite code with this text exists (admin).",
        C.IN_DEBT: "InDebt: a refund left the player owing gold; no play until it is "
        "repaid (repayDebt).",
        C.LOGIN_LOCKED: "LoginLocked: too many wrong passwords; retry after `retryAfterSeconds`.",
        C.LOSS_LIMIT_REACHED: "LossLimitReached: the stake could pass the player's daily "
        "loss limit.",
        C.MISSION_NOT_COMPLETE: "MissionNotComplete: the mission's target is not reached.",
        C.MISSION_NOT_FOUND: "MissionNotFound: no mission has this id.",
        C.NICKNAME_TAKEN: "NicknameTaken: another account has this nickname (case and "
        "width folded).",
        C.NOTIFICATION_NOT_FOUND: "NotificationNotFound: none of the caller's "
        "notifications has this id.",
        C.NOT_AVAILABLE: "NotAvailable: the limited package is outside its window or disabled.",
        C.NOT_REFUNDABLE: "NotRefundable: the purchase is not in a state that can be "
        "refunded (admin).",
        C.NO_TICKET: "NoTicket: a pull paid with a ticket, and the player holds none.",
        C.OPERATORS_DO_NOT_PLAY: "OperatorsDoNotPlay: operators' accounts do not play games.",
        C.PAYMENT_DECLINED: "PaymentDeclined: the payment failed; nothing was granted.",
        C.PLAYER_EXCLUDED: "PlayerExcluded: the player is on a cool-off or "
        "self-exclusion until `until`.",
        C.PRODUCT_NOT_FOUND: "ProductNotFound: no product or package has this sku.",
        C.PROMO_INVALID: "PromoInvalid: the promo code does not apply; `reason` says why.",
        C.PURCHASE_BLOCKED: "PurchaseBlocked: too many attempts or payment tokens; "
        "purchases are paused for a while.",
        C.PURCHASE_LIMIT_REACHED: "PurchaseLimitReached: the player bought this "
        "package's per-player limit.",
        C.PURCHASE_NOT_FOUND: "PurchaseNotFound: no purchase has this id (admin).",
        C.RANK_REQUIRED: "RankRequired: the product needs a higher rank.",
        C.RECOMMENDATION_NOT_FOUND: "RecommendationNotFound: no suggestion with this id was "
        "shown to the caller.",
        C.RATE_LIMITED: "RateLimited: too many requests; retry after `retryAfterMs`.",
        C.REFUND_FAILED: "RefundFailed: the payment provider refused the refund (admin).",
        C.ROUND_NOT_FOUND: "RoundNotFound: the caller has no crash round with this id.",
        C.SEED_IN_USE: "SeedInUse: a running crash round still depends on the server "
        "seed; rotate after it ends.",
        C.SITE_ID_TAKEN: "SiteIdTaken: another account has this siteId.",
        C.SOLD_OUT: "SoldOut: the limited package has no stock left.",
        C.SPENDING_LIMIT_REACHED: "SpendingLimitReached: the purchase would pass the "
        "player's daily or monthly purchase limit.",
        C.USER_NOT_FOUND: "UserNotFound: no player has this id.",
        C.VALIDATION_FAILED: "ValidationFailed: input fields broke rules; `fields` lists "
        "them. Nothing was changed.",
        # Refused requests: `extensions.code` of a GraphQL error; `data` has no answer.
        C.BAD_REQUEST: "The request is malformed or not allowed here (e.g. a "
        "subscription over HTTP).",
        C.BAD_USER_INPUT: "An argument is out of range or malformed; fix the request.",
        C.FORBIDDEN: "Authenticated, but the role or rank does not allow it.",
        C.GRAPHQL_PARSE_FAILED: "The document is not GraphQL (a syntax error); its "
        "`locations` point at it.",
        C.GRAPHQL_VALIDATION_FAILED: "The document does not fit the schema (an unknown "
        "field, a missing argument, …); nothing ran.",
        C.INTERNAL_SERVER_ERROR: "An unexpected failure; its details are logged, not "
        "sent. Retrying may help.",
        C.PAYLOAD_TOO_LARGE: "The request body is over the size limit (HTTP 413).",
        C.PERSISTED_QUERY_NOT_FOUND: "The server does not know this persisted query's "
        "hash: send the document with it once (Apollo's link does).",
        C.PERSISTED_QUERY_NOT_SUPPORTED: "Persisted queries are switched off on this "
        "server: send the document.",
        C.QUERY_TOO_COMPLEX: "The document is over the depth, alias, token or cost "
        "limits; split it.",
        C.REQUEST_TIMEOUT: "The request body took too long to arrive (HTTP 408).",
        C.SERVICE_UNAVAILABLE: "A backing service (database, Redis) is unavailable; retry shortly.",
        C.SUBSCRIPTION_OVERFLOW: "The subscriber fell too far behind (64 events queued); "
        "resubscribe with `since`.",
        C.TOO_MANY_CONNECTIONS: "Too many WebSocket connections for this caller; the "
        "socket closes with 4429.",
        C.TOO_MANY_SUBSCRIPTIONS: "Too many subscriptions at once for this caller or this "
        "connection; the operation is answered with an error and the others go on.",
        C.UNAUTHENTICATED: "No valid access token: log in or refresh the token.",
    },
)


@strawberry.interface(description="An expected problem the client should show or handle.")
class UserError:
    code: ErrorCode = strawberry.field(  # type: ignore[valid-type]
        description="What went wrong, to branch on; the member's `__typename` says the same."
    )
    message: str = strawberry.field(
        description="A short English explanation for a person (not for parsing); it may "
        "change between versions, the code does not."
    )


@presents(FieldProblem)
@strawberry.type(description="One invalid input field.")
class FieldError:
    field: str = strawberry.field(
        description="The input field's GraphQL name (camelCase), e.g. `nickname`."
    )
    code: str = strawberry.field(
        description="The rule it broke, in UPPER_SNAKE_CASE (e.g. REQUIRED, "
        "INVALID_LENGTH, NAIVE_DATETIME): stable, to branch on."
    )
    message: str = strawberry.field(description="The rule in English, for a person.")


@presents(refusals.ValidationFailed, described=True)
@strawberry.type
class ValidationFailed(UserError):
    fields: list[FieldError] = strawberry.field(
        description="Every invalid field, at least one; `message` joins theirs."
    )


@presents(auth.SiteIdTaken)
@strawberry.type(description="Another account has this siteId; nothing was created.")
class SiteIdTaken(UserError):
    pass


@presents(auth.NicknameTaken)
@strawberry.type(
    description="Another account has this nickname (compared with case and width folded)."
)
class NicknameTaken(UserError):
    pass


InviteCodeProblem = graphql_enum(
    InviteProblem,
    "InviteCodeProblem",
    "Why an invite code cannot be used.",
    {
        InviteProblem.NOT_FOUND: "No such code, or an operator disabled it.",
        InviteProblem.EXPIRED: "Past its `expiresAt`.",
        InviteProblem.EXHAUSTED: "Every one of its `maxUses` is taken.",
    },
)


@presents(invites.InviteCodeInvalid, described=True)
@strawberry.type
class InviteCodeInvalid(UserError):
    reason: InviteCodeProblem = strawberry.field(  # type: ignore[valid-type]
        description="Why the code cannot be used."
    )


@presents(auth.InvalidCredentials, described=True)
@strawberry.type
class InvalidCredentials(UserError):
    pass


@presents(auth.LoginLocked, described=True)
@strawberry.type
class LoginLocked(UserError):
    retry_after_seconds: int = strawberry.field(
        description="Seconds until the lock ends (at most 600)."
    )
    locked_until: datetime = strawberry.field(description="When the lock ends.")


@presents(auth.AccountBanned)
@strawberry.type(description="The account is banned: no login, no refresh.")
class AccountBanned(UserError):
    pass


R = auth.RefreshTokenProblem
RefreshTokenProblem = graphql_enum(
    R,
    "RefreshTokenProblem",
    "Why a refresh token was refused; in every case, log in again.",
    {
        R.UNKNOWN: "No session has this token.",
        R.EXPIRED: "The session's 14 days are over.",
        R.REVOKED: "The session ended (logout, logoutAll, a ban).",
        R.REUSED: "An already rotated token was presented again: it was copied, so every "
        "session of the player was ended.",
    },
)


@presents(auth.InvalidRefreshToken)
@strawberry.type(description="The refresh token cannot be used; log in again.")
class InvalidRefreshToken(UserError):
    reason: RefreshTokenProblem = strawberry.field(  # type: ignore[valid-type]
        description="Why it was refused."
    )


@presents(refusals.UserNotFound, described=True)
@strawberry.type
class UserNotFound(UserError):
    pass


@presents(invites.InviteCodeTaken)
@strawberry.type(description="An invite code with this text exists; nothing was created.")
class InviteCodeTaken(UserError):
    pass


@presents(invites.InviteCodeNotFound)
@strawberry.type(description="No invite code has this text.")
class InviteCodeNotFound(UserError):
    pass
