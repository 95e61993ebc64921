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

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from zxcvbn import zxcvbn

from casino_club.domain.shop import Currency

DEV_JWT_SECRET = "dev-only-jwt-secret-do-not-use-in-production"  # noqa: S105
DEV_WEBHOOK_SECRET = "dev-only-webhook-secret-do-not-use-in-production"  # noqa: S105
DEV_RECEIPT_SECRET = "dev-only-receipt-secret-do-not-use-in-production"  # noqa: S105
DEVELOPMENT_SECRETS = frozenset({DEV_JWT_SECRET, DEV_WEBHOOK_SECRET, DEV_RECEIPT_SECRET})
MIN_SECRET_BYTES = 32
# zxcvbn's score (0-4): 3 is "safely unguessable" (about 10^10 guesses); below it a
# dictionary, keyboard-pattern or repetition attack finds the value.
MIN_GUESSABILITY_SCORE = 3
# zxcvbn refuses longer inputs; a secret's first 72 characters being unguessable is enough.
GUESSABILITY_MAX_LENGTH = 72


def guessable(value: str) -> bool:
    """zxcvbn's estimate, the well-kept dictionary-and-pattern model password meters use."""
    score: int = zxcvbn(value[:GUESSABILITY_MAX_LENGTH])["score"]
    return score < MIN_GUESSABILITY_SCORE


def secret_problems(secrets: dict[str, str], admin_password: str | None) -> list[str]:
    """Why production must not start with these secrets (SPEC §13), by setting name.

    A secret shorter than 32 bytes, one a dictionary or a repetition finds (`"x" * 32`),
    one published in this repository, or two secrets equal to each other (a leak of one
    would then forge the others: webhooks, receipts and tokens alike); and a first
    admin's password a dictionary would guess (`admin123`).
    """
    problems = []
    for name, secret in secrets.items():
        if secret in DEVELOPMENT_SECRETS:
            problems.append(f"{name} is a development secret, published in this repository")
        elif len(secret.encode()) < MIN_SECRET_BYTES:
            problems.append(f"{name} must be at least {MIN_SECRET_BYTES} bytes")
        elif guessable(secret):
            problems.append(f"{name} is guessable: use a random value (openssl rand -hex 32)")
    names = list(secrets)
    for i, first in enumerate(names):
        for second in names[i + 1 :]:
            if secrets[first] == secrets[second]:
                problems.append(f"{first} and {second} must differ")
    if admin_password is not None and guessable(admin_password):
        problems.append("ADMIN_PASSWORD is one a dictionary would guess")
    return problems


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", frozen=True)

    # `development` (`make run`: every localhost origin allowed), `test`, or `production`
    # (the Docker image's default: refuses development and weak secrets, GraphiQL off).
    app_env: Literal["development", "test", "production"] = "development"
    # The address `casino-club serve` listens on.
    host: str = "127.0.0.1"
    # The port `casino-club serve` listens on.
    port: int = 8000
    # uvicorn worker processes for `casino-club serve` (more than one needs Redis).
    workers: int = Field(default=1, ge=1)
    # The lowest level logged (JSON lines on stderr): DEBUG, INFO, WARNING, ERROR.
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

    # SQLAlchemy async URL: SQLite (aiosqlite, the embedded default) or PostgreSQL
    # (`postgresql+asyncpg://…`, production).
    database_url: str = "sqlite+aiosqlite:///./casino.db"
    # Sized for concurrency: a request may hold two connections (its auth read and its
    # transaction), and connections opened beyond the pool are closed again on return,
    # losing their prepared statements.
    database_pool_size: int = 30
    # Connections opened beyond the pool when it is exhausted (closed again on return).
    database_max_overflow: int = 10
    # PostgreSQL connect and statement timeout (persistence/database.py); a request that
    # meets it answers SERVICE_UNAVAILABLE.
    database_timeout_seconds: float = Field(default=5.0, gt=0)
    # Empty means "no Redis": hot state lives in process (embedded mode).
    redis_url: str = ""
    # Prepended to every Redis key and channel this server uses (one Redis, many servers).
    # No braces: a key's hash tag (its Redis Cluster slot) is the first `{…}` in it.
    redis_prefix: str = Field(default="cc:", pattern=r"^[^{}]*$")
    # REDIS_URL and a redis:// BROADCAST_URL name any node of a Redis Cluster: keys and
    # scripts are routed by slot, and live events go over sharded pub/sub.
    redis_cluster: bool = False
    # Every Redis call fails after these instead of hanging on a stalled server.
    redis_connect_timeout_seconds: float = Field(default=0.5, gt=0)
    # A reply waits for the event loop as well as for Redis: under a full loop 0.5 s was
    # too tight (a spin refused as SERVICE_UNAVAILABLE with Redis healthy).
    redis_socket_timeout_seconds: float = Field(default=2.0, gt=0)
    # Where live events travel: `memory://` (one process) or `redis://…` (shared by every
    # instance; needed for several instances or workers).
    broadcast_url: str = "memory://"
    # What a subscriber that comes back with `since` can be given: each channel's events
    # of the last window, at most this many (the Redis stream's length).
    event_replay_seconds: float = Field(default=300.0, gt=0, le=3600)
    # The most events each channel keeps for replay within the window.
    event_replay_max_events: int = Field(default=2000, ge=100, le=100_000)
    # How often the relay looks for committed events whose publishing failed.
    event_relay_interval_seconds: float = Field(default=1.0, gt=0, le=60)

    # Signs access tokens (HS256 JWT).
    jwt_secret: SecretStr = SecretStr(DEV_JWT_SECRET)
    # Checks the payment provider's webhooks (`Payment-Signature`, HMAC-SHA256).
    webhook_secret: SecretStr = SecretStr(DEV_WEBHOOK_SECRET)
    # Signs purchase receipts (HMAC-SHA256), which `verifyReceipt` checks.
    receipt_secret: SecretStr = SecretStr(DEV_RECEIPT_SECRET)
    # The `iss` claim of access tokens; a token with another is refused.
    jwt_issuer: str = "casino-club"
    # How long an access token is valid (30 minutes).
    access_token_ttl_seconds: int = 30 * 60
    # How long a refresh token is valid (14 days); each use rotates it.
    refresh_token_ttl_seconds: int = 14 * 24 * 3600
    # Login sessions a player keeps at once (0 = unlimited): a login beyond it ends the
    # oldest, whose subscriptions end saying so (reason SESSION_LIMIT). 1 is one device.
    max_sessions_per_player: int = Field(default=0, ge=0)

    # argon2id's iterations per password hash (the argon2 defaults are argon2-cffi's,
    # OWASP-grade; tests lower them).
    argon2_time_cost: int = 3
    # Memory per hash, in KiB.
    argon2_memory_cost_kib: int = 65536
    # Lanes per hash.
    argon2_parallelism: int = 4

    # Hashes running at once (each takes a core for ~160 ms); the rest queue.
    password_hash_concurrency: int = Field(
        default_factory=lambda: max(1, (os.cpu_count() or 2) // 2), ge=1
    )
    # Hashes waiting for a slot beyond which signup/login answer RateLimited at once.
    password_hash_queue: int = Field(default=64, ge=1)

    # Failed logins within the window that lock an account for the lock time.
    login_max_failures: int = 5
    # The window in which failed logins are counted.
    login_failure_window_seconds: int = 600
    # How long a locked account refuses logins (refusals meanwhile do not extend it).
    login_lock_seconds: int = 600
    # signup, login and refreshTokens per client address per minute (0 = no limit, for
    # load tests). The address is the peer's, or — only when the peer is one of
    # `trusted_proxies` (addresses or networks) — the nearest untrusted X-Forwarded-For
    # hop (uvicorn's ProxyHeadersMiddleware).
    auth_attempts_per_minute_per_address: int = Field(default=30, ge=0)
    # Proxies (addresses or CIDR networks) whose X-Forwarded-For is believed; empty: none.
    trusted_proxies: list[str] = Field(default_factory=list)

    # Gold a new player starts with (a SIGNUP_BONUS ledger row).
    signup_bonus_gold: int = 1000
    # The unlimited invite code `seed` creates outside production (development, test);
    # production starts with none, and an operator creates codes (createInviteCode).
    default_invite_code: str = "5858"
    # The siteId of the operator `seed` creates.
    admin_site_id: str = "admin"
    # Unset: `seed` generates a random password and prints it once.
    admin_password: SecretStr | None = None

    # The IANA time zone whose midnight starts a game day (daily limits, check-in,
    # missions, day and week leaderboards, purchase limits).
    game_timezone: str = "UTC"

    # Games: the smallest and largest stake of each (InvalidStake outside). Slots' least:
    slot_min_stake: int = 10
    # Slots' largest stake.
    slot_max_stake: int = 100_000
    # Override the slot strip's weights (symbol name → weight, e.g. `{"SEVEN": 2}`);
    # empty keeps the defaults (docs/games.md).
    slot_symbol_weights: dict[str, int] = Field(default_factory=dict)
    # Override what a triple pays (symbol name → multiple of the stake); empty keeps them.
    slot_triple_pays: dict[str, int] = Field(default_factory=dict)
    # What two cherries pay, as a multiple of the stake (1: the stake back).
    slot_cherry_pair_pays: int = 1
    # Rock-paper-scissors' smallest stake.
    rps_min_stake: int = 10
    # Rock-paper-scissors' largest stake.
    rps_max_stake: int = 100_000
    # Dice's smallest stake.
    dice_min_stake: int = 10
    # Dice's largest stake.
    dice_max_stake: int = 100_000
    # Override the gacha's rates (rarity name → basis points, summing to 10,000); empty
    # keeps the defaults (docs/games.md).
    gacha_rates_bp: dict[str, int] = Field(default_factory=dict)
    # Override the gacha's pull actions per game day (rank name → count); empty keeps them.
    gacha_daily_limits: dict[str, int] = Field(default_factory=dict)
    # Pulls in a row without EPIC or better after which the next is at least EPIC.
    gacha_pity_threshold: int = 90
    # Crash's smallest stake.
    crash_min_stake: int = 10
    # Crash's largest stake.
    crash_max_stake: int = 100_000
    # How often the `crashRound` subscription sends a TICK.
    crash_tick_interval_ms: int = 100
    # How often each app instance settles crash rounds that ended with nobody watching
    # (a round may stay open at most 60 s past its end).
    crash_sweep_interval_seconds: float = Field(default=1.0, gt=0, le=60)
    # Game mutations one player may make per second (a sliding window): RateLimited beyond.
    game_rate_limit_per_second: int = 10
    # Activity events (recordActivity) one player may send per minute (a sliding window):
    # RateLimited beyond; 0 = no limit.
    activity_events_per_minute_per_player: int = Field(default=120, ge=0)

    # Shop: the payment provider (only the sandbox so far).
    payment_gateway: Literal["sandbox"] = "sandbox"
    # How long each call to the provider may take.
    payment_timeout_seconds: float = Field(default=10.0, gt=0)
    # Tries of each call to the provider before it counts as unanswered.
    payment_tries: int = Field(default=3, ge=1)
    # The first pause between tries, doubled after each.
    payment_backoff_seconds: float = Field(default=0.5, ge=0)
    # A purchase still PENDING this long is voided by the sweeper (STALE_AUTO_VOID).
    purchase_stale_seconds: int = Field(default=300, gt=0)
    # A limited package's unit held by a purchase still PENDING this long is released
    # (RESERVATION_EXPIRED) by the same sweeper.
    package_reservation_seconds: int = Field(default=120, gt=0)
    # How often each instance runs that sweeper.
    purchase_sweep_interval_seconds: float = Field(default=30.0, gt=0)
    # The sweeper's look at one stale purchase the provider did not answer about waits
    # this long, doubled per unanswered look up to the maximum; a sweep looks at up to
    # this many purchases at once, so one silent purchase holds up none of the others.
    purchase_check_backoff_seconds: float = Field(default=30.0, gt=0)
    # The longest that back-off grows to.
    purchase_check_backoff_max_seconds: float = Field(default=3600.0, gt=0)
    # Purchases one sweep checks with the provider at once.
    purchase_sweep_concurrency: int = Field(default=10, ge=1, le=100)
    purchase_sweep_batch: int = Field(default=100, ge=1, le=10_000)  # due purchases a sweep takes
    # A refund begun (REFUND_PENDING) but not recorded — the provider did not answer, or
    # the process died — is asked again by the refund job after this long (doubled per
    # unanswered try, up to the sweeper's maximum), every interval.
    refund_retry_seconds: float = Field(default=60.0, gt=0)
    # How often each instance runs the refund job.
    refund_job_interval_seconds: float = Field(default=30.0, gt=0)
    # Lifetime spend (USD cents) that makes a player PREMIUM.
    rank_premium_spend_cents: int = Field(default=5_000, ge=0)
    # Lifetime spend (USD cents) that makes a player VIP.
    rank_vip_spend_cents: int = Field(default=20_000, ge=0)
    # What a minor unit of each shop currency counts as in USD cents, for ranks and
    # purchase limits (update as rates move).
    spend_usd_cents_per_unit: dict[str, Decimal] = Field(
        default_factory=lambda: {"USD": Decimal(1), "EUR": Decimal("1.08"), "KRW": Decimal("0.072")}
    )
    # A player's own limits: lowering applies at once, raising or removing after this.
    limit_raise_delay_seconds: int = Field(default=24 * 3600, ge=0)
    # Fraud guard: the window in which a player's purchase attempts and distinct payment
    # tokens are counted.
    fraud_window_seconds: int = Field(default=300, gt=0)
    # Purchase attempts within the window that block the player's purchases.
    fraud_max_attempts: int = Field(default=20, ge=1)
    # Distinct payment tokens within the window that block the player's purchases.
    fraud_max_tokens: int = Field(default=3, ge=1)
    # How long a blocked player's purchase attempts answer PurchaseBlocked.
    fraud_block_seconds: int = Field(default=900, gt=0)
    # A webhook signed longer ago than this (or as far ahead) is refused.
    webhook_tolerance_seconds: int = Field(default=300, gt=0)
    # How long an idempotency key and its stored answer are kept (then purged).
    idempotency_retention_hours: int = 24
    # How long a checked access token is trusted without the database (0 = check every
    # request); logout, bans and theft end it at once anyway (persistence/session_cache).
    session_cache_seconds: float = Field(default=60.0, ge=0, le=3600)
    # The most checked tokens that cache holds (least recently used evicted).
    session_cache_entries: int = Field(default=100_000, ge=1)
    # How often each instance purges idempotency keys past retention.
    housekeeping_interval_seconds: float = 600.0
    # How often each instance checks every wallet against its ledger (reports, never fixes).
    reconcile_interval_seconds: float = Field(default=24 * 3600, gt=0)
    # How often each instance adds new ledger rows to the economy's daily totals; the
    # report lags by one to two intervals (persistence/economy.py says why).
    economy_rollup_interval_seconds: float = Field(default=300, gt=0)
    # The inflation alarm (economyReport.inflation, the economy_inflation_alarm gauge):
    # gold issued minus sunk over 7 game days above this % of the gold in circulation.
    economy_inflation_alarm_percent: float = Field(default=15.0, gt=0)
    # How often each instance rolls the key figures (kpiReport) up: yesterday's and
    # today's again, and any day not written yet (at most 62 per run).
    kpi_rollup_interval_seconds: float = Field(default=300, gt=0)
    # How often each instance checks that Redis still holds the leaderboards (production
    # mode), and writes them from SQL if not (a Redis that restarted empty).
    leaderboard_check_interval_seconds: float = Field(default=60, gt=0)
    # How often each instance looks whether the current game day's segmentation has run
    # for operators; the first to look after midnight runs it, once per game day.
    segmentation_interval_seconds: float = Field(default=3600, gt=0)
    # How often each instance looks for operators' campaigns that are due, and sends them.
    campaign_dispatch_interval_seconds: float = Field(default=30, gt=0)
    # Players a campaign is sent to per transaction (their notifications, rewards and
    # delivery rows commit together); a crash loses at most one batch's work, redone.
    campaign_dispatch_batch_size: int = Field(default=100, ge=1, le=1000)

    # The largest request body: larger is refused (413 PAYLOAD_TOO_LARGE) before parsing.
    max_request_bytes: int = 64 * 1024
    # A request's headers must be complete this long after its connection opens (or its
    # first byte, on a kept-alive connection), its body this long after its headers;
    # else 408 and the connection is closed (slow_clients.py: trickling clients).
    http_header_timeout_seconds: float = Field(default=10.0, gt=0)
    # How long a request's body may take after its headers (408 beyond).
    http_body_timeout_seconds: float = Field(default=10.0, gt=0)
    # How long a kept-alive connection may sit idle between requests before the server
    # closes it. Longer than any client's or proxy's own idle limit (httpx 5 s, Node 4 s,
    # HAProxy's pool 5 s, nginx and cloud load balancers 60 s), so the client always
    # closes first: a server closing an idle connection just as a request arrives on it
    # resets that request, and the client cannot tell whether it ran (uvicorn's default
    # 5 s equals httpx's, so either could close first).
    http_keep_alive_seconds: int = Field(default=65, ge=1)
    # Whether `__schema` and `__type` answer (GraphiQL and codegen need them).
    graphql_introspection: bool = True
    # GraphiQL on a browser's GET of /graphql, from files shipped in the
    # package (casino_club/graphiql). Unset: on in development and test, off in
    # production. Off, such a GET is answered like any GET without a query (a 400 JSON
    # error), and /graphiql-assets/ does not exist. On with introspection off, the page
    # is still served (the operator chose both; it runs queries without the schema).
    graphiql: bool | None = None
    # The deepest selection an operation may have, counted through fragments.
    graphql_max_depth: int = 10
    # The most aliases an operation may use, counted through fragments (once per spread).
    graphql_max_aliases: int = 15
    # The most tokens a document may have (longer: QUERY_TOO_COMPLEX, never parsed).
    graphql_max_tokens: int = 2000
    # Parsed and validated documents kept (a bounded LRU), so each distinct text is
    # parsed and validated once.
    graphql_cache_size: int = 512
    # Introspection answers kept (schema/introspection.py): each is the schema's
    # description, hundreds of kilobytes for the standard query, so only a few.
    graphql_introspection_cache_size: int = Field(default=16, ge=1)
    # Introspection documents not yet answered that one caller may have executed per
    # minute (schema/introspection.py): each costs ~100 ms of CPU, and a caller varying
    # the text (a space, an alias) would miss the cache every time. 0 = no bound.
    graphql_introspection_misses_per_minute: int = Field(default=10, ge=0)
    # The most an operation may cost (schema/query_cost.py: every field of the answer
    # counted as often as it can appear; a field taking `first` multiplies its selection
    # by it, other lists by 20). The costliest query of the tests (an economy report)
    # costs 1,829, a page of 100 rounds through every field 1,802; a player's history,
    # ledger and logins at 100 each through every field cost 4,504.
    query_max_cost: int = Field(default=2_500, ge=1)
    # Subscriptions one WebSocket connection may hold at once.
    graphql_max_subscriptions_per_connection: int = 20
    # Automatic persisted queries (Apollo's protocol; persisted_queries.py): documents
    # kept by hash (in Redis, shared by every instance, when there is one), the least
    # recently used evicted beyond the count and each expiring this long after its last
    # use. A document longer than the size runs but is not kept. Off, a hash is
    # answered PERSISTED_QUERY_NOT_SUPPORTED and clients send their documents in full.
    persisted_queries: bool = True
    # The most persisted documents kept.
    persisted_queries_max_entries: int = Field(default=2_000, ge=1)
    # The longest document kept (a longer one runs but is not kept).
    persisted_query_max_bytes: int = Field(default=16_384, ge=1)
    # How long a persisted document is kept after its last use.
    persisted_queries_ttl_seconds: float = Field(default=86_400.0, gt=0)
    # How long a shared cache may keep the answer to a GET of public fields only
    # (schema/public_queries.py): `Cache-Control: public, max-age=N`. 0 = no-store, as
    # every other answer is.
    public_query_max_age_seconds: int = Field(default=30, ge=0)
    # Live subscriptions and WebSocket connections one player, and one address (IPv4, or
    # IPv6 /64), may hold at once across all instances (live/limits.py); 0 = no limit.
    # This one: subscriptions per player.
    graphql_max_subscriptions_per_player: int = Field(default=50, ge=0)
    # Subscriptions per address.
    graphql_max_subscriptions_per_address: int = Field(default=1000, ge=0)
    # WebSocket connections per player.
    ws_max_connections_per_player: int = Field(default=10, ge=0)
    # WebSocket connections per address.
    ws_max_connections_per_address: int = Field(default=200, ge=0)
    # A held connection's or subscription's count in Redis lasts this long unless its
    # instance renews it (every third of it): a crashed instance's are free again after.
    live_lease_seconds: float = Field(default=60.0, ge=1)
    # Queries and mutations each caller may run per second (schema/query_budget.py): a
    # player by account, an anonymous caller by address (IPv4, or IPv6 /64); beyond it
    # they answer RATE_LIMITED. 0 = no budget (load tests).
    query_budget_per_second_per_player: int = Field(default=30, ge=0)
    # The same budget for each anonymous caller's address.
    query_budget_per_second_per_address: int = Field(default=30, ge=0)
    # Browser origins (a JSON list, `["*"]` for any) allowed by CORS on /graphql and for
    # WebSocket handshakes; in development every localhost origin is allowed as well.
    allowed_origins: list[str] = Field(default_factory=list)
    # How often the server pings each WebSocket, and how long it waits for the pong.
    ws_ping_interval_seconds: float = 15.0
    # Offer permessage-deflate compression on WebSockets. Off: each connection's zlib
    # state costs about 50 KiB of server memory, idle or not (of about 80 KiB in all),
    # and the events it would compress are a few hundred bytes of JSON.
    ws_per_message_deflate: bool = False
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
    def _production_refuses_weak_secrets(self) -> Settings:
        if self.app_env != "production":
            return self
        problems = secret_problems(
            {
                "JWT_SECRET": self.jwt_secret.get_secret_value(),
                "WEBHOOK_SECRET": self.webhook_secret.get_secret_value(),
                "RECEIPT_SECRET": self.receipt_secret.get_secret_value(),
            },
            None if self.admin_password is None else self.admin_password.get_secret_value(),
        )
        if problems:
            raise ValueError("refusing to start in production: " + "; ".join(problems))
        return self

    @property
    def graphiql_enabled(self) -> bool:
        """GRAPHIQL if set, else whether this is not production."""
        return self.graphiql if self.graphiql is not None else self.app_env != "production"

    @property
    def uses_redis(self) -> bool:
        return bool(self.redis_url)

    @property
    def shares_state_across_processes(self) -> bool:
        """Hot state and events live in Redis, so several processes act as one server."""
        return self.uses_redis and self.broadcast_url.startswith(("redis://", "rediss://"))


class ConfigurationError(Exception):
    """The environment's settings are refused; the message names them, never their values."""


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings. pydantic's own error would quote the input (secrets too)."""
    try:
        return Settings()
    except ValidationError as exc:
        problems = [
            f"{'.'.join(str(part) for part in error['loc']) or 'settings'}: {error['msg']}"
            for error in exc.errors(include_input=False, include_url=False)
        ]
        raise ConfigurationError("; ".join(problems)) from None
