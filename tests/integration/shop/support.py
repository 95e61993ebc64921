"""What the shop's tests share: the buy mutation and its answers."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from starlette.applications import Starlette

from casino_club.domain.payments import FailureReason, PurchaseStatus
from casino_club.payments.gateway import PaymentState
from casino_club.payments.sandbox import SandboxGateway
from casino_club.persistence.models import Purchase
from casino_club.resolvers.payment_settlement import purchase_id_of
from casino_club.services import Services
from tests.support import Api

BUY = """
mutation Buy($input: BuyProductInput!) {
  buyProduct(input: $input) {
    __typename
    ... on PurchaseSucceeded {
      replayed
      receipt { code signature transactionId sku quantity amountCents currency gold issuedAt }
      purchase { id status gold amountCents }
    }
    ... on PurchasePending { transactionId purchase { id status } }
    ... on PaymentDeclined { reason transactionId }
    ... on RankRequired { required }
    ... on PromoInvalid { promoProblem }
    ... on PurchaseBlocked { until retryAfterSeconds }
    ... on ValidationFailed { fields { field code } }
    ... on UserError { code message }
  }
}
"""
PURCHASES = """query P($after: String) { me { gold purchases(first: 50, after: $after) {
  edges { cursor node { id sku quantity amountCents currency gold bonusGold status
    failureReason createdAt settledAt receipt { code } } }
  pageInfo { hasNextPage endCursor } } } }"""


async def buy(
    api: Api,
    token: str,
    *,
    sku: str = "starter",
    card: str = "tok_ok",
    key: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    variables = {
        "input": {
            "sku": sku,
            "paymentToken": card,
            "idempotencyKey": key or uuid.uuid4().hex,
            **extra,
        }
    }
    result: dict[str, Any] = (await api.data(BUY, variables, token=token))["buyProduct"]
    return result


async def purchases_of(api: Api, token: str) -> list[dict[str, Any]]:
    edges = (await api.data(PURCHASES, token=token))["me"]["purchases"]["edges"]
    return [edge["node"] for edge in edges]


async def gold_of(api: Api, token: str) -> int:
    return int((await api.data("{ me { gold } }", token=token))["me"]["gold"])


def services_of(app: Starlette) -> Services:
    services: Services = app.state.services
    return services


def sandbox_of(app: Starlette) -> SandboxGateway:
    gateway = services_of(app).payments.gateway
    assert isinstance(gateway, SandboxGateway)
    return gateway


# Where a purchase may stand given where its payment stands at the provider.
AGREEING = {
    PaymentState.CAPTURED: {
        PurchaseStatus.SUCCEEDED,
        PurchaseStatus.PENDING,  # until it settles
        PurchaseStatus.REFUND_PENDING,  # until the provider returns it
    },
    # REFUND_PENDING: until the refund is recorded (the refund job finishes it).
    PaymentState.REFUNDED: {PurchaseStatus.REFUNDED, PurchaseStatus.REFUND_PENDING},
    PaymentState.DISPUTED: {PurchaseStatus.REFUNDED},
}
HOLDS_MONEY = set(AGREEING)


async def provider_agrees(app: Starlette) -> None:
    """For every purchase this app's provider was asked to pay: captured at the provider
    ⇔ granted (SUCCEEDED; PENDING until it settles), refunded or charged back at the
    provider ⇔ refunded (REFUNDED, or a late capture given back: LATE_CAPTURE_REFUNDED)."""
    sandbox = sandbox_of(app)
    ids = {purchase_id_of(ref): ref for ref in sandbox.references()}
    async with services_of(app).sessionmaker() as session:
        rows = (await session.scalars(select(Purchase).where(Purchase.id.in_(ids)))).all()
    for row in rows:
        payment = sandbox.payment_for(ids[row.id])
        state = None if payment is None else payment.state
        status = PurchaseStatus(row.status)
        where = (row.id, status, row.failure_reason, state)
        if state in HOLDS_MONEY:
            late = row.failure_reason == FailureReason.LATE_CAPTURE_REFUNDED.value
            assert status in AGREEING[state] or (state == PaymentState.REFUNDED and late), where
        else:
            granted = (PurchaseStatus.SUCCEEDED, PurchaseStatus.REFUND_PENDING)
            assert status not in (*granted, PurchaseStatus.REFUNDED), where
