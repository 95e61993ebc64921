"""Ledger arithmetic (domain/ledger.py): the rows a play writes and the balances they leave."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from casino_club.domain.ledger import (
    LedgerReason,
    Movement,
    play_movements,
    posted_rows,
    required_balance,
    round_reference,
)

BET, WIN = LedgerReason.SLOT_BET, LedgerReason.SLOT_WIN


def test_a_play_costs_then_pays_both_referenced_by_its_round() -> None:
    reference = round_reference("SLOTS", 7, 42)
    assert reference == "slots:7:42"
    assert play_movements(reference, 40, BET, 100, WIN) == [
        Movement(-40, BET, reference),
        Movement(100, WIN, reference),
    ]


def test_a_free_play_writes_no_cost_row_and_a_loss_no_payout_row() -> None:
    assert play_movements("r", 0, BET, 500, WIN) == [Movement(500, WIN, "r")]
    assert play_movements("r", 40, BET, 0, WIN) == [Movement(-40, BET, "r")]
    assert play_movements("r", 0, BET, 0, WIN) == []


def test_the_stake_must_be_covered_before_the_payout_arrives() -> None:
    # -40 then +100: the balance must hold 40 first, though the net is +60.
    assert required_balance(play_movements("r", 40, BET, 100, WIN)) == 40
    assert required_balance([Movement(500, WIN)]) == 0


amounts = st.lists(st.integers(-10_000, 10_000).filter(bool), min_size=1, max_size=8)


@given(amounts=amounts, start=st.integers(0, 100_000))
def test_each_row_leaves_the_running_balance(amounts: list[int], start: int) -> None:
    movements = [Movement(a, WIN) for a in amounts]
    final = start + sum(amounts)
    rows = posted_rows(movements, final)
    running = start
    for row, amount in zip(rows, amounts, strict=True):
        running += amount
        assert (row.amount, row.balance_after) == (amount, running)
    assert rows[-1].balance_after == final


@given(amounts=amounts)
def test_required_balance_is_the_least_that_keeps_every_prefix_non_negative(
    amounts: list[int],
) -> None:
    required = required_balance([Movement(a, WIN) for a in amounts])
    prefixes = [sum(amounts[: i + 1]) for i in range(len(amounts))]
    assert all(required + p >= 0 for p in prefixes)
    assert required == 0 or any(required - 1 + p < 0 for p in prefixes)
