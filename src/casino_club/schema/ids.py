"""GraphQL IDs of database rows."""

from __future__ import annotations


def parse_id(raw: str) -> int | None:
    """A row id from a client's ID: ASCII digits that fit a BIGINT, else None (no such row)."""
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 18 else None
