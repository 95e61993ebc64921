"""The books check (SPEC §2.1, §11): every wallet must equal the sum of its ledger.

Every gold movement writes both in one transaction, so a mismatch means something wrote
around the ledger (a manual SQL fix, a bug): it is reported loudly and left for an
operator to investigate — never "fixed" by writing a balancing row blindly."""

from __future__ import annotations

import logging

from casino_club.domain.ledger import Mismatch
from casino_club.persistence import wallet
from casino_club.services import Services

log = logging.getLogger(__name__)


async def reconcile(services: Services) -> list[Mismatch]:
    """Every player whose wallet disagrees with their ledger, each logged as an error."""
    async with services.sessionmaker() as session:
        found = [Mismatch(*row) for row in await wallet.ledger_mismatches(session)]
    for mismatch in found:
        log.error(
            "wallet does not match its ledger",
            extra={
                "user_id": mismatch.user_id,
                "wallet_gold": mismatch.wallet_gold,
                "ledger_sum": mismatch.ledger_sum,
            },
        )
    return found
