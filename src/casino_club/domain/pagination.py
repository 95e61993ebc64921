"""Keyset pages: how many rows a page may hold, and the cursors that say where it ends.

History-like lists grow without bound, so they page by key (`id < cursor`), not by
offset: the cost of a page does not depend on how deep it is. A list sorted by something
else pages by that value with the id as a tie-break (`(value, id) < cursor`): its key
has two parts. A cursor is the key, opaque to clients; the schema builds the Relay
connection around the rows a use case read with it.
"""

from __future__ import annotations

import base64
import binascii
import re

from casino_club.domain.errors import BadUserInput
from casino_club.domain.ids import MAX_BIGINT, parse_id

MAX_PAGE = 100
CURSOR_PREFIX = "cursor:"


def check_first(first: int) -> int:
    if not 1 <= first <= MAX_PAGE:
        raise BadUserInput(f"first must be between 1 and {MAX_PAGE}")
    return first


Key = int | tuple[int, ...]
MAX_KEY_PARTS = 2


def encode_cursor(key: Key) -> str:
    parts = key if isinstance(key, tuple) else (key,)
    text = CURSOR_PREFIX + ":".join(str(part) for part in parts)
    return base64.urlsafe_b64encode(text.encode()).decode()


MAX_CURSOR_LENGTH = len(encode_cursor((-MAX_BIGINT,) * MAX_KEY_PARTS))


def decode_cursor(cursor: str | None) -> int | None:
    """The id a cursor encodes, range-checked: it is bound into `id < :key` as a BIGINT."""
    key = decode_keyset(cursor, parts=1)
    return None if key is None else key[0]


def decode_keyset(cursor: str | None, *, parts: int) -> tuple[int, ...] | None:
    """The key of `parts` BIGINTs a cursor encodes (the sort value(s), then the id)."""
    if cursor is None:
        return None
    key = _cursor_key(cursor)
    if key is None or len(key) != parts:
        raise BadUserInput("after is not a cursor from this connection")
    return key


def _cursor_key(cursor: str) -> tuple[int, ...] | None:
    # The length bound comes first: nothing longer than our own cursors is decoded.
    if len(cursor) > MAX_CURSOR_LENGTH or not cursor.isascii():
        return None
    try:
        text = base64.b64decode(cursor, altchars=b"-_", validate=True).decode("ascii")
    except (binascii.Error, UnicodeDecodeError):
        return None
    if not text.startswith(CURSOR_PREFIX):
        return None
    *sorted_by, row_id = text.removeprefix(CURSOR_PREFIX).split(":")
    values = [*(_sort_value(part) for part in sorted_by), parse_id(row_id)]
    if len(values) > MAX_KEY_PARTS or any(value is None for value in values):
        return None
    return tuple(value for value in values if value is not None)


_SORT_VALUE = re.compile(r"-?(?:0|[1-9][0-9]{0,18})")


def _sort_value(text: str) -> int | None:
    """A BIGINT, which unlike the id that ends every key may be 0 or negative."""
    if _SORT_VALUE.fullmatch(text) is None:
        return None
    value = int(text)
    return value if abs(value) <= MAX_BIGINT else None
