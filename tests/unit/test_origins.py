"""The origin policy shared by CORS and the WebSocket check (casino_club/origins.py)."""

from __future__ import annotations

from casino_club.config import Settings
from casino_club.origins import OriginPolicy


def policy(app_env: str, origins: list[str]) -> OriginPolicy:
    return OriginPolicy.from_settings(
        Settings(_env_file=None, app_env=app_env, allowed_origins=origins)
    )


def test_a_listed_origin_is_allowed_as_a_browser_writes_it() -> None:
    allowed = policy("test", ["https://Play.Example.com:443", "http://app.example:3000"])
    assert allowed.allows("https://play.example.com")
    assert allowed.allows("http://app.example:3000")
    assert not allowed.allows("http://app.example:3001")
    assert not allowed.allows("https://play.example.com.evil.test")
    assert not allowed.allows("null")


def test_localhost_origins_are_allowed_in_development_only() -> None:
    development = policy("development", [])
    for origin in ("http://localhost:3000", "http://127.0.0.1:5173", "https://[::1]:8443"):
        assert development.allows(origin), origin
    assert not development.allows("http://localhost.evil.test")
    assert not development.allows("http://example.com")
    assert not policy("test", []).allows("http://localhost:3000")


def test_a_star_allows_every_origin() -> None:
    assert policy("test", ["*"]).allows("https://anything.example")
