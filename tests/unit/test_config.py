"""Production refuses development, short, guessable or shared secrets (SPEC §4.1, §13)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from casino_club.config import DEV_JWT_SECRET, DEV_RECEIPT_SECRET, DEV_WEBHOOK_SECRET, Settings

# Three random values (openssl rand -hex 32), as an operator would set them.
JWT = "9f2c4e71a0b35d8e6c1f7a2b4d9e0c3f5a8b1d6e2f7c0a9b3e5d8f1a4c7b2e6d"
WEBHOOK = "3b8e1f6a9c2d5e0b7f4a1c8d3e6b9f2a5c0d7e4b1f8a3c6e9d2b5f0a7c4e1d8b"
RECEIPT = "c5a0e7d2b9f4a1c6e3d8b5f2a9c4e1d6b3f8a5c2e7d4b1f6a3c8e5d2b9f0a7c4"


def production(**overrides: object) -> Settings:
    values: dict[str, object] = {
        "app_env": "production",
        "jwt_secret": JWT,
        "webhook_secret": WEBHOOK,
        "receipt_secret": RECEIPT,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


def test_production_with_real_secrets_starts() -> None:
    assert production().app_env == "production"


@pytest.mark.parametrize(
    ("overrides", "complaint"),
    [
        ({"jwt_secret": DEV_JWT_SECRET}, "JWT_SECRET"),
        ({"webhook_secret": DEV_WEBHOOK_SECRET}, "WEBHOOK_SECRET"),
        ({"receipt_secret": DEV_RECEIPT_SECRET}, "RECEIPT_SECRET"),
        ({"jwt_secret": "short"}, "JWT_SECRET"),
        ({"jwt_secret": JWT[:31]}, "JWT_SECRET must be at least 32 bytes"),
        ({"webhook_secret": DEV_JWT_SECRET}, "WEBHOOK_SECRET is a development secret"),
        ({"receipt_secret": "x" * 32}, "RECEIPT_SECRET is guessable"),
        ({"jwt_secret": "passwordpasswordpasswordpassword"}, "JWT_SECRET is guessable"),
        ({"receipt_secret": JWT}, "JWT_SECRET and RECEIPT_SECRET must differ"),
        ({"admin_password": "admin"}, "ADMIN_PASSWORD"),
        ({"admin_password": "admin123"}, "ADMIN_PASSWORD"),
        ({"admin_password": "Password1!"}, "ADMIN_PASSWORD"),
    ],
)
def test_production_refuses_development_values(
    overrides: dict[str, object], complaint: str
) -> None:
    with pytest.raises(ValidationError, match=complaint):
        production(**overrides)


def test_one_repeated_secret_everywhere_is_refused_on_every_count() -> None:
    """The issue's finding: `"x" * 32` for all three secrets started in production."""
    with pytest.raises(ValidationError) as refused:
        production(jwt_secret="x" * 32, webhook_secret="x" * 32, receipt_secret="x" * 32)
    message = str(refused.value)
    for complaint in (
        "JWT_SECRET is guessable",
        "WEBHOOK_SECRET is guessable",
        "RECEIPT_SECRET is guessable",
        "JWT_SECRET and WEBHOOK_SECRET must differ",
        "WEBHOOK_SECRET and RECEIPT_SECRET must differ",
    ):
        assert complaint in message


def test_secret_length_counts_bytes() -> None:
    """Bytes, not characters; and a passphrase that is long and unusual is accepted."""
    with pytest.raises(ValidationError, match="JWT_SECRET must be at least 32 bytes"):
        production(jwt_secret="é" * 15)
    assert production(admin_password="a passphrase nobody would guess 7").app_env == "production"


def test_development_defaults_are_allowed_outside_production() -> None:
    assert Settings(_env_file=None).app_env == "development"


def test_unknown_time_zone_is_refused() -> None:
    with pytest.raises(ValidationError):
        Settings(_env_file=None, game_timezone="Mars/Olympus")


@pytest.mark.parametrize("interval", [0, -1, 61])
def test_the_crash_sweeper_must_run_within_the_spec_bound(interval: float) -> None:
    """SPEC §6.4: an ended round stays open at most 60 s, so the sweep interval is 0–60 s."""
    with pytest.raises(ValidationError, match="crash_sweep_interval_seconds"):
        Settings(_env_file=None, crash_sweep_interval_seconds=interval)
