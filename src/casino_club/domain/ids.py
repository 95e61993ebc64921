"""GraphQL IDs of database rows: the row ids inside cursors and event ids, and the
global ids (`NodeKind`) every object with an identity is named by."""

from __future__ import annotations

import base64
import re
from enum import StrEnum

MAX_BIGINT = 2**63 - 1

# Row ids are positive. ASCII digits only (str.isdigit and int() also take other scripts'
# digits), and at most 19 of them, so no more than a BIGINT's digits reach int().
_ROW_ID = re.compile(r"[1-9][0-9]{0,18}")


def parse_id(raw: str) -> int | None:
    """A row id from a client's text: a positive BIGINT, else None (no such row)."""
    if _ROW_ID.fullmatch(raw) is None:
        return None
    row_id = int(raw)
    return row_id if row_id <= MAX_BIGINT else None


class NodeKind(StrEnum):
    """What a global id names: the GraphQL type of a `Node` (SPEC §12.1).

    A global id is Relay's: base64 of "TypeName:key". Clients hold it as opaque, and a
    normalized cache (Apollo, urql, Relay) keys its objects by it, so the same row seen
    through two fields is one object, and "3" is never both a player and a round."""

    PLAYER = "Player"
    GAME_ROUND = "GameRound"
    CRASH_ROUND = "CrashRound"
    LEDGER_ENTRY = "LedgerEntry"
    INVENTORY_ITEM = "InventoryItem"
    PURCHASE = "Purchase"
    NOTIFICATION = "Notification"
    MISSION = "Mission"
    PRODUCT = "Product"
    LIMITED_PACKAGE = "LimitedPackage"
    AUDIT_ENTRY = "AuditEntry"
    INVITE_CODE = "InviteCode"
    ADMIN_PRODUCT = "AdminProduct"
    ADMIN_LIMITED_PACKAGE = "AdminLimitedPackage"
    ADMIN_PROMO_CODE = "AdminPromoCode"
    ADMIN_SESSION = "AdminSession"
    CAMPAIGN = "Campaign"


# Longer than any id this server gives (a type name and a key of a few dozen characters).
MAX_GLOBAL_ID_LENGTH = 200


def global_id(kind: NodeKind, key: int | str) -> str:
    """The global id of `kind`'s row `key` (Relay's encoding, as strawberry.relay's)."""
    return base64.b64encode(f"{kind.value}:{key}".encode()).decode()


def split_global_id(raw: str) -> tuple[str, str] | None:
    """(type name, key) of a global id as this server writes it, else None.

    Only the canonical form is taken (strict base64 that encodes back to `raw`), so one
    object never has two ids a cache would keep apart."""
    if not raw or len(raw) > MAX_GLOBAL_ID_LENGTH:
        return None
    try:
        text = base64.b64decode(raw.encode("ascii"), validate=True).decode("utf-8")
    except (ValueError, UnicodeError):
        return None
    type_name, colon, key = text.partition(":")
    if not colon or not type_name or not key:
        return None
    if base64.b64encode(text.encode()).decode() != raw:
        return None
    return type_name, key


def parse_node_id(raw: str, kind: NodeKind) -> int | None:
    """The row id a global id of `kind` names, else None (another type's id, a bad key,
    not a global id: no such row of `kind`)."""
    split = split_global_id(raw)
    if split is None or split[0] != kind.value:
        return None
    return parse_id(split[1])


def parse_node_key(raw: str, kind: NodeKind) -> str | None:
    """The text key (a sku, a code, a session id) a global id of `kind` names, else None."""
    split = split_global_id(raw)
    if split is None or split[0] != kind.value:
        return None
    return split[1]
