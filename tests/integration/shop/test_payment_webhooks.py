"""POST /webhooks/payments (SPEC §7.6), through the app's real route: a signed
`payment.succeeded` settles a pending purchase exactly once; everything unsigned,
stale, altered or replayed is refused and changes nothing."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from typing import Any

import asyncpg
import httpx
import orjson
import pytest
from sqlalchemy.engine import make_url
from starlette.applications import Starlette

from casino_club.clock import FrozenClock
from casino_club.config import Settings
from casino_club.domain.payments import signature_header
from tests.conftest import Backend, api_for, running_app
from tests.integration.shop.support import buy, gold_of, provider_agrees, purchases_of, sandbox_of
from tests.support import Api, any_row_id, books_balance

START_GOLD = 1_000


def event(purchase_id: str, kind: str = "payment.succeeded", **data: Any) -> bytes:
    body = {
        "id": f"evt_{uuid.uuid4().hex}",
        "type": kind,
        "data": {"reference": f"purchase:{any_row_id(purchase_id)}", **data},
    }
    return orjson.dumps(body)


async def deliver(
    api: Api,
    body: bytes,
    settings: Settings,
    at: int,
    *,
    header: str | None = None,
) -> httpx.Response:
    secret = settings.webhook_secret.get_secret_value().encode()
    signature = header if header is not None else signature_header(secret, at, body)
    return await api.client.post(
        "/webhooks/payments",
        content=body,
        headers={"Payment-Signature": signature, "Content-Type": "application/json"},
    )


async def pending_purchase(api: Api) -> tuple[str, str]:
    token: str = (await api.new_player())["accessToken"]
    result = await buy(api, token, card="tok_pending", key="p")
    assert result["__typename"] == "PurchasePending", result
    return token, result["transactionId"]


def captured(app: Starlette, purchase_id: str) -> str:
    """The provider captures the pending payment (3-D Secure passed): what its
    `payment.succeeded` then reports. The payment's id."""
    return sandbox_of(app).capture_late(f"purchase:{any_row_id(purchase_id)}")


def now_of(clock: FrozenClock) -> int:
    return int(clock.now().timestamp())


async def test_a_signed_success_grants_once_and_its_replay_changes_nothing(
    api: Api, app: Starlette, settings: Settings, clock: FrozenClock
) -> None:
    token, purchase_id = await pending_purchase(api)
    captured(app, purchase_id)
    body = event(purchase_id)
    first = await deliver(api, body, settings, now_of(clock))
    assert first.status_code == 200, first.text
    assert first.json() == {"status": "processed", "purchaseStatus": "SUCCEEDED"}
    assert await gold_of(api, token) == START_GOLD + 5_000
    replay = await deliver(api, body, settings, now_of(clock))
    assert (replay.status_code, replay.json()) == (200, {"status": "duplicate"})
    # Another event about the same payment finds it settled: no second grant.
    other = await deliver(api, event(purchase_id), settings, now_of(clock))
    assert other.json() == {"status": "processed", "purchaseStatus": "SUCCEEDED"}
    assert await gold_of(api, token) == START_GOLD + 5_000
    # The buyer's retry with the key now answers with the receipt.
    settled = await buy(api, token, card="tok_pending", key="p")
    assert settled["__typename"] == "PurchaseSucceeded", settled
    await books_balance(app)


async def test_a_signed_failure_fails_the_purchase(
    api: Api, settings: Settings, clock: FrozenClock
) -> None:
    token, purchase_id = await pending_purchase(api)
    answer = await deliver(api, event(purchase_id, "payment.failed"), settings, now_of(clock))
    assert answer.json() == {"status": "processed", "purchaseStatus": "FAILED"}
    [record] = await purchases_of(api, token)
    assert (record["status"], record["failureReason"]) == ("FAILED", "GATEWAY_ERROR")
    retry = await buy(api, token, card="tok_pending", key="p")
    assert (retry["__typename"], retry["reason"]) == ("PaymentDeclined", "GATEWAY_ERROR")
    assert await gold_of(api, token) == START_GOLD


def tamper(body: bytes) -> bytes:
    return body.replace(b"payment.succeeded", b"payment.succeedeD")


@pytest.mark.parametrize(
    "attack",
    ["stale", "future", "bad signature", "altered body", "no header", "other secret", "garbage"],
)
async def test_an_untrustworthy_delivery_is_refused_and_changes_nothing(
    api: Api, app: Starlette, settings: Settings, clock: FrozenClock, attack: str
) -> None:
    token, purchase_id = await pending_purchase(api)
    captured(app, purchase_id)
    body = event(purchase_id)
    now = now_of(clock)
    secret = settings.webhook_secret.get_secret_value().encode()
    if attack == "stale":
        response = await deliver(api, body, settings, now - 301)
    elif attack == "future":
        response = await deliver(api, body, settings, now + 301)
    elif attack == "bad signature":
        response = await deliver(api, body, settings, now, header=f"t={now},v1={'0' * 64}")
    elif attack == "altered body":
        signed = signature_header(secret, now, body)
        response = await deliver(api, tamper(body), settings, now, header=signed)
    elif attack == "no header":
        response = await api.client.post("/webhooks/payments", content=body)
    elif attack == "other secret":
        response = await deliver(
            api, body, settings, now, header=signature_header(b"not-ours", now, body)
        )
    else:
        response = await deliver(api, b"\xff\x00{", settings, now, header="t=x,v1=\x7f")
    assert response.status_code == 400, response.text
    assert "error" in response.json()
    [record] = await purchases_of(api, token)
    assert record["status"] == "PENDING"
    assert await gold_of(api, token) == START_GOLD
    # The genuine delivery still works afterwards: a refusal burned nothing.
    genuine = await deliver(api, body, settings, now)
    assert genuine.json()["status"] == "processed"


async def test_a_stale_delivery_is_refused_even_when_it_was_valid_once(
    api: Api, settings: Settings, clock: FrozenClock
) -> None:
    """A captured request replayed after the tolerance: refused by its timestamp."""
    token, purchase_id = await pending_purchase(api)
    body = event(purchase_id, "payment.failed")
    signed_at = now_of(clock)
    clock.advance(timedelta(minutes=5, seconds=1))
    response = await deliver(api, body, settings, signed_at)
    assert response.status_code == 400
    [record] = await purchases_of(api, token)
    assert record["status"] == "PENDING"


@pytest.mark.parametrize(
    "body",
    [
        b"[]",
        b'"text"',
        b"{}",
        b'{"id": 5, "type": "payment.succeeded", "data": {}}',
        b'{"id": "evt_x", "type": "payment.succeeded", "data": []}',
        b'{"id": "", "type": "payment.succeeded", "data": {}}',
        b'{"id": "evt_x", "type": "payment.succeeded", "data": {"paymentId": 7}}',
        b'{"id": "' + b"e" * 129 + b'", "type": "payment.succeeded", "data": {}}',
        b'{"id": "evt_\\u0000", "type": "payment.succeeded", "data": {}}',
        b'{"id": "evt_\\ud800", "type": "payment.succeeded", "data": {}}',
        b'{"id": "evt_x", "type": "payment.succeeded", "data": {"n": 1' + b"0" * 5000 + b"}}",
    ],
)
async def test_a_signed_body_that_is_not_an_event_is_refused(
    api: Api, settings: Settings, clock: FrozenClock, body: bytes
) -> None:
    response = await deliver(api, body, settings, now_of(clock))
    assert response.status_code == 400, response.text


async def test_signed_events_about_nothing_we_know_are_acknowledged_and_ignored(
    api: Api, settings: Settings, clock: FrozenClock
) -> None:
    for body in (
        event("999999999"),
        event("1", "payment.dispute_opened"),
        orjson.dumps({"id": f"evt_{uuid.uuid4().hex}", "type": "x", "data": {"reference": "r"}}),
    ):
        response = await deliver(api, body, settings, now_of(clock))
        assert (response.status_code, response.json()) == (200, {"status": "ignored"})


async def test_news_of_another_payment_does_not_settle_this_purchase(
    api: Api, app: Starlette, settings: Settings, clock: FrozenClock
) -> None:
    token, purchase_id = await pending_purchase(api)
    captured(app, purchase_id)
    body = event(purchase_id, paymentId="pay_someone_else")
    response = await deliver(api, body, settings, now_of(clock))
    assert (response.status_code, response.json()) == (200, {"status": "ignored"})
    assert await gold_of(api, token) == START_GOLD


async def test_webhook_and_polls_at_once_grant_exactly_once(
    api: Api, app: Starlette, settings: Settings, clock: FrozenClock
) -> None:
    token, purchase_id = await pending_purchase(api)
    captured(app, purchase_id)
    body = event(purchase_id)
    deliveries = [deliver(api, body, settings, now_of(clock)) for _ in range(5)]
    polls = [buy(api, token, card="tok_pending", key="p") for _ in range(10)]
    responses, _ = await asyncio.gather(asyncio.gather(*deliveries), asyncio.gather(*polls))
    statuses = [response.json()["status"] for response in responses]
    assert sorted(statuses) == ["duplicate"] * 4 + ["processed"]
    assert await gold_of(api, token) == START_GOLD + 5_000
    [record] = await purchases_of(api, token)
    assert record["status"] == "SUCCEEDED"
    await books_balance(app)


# PostgreSQL only: the statement timeout is PostgreSQL's.
@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
async def test_a_database_that_does_not_answer_is_a_503_the_provider_retries(
    backend: Backend, clock: FrozenClock
) -> None:
    """Never a 500 (a provider redelivers those too, but they are our bugs' code): a
    stalled database answers 503, nothing is recorded, and the redelivery grants."""
    settings = backend.settings(database_timeout_seconds=0.5)
    async with running_app(settings, clock) as app, api_for(app) as api:
        token, purchase_id = await pending_purchase(api)
        captured(app, purchase_id)
        body = event(purchase_id)
        dsn = make_url(backend.database_url).set(drivername="postgresql")
        holder = await asyncpg.connect(dsn.render_as_string(hide_password=False))
        try:
            lock = holder.transaction()
            await lock.start()  # another transaction holds the purchase's row
            await holder.execute(
                "SELECT id FROM purchases WHERE id = $1 FOR UPDATE", any_row_id(purchase_id)
            )
            async with asyncio.timeout(20):
                stalled = await deliver(api, body, settings, now_of(clock))
            await lock.rollback()
        finally:
            await holder.close()
        assert stalled.status_code == 503, stalled.text
        assert stalled.json()["error"] == "service unavailable; retry shortly"
        assert await gold_of(api, token) == START_GOLD
        again = await deliver(api, body, settings, now_of(clock))
        assert again.json() == {"status": "processed", "purchaseStatus": "SUCCEEDED"}
        assert await gold_of(api, token) == START_GOLD + 5_000
        await books_balance(app)
        await provider_agrees(app)
