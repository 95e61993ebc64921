"""First data of a fresh installation: the default invite code, an admin, a demo player.

The demo player exists only outside production.

Idempotent: running it again creates nothing that already exists, and never prints a
password twice (it is only known at the moment the account is created).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from sqlalchemy import select

from casino_club.domain.accounts import Role
from casino_club.domain.missions import STARTER_MISSIONS
from casino_club.domain.shop import STARTER_CATALOG
from casino_club.persistence import accounts, audit, invite_codes, missions, products, users
from casino_club.persistence.database import advisory_lock
from casino_club.persistence.gacha import COLLECTIBLE, CONSUMABLE, GACHA_TICKET, STREAK_PROTECTION
from casino_club.persistence.models import CatalogItem
from casino_club.persistence.users import NewUser
from casino_club.services import Services

DEMO_PLAYER_SITE_ID = "demo_player"

# PostgreSQL's session advisory lock held while seeding, so replicas that start together
# (each runs `migrate && seed && serve`) seed one after another, the later ones finding
# everything there, instead of racing to insert the same admin. Any fixed number,
# documented in docs/operations.md.
SEED_LOCK = 0x0CC0_5EED


@dataclass
class SeedReport:
    created: list[str] = field(default_factory=list)
    # siteId → password, for accounts created just now.
    passwords: dict[str, str] = field(default_factory=dict)
    # What an operator should know of what was not done.
    notices: list[str] = field(default_factory=list)


async def create_account(
    services: Services, *, site_id: str, nickname: str, password: str, role: Role, bonus: int
) -> bool:
    """Create an account (with wallet, and bonus through the ledger); False if it exists."""
    password_hash = await services.passwords.hash(password)
    now = services.clock.now()
    async with services.unit_of_work() as uow:
        if await users.taken_identities(uow.session, site_id, nickname):
            return False
        await accounts.open_account(
            uow.session,
            NewUser(
                site_id=site_id,
                nickname=nickname,
                password_hash=password_hash,
                phone=None,
                role=role,
            ),
            bonus=bonus,
            now=now,
        )
        await uow.commit()
    return True


async def promote_account(services: Services, site_id: str) -> bool:
    """Make a player an operator, audited as done from the command line; False if there
    is no such player."""
    async with services.unit_of_work() as uow:
        user = await users.by_site_id(uow.session, site_id, lock=True)
        if user is None:
            return False
        before = user.role
        user.role = Role.ADMIN.value
        await audit.record(
            uow.session,
            actor_id=None,
            action="USER_PROMOTE",
            target=f"user:{user.id}",
            before={"role": before},
            after={"role": user.role, "via": "cli"},
            now=services.clock.now(),
        )
        await uow.commit()
    return True


CATALOG: tuple[tuple[str, str, str, str | None], ...] = (
    *(
        (f"common-{i}", name, COLLECTIBLE, "COMMON")
        for i, name in enumerate(
            (
                "Copper Coin",
                "Lucky Clover",
                "Paper Crane",
                "Dice Keychain",
                "Poker Chip",
                "Playing Card",
                "Fortune Cookie",
                "Horseshoe",
                "Red Envelope",
                "Tin Star",
            ),
            1,
        )
    ),
    *(
        (f"rare-{i}", name, COLLECTIBLE, "RARE")
        for i, name in enumerate(
            (
                "Silver Bell",
                "Jade Frog",
                "Golden Ticket Stub",
                "Crystal Die",
                "Neon Sign",
                "Velvet Rope",
            ),
            1,
        )
    ),
    *(
        (f"epic-{i}", name, COLLECTIBLE, "EPIC")
        for i, name in enumerate(
            ("Diamond Cherry", "Platinum Slot Reel", "Phoenix Feather", "Royal Flush Frame"), 1
        )
    ),
    *(
        (f"legendary-{i}", name, COLLECTIBLE, "LEGENDARY")
        for i, name in enumerate(("Lucky Seven Crown", "Dragon of Fortune"), 1)
    ),
    (GACHA_TICKET, "Gacha Ticket", CONSUMABLE, None),
    (STREAK_PROTECTION, "Streak Protection", CONSUMABLE, None),
)


async def seed_catalog(services: Services) -> int:
    """Insert the catalog items that are missing; returns how many were added."""
    async with services.unit_of_work() as uow:
        existing = set((await uow.session.scalars(select(CatalogItem.id))).all())
        missing = [entry for entry in CATALOG if entry[0] not in existing]
        for item_id, name, kind, rarity in missing:
            uow.session.add(
                CatalogItem(id=item_id, name=name, kind=kind, rarity=rarity, active=True)
            )
        await uow.commit()
    return len(missing)


async def seed(services: Services) -> SeedReport:
    async with services.engine.connect() as connection, advisory_lock(connection, SEED_LOCK):
        return await _seed(services)


async def _seed(services: Services) -> SeedReport:
    settings = services.settings
    report = SeedReport()
    now = services.clock.now()
    # The unlimited development code opens sign-up to anyone who knows it (it is in the
    # docs): production starts with none, and an operator creates codes.
    if settings.app_env == "production":
        report.notices.append(
            f"invite code {settings.default_invite_code} not created in production: "
            "an operator creates invite codes (createInviteCode)"
        )
    else:
        async with services.unit_of_work() as uow:
            if await invite_codes.by_code(uow.session, settings.default_invite_code) is None:
                await invite_codes.create(
                    uow.session,
                    code=settings.default_invite_code,
                    max_uses=None,
                    expires_at=None,
                    created_by=None,
                    now=now,
                )
                report.created.append(f"invite code {settings.default_invite_code} (unlimited)")
            await uow.commit()

    added = await seed_catalog(services)
    if added:
        report.created.append(f"{added} catalog items")
    async with services.unit_of_work() as uow:
        added = await products.add_missing(uow.session, STARTER_CATALOG)
        await uow.commit()
    if added:
        report.created.append(f"{added} shop products")
    async with services.unit_of_work() as uow:
        added = await missions.add_missing(uow.session, STARTER_MISSIONS, now)
        await uow.commit()
    if added:
        report.created.append(f"{added} missions")

    admin_password = (
        settings.admin_password.get_secret_value()
        if settings.admin_password
        else secrets.token_urlsafe(12)
    )
    if await create_account(
        services,
        site_id=settings.admin_site_id,
        nickname="Operator",
        password=admin_password,
        role=Role.ADMIN,
        bonus=0,
    ):
        report.created.append(f"admin {settings.admin_site_id}")
        if settings.admin_password is None:
            report.passwords[settings.admin_site_id] = admin_password

    if settings.app_env == "production":
        return report
    demo_password = secrets.token_urlsafe(9)
    if await create_account(
        services,
        site_id=DEMO_PLAYER_SITE_ID,
        nickname="Demo Player",
        password=demo_password,
        role=Role.USER,
        bonus=settings.signup_bonus_gold,
    ):
        report.created.append(f"player {DEMO_PLAYER_SITE_ID}")
        report.passwords[DEMO_PLAYER_SITE_ID] = demo_password
    return report
