"""The relational model. Alembic migrations are checked against it by a test."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from casino_club.persistence.column_types import BigIntId, UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("gold_debt >= 0", name="debt_not_negative"),
        # Operators' search (persistence/user_listing.py): prefix LIKE and spend order.
        Index(
            "ix_users_site_id_key_prefix",
            "site_id_key",
            postgresql_ops={"site_id_key": "varchar_pattern_ops"},
        ),
        Index(
            "ix_users_nickname_key_prefix",
            "nickname_key",
            postgresql_ops={"nickname_key": "varchar_pattern_ops"},
        ),
        Index("ix_users_lifetime_spend_cents_id", "lifetime_spend_cents", "id"),
    )

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    site_id: Mapped[str] = mapped_column(String(32))
    site_id_key: Mapped[str] = mapped_column(String(64), unique=True)
    nickname: Mapped[str] = mapped_column(String(40))
    nickname_key: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    phone: Mapped[str | None] = mapped_column(String(32))
    role: Mapped[str] = mapped_column(String(16), default="USER")
    rank: Mapped[str] = mapped_column(String(16), default="STANDARD")
    xp: Mapped[int] = mapped_column(BigInteger, default=0)
    daily_streak: Mapped[int] = mapped_column(Integer, default=0)
    # The last game day the daily reward was claimed (domain/checkin.py).
    last_checkin_day: Mapped[date | None] = mapped_column(Date)
    lifetime_spend_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    # Gold a refund could not take back (SPEC §7.6): owed, and no play until it is repaid.
    gold_debt: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    # A cool-off or self-exclusion (SPEC §5.5): no play or purchase before this.
    excluded_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The KPI rollup reads a game day's sign-ups.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    banned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ban_reason: Mapped[str | None] = mapped_column(String(500))


class Wallet(Base):
    """One row per user; `gold` only changes together with a ledger row (persistence.wallet)."""

    __tablename__ = "wallets"
    __table_args__ = (CheckConstraint("gold >= 0", name="gold_not_negative"),)

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    gold: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class LedgerEntry(Base):
    """Append-only: every gold movement, with why and what caused it."""

    __tablename__ = "ledger_entries"
    __table_args__ = (Index("ix_ledger_entries_user_id_id", "user_id", "id"),)

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    amount: Mapped[int] = mapped_column(BigInteger)
    balance_after: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(String(32))
    reference: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class InviteCode(Base):
    __tablename__ = "invite_codes"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    max_uses: Mapped[int | None] = mapped_column(Integer)
    used_count: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class LoginAttempt(Base):
    __tablename__ = "login_attempts"
    __table_args__ = (Index("ix_login_attempts_user_id_created_at", "user_id", "created_at"),)

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    site_id: Mapped[str] = mapped_column(String(64))
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(256))
    success: Mapped[bool] = mapped_column(Boolean)
    # SUCCESS, BAD_PASSWORD, UNKNOWN_USER, LOCKED, BANNED
    outcome: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AuthSession(Base):
    """One login on one device; access tokens carry its id (`sid`), refresh tokens rotate in it."""

    __tablename__ = "auth_sessions"
    __table_args__ = (Index("ix_auth_sessions_user_id", "user_id"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoke_reason: Mapped[str | None] = mapped_column(String(32))
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(256))


class RefreshToken(Base):
    """Each refresh token is used once; a second use is theft (reuse detection)."""

    __tablename__ = "refresh_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("auth_sessions.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AuditLog(Base):
    """Who changed what as an operator, with before/after (SPEC §11)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str | None] = mapped_column(String(128), index=True)
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
    # The request that made the change (the id in the server log and X-Request-ID).
    request_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class FairnessSeed(Base):
    """A player's server seed (secret until rotated), client seed and nonce (SPEC §6.1)."""

    __tablename__ = "fairness_seeds"
    __table_args__ = (
        # At most one active seed per player.
        Index(
            "ix_fairness_seeds_active_user",
            "user_id",
            unique=True,
            postgresql_where=text("active"),
            sqlite_where=text("active"),
        ),
    )

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    server_seed: Mapped[str] = mapped_column(String(64))
    server_seed_hash: Mapped[str] = mapped_column(String(64), index=True)
    client_seed: Mapped[str] = mapped_column(String(64))
    nonce: Mapped[int] = mapped_column(BigInteger, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revealed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Consecutive slot wins before the next spin. It lives here because every bet locks
    # this row first (the nonce), so a spin reads and writes its streak atomically; a
    # rotation carries it over to the new seed.
    slot_win_streak: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class GameRound(Base):
    """One settled play of any game, with the fairness proof to recompute it."""

    __tablename__ = "game_history"
    __table_args__ = (Index("ix_game_history_user_id_id", "user_id", "id"),)

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    game: Mapped[str] = mapped_column(String(16))
    stake: Mapped[int] = mapped_column(BigInteger)
    payout: Mapped[int] = mapped_column(BigInteger)
    outcome: Mapped[str] = mapped_column(Text)
    seed_id: Mapped[int] = mapped_column(ForeignKey("fairness_seeds.id", ondelete="RESTRICT"))
    server_seed_hash: Mapped[str] = mapped_column(String(64))
    client_seed: Mapped[str] = mapped_column(String(64))
    nonce: Mapped[int] = mapped_column(BigInteger)
    # The KPI rollup reads a game day's plays.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class IdempotencyKey(Base):
    """A money mutation's key and, once it completed, its result (Stripe's semantics)."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("user_id", "key", name="uq_idempotency_keys_user_key"),)

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(255))
    operation: Mapped[str] = mapped_column(String(32))
    fingerprint: Mapped[str] = mapped_column(String(64))
    # IN_PROGRESS inside the claiming transaction, COMPLETED with `response` when it
    # commits (persistence/idempotency.py): other requests only ever see COMPLETED,
    # except a purchase's key, committed IN_PROGRESS until the purchase settles.
    state: Mapped[str] = mapped_column(String(16))
    response: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CatalogItem(Base):
    """Anything a player can hold: gacha collectibles and consumables (tickets, protection)."""

    __tablename__ = "items"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    # COLLECTIBLE or CONSUMABLE
    kind: Mapped[str] = mapped_column(String(16))
    rarity: Mapped[str | None] = mapped_column(String(16), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class InventoryEntry(Base):
    __tablename__ = "inventory"
    __table_args__ = (
        CheckConstraint("quantity >= 0", name="quantity_not_negative"),
        UniqueConstraint("user_id", "item_id", name="uq_inventory_user_item"),
    )

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    item_id: Mapped[str] = mapped_column(ForeignKey("items.id", ondelete="RESTRICT"))
    quantity: Mapped[int] = mapped_column(Integer)
    acquired_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class GachaStock(Base):
    """Global stock of a stocked rarity; no row means unlimited."""

    __tablename__ = "gacha_stock"
    __table_args__ = (CheckConstraint("remaining >= 0", name="remaining_not_negative"),)

    rarity: Mapped[str] = mapped_column(String(16), primary_key=True)
    remaining: Mapped[int] = mapped_column(Integer)


class GachaProgress(Base):
    """A player's pity counter and lifetime counts by rarity."""

    __tablename__ = "gacha_progress"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    pity: Mapped[int] = mapped_column(Integer, default=0)
    commons: Mapped[int] = mapped_column(Integer, default=0)
    rares: Mapped[int] = mapped_column(Integer, default=0)
    epics: Mapped[int] = mapped_column(Integer, default=0)
    legendaries: Mapped[int] = mapped_column(Integer, default=0)
    # Pull actions on `pulls_day` (a game day): counted under the lock every pull takes,
    # in the pull's transaction, so the daily limit survives a Redis flush or restart.
    pulls_day: Mapped[date | None] = mapped_column(Date)
    pulls_today: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class WheelFreeSpin(Base):
    """The free wheel spin of a game day; the primary key makes it once per day."""

    __tablename__ = "wheel_free_spins"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    spun_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CrashRound(Base):
    """A crash round from bet to settlement: the durable record of an open round.

    The stake is debited in the transaction that inserts the row, so a round can never
    exist without its stake nor a stake without its round, across restarts; settling is
    a conditional update from OPEN, so it happens once. The partial unique index allows
    one open round per player.
    """

    __tablename__ = "crash_rounds"
    __table_args__ = (
        Index(
            "uq_crash_rounds_user_id_open",
            "user_id",
            unique=True,
            sqlite_where=text("status = 'OPEN'"),
            postgresql_where=text("status = 'OPEN'"),
        ),
        Index("ix_crash_rounds_status_settles_at", "status", "settles_at"),
        Index("ix_crash_rounds_user_id_id", "user_id", "id"),
        Index("ix_crash_rounds_started_at", "started_at"),
    )

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16))
    stake: Mapped[int] = mapped_column(BigInteger)
    # Multipliers in hundredths; the crash point reaches 99·2**32, beyond 32 bits.
    auto_cashout: Mapped[int | None] = mapped_column(BigInteger)
    crash_point: Mapped[int] = mapped_column(BigInteger)
    seed_id: Mapped[int] = mapped_column(ForeignKey("fairness_seeds.id", ondelete="RESTRICT"))
    server_seed_hash: Mapped[str] = mapped_column(String(64))
    client_seed: Mapped[str] = mapped_column(String(64))
    nonce: Mapped[int] = mapped_column(BigInteger)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # When the round ends by itself (auto-cash-out or crash): the sweeper's schedule.
    settles_at: Mapped[datetime] = mapped_column(UTCDateTime)
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cashout_multiplier: Mapped[int | None] = mapped_column(BigInteger)
    ended_ms: Mapped[int | None] = mapped_column(BigInteger)
    payout: Mapped[int | None] = mapped_column(BigInteger)
    history_id: Mapped[int | None] = mapped_column(
        ForeignKey("game_history.id", ondelete="SET NULL")
    )


def table(model: type[Base]) -> Table:
    """The Core table of a model, for hot-path statements that skip the ORM layer."""
    result = model.__table__
    assert isinstance(result, Table)
    return result


class Product(Base):
    """A shop product (SPEC §7.1); prices in the currency's minor unit."""

    __tablename__ = "products"
    __table_args__ = (
        CheckConstraint("price_cents > 0", name="price_positive"),
        CheckConstraint("gold >= 0 AND bonus_gold >= 0", name="gold_not_negative"),
        CheckConstraint(
            "discount_percent >= 0 AND discount_percent < 100", name="discount_in_range"
        ),
        CheckConstraint("currency IN ('USD', 'KRW', 'EUR')", name="currency_allowed"),
    )

    sku: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(String(500))
    price_cents: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    gold: Mapped[int] = mapped_column(BigInteger)
    bonus_gold: Mapped[int] = mapped_column(BigInteger)
    discount_percent: Mapped[int] = mapped_column(Integer, default=0)
    discount_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    min_rank: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class Purchase(Base):
    """One attempt to buy (SPEC §7.2): recorded PENDING before the gateway is asked, and
    settled once (domain/payments.py). Price and contents are copied from the product
    when it opens, so later catalog edits never change it."""

    __tablename__ = "purchases"
    __table_args__ = (
        CheckConstraint(
            "status IN ('PENDING', 'SUCCEEDED', 'FAILED', 'VOIDED', 'REFUND_PENDING', 'REFUNDED')",
            name="status_known",
        ),
        CheckConstraint("quantity > 0 AND amount_cents > 0 AND gold >= 0", name="amounts_valid"),
        Index("ix_purchases_user_id_id", "user_id", "id"),
        Index("ix_purchases_status_created_at", "status", "created_at"),
        Index("ix_purchases_status_next_check_at", "status", "next_check_at"),
        UniqueConstraint("gateway", "gateway_payment_id", name="uq_purchases_gateway_payment"),
    )

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # The buyer's idempotency key: whoever settles the purchase completes it.
    idempotency_key: Mapped[str] = mapped_column(String(255))
    sku: Mapped[str] = mapped_column(String(64))
    quantity: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3))
    unit_price_cents: Mapped[int] = mapped_column(BigInteger)
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    gold: Mapped[int] = mapped_column(BigInteger)
    bonus_gold: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16))
    failure_reason: Mapped[str | None] = mapped_column(String(32))
    # A limited package's purchase holds one unit of its stock while PENDING.
    package_sku: Mapped[str | None] = mapped_column(
        ForeignKey("limited_packages.sku", ondelete="RESTRICT")
    )
    gateway: Mapped[str] = mapped_column(String(32))
    gateway_payment_id: Mapped[str | None] = mapped_column(String(128))
    receipt_code: Mapped[str | None] = mapped_column(String(32), unique=True)
    receipt_signature: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The KPI rollup reads a game day's charges and refunds.
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    refunded_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    refund_reason: Mapped[str | None] = mapped_column(String(500))
    # The price in USD cents, as spend limits and rank thresholds count it.
    spend_usd_cents: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    # The promo code used (it holds one of the code's uses while PENDING).
    promo_code: Mapped[str | None] = mapped_column(
        ForeignKey("promo_codes.code", ondelete="RESTRICT")
    )
    # Who asked for the refund (None: the provider, by a webhook), kept while it is
    # REFUND_PENDING so the job that finishes it audits it as theirs.
    refund_actor_id: Mapped[int | None] = mapped_column(BigIntId)
    # The sweeper's next look at a PENDING purchase, and how many looks went unanswered
    # (the back-off grows with them); NULL: due once it is stale.
    next_check_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checks: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # A payment that completed after the purchase left PENDING unpaid and that the
    # provider did not give back when asked: the sweeper asks again (at next_check_at)
    # until it has, so no money stays with us unrecorded (SPEC §7.7).
    late_payment_id: Mapped[str | None] = mapped_column(String(128))


class LimitedPackage(Base):
    """A package sold for a window from a fixed stock (SPEC §7.3). `reserved` counts the
    units held by PENDING purchases and `sold` the SUCCEEDED ones: the conditional
    UPDATE that reserves a unit is what makes the stock hold under any concurrency."""

    __tablename__ = "limited_packages"
    __table_args__ = (
        CheckConstraint("price_cents > 0", name="price_positive"),
        CheckConstraint("gold >= 0", name="gold_not_negative"),
        CheckConstraint("currency IN ('USD', 'KRW', 'EUR')", name="currency_allowed"),
        CheckConstraint("ends_at > starts_at", name="window_ordered"),
        CheckConstraint("per_user_limit >= 1", name="limit_positive"),
        CheckConstraint(
            "reserved >= 0 AND sold >= 0 AND sold + reserved <= total_stock", name="stock_held"
        ),
    )

    sku: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(String(500))
    price_cents: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    gold: Mapped[int] = mapped_column(BigInteger)
    # [[item id, quantity], ...]
    items: Mapped[list[list[object]]] = mapped_column(JSON)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    total_stock: Mapped[int] = mapped_column(Integer)
    per_user_limit: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    reserved: Mapped[int] = mapped_column(Integer, default=0)
    sold: Mapped[int] = mapped_column(Integer, default=0)


class PromoCode(Base):
    """A promo code (SPEC §7.4). `uses` counts the purchases holding or having used it:
    the conditional UPDATE that takes a use keeps it within `max_uses`."""

    __tablename__ = "promo_codes"
    __table_args__ = (
        CheckConstraint("kind IN ('PERCENT', 'FIXED')", name="kind_known"),
        CheckConstraint(
            "(kind = 'PERCENT' AND amount BETWEEN 1 AND 100 AND currency IS NULL) OR "
            "(kind = 'FIXED' AND amount > 0 AND currency IN ('USD', 'KRW', 'EUR'))",
            name="amount_valid",
        ),
        CheckConstraint("ends_at > starts_at", name="window_ordered"),
        CheckConstraint(
            "per_user_limit >= 1 AND uses >= 0 AND (max_uses IS NULL OR uses <= max_uses)",
            name="uses_held",
        ),
    )

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str | None] = mapped_column(String(3))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    max_uses: Mapped[int | None] = mapped_column(Integer)
    per_user_limit: Mapped[int] = mapped_column(Integer)
    # Skus of products and packages it applies to; empty: everything.
    applies_to: Mapped[list[str]] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    uses: Mapped[int] = mapped_column(Integer, default=0)


class PlayerLimit(Base):
    """A limit a player set on themselves (SPEC §5.5; domain/limits.py): the amount in
    force, and a raise or removal waiting until `pending_from`."""

    __tablename__ = "player_limits"
    __table_args__ = (
        CheckConstraint("amount IS NULL OR amount >= 0", name="amount_not_negative"),
        CheckConstraint(
            "pending_amount IS NULL OR pending_amount >= 0", name="pending_not_negative"
        ),
    )

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    amount: Mapped[int | None] = mapped_column(BigInteger)
    pending: Mapped[bool] = mapped_column(Boolean, default=False)
    pending_amount: Mapped[int | None] = mapped_column(BigInteger)
    pending_from: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PaymentWebhookEvent(Base):
    """A provider event already processed: its id is accepted at most once."""

    __tablename__ = "payment_webhook_events"

    event_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    event_type: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)


class EconomyDay(Base):
    """Gold issued and sunk on one game day for one ledger reason (domain/economy.py),
    summed from the ledger by the rollup (persistence/economy.py)."""

    __tablename__ = "economy_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    reason: Mapped[str] = mapped_column(String(32), primary_key=True)
    issued: Mapped[int] = mapped_column(BigInteger, default=0)
    sunk: Mapped[int] = mapped_column(BigInteger, default=0)
    movements: Mapped[int] = mapped_column(BigInteger, default=0)


class EconomyRollup(Base):
    """How far the rollup has read the ledger (one row): ledger ids up to `done_through`
    are summed in economy_days. `next_through` is the newest id there was at
    `next_seen_at`, read on the next run, when a transaction still open at that moment
    has long committed. `complete_as_of`: every movement before it is counted."""

    __tablename__ = "economy_rollup"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    done_through: Mapped[int] = mapped_column(BigInteger, default=0)
    next_through: Mapped[int] = mapped_column(BigInteger, default=0)
    next_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    complete_as_of: Mapped[datetime | None] = mapped_column(UTCDateTime)


class DailyCheckIn(Base):
    """A claimed daily reward (SPEC §8.1): the primary key allows one per game day."""

    __tablename__ = "daily_checkins"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    streak: Mapped[int] = mapped_column(Integer)
    gold: Mapped[int] = mapped_column(BigInteger)
    xp: Mapped[int] = mapped_column(Integer)
    protections_used: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PlayerStats(Base):
    """A player's totals in one game (SPEC §9.1), added to by every finished play in its
    own transaction (persistence/player_stats.py), so they always agree with history."""

    __tablename__ = "player_stats"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    game: Mapped[str] = mapped_column(String(16), primary_key=True)
    plays: Mapped[int] = mapped_column(BigInteger)
    wins: Mapped[int] = mapped_column(BigInteger)  # paid more than the stake
    losses: Mapped[int] = mapped_column(BigInteger)  # paid less than the stake
    staked: Mapped[int] = mapped_column(BigInteger)
    paid: Mapped[int] = mapped_column(BigInteger)
    biggest_win: Mapped[int] = mapped_column(BigInteger)  # the largest payout of one play
    best_multiplier: Mapped[int] = mapped_column(BigInteger)  # crash: hundredths, 0 if none


class Mission(Base):
    """A mission's definition (SPEC §8.3; the rules in domain/missions.py)."""

    __tablename__ = "missions"
    __table_args__ = (
        CheckConstraint("target > 0", name="target_positive"),
        CheckConstraint("reward_gold >= 0 AND reward_xp >= 0", name="reward_not_negative"),
        # Every action looks up the active missions counting its events.
        Index("ix_missions_event_active", "event", "active"),
    )

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(String(500))
    period: Mapped[str] = mapped_column(String(8))
    event: Mapped[str] = mapped_column(String(16))
    target: Mapped[int] = mapped_column(BigInteger)
    reward_gold: Mapped[int] = mapped_column(BigInteger)
    reward_xp: Mapped[int] = mapped_column(Integer)
    min_multiplier: Mapped[int | None] = mapped_column(BigInteger)  # hundredths
    min_level: Mapped[int | None] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class MissionProgress(Base):
    """A player's progress on one mission in one period (the game day, the week's Monday,
    or domain/missions.EVER), written in the transaction of the action that counted.

    `target` is the mission's target when the period's first count was written: a
    mission edited mid-period does not move the goal of progress already made.
    `mission_id` has no foreign key on purpose: deleting a mission must never fail a
    player's play that read it a moment before (its row is then an orphan nobody reads).
    """

    __tablename__ = "mission_progress"
    __table_args__ = (
        CheckConstraint("progress <= target", name="progress_within_target"),
        # Housekeeping deletes the periods long over (persistence/missions.purge_before).
        Index("ix_mission_progress_period", "period"),
    )

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    mission_id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=False)
    period: Mapped[date] = mapped_column(Date, primary_key=True)
    target: Mapped[int] = mapped_column(BigInteger)
    progress: Mapped[int] = mapped_column(BigInteger)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class UndeliveredEvents(Base):
    """Events whose transaction committed but whose publishing failed (Redis away),
    waiting for the relay (live/outbox.py) to publish them in id order."""

    __tablename__ = "undelivered_events"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    channel: Mapped[str] = mapped_column(String(200))
    events: Mapped[str] = mapped_column(Text)  # a JSON list, as published
    # The publish's key: Redis takes each channel's part of it once (live/outbox.py).
    batch_key: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Notification(Base):
    """A message from operators (SPEC §10): to one player, or to every player (no
    `user_id`; each sees those sent from their sign-up on)."""

    __tablename__ = "notifications"
    __table_args__ = (
        # A player's own, newest first; broadcasts are the rows whose user_id is null.
        Index("ix_notifications_user_id_id", "user_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(String(2000))
    sent_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class NotificationRead(Base):
    """That a player has read a notification (one row per player for a broadcast)."""

    __tablename__ = "notification_reads"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    notification_id: Mapped[int] = mapped_column(
        ForeignKey("notifications.id", ondelete="CASCADE"), primary_key=True
    )
    read_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ActivityEvent(Base):
    """What a client told of its player's activity (domain/activity.py), append-only:
    once per (player, eventId), its metadata scrubbed before it was written."""

    __tablename__ = "activity_events"
    __table_args__ = (
        UniqueConstraint("user_id", "event_id", name="uq_activity_events_user_id_event_id"),
        # Reports read a period's events by kind (the shop funnel).
        Index("ix_activity_events_type_recorded_at", "event_type", "recorded_at"),
    )

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    event_type: Mapped[str] = mapped_column(String(32))
    event_id: Mapped[str] = mapped_column(String(64))
    event_metadata: Mapped[dict[str, object]] = mapped_column("metadata", JSON)
    client_ts: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class UserActivity(Base):
    """A player's activity totals, kept in the transaction that records each event (the
    original system's `user_activity`); last login, play and purchase are read from their
    own records instead (users, game_history, purchases), so nothing here can disagree."""

    __tablename__ = "user_activity"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    screen_views: Mapped[int] = mapped_column(BigInteger)
    shop_opens: Mapped[int] = mapped_column(BigInteger)
    buy_clicks: Mapped[int] = mapped_column(BigInteger)
    bonus_uses: Mapped[int] = mapped_column(BigInteger)
    play_seconds: Mapped[int] = mapped_column(BigInteger)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RecommendationShown(Base):
    """A suggestion shown to a player (once per player and suggestion), and the verdict
    they gave on it, if any: click-through per rule is counted from these rows."""

    __tablename__ = "recommendations_shown"
    __table_args__ = (Index("ix_recommendations_shown_rule", "rule"),)

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    recommendation_id: Mapped[str] = mapped_column(String(96), primary_key=True)
    rule: Mapped[str] = mapped_column(String(32))
    shown_at: Mapped[datetime] = mapped_column(UTCDateTime)
    useful: Mapped[bool | None] = mapped_column(Boolean)
    feedback_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SegmentRun(Base):
    """One segmentation of the whole population (resolvers/segments.py): the scheduled
    one of each game day (`scheduled`), or one an operator asked for."""

    __tablename__ = "segment_runs"
    __table_args__ = (Index("ix_segment_runs_game_day", "game_day"),)

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    game_day: Mapped[date] = mapped_column(Date)
    scheduled: Mapped[bool] = mapped_column(Boolean)
    players: Mapped[int] = mapped_column(Integer)  # segmented
    changes: Mapped[int] = mapped_column(Integer)  # segment changes written to the history
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PlayerSegment(Base):
    """A player's current segments (domain/segments.py). `lifecycle` and `rfm_segment`
    are the ones in force, what operators list and count: an operator's override of
    that kind, else the computed one, which runs keep writing beside it. A run writes a
    row only when something in it changed; `computed_at` is when that last happened."""

    __tablename__ = "player_segments"
    __table_args__ = (
        # The operators' list of a segment, newest player first, and its count.
        Index("ix_player_segments_lifecycle_user_id", "lifecycle", "user_id"),
        Index("ix_player_segments_rfm_segment_user_id", "rfm_segment", "user_id"),
    )

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    lifecycle: Mapped[str] = mapped_column(String(16))
    rfm_segment: Mapped[str] = mapped_column(String(16))
    computed_lifecycle: Mapped[str] = mapped_column(String(16))
    computed_rfm_segment: Mapped[str] = mapped_column(String(16))
    recency_score: Mapped[int] = mapped_column(Integer)
    frequency_score: Mapped[int] = mapped_column(Integer)
    monetary_score: Mapped[int] = mapped_column(Integer)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    override_segment: Mapped[str | None] = mapped_column(String(16))
    override_reason: Mapped[str | None] = mapped_column(String(500))
    override_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    override_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SegmentChange(Base):
    """Append-only (the application never updates a row): each change of a player's
    computed segment by a run (`run_id`), and each change of the segment in force by an
    operator's override or its clearing (`run_id` null; the audit log has who and why).
    `from_segment` is null for a player's first segment of the kind."""

    __tablename__ = "segment_changes"
    __table_args__ = (Index("ix_segment_changes_user_id_id", "user_id", "id"),)

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))  # LIFECYCLE or RFM
    from_segment: Mapped[str | None] = mapped_column(String(16))
    to_segment: Mapped[str] = mapped_column(String(16))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("segment_runs.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ActiveDay(Base):
    """That a player was active on a game day (played, logged in, or their client
    recorded activity): written by the KPI rollup, read for DAU/WAU/MAU and retention."""

    __tablename__ = "active_days"
    __table_args__ = (Index("ix_active_days_day_user_id", "day", "user_id"),)

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)


class KpiDay(Base):
    """One game day's key figures and shop funnel (domain/kpis.py), kept by the rollup."""

    __tablename__ = "kpi_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    dau: Mapped[int] = mapped_column(Integer)
    wau: Mapped[int] = mapped_column(Integer)
    mau: Mapped[int] = mapped_column(Integer)
    new_players: Mapped[int] = mapped_column(Integer)
    payers: Mapped[int] = mapped_column(Integer)
    first_time_payers: Mapped[int] = mapped_column(Integer)
    shop_opened: Mapped[int] = mapped_column(Integer)
    buy_clicked: Mapped[int] = mapped_column(Integer)
    # The day as a sign-up day (its players are new_players): how many were active 1, 7
    # and 30 days on (null until that day is rolled up).
    retained_d1: Mapped[int | None] = mapped_column(Integer)
    retained_d7: Mapped[int | None] = mapped_column(Integer)
    retained_d30: Mapped[int | None] = mapped_column(Integer)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class KpiRevenue(Base):
    """One game day's money in one currency: purchases succeeded and refunds made."""

    __tablename__ = "kpi_revenue"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    gross: Mapped[int] = mapped_column(BigInteger)
    refunded: Mapped[int] = mapped_column(BigInteger)


class Campaign(Base):
    """An operators' campaign (domain/campaigns.py): a notification and an optional
    reward for every player of a segment, from `send_at` on. Who received it is in
    `campaign_deliveries`."""

    __tablename__ = "campaigns"
    __table_args__ = (
        # The dispatcher's look for work: campaigns scheduled or sending, by time.
        Index("ix_campaigns_status_send_at", "status", "send_at"),
        CheckConstraint("reward_gold >= 0", name="reward_not_negative"),
    )

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    segment: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(String(2000))
    reward_gold: Mapped[int] = mapped_column(BigInteger)
    send_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    cancel_reason: Mapped[str | None] = mapped_column(String(500))


class CampaignDelivery(Base):
    """That a player received a campaign: written in the transaction that sends them its
    notification and credits its reward (`gold`, 0 for none). The primary key is what
    makes a player receive a campaign at most once, whatever instances send it at once
    and however often a crash interrupts them."""

    __tablename__ = "campaign_deliveries"

    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    gold: Mapped[int] = mapped_column(BigInteger)
    delivered_at: Mapped[datetime] = mapped_column(UTCDateTime)
