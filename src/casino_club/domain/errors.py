"""Every error code the API speaks, and the refusals a use case raises instead of
answering.

A code is a contract with clients: they branch on it, so it is named once here and the
schema publishes the same set as the `ErrorCode` enum. Two kinds share the enum:

- the code of an expected problem, returned as a member of a result union
  (`UserError.code`, e.g. INSUFFICIENT_FUNDS): the request was fine, the answer is "no";
- the code of a refused request, carried in a GraphQL error's `extensions.code`
  (e.g. UNAUTHENTICATED, SERVICE_UNAVAILABLE): there is no answer to give.
"""

from __future__ import annotations

from enum import StrEnum

from casino_club.domain.accounts import SessionEnd


class ErrorCode(StrEnum):
    # Expected problems (result unions).
    ACCOUNT_BANNED = "ACCOUNT_BANNED"
    ACTIVE_ROUND_EXISTS = "ACTIVE_ROUND_EXISTS"
    ALREADY_CLAIMED = "ALREADY_CLAIMED"
    CAMPAIGN_NOT_CANCELLABLE = "CAMPAIGN_NOT_CANCELLABLE"
    CAMPAIGN_NOT_FOUND = "CAMPAIGN_NOT_FOUND"
    DAILY_LIMIT_REACHED = "DAILY_LIMIT_REACHED"
    IDEMPOTENCY_KEY_IN_USE = "IDEMPOTENCY_KEY_IN_USE"
    IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED"
    INSUFFICIENT_FUNDS = "INSUFFICIENT_FUNDS"
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    INVALID_REFRESH_TOKEN = "INVALID_REFRESH_TOKEN"  # noqa: S105 (a code, not a secret)
    INVALID_STAKE = "INVALID_STAKE"
    INVITE_CODE_INVALID = "INVITE_CODE_INVALID"
    INVITE_CODE_NOT_FOUND = "INVITE_CODE_NOT_FOUND"
    INVITE_CODE_TAKEN = "INVITE_CODE_TAKEN"
    IN_DEBT = "IN_DEBT"
    LOGIN_LOCKED = "LOGIN_LOCKED"
    LOSS_LIMIT_REACHED = "LOSS_LIMIT_REACHED"
    MISSION_NOT_COMPLETE = "MISSION_NOT_COMPLETE"
    MISSION_NOT_FOUND = "MISSION_NOT_FOUND"
    NICKNAME_TAKEN = "NICKNAME_TAKEN"
    NOTIFICATION_NOT_FOUND = "NOTIFICATION_NOT_FOUND"
    NOT_AVAILABLE = "NOT_AVAILABLE"
    NOT_REFUNDABLE = "NOT_REFUNDABLE"
    NO_TICKET = "NO_TICKET"
    OPERATORS_DO_NOT_PLAY = "OPERATORS_DO_NOT_PLAY"
    PAYMENT_DECLINED = "PAYMENT_DECLINED"
    PLAYER_EXCLUDED = "PLAYER_EXCLUDED"
    PRODUCT_NOT_FOUND = "PRODUCT_NOT_FOUND"
    PROMO_INVALID = "PROMO_INVALID"
    PURCHASE_BLOCKED = "PURCHASE_BLOCKED"
    PURCHASE_LIMIT_REACHED = "PURCHASE_LIMIT_REACHED"
    PURCHASE_NOT_FOUND = "PURCHASE_NOT_FOUND"
    RANK_REQUIRED = "RANK_REQUIRED"
    RATE_LIMITED = "RATE_LIMITED"
    RECOMMENDATION_NOT_FOUND = "RECOMMENDATION_NOT_FOUND"
    REFUND_FAILED = "REFUND_FAILED"
    ROUND_NOT_FOUND = "ROUND_NOT_FOUND"
    SEED_IN_USE = "SEED_IN_USE"
    SITE_ID_TAKEN = "SITE_ID_TAKEN"
    SOLD_OUT = "SOLD_OUT"
    SPENDING_LIMIT_REACHED = "SPENDING_LIMIT_REACHED"
    USER_NOT_FOUND = "USER_NOT_FOUND"
    VALIDATION_FAILED = "VALIDATION_FAILED"
    # Refused requests (`extensions.code` of a GraphQL error).
    BAD_REQUEST = "BAD_REQUEST"
    BAD_USER_INPUT = "BAD_USER_INPUT"
    FORBIDDEN = "FORBIDDEN"
    GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
    GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"
    PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
    PERSISTED_QUERY_NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
    PERSISTED_QUERY_NOT_SUPPORTED = "PERSISTED_QUERY_NOT_SUPPORTED"
    QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"
    REQUEST_TIMEOUT = "REQUEST_TIMEOUT"
    SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
    SUBSCRIPTION_OVERFLOW = "SUBSCRIPTION_OVERFLOW"
    TOO_MANY_CONNECTIONS = "TOO_MANY_CONNECTIONS"
    TOO_MANY_SUBSCRIPTIONS = "TOO_MANY_SUBSCRIPTIONS"
    UNAUTHENTICATED = "UNAUTHENTICATED"


class RequestRefused(Exception):
    """A use case cannot answer this request at all (not a "no", which is a refusal
    value): the schema turns it into a GraphQL error with `extensions.code`."""

    code: ErrorCode = ErrorCode.BAD_REQUEST
    default_message = "The request was refused"

    def __init__(self, message: str | None = None) -> None:
        self.message = message or self.default_message
        # graphql-core copies an exception's `extensions` onto the GraphQL error it
        # wraps it in: the code reaches the client with no GraphQL import here.
        self.extensions = {"code": self.code.value}
        super().__init__(self.message)


class Unauthenticated(RequestRefused):
    code = ErrorCode.UNAUTHENTICATED
    default_message = "Authentication required"


class SessionEnded(Unauthenticated):
    """The session a live subscription runs under stopped working while it ran: the
    message says why (logged out, banned, …) and `extensions.reason` names it
    (SessionEnd), so a client tells a ban from a logout without parsing text."""

    def __init__(self, why: SessionEnd | None) -> None:
        ended = "Your session ended"
        super().__init__(ended if why is None else f"{ended}: {why.explanation}")
        if why is not None:
            self.extensions["reason"] = why.value


class Forbidden(RequestRefused):
    code = ErrorCode.FORBIDDEN
    default_message = "Not allowed"


class BadUserInput(RequestRefused):
    code = ErrorCode.BAD_USER_INPUT
    default_message = "Invalid input"


class ServiceUnavailable(RequestRefused):
    code = ErrorCode.SERVICE_UNAVAILABLE
    default_message = "A backing service is unavailable; retry shortly"
