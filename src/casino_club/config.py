"""Every knob of the server, read once from the environment (or `.env`).

The defaults are the numbers of the product spec, so a bare `make run` behaves like the
spec says; production mode (`APP_ENV=production`) refuses the development secrets.
"""

from __future__ import annotations

import ipaddress
import os
from decimal import Decimal
from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from casino_club.domain.shop import Currency

DEV_JWT_SECRET = "dev-only-jwt-secret-do-not-use-in-production"  # noqa: S105
DEV_WEBHOOK_SECRET = "dev-only-webhook-secret-do-not-use-in-production"  # noqa: S105
DEV_RECEIPT_SECRET = "dev-only-receipt-secret-do-not-use-in-production"  # noqa: S105
# Passwords that a production deployment must never keep for its first admin.
WELL_KNOWN_ADMIN_PASSWORDS = frozenset({"admin", "password", "changeme", "change-me", "5858"})


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", frozen=True)

    app_env: Literal["development", "test", "production"] = "development"
    host: str = "127.0.0.1"
    port: int = 8000
    # uvicorn worker processes for `casino-club serve` (more than one needs Redis).
    workers: int = Field(default=1, ge=1)
    log_level: str = "INFO"
    # After startup, move everything then alive out of the collector's sight (gc.freeze):
    # a full collection otherwise walks the whole schema and every module, pausing all
    # requests for 100 ms and more. Off in tests, which start hundreds of apps per process.
    gc_freeze_at_startup: bool = True
    # Allocations between the collector's young-generation passes (Python's default is
    # 700). Answered requests leave no cyclic garbage (schema/executor.py), so a pass only
    # walks the requests still in flight: fewer passes are CPU saved (about a tenth of a
    # spin's at 10,000, measured back to back). 0 keeps Python's default.
    gc_young_threshold: int = Field(default=10_000, ge=0)

    database_url: str = "sqlite+aiosqlite:///./casino.db"
    # Sized for concurrency: a request may hold two connections (its auth read and its
    # transaction), and connections opened beyond the pool are closed again on return,
    # losing their prepared statements.
    database_pool_size: int = 30
    database_max_overflow: int = 10
    # PostgreSQL connect and statement timeout (persistence/database.py); a request that
    # meets it answers SERVICE_UNAVAILABLE.
    database_timeout_seconds: float = Field(default=5.0, gt=0)
    # Empty means "no Redis": hot state lives in process (embedded mode).
    redis_url: str = ""
    redis_prefix: str = "cc:"
    # Every Redis call fails after these instead of hanging on a stalled server.
    redis_connect_timeout_seconds: float = Field(default=0.5, gt=0)
    # A reply waits for the event loop as well as for Redis: under a full loop 0.5 s was
    # too tight (a spin refused as SERVICE_UNAVAILABLE with Redis healthy).
    redis_socket_timeout_seconds: float = Field(default=2.0, gt=0)
    broadcast_url: str = "memory://"
    # What a subscriber that comes back with `since` can be given (SPEC §10): each
    # channel's events of the last window, at most this many (the Redis stream's length).
    event_replay_seconds: float = Field(default=300.0, gt=0, le=3600)
    event_replay_max_events: int = Field(default=2000, ge=100, le=100_000)
    # How often the relay looks for committed events whose publishing failed.
    event_relay_interval_seconds: float = Field(default=1.0, gt=0, le=60)

    jwt_secret: SecretStr = SecretStr(DEV_JWT_SECRET)
    webhook_secret: SecretStr = SecretStr(DEV_WEBHOOK_SECRET)
    receipt_secret: SecretStr = SecretStr(DEV_RECEIPT_SECRET)
    jwt_issuer: str = "casino-club"
    access_token_ttl_seconds: int = 30 * 60
    refresh_token_ttl_seconds: int = 14 * 24 * 3600

    # argon2id cost; the defaults are argon2-cffi's (OWASP-grade), tests lower them.
    argon2_time_cost: int = 3
    argon2_memory_cost_kib: int = 65536
    argon2_parallelism: int = 4

    # Hashes running at once (each takes a core for ~160 ms); the rest queue.
    password_hash_concurrency: int = Field(
        default_factory=lambda: max(1, (os.cpu_count() or 2) // 2), ge=1
    )
    # Hashes waiting for a slot beyond which signup/login answer RateLimited at once.
    password_hash_queue: int = Field(default=64, ge=1)

    login_max_failures: int = 5
    login_failure_window_seconds: int = 600
    login_lock_seconds: int = 600
    # signup, login and refreshTokens per client address per minute (0 = no limit, for
    # load tests). The address is the peer's, or — only when the peer is one of
    # `trusted_proxies` (addresses or networks) — the nearest untrusted X-Forwarded-For
    # hop (uvicorn's ProxyHeadersMiddleware).
    auth_attempts_per_minute_per_address: int = Field(default=30, ge=0)
    trusted_proxies: list[str] = Field(default_factory=list)

    signup_bonus_gold: int = 1000
    default_invite_code: str = "5858"
    admin_site_id: str = "admin"
    # Unset: `seed` generates a random password and prints it once.
    admin_password: SecretStr | None = None

    game_timezone: str = "UTC"

    # Games (SPEC §6): stake limits, per-user rate limit, idempotency key lifetime.
    slot_min_stake: int = 10
    slot_max_stake: int = 100_000
    # Override the slot strip / paytable (symbol name → number); empty keeps the defaults.
    slot_symbol_weights: dict[str, int] = Field(default_factory=dict)
    slot_triple_pays: dict[str, int] = Field(default_factory=dict)
    slot_cherry_pair_pays: int = 1
    rps_min_stake: int = 10
    rps_max_stake: int = 100_000
    dice_min_stake: int = 10
    dice_max_stake: int = 100_000
    # Gacha overrides (rarity / rank name → number); empty keeps the SPEC §6.3 defaults.
    gacha_rates_bp: dict[str, int] = Field(default_factory=dict)
    gacha_daily_limits: dict[str, int] = Field(default_factory=dict)
    gacha_pity_threshold: int = 90
    crash_min_stake: int = 10
    crash_max_stake: int = 100_000
    crash_tick_interval_ms: int = 100
    # How often each app instance settles crash rounds that ended with nobody watching;
    # SPEC §6.4 allows a round to stay open at most 60 s past its end.
    crash_sweep_interval_seconds: float = Field(default=1.0, gt=0, le=60)
    game_rate_limit_per_second: int = 10

    # Shop (SPEC §7): the payment provider, and how long each of its calls may take.
    payment_gateway: Literal["sandbox"] = "sandbox"
    payment_timeout_seconds: float = Field(default=10.0, gt=0)
    payment_tries: int = Field(default=3, ge=1)
    payment_backoff_seconds: float = Field(default=0.5, ge=0)
    # A purchase still PENDING this long is voided by the sweeper (STALE_AUTO_VOID).
    purchase_stale_seconds: int = Field(default=300, gt=0)
    # A limited package's unit held by a purchase still PENDING this long is released
    # (RESERVATION_EXPIRED) by the same sweeper.
    package_reservation_seconds: int = Field(default=120, gt=0)
    purchase_sweep_interval_seconds: float = Field(default=30.0, gt=0)
    # Lifetime spend (USD cents) that upgrades a player's rank (SPEC §5.2), and what a
    # minor unit of each shop currency counts as in USD cents for it (update as rates move).
    rank_premium_spend_cents: int = Field(default=5_000, ge=0)
    rank_vip_spend_cents: int = Field(default=20_000, ge=0)
    spend_usd_cents_per_unit: dict[str, Decimal] = Field(
        default_factory=lambda: {"USD": Decimal(1), "EUR": Decimal("1.08"), "KRW": Decimal("0.072")}
    )
    # A player's own limits: lowering applies at once, raising after this (SPEC §5.5).
    limit_raise_delay_seconds: int = Field(default=24 * 3600, ge=0)
    # Fraud guard: this many purchase attempts, or distinct payment tokens, in the window
    # block a player's purchases for the block time (SPEC §7.6).
    fraud_window_seconds: int = Field(default=300, gt=0)
    fraud_max_attempts: int = Field(default=20, ge=1)
    fraud_max_tokens: int = Field(default=3, ge=1)
    fraud_block_seconds: int = Field(default=900, gt=0)
    # A webhook signed longer ago than this (or as far ahead) is refused.
    webhook_tolerance_seconds: int = Field(default=300, gt=0)
    idempotency_retention_hours: int = 24
    # How long a checked access token is trusted without the database (0 = check every
    # request); logout, bans and theft end it at once anyway (persistence/session_cache).
    session_cache_seconds: float = Field(default=60.0, ge=0, le=3600)
    session_cache_entries: int = Field(default=100_000, ge=1)
    housekeeping_interval_seconds: float = 600.0
    # How often each instance checks every wallet against its ledger (reports, never fixes).
    reconcile_interval_seconds: float = Field(default=24 * 3600, gt=0)
    # How often each instance adds new ledger rows to the economy's daily totals; the
    # report lags by one to two intervals (persistence/economy.py says why).
    economy_rollup_interval_seconds: float = Field(default=300, gt=0)
    # How often each instance checks that Redis still holds the leaderboards (production
    # mode), and writes them from SQL if not (a Redis that restarted empty).
    leaderboard_check_interval_seconds: float = Field(default=60, gt=0)

    max_request_bytes: int = 64 * 1024
    # A request's headers must be complete this long after its connection opens (or its
    # first byte, on a kept-alive connection), its body this long after its headers;
    # else 408 and the connection is closed (slow_clients.py: trickling clients).
    http_header_timeout_seconds: float = Field(default=10.0, gt=0)
    http_body_timeout_seconds: float = Field(default=10.0, gt=0)
    graphql_introspection: bool = True
    graphql_max_depth: int = 10
    graphql_max_aliases: int = 15
    graphql_max_tokens: int = 2000
    graphql_cache_size: int = 512
    graphql_max_subscriptions_per_connection: int = 20
    allowed_origins: list[str] = Field(default_factory=list)
    ws_ping_interval_seconds: float = 15.0
    # A WebSocket that has not sent connection_init by then is closed (4408), on both
    # protocols: an idle socket holds a connection slot and memory for nothing.
    ws_connection_init_timeout_seconds: float = Field(default=10.0, gt=0)

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for entry in value:
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError as exc:
                raise ValueError(f"not an address or network: {entry!r}") from exc
        return value

    @field_validator("spend_usd_cents_per_unit")
    @classmethod
    def _every_currency_has_a_rate(cls, value: dict[str, Decimal]) -> dict[str, Decimal]:
        currencies = {currency.value for currency in Currency}
        if set(value) != currencies or any(rate < 0 for rate in value.values()):
            raise ValueError(f"a rate >= 0 for exactly {sorted(currencies)}")
        return value

    @property
    def zone(self) -> ZoneInfo:
        """GAME_TIMEZONE, where game days begin (ZoneInfo keeps one instance per key)."""
        return ZoneInfo(self.game_timezone)

    @field_validator("game_timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @model_validator(mode="after")
    def _production_refuses_development_secrets(self) -> Settings:
        if self.app_env != "production":
            return self
        problems = []
        for name, value, dev in (
            ("JWT_SECRET", self.jwt_secret, DEV_JWT_SECRET),
            ("WEBHOOK_SECRET", self.webhook_secret, DEV_WEBHOOK_SECRET),
            ("RECEIPT_SECRET", self.receipt_secret, DEV_RECEIPT_SECRET),
        ):
            secret = value.get_secret_value()
            if secret == dev or len(secret) < 32:
                problems.append(f"{name} must be set to a secret of at least 32 characters")
        if (
            self.admin_password is not None
            and self.admin_password.get_secret_value().lower() in WELL_KNOWN_ADMIN_PASSWORDS
        ):
            problems.append("ADMIN_PASSWORD is a well-known default")
        if problems:
            raise ValueError("refusing to start in production: " + "; ".join(problems))
        return self

    @property
    def uses_redis(self) -> bool:
        return bool(self.redis_url)

    @property
    def shares_state_across_processes(self) -> bool:
        """Hot state and events live in Redis, so several processes act as one server."""
        return self.uses_redis and self.broadcast_url.startswith(("redis://", "rediss://"))


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
