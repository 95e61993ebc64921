"""What the shop's tests share: the buy mutation and its answers."""

from __future__ import annotations

import uuid
from typing import Any

from starlette.applications import Starlette

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
