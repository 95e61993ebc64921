"""Production refuses development secrets (SPEC §4.1)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from casino_club.config import DEV_JWT_SECRET, DEV_RECEIPT_SECRET, DEV_WEBHOOK_SECRET, Settings

STRONG = "s" * 48


def production(**overrides: object) -> Settings:
    values: dict[str, object] = {
        "app_env": "production",
        "jwt_secret": STRONG,
        "webhook_secret": STRONG + "w",
        "receipt_secret": STRONG + "r",
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
        ({"admin_password": "admin"}, "ADMIN_PASSWORD"),
    ],
)
def test_production_refuses_development_values(
    overrides: dict[str, object], complaint: str
) -> None:
    with pytest.raises(ValidationError, match=complaint):
        production(**overrides)


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
