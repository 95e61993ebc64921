"""What a client tells of its player's activity (screens, the shop, play time, bonuses),
for operators' reports and segments: the kinds, the bounds of what is kept, and the
scrubbing that keeps personal data out of it.

A client sends each event once with its own `eventId`; a retry with the same id counts
once. Metadata is the client's to shape, so it is bounded (keys, depth, bytes) and
scrubbed: a key that names personal data (a password, a phone number, an e-mail, a card,
…) is dropped with its value wherever it appears, before anything is stored.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from casino_club.domain.accounts import FieldProblem
from casino_club.domain.days import usable_instant
from casino_club.domain.refusals import ValidationFailed

EVENT_ID_PATTERN = re.compile(r"[A-Za-z0-9_.:-]{1,64}")
MAX_METADATA_BYTES = 2048
MAX_METADATA_KEYS = 32  # at every level together
MAX_METADATA_DEPTH = 3
MAX_PLAY_SECONDS = 24 * 3600
# How far a client's clock may be from ours: a `clientTs` further off is refused.
CLIENT_CLOCK_TOLERANCE = timedelta(days=7)
# Key fragments that name personal data, compared with case, `_`, `-` and spaces removed.
PERSONAL_KEY_FRAGMENTS = (
    "password",
    "passwd",
    "pwd",
    "phone",
    "mobile",
    "email",
    "mail",
    "card",
    "cvv",
    "cvc",
    "iban",
    "ssn",
    "token",
    "secret",
    "address",
    "birth",
)


class ActivityType(StrEnum):
    """What the player did, as the client saw it."""

    SCREEN_VIEW = "SCREEN_VIEW"
    SHOP_OPENED = "SHOP_OPENED"
    BUY_CLICKED = "BUY_CLICKED"
    PLAY_DURATION = "PLAY_DURATION"
    BONUS_USED = "BONUS_USED"


@dataclass(frozen=True, slots=True)
class ActivityCounts:
    """A player's activity totals (what `user_activity` keeps), or one event's share."""

    screen_views: int = 0
    shop_opens: int = 0
    buy_clicks: int = 0
    bonus_uses: int = 0
    play_seconds: int = 0


@dataclass(frozen=True, slots=True)
class ActivityEvent:
    """One event as it is kept: checked, its metadata scrubbed."""

    type: ActivityType
    event_id: str
    metadata: dict[str, Any]
    client_ts: datetime | None

    @property
    def counts(self) -> ActivityCounts:
        """What this event adds to the player's totals."""
        match self.type:
            case ActivityType.SCREEN_VIEW:
                return ActivityCounts(screen_views=1)
            case ActivityType.SHOP_OPENED:
                return ActivityCounts(shop_opens=1)
            case ActivityType.BUY_CLICKED:
                return ActivityCounts(buy_clicks=1)
            case ActivityType.BONUS_USED:
                return ActivityCounts(bonus_uses=1)
            case ActivityType.PLAY_DURATION:
                return ActivityCounts(play_seconds=int(self.metadata["seconds"]))


@dataclass(frozen=True, slots=True)
class ActivityRecorded:
    """The event is kept (or was already: `duplicate`)."""

    event_id: str
    duplicate: bool


@dataclass(frozen=True, slots=True)
class PlayerActivity:
    """A player's activity for operators: the client's events' totals, and when the
    player last logged in, played, bought and was seen (each from its own record)."""

    counts: ActivityCounts
    last_seen_at: datetime | None
    last_login_at: datetime | None
    last_play_at: datetime | None
    last_purchase_at: datetime | None


def is_personal(key: str) -> bool:
    """Whether a metadata key names personal data (so it and its value are dropped)."""
    folded = re.sub(r"[\s_-]", "", key).lower()
    return any(fragment in folded for fragment in PERSONAL_KEY_FRAGMENTS)


def scrubbed(value: Any) -> Any:
    """`value` with every personal key (at any depth) dropped with its value."""
    if isinstance(value, dict):
        return {k: scrubbed(v) for k, v in value.items() if not is_personal(k)}
    if isinstance(value, list):
        return [scrubbed(item) for item in value]
    return value


def _shape(value: Any, depth: int = 1) -> tuple[int, int]:
    """(keys at every level, deepest level) of a JSON value."""
    if isinstance(value, dict):
        inner = [_shape(v, depth + 1) for v in value.values()]
        return len(value) + sum(k for k, _ in inner), max([depth, *(d for _, d in inner)])
    if isinstance(value, list):
        inner = [_shape(v, depth + 1) for v in value]
        return sum(k for k, _ in inner), max([depth, *(d for _, d in inner)])
    return 0, depth - 1


def checked_event(
    kind: ActivityType,
    event_id: str,
    metadata: object,
    client_ts: datetime | None,
    now: datetime,
) -> ActivityEvent | ValidationFailed:
    """The event to keep, its metadata scrubbed; or every problem with it."""
    problems: list[FieldProblem] = []
    if not EVENT_ID_PATTERN.fullmatch(event_id):
        problems.append(
            FieldProblem(
                "eventId",
                "INVALID",
                "eventId must be 1–64 letters, digits, '_', '.', ':' or '-'",
            )
        )
    kept: dict[str, Any] = {}
    if metadata is not None and not isinstance(metadata, dict):
        problems.append(FieldProblem("metadata", "INVALID", "metadata must be a JSON object"))
    elif metadata is not None:
        kept = scrubbed(metadata)
        keys, depth = _shape(kept)
        size = len(json.dumps(kept, ensure_ascii=False, separators=(",", ":")).encode())
        if size > MAX_METADATA_BYTES or keys > MAX_METADATA_KEYS or depth > MAX_METADATA_DEPTH:
            problems.append(
                FieldProblem(
                    "metadata",
                    "TOO_LARGE",
                    f"metadata is bounded: {MAX_METADATA_BYTES} bytes, {MAX_METADATA_KEYS} "
                    f"keys, {MAX_METADATA_DEPTH} levels",
                )
            )
    if kind is ActivityType.PLAY_DURATION:
        seconds = kept.get("seconds")
        if type(seconds) is not int or not 1 <= seconds <= MAX_PLAY_SECONDS:
            problems.append(
                FieldProblem(
                    "metadata",
                    "INVALID",
                    f"PLAY_DURATION needs metadata.seconds, a whole number from 1 to "
                    f"{MAX_PLAY_SECONDS}",
                )
            )
    if client_ts is not None and not usable_instant(client_ts):
        problems.append(
            FieldProblem(
                "clientTs", "INVALID", "clientTs must carry a UTC offset and lie in 1970-9000"
            )
        )
    elif client_ts is not None and abs(client_ts - now) > CLIENT_CLOCK_TOLERANCE:
        problems.append(
            FieldProblem("clientTs", "OUT_OF_RANGE", "clientTs is more than 7 days from now")
        )
    if problems:
        return ValidationFailed.of(problems)
    return ActivityEvent(kind, event_id, kept, client_ts)
