"""An operator's gold adjustment as stored under its idempotency key (SPEC §2.5, §11):
the generic codec writes what the hand-written payload did, and reads what it wrote."""

from __future__ import annotations

from casino_club.domain.gold_admin import GoldAdjusted
from casino_club.persistence import stored_outcomes

# `GoldAdjusted.to_payload()` before outcomes were values: the id travelled as a string.
STORED_BEFORE = {"userId": "42", "amount": -300, "balance": 700}


def test_an_adjustment_is_stored_under_the_keys_it_always_had() -> None:
    stored = stored_outcomes.dump(GoldAdjusted(user_id=42, amount=-300, balance=700))
    assert stored == {"userId": 42, "amount": -300, "balance": 700}
    assert stored.keys() == STORED_BEFORE.keys()


def test_an_adjustment_stored_before_outcomes_were_values_replays() -> None:
    loaded = stored_outcomes.load(GoldAdjusted, STORED_BEFORE)
    assert loaded == GoldAdjusted(user_id=42, amount=-300, balance=700, replayed=True)


def test_a_stored_adjustment_reads_back_as_a_replay() -> None:
    adjusted = GoldAdjusted(user_id=7, amount=500, balance=1_500)
    assert stored_outcomes.load(GoldAdjusted, stored_outcomes.dump(adjusted)) == (
        GoldAdjusted(user_id=7, amount=500, balance=1_500, replayed=True)
    )
