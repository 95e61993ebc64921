"""The development invite code `5858` exists outside production only: seeding a
production database creates none (and says so), and a production server says at start
when nobody can sign up, or when the development code is open to anyone. Each test on a
database of its own (SQLite), since the suite's databases are seeded with the code."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest
from sqlalchemy import func, select

from casino_club.bootstrap import seed
from casino_club.config import Settings
from casino_club.persistence import migrations
from casino_club.persistence.models import InviteCode
from casino_club.services import Services
from tests.conftest import TEST_DEFAULTS, api_for, running_app
from tests.support import unique_site_id

SECRETS = {
    "jwt_secret": "9f2c4e71a0b35d8e6c1f7a2b4d9e0c3f5a8b1d6e2f7c0a9b3e5d8f1a4c7b2e6d",
    "webhook_secret": "3b8e1f6a9c2d5e0b7f4a1c8d3e6b9f2a5c0d7e4b1f8a3c6e9d2b5f0a7c4e1d8b",
    "receipt_secret": "c5a0e7d2b9f4a1c6e3d8b5f2a9c4e1d6b3f8a5c2e7d4b1f6a3c8e5d2b9f0a7c4",
}
NOBODY_CAN_SIGN_UP = "no usable invite code: nobody can sign up"
DEVELOPMENT_CODE_OPEN = "the development invite code 5858 is usable"


def fresh(tmp_path: Path, app_env: str) -> Settings:
    values: dict[str, object] = {
        **TEST_DEFAULTS,
        "app_env": app_env,
        "database_url": f"sqlite+aiosqlite:///{tmp_path / 'casino.db'}",
        "redis_url": "",
        "broadcast_url": "memory://",
        "admin_password": "a passphrase nobody would guess 7",
        **(SECRETS if app_env == "production" else {}),
    }
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


async def seeded(settings: Settings) -> list[str]:
    """Migrate and seed; the seed's notices."""
    await asyncio.to_thread(migrations.upgrade, settings.database_url)
    services = Services.create(settings)
    try:
        return (await seed(services)).notices
    finally:
        await services.close()


async def invite_codes(settings: Settings) -> int:
    services = Services.create(settings)
    try:
        async with services.unit_of_work() as uow:
            return int(await uow.session.scalar(select(func.count()).select_from(InviteCode)) or 0)
    finally:
        await services.close()


def warnings_of(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "casino_club.app"]


async def test_production_seeds_no_invite_code_and_says_nobody_can_sign_up(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = fresh(tmp_path, "production")
    notices = await seeded(settings)
    assert notices == [
        "invite code 5858 not created in production: an operator creates invite codes "
        "(createInviteCode)"
    ]
    assert await invite_codes(settings) == 0
    with caplog.at_level(logging.WARNING, logger="casino_club.app"):
        async with running_app(settings) as app, api_for(app) as api:
            refused = await api.signup(site_id=unique_site_id("prod"), invite_code="5858")
    assert refused["__typename"] == "InviteCodeInvalid"
    assert any(NOBODY_CAN_SIGN_UP in message for message in warnings_of(caplog))


async def test_development_seeds_the_code_and_production_warns_it_is_open(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A database seeded in development and then served in production: the code works,
    and the start says an operator should disable it."""
    assert await seeded(fresh(tmp_path, "development")) == []
    settings = fresh(tmp_path, "production")
    assert await invite_codes(settings) == 1
    with caplog.at_level(logging.WARNING, logger="casino_club.app"):
        async with running_app(settings) as app, api_for(app) as api:
            signed_up = await api.signup(site_id=unique_site_id("prod"), invite_code="5858")
    assert signed_up["__typename"] == "AuthPayload"
    messages = warnings_of(caplog)
    assert any(DEVELOPMENT_CODE_OPEN in message for message in messages), messages
    assert not any(NOBODY_CAN_SIGN_UP in message for message in messages)
