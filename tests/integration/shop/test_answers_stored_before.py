"""Keys stored by the code before outcomes were values (issue 25) still replay within
their retention: a purchase's key names its purchase (`{"purchaseId": …}`), repayDebt's
holds its answer (`{"repaid": …, "debt": …, "balance": …}`). Each row here is written
by hand, exactly as the old code wrote it, and replayed through the API."""

from __future__ import annotations

from sqlalchemy import func, select
from starlette.applications import Starlette

from casino_club.persistence.models import IdempotencyKey, Purchase
from tests.integration.shop.support import buy, gold_of, services_of
from tests.support import Api, row_id, store_answered_key

REPAY = """mutation P($input: RepayDebtInput!) { repayDebt(input: $input) {
  __typename ... on DebtRepaid { repaid debt balance replayed } ... on UserError { code } } }"""


async def stored_text(app: Starlette, user_id: int, key: str) -> str | None:
    async with services_of(app).sessionmaker() as session:
        text: str | None = await session.scalar(
            select(IdempotencyKey.response).where(
                IdempotencyKey.user_id == user_id, IdempotencyKey.key == key
            )
        )
    return text


async def purchases_count(app: Starlette, user_id: int) -> int:
    async with services_of(app).sessionmaker() as session:
        count = await session.scalar(
            select(func.count()).select_from(Purchase).where(Purchase.user_id == user_id)
        )
    return int(count or 0)


async def test_a_purchase_key_stored_by_the_old_code_replays_its_purchase(
    api: Api, app: Starlette
) -> None:
    signed = await api.new_player()
    token, user_id = signed["accessToken"], row_id(signed["user"]["id"])
    first = await buy(api, token, key="bought-earlier")
    assert first["__typename"] == "PurchaseSucceeded", first
    purchase_id = row_id(first["purchase"]["id"])
    # The form the code writes today is the old one: old and new rows read alike.
    assert await stored_text(app, user_id, "bought-earlier") == f'{{"purchaseId":{purchase_id}}}'
    gold = await gold_of(api, token)
    parameters = {"sku": "starter", "quantity": 1, "paymentToken": "tok_ok", "promoCode": None}
    await store_answered_key(
        app, user_id, "before-upgrade", "buyProduct", parameters, f'{{"purchaseId":{purchase_id}}}'
    )

    replayed = await buy(api, token, key="before-upgrade")

    assert replayed == {**first, "replayed": True}
    assert await gold_of(api, token) == gold  # nothing charged or granted again
    assert await purchases_count(app, user_id) == 1


async def test_a_repay_debt_key_stored_by_the_old_code_replays_its_answer(
    api: Api, app: Starlette
) -> None:
    signed = await api.new_player()
    token, user_id = signed["accessToken"], row_id(signed["user"]["id"])
    gold = await gold_of(api, token)
    await store_answered_key(
        app, user_id, "repaid-earlier", "repayDebt", {}, '{"repaid":3000,"debt":2000,"balance":0}'
    )

    variables = {"input": {"idempotencyKey": "repaid-earlier"}}
    replayed = (await api.data(REPAY, variables, token=token))["repayDebt"]

    assert replayed == {
        "__typename": "DebtRepaid",
        "repaid": 3_000,
        "debt": 2_000,
        "balance": 0,
        "replayed": True,
    }
    assert await gold_of(api, token) == gold  # answered from the row: nothing moved
