"""Core statements compiled for asyncpg (persistence/driver.py)."""

from __future__ import annotations

import pytest

from casino_club.persistence import fairness, idempotency
from casino_club.persistence.driver import for_asyncpg


def test_named_values_become_positional_and_literals_stay_in_place() -> None:
    advance = for_asyncpg(fairness.ADVANCE_NONCE)
    assert "$1" in advance.sql and "$2" in advance.sql
    args = advance.args({"uid": 42})
    assert sorted(args) == [1, 1, 42]  # `nonce + 1`, `nonce - 1` (the taken one), the player
    assert args[advance.names.index("uid")] == 42


def test_a_missing_value_is_an_error_not_a_null() -> None:
    with pytest.raises(KeyError):
        for_asyncpg(idempotency.COMPLETE).args({"record": 1, "at": None})
