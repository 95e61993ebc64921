"""GraphQL IDs of database rows."""

from __future__ import annotations

import re

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
