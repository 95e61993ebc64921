"""Any object by its global id (SPEC §12.1): `node(id)` and `nodes(ids)`.

The schema decodes a global id into its kind and key; here each kind is looked up in
one batch and authorized. Public objects (players' public side, products on sale,
packages listed, active missions) answer anyone; a player's own objects (rounds,
ledger, inventory, purchases, notifications) answer only that player, looked up by
the caller's id, so another player's id reads exactly like one that does not exist;
operators' objects (audit entries, invite codes, the shop as stored, campaigns) answer
operators. Whatever is not found or not the caller's to read is one refusal,
BAD_USER_INPUT, that tells nothing about whether it exists.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass

from casino_club.context import Context, Viewer
from casino_club.domain.accounts import Role
from casino_club.domain.errors import BadUserInput
from casino_club.domain.ids import NodeKind, parse_id
from casino_club.persistence import (
    audit,
    gacha,
    game_rounds,
    invite_codes,
    notifications,
    purchases,
    wallet,
)
from casino_club.resolvers import admin_users as admin_user_cases
from casino_club.resolvers import campaigns as campaign_cases
from casino_club.resolvers import crash as crash_cases
from casino_club.resolvers import history as history_cases
from casino_club.resolvers import invites as invite_cases
from casino_club.resolvers import limited_packages as package_cases
from casino_club.resolvers import mission_admin as mission_admin_cases
from casino_club.resolvers import notifications as notification_cases
from casino_club.resolvers import shop as shop_cases
from casino_club.resolvers import shop_admin as shop_admin_cases
from casino_club.resolvers import users as user_cases
from casino_club.resolvers.admin import audit_entry
from casino_club.resolvers.users import public_view

NOT_FOUND = "No object you may read has this id"
# Kinds keyed by text (a sku, a code); every other kind is keyed by a row id.
TEXT_KEYED = frozenset(
    {
        NodeKind.PRODUCT,
        NodeKind.LIMITED_PACKAGE,
        NodeKind.ADMIN_PRODUCT,
        NodeKind.ADMIN_LIMITED_PACKAGE,
        NodeKind.ADMIN_PROMO_CODE,
        NodeKind.ADMIN_SESSION,
    }
)
MAX_NODES = 100


@dataclass(frozen=True, slots=True)
class NodeRef:
    """A decoded global id: what kind of object, and its key."""

    kind: NodeKind
    key: str


Key = int | str
# A kind's batch lookup: the objects among the keys the caller may read, by key.
Lookup = Callable[[Context, Viewer | None, list[Key]], Awaitable[Mapping[Key, object]]]


async def find(context: Context, viewer: Viewer | None, refs: Sequence[NodeRef]) -> list[object]:
    """The objects the refs name, in their order: one batch per kind. Refused whole, with
    BAD_USER_INPUT, when any of them is not the caller's to read or does not exist."""
    if len(refs) > MAX_NODES:
        raise BadUserInput(f"At most {MAX_NODES} ids at once")
    keys = [_key(ref) for ref in refs]
    wanted: defaultdict[NodeKind, list[Key]] = defaultdict(list)
    for ref, key in zip(refs, keys, strict=True):
        wanted[ref.kind].append(key)
    found = {
        kind: await LOOKUPS[kind](context, viewer, list(dict.fromkeys(keys_of)))
        for kind, keys_of in wanted.items()
    }
    answer: list[object] = []
    for ref, key in zip(refs, keys, strict=True):
        value = found[ref.kind].get(key)
        if value is None:
            raise BadUserInput(NOT_FOUND)
        answer.append(value)
    return answer


def _key(ref: NodeRef) -> Key:
    if ref.kind in TEXT_KEYED:
        return ref.key
    row_id = parse_id(ref.key)
    if row_id is None:
        raise BadUserInput(NOT_FOUND)
    return row_id


def _is_admin(viewer: Viewer | None) -> bool:
    return viewer is not None and viewer.role is Role.ADMIN


async def _players(context: Context, viewer: Viewer | None, keys: list[Key]) -> dict[Key, object]:
    """The full profile to its owner and operators (its private fields still check who
    asks); the public view to anyone else, and no banned player but to operators."""
    ids = [int(key) for key in keys]
    held = await context.loaders.accounts.load_many(ids)
    found: dict[Key, object] = {}
    for user_id, account in zip(ids, held, strict=True):
        if account is None:
            continue
        own = viewer is not None and viewer.id == user_id
        if own or _is_admin(viewer):
            found[user_id] = user_cases.profile_of(account.account, account.gold)
        elif not account.banned:
            found[user_id] = public_view(account.account)
    return found


def _owned(
    load: Callable[[Context, int, list[int]], Awaitable[Sequence[object]]],
) -> Lookup:
    """A lookup of the caller's own rows: by the caller's id, so another player's id is
    not found; nothing for an anonymous caller."""

    async def lookup(context: Context, viewer: Viewer | None, keys: list[Key]) -> dict[Key, object]:
        if viewer is None:
            return {}
        rows = await load(context, viewer.id, [int(key) for key in keys])
        return {getattr(row, "id"): row for row in rows}  # noqa: B009 (each value's id)

    return lookup


def _for_admins(
    load: Callable[[Context, list[Key]], Awaitable[Sequence[object]]], key: str = "id"
) -> Lookup:
    async def lookup(context: Context, viewer: Viewer | None, keys: list[Key]) -> dict[Key, object]:
        if not _is_admin(viewer):
            return {}
        return {getattr(row, key): row for row in await load(context, keys)}

    return lookup


async def _rounds(context: Context, user_id: int, ids: list[int]) -> Sequence[object]:
    async with context.services.sessionmaker() as session:
        rows = await game_rounds.owned(session, user_id, ids)
    return [history_cases.played(row) for row in rows]


async def _crash_rounds(context: Context, user_id: int, ids: list[int]) -> Sequence[object]:
    return await crash_cases.rounds_of(context, user_id, ids)


async def _ledger(context: Context, user_id: int, ids: list[int]) -> Sequence[object]:
    async with context.services.sessionmaker() as session:
        return await wallet.ledger_entries(session, user_id, ids)


async def _inventory(context: Context, user_id: int, ids: list[int]) -> Sequence[object]:
    async with context.services.sessionmaker() as session:
        rows = await gacha.inventory_entries(session, user_id, ids)
    return [user_cases.held_item(held, item) for held, item in rows]


async def _purchases(context: Context, user_id: int, ids: list[int]) -> Sequence[object]:
    async with context.services.sessionmaker() as session:
        return await purchases.owned(session, user_id, ids)


async def _notifications(context: Context, user_id: int, ids: list[int]) -> Sequence[object]:
    async with context.services.sessionmaker() as session:
        rows = await notifications.visible(session, user_id, ids)
    return [notification_cases.shown(seen) for seen in rows]


async def _missions(context: Context, viewer: Viewer | None, keys: list[Key]) -> dict[Key, object]:
    """Missions are public while active; operators also read those switched off."""
    every = await mission_admin_cases.every(context.services)
    admin = _is_admin(viewer)
    return {m.id: m for m in every if m.id in keys and (admin or m.mission.active)}


async def _products(context: Context, viewer: Viewer | None, keys: list[Key]) -> dict[Key, object]:
    return {p.sku: p for p in await shop_cases.catalog(context.services) if p.sku in keys}


async def _packages(context: Context, viewer: Viewer | None, keys: list[Key]) -> dict[Key, object]:
    listed = await package_cases.listed(context.services, viewer)
    return {p.sku: p for p in listed if p.sku in keys}


async def _audit_entries(context: Context, keys: list[Key]) -> Sequence[object]:
    async with context.services.sessionmaker() as session:
        rows = await audit.by_ids(session, [int(key) for key in keys])
    return [audit_entry(row) for row in rows]


async def _invite_codes(context: Context, keys: list[Key]) -> Sequence[object]:
    async with context.services.sessionmaker() as session:
        rows = await invite_codes.by_ids(session, [int(key) for key in keys])
    return [invite_cases.invite_code_of(row) for row in rows]


async def _admin_products(context: Context, keys: list[Key]) -> Sequence[object]:
    return [p for p in await shop_admin_cases.admin_products(context.services) if p.sku in keys]


async def _admin_packages(context: Context, keys: list[Key]) -> Sequence[object]:
    every = await shop_admin_cases.admin_packages(context.services)
    return [p for p in every if p.sku in keys]


async def _admin_promo_codes(context: Context, keys: list[Key]) -> Sequence[object]:
    every = await shop_admin_cases.admin_promo_codes(context.services)
    return [p for p in every if p.code in keys]


async def _admin_sessions(
    context: Context, viewer: Viewer | None, keys: list[Key]
) -> dict[Key, object]:
    if not _is_admin(viewer):
        return {}
    found = await admin_user_cases.sessions_by_ids(context.services, [str(key) for key in keys])
    return {s.id: s for s in found}


async def _campaigns(context: Context, keys: list[Key]) -> Sequence[object]:
    return await campaign_cases.by_ids(context.services, [int(key) for key in keys])


LOOKUPS: dict[NodeKind, Lookup] = {
    NodeKind.PLAYER: _players,
    NodeKind.GAME_ROUND: _owned(_rounds),
    NodeKind.CRASH_ROUND: _owned(_crash_rounds),
    NodeKind.LEDGER_ENTRY: _owned(_ledger),
    NodeKind.INVENTORY_ITEM: _owned(_inventory),
    NodeKind.PURCHASE: _owned(_purchases),
    NodeKind.NOTIFICATION: _owned(_notifications),
    NodeKind.MISSION: _missions,
    NodeKind.PRODUCT: _products,
    NodeKind.LIMITED_PACKAGE: _packages,
    NodeKind.AUDIT_ENTRY: _for_admins(_audit_entries),
    NodeKind.INVITE_CODE: _for_admins(_invite_codes),
    NodeKind.ADMIN_PRODUCT: _for_admins(_admin_products, key="sku"),
    NodeKind.ADMIN_LIMITED_PACKAGE: _for_admins(_admin_packages, key="sku"),
    NodeKind.ADMIN_PROMO_CODE: _for_admins(_admin_promo_codes, key="code"),
    NodeKind.ADMIN_SESSION: _admin_sessions,
    NodeKind.CAMPAIGN: _for_admins(_campaigns),
}
