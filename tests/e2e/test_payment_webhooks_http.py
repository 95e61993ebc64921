"""The payment webhook against a running server (SPEC §7.6, issue 10 item 10): a player
buys with a pending card over HTTP, the provider's signed `payment.succeeded` arrives on
`POST /webhooks/payments`, and the player's balance subscription hears the grant once."""

from __future__ import annotations

import asyncio
import time
import uuid

import httpx
import orjson
import pytest

from casino_club.domain.payments import signature_header
from tests.conftest import Backend
from tests.e2e.test_http_and_websocket import TIMEOUT, signup_player
from tests.e2e.test_live_and_money import listening, post
from tests.integration.shop.support import BUY
from tests.support import SPIN, row_id

pytestmark = pytest.mark.e2e


async def test_a_signed_webhook_settles_a_pending_purchase_once(
    server: str, backend: Backend
) -> None:
    secret = backend.settings().webhook_secret.get_secret_value().encode()
    player = await signup_player(server)
    token = player["accessToken"]
    buy = {"input": {"sku": "starter", "paymentToken": "tok_pending", "idempotencyKey": "p"}}
    async with (
        listening(server, token) as listener,
        httpx.AsyncClient(base_url=server, timeout=TIMEOUT) as http,
    ):
        # The server subscribes asynchronously: spin until the subscription hears one.
        for _ in range(50):
            await post(http, SPIN, token, {"input": {"stake": 10}})
            await asyncio.sleep(0.1)
            if listener.received:
                break
        assert listener.received, "the subscription never started"
        base = (await post(http, "{ me { gold } }", token))["me"]["gold"]
        pending = (await post(http, BUY, token, buy))["buyProduct"]
        assert pending["__typename"] == "PurchasePending", pending
        # The webhook grants only once the provider confirms the capture (SPEC §7.7): the
        # sandbox settles tok_pending on its second status check — this retry's is the
        # first, the webhook's confirmation the second.
        polled = (await post(http, BUY, token, buy))["buyProduct"]
        assert polled["__typename"] == "PurchasePending", polled
        body = orjson.dumps(
            {
                "id": f"evt_{uuid.uuid4().hex}",
                "type": "payment.succeeded",
                "data": {"reference": f"purchase:{row_id(pending['transactionId'])}"},
            }
        )
        signed_at = int(time.time())
        headers = {"Payment-Signature": signature_header(secret, signed_at, body)}
        first = await http.post("/webhooks/payments", content=body, headers=headers)
        assert first.json() == {"status": "processed", "purchaseStatus": "SUCCEEDED"}
        await listener.until_gold(base + 5_000)
        replay = await http.post("/webhooks/payments", content=body, headers=headers)
        assert (replay.status_code, replay.json()) == (200, {"status": "duplicate"})
        altered = body.replace(b"succeeded", b"failed")
        refused = await http.post("/webhooks/payments", content=altered, headers=headers)
        assert refused.status_code == 400
        stale = await http.post(
            "/webhooks/payments",
            content=body,
            headers={"Payment-Signature": signature_header(secret, signed_at - 301, body)},
        )
        assert stale.status_code == 400
        settled = (await post(http, BUY, token, buy))["buyProduct"]
        assert settled["__typename"] == "PurchaseSucceeded" and settled["replayed"] is True
        me = (await post(http, "{ me { gold } }", token))["me"]
    assert me["gold"] == base + 5_000
    grants = [e for e in listener.received if e["reason"] == "PURCHASE"]
    assert [(e["delta"], e["gold"]) for e in grants] == [(5_000, base + 5_000)]


async def test_a_signed_success_the_provider_does_not_bear_out_grants_nothing(
    server: str, backend: Backend
) -> None:
    """SPEC §7.7: a payment id the provider never issued is acknowledged (200) as
    ignored, and changes nothing."""
    secret = backend.settings().webhook_secret.get_secret_value().encode()
    token = (await signup_player(server))["accessToken"]
    buy = {"input": {"sku": "starter", "paymentToken": "tok_pending", "idempotencyKey": "f"}}
    async with httpx.AsyncClient(base_url=server, timeout=TIMEOUT) as http:
        base = (await post(http, "{ me { gold } }", token))["me"]["gold"]
        pending = (await post(http, BUY, token, buy))["buyProduct"]
        assert pending["__typename"] == "PurchasePending", pending
        reference = f"purchase:{row_id(pending['transactionId'])}"
        data = {"reference": reference, "paymentId": "pay_sandbox_forged"}
        body = orjson.dumps(
            {"id": f"evt_{uuid.uuid4().hex}", "type": "payment.succeeded", "data": data}
        )
        headers = {"Payment-Signature": signature_header(secret, int(time.time()), body)}
        answer = await http.post("/webhooks/payments", content=body, headers=headers)
        assert (answer.status_code, answer.json()) == (200, {"status": "ignored"})
        me = (await post(http, "{ me { gold } }", token))["me"]
    assert me["gold"] == base
