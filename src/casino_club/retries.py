"""Trying again with exponential back-off, written once for the three places that do:
the payment gateway's calls, a session forget that did not go out, and the pub/sub
listener's reconnection.

Not tenacity: it tries first and waits after each failure, while a session forget's
retries begin with a wait (its first try was made inline, by the request) and stop when
the next wait would end past a deadline. One small loop fits all three.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Awaitable, Callable, Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")


class GaveUp(Exception):
    """Every try failed (the last one's error is the cause) and no wait is left."""


def backoff(first: float, *, cap: float = math.inf) -> Iterator[float]:
    """Waits between tries: `first`, then twice the previous one, never above `cap`."""
    wait = first
    while True:
        yield wait
        wait = min(wait * 2, cap)


async def retry(
    attempt: Callable[[], Awaitable[T]],
    waits: Iterable[float],
    *,
    on: type[Exception] | tuple[type[Exception], ...],
    failed: Callable[[int, Exception], None] | None = None,
    at_once: bool = True,
) -> T:
    """`attempt`'s answer: tried at once, then again after each of `waits` for as long as
    it raises one of `on` (any other error, and cancellation, propagate at once).

    `failed` hears each such error with its try's number. `waits` is read one at a time,
    just before each wait, so it may end on a deadline; when it ends, GaveUp. With
    `at_once=False` the caller has made the first try itself: this begins with a wait,
    and numbers its tries from 2.
    """
    schedule = iter(waits)
    made = 0 if at_once else 1  # tries made so far
    last_error: Exception | None = None
    while True:
        if made:
            wait = next(schedule, None)
            if wait is None:
                raise GaveUp from last_error
            await asyncio.sleep(wait)
        made += 1
        try:
            return await attempt()
        except on as error:
            last_error = error
            if failed is not None:
                failed(made, error)
