"""Payment rules (SPEC §7.6): receipt signatures and webhook signatures, exactly."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casino_club.domain.payments import (
    Receipt,
    WebhookCheck,
    check_webhook,
    receipt_signed,
    sign_receipt,
    signature_header,
    webhook_signature,
)
from casino_club.domain.shop import Currency

SECRET = b"receipt-secret"
HOOK = b"whsec_test"
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
FIVE_MINUTES = timedelta(minutes=5)  # WEBHOOK_TOLERANCE_SECONDS' default
T = int(NOW.timestamp())
BODY = b'{"id":"evt_1","type":"payment.succeeded","data":{"reference":"purchase:1"}}'
RECEIPT = Receipt(
    code="ABC123",
    purchase_id=7,
    user_id=42,
    sku="value",
    quantity=2,
    amount_cents=3_998,
    currency=Currency.USD,
    gold=44_000,
    issued_at=datetime(2026, 11, 23, 1, 2, 3, 456_789, tzinfo=UTC),
)


def test_a_receipt_signature_is_hmac_sha256_over_its_canonical_fields() -> None:
    message = b"v1|ABC123|7|42|value|2|3998|USD|44000|2026-11-23T01:02:03.456789Z"
    assert RECEIPT.canonical() == message
    assert sign_receipt(SECRET, RECEIPT) == hmac.new(SECRET, message, hashlib.sha256).hexdigest()
    assert receipt_signed(SECRET, RECEIPT, sign_receipt(SECRET, RECEIPT))


@pytest.mark.parametrize(
    "changed",
    [
        {"code": "ABC124"},
        {"purchase_id": 8},
        {"user_id": 43},
        {"sku": "whale"},
        {"quantity": 3},
        {"amount_cents": 3_997},
        {"currency": Currency.EUR},
        {"gold": 44_001},
        {"issued_at": RECEIPT.issued_at + timedelta(microseconds=1)},
    ],
)
def test_every_field_is_covered_by_the_signature(changed: dict[str, object]) -> None:
    signature = sign_receipt(SECRET, RECEIPT)
    assert not receipt_signed(SECRET, replace(RECEIPT, **changed), signature)  # type: ignore[arg-type]


def test_a_receipt_signed_under_another_secret_or_garbled_does_not_verify() -> None:
    assert not receipt_signed(b"other", RECEIPT, sign_receipt(SECRET, RECEIPT))
    for garbage in ("", "zz", "é" * 64, "\ud800", sign_receipt(SECRET, RECEIPT).upper()):
        assert not receipt_signed(SECRET, RECEIPT, garbage)


def test_the_issue_time_is_signed_in_utc_whatever_its_zone() -> None:
    seoul = RECEIPT.issued_at.astimezone(ZoneInfo("Asia/Seoul"))
    assert replace(RECEIPT, issued_at=seoul).canonical() == RECEIPT.canonical()


def test_a_webhook_signature_is_hmac_sha256_over_timestamp_dot_body() -> None:
    expected = hmac.new(HOOK, f"{T}.".encode() + BODY, hashlib.sha256).hexdigest()
    assert webhook_signature(HOOK, T, BODY) == expected
    assert signature_header(HOOK, T, BODY) == f"t={T},v1={expected}"
    assert (
        check_webhook(HOOK, f"t={T},v1={expected}", BODY, NOW, FIVE_MINUTES) == WebhookCheck.VALID
    )


def test_any_of_several_v1_signatures_may_match_while_a_secret_rolls() -> None:
    old = webhook_signature(b"old-secret", T, BODY)
    header = f"t={T},v1={old},v1={webhook_signature(HOOK, T, BODY)}"
    assert check_webhook(HOOK, header, BODY, NOW, FIVE_MINUTES) == WebhookCheck.VALID


@pytest.mark.parametrize(
    ("age_seconds", "check"),
    [
        (0, WebhookCheck.VALID),
        (300, WebhookCheck.VALID),  # exactly the tolerance: still accepted
        (301, WebhookCheck.STALE),
        (-300, WebhookCheck.VALID),  # a provider clock slightly ahead
        (-301, WebhookCheck.STALE),
    ],
)
def test_the_timestamp_must_be_within_five_minutes(age_seconds: int, check: WebhookCheck) -> None:
    signed_at = T - age_seconds
    header = signature_header(HOOK, signed_at, BODY)
    assert check_webhook(HOOK, header, BODY, NOW, FIVE_MINUTES) == check


def test_an_altered_body_or_moved_timestamp_or_other_secret_fails() -> None:
    header = signature_header(HOOK, T, BODY)
    assert check_webhook(HOOK, header, BODY + b" ", NOW, FIVE_MINUTES) == WebhookCheck.BAD_SIGNATURE
    moved = header.replace(f"t={T}", f"t={T - 1}")
    assert check_webhook(HOOK, moved, BODY, NOW, FIVE_MINUTES) == WebhookCheck.BAD_SIGNATURE
    assert check_webhook(b"other", header, BODY, NOW, FIVE_MINUTES) == WebhookCheck.BAD_SIGNATURE


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "v1=" + "a" * 64,  # no timestamp
        f"t={T}",  # no signature
        f"t={T},v1=abc",  # not 64 hex digits
        f"t={T},t={T},v1=" + "a" * 64,  # two timestamps
        "t=-5,v1=" + "a" * 64,
        "t=1e9,v1=" + "a" * 64,
        "t=" + "9" * 5_000 + ",v1=" + "a" * 64,
        f"t={T},v1=" + "a" * 64 + ",x" * 600,  # absurdly long
        "t=１２３,v1=" + "a" * 64,  # non-ASCII digits
        f"t={T}\x00,v1=" + "a" * 64,
    ],
)
def test_a_malformed_header_is_refused_before_any_hmac(header: str | None) -> None:
    assert check_webhook(HOOK, header, BODY, NOW, FIVE_MINUTES) == WebhookCheck.MALFORMED


@given(body=st.binary(max_size=200), age=st.integers(-300, 300))
def test_a_signature_made_by_the_provider_always_verifies(body: bytes, age: int) -> None:
    header = signature_header(HOOK, T - age, body)
    assert check_webhook(HOOK, header, body, NOW, FIVE_MINUTES) == WebhookCheck.VALID
