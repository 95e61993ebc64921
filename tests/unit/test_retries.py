"""The one retry loop (retries.py): when it tries, what it retries, when it gives up."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice

import pytest

from casino_club.retries import GaveUp, backoff, retry


class Flaky:
    """Fails with `error` this many times, then answers."""

    def __init__(self, failures: int, error: Exception | None = None) -> None:
        self.failures = failures
        self.error = error or TimeoutError("slow")
        self.log: list[str] = []

    async def __call__(self) -> str:
        self.log.append("try")
        if self.failures:
            self.failures -= 1
            raise self.error
        return "done"


def waits(flaky: Flaky, *delays: float) -> Iterator[float]:
    """The delays, each noted in the log when it is read."""
    for delay in delays:
        flaky.log.append(f"wait {delay}")
        yield delay


def test_backoff_doubles_up_to_the_cap() -> None:
    assert list(islice(backoff(0.1, cap=0.5), 5)) == [0.1, 0.2, 0.4, 0.5, 0.5]
    assert list(islice(backoff(1), 4)) == [1, 2, 4, 8]


async def test_tries_at_once_then_after_each_wait_read_just_before_it() -> None:
    flaky = Flaky(2)
    heard: list[int] = []
    answer = await retry(
        flaky,
        waits(flaky, 0.001, 0.002, 0.003),
        on=TimeoutError,
        failed=lambda n, _: heard.append(n),
    )
    assert answer == "done"
    assert flaky.log == ["try", "wait 0.001", "try", "wait 0.002", "try"]
    assert heard == [1, 2]


async def test_gives_up_when_the_waits_run_out_from_the_last_error() -> None:
    flaky = Flaky(5)
    with pytest.raises(GaveUp) as gave_up:
        await retry(flaky, waits(flaky, 0.001), on=(TimeoutError, OSError))
    assert flaky.log == ["try", "wait 0.001", "try"]
    assert gave_up.value.__cause__ is flaky.error


async def test_other_errors_are_not_retried() -> None:
    flaky = Flaky(1, ValueError("bug"))
    with pytest.raises(ValueError, match="bug"):
        await retry(flaky, waits(flaky, 0.001), on=TimeoutError)
    assert flaky.log == ["try"]


async def test_after_the_callers_own_try_it_begins_with_a_wait() -> None:
    flaky = Flaky(1)
    heard: list[int] = []
    answer = await retry(
        flaky,
        waits(flaky, 0.001, 0.002),
        on=TimeoutError,
        failed=lambda n, _: heard.append(n),
        at_once=False,
    )
    assert answer == "done"
    assert flaky.log == ["wait 0.001", "try", "wait 0.002", "try"]
    assert heard == [2]
    never = Flaky(0)
    with pytest.raises(GaveUp):
        await retry(never, waits(never), on=TimeoutError, at_once=False)
    assert never.log == []
