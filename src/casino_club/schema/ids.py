"""GraphQL IDs of database rows: parsed by the domain's rule (domain/ids.py), which use
cases share."""

from __future__ import annotations

from casino_club.domain.ids import MAX_BIGINT as MAX_BIGINT
from casino_club.domain.ids import parse_id as parse_id
