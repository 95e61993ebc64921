"""Operators' saves (SPEC §11): one `save` per kind of thing creates or edits it by its
key. The fields sent (the schema passes only those: `schema/edits.py`) go over the
stored ones (left out: kept), the result is built — and so checked — by the domain's own
type, and the change is audited with its before and after in the same transaction."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Collection
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from casino_club.context import Viewer
from casino_club.domain.accounts import FieldProblem
from casino_club.domain.days import usable_instant
from casino_club.domain.refusals import ValidationFailed
from casino_club.persistence import audit
from casino_club.services import Services

T = TypeVar("T")


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def merge(
    make: Callable[..., T], before: T | None, values: dict[str, Any], nullable: Collection[str]
) -> T | ValidationFailed:
    """`before` with the sent values over it, built (and so checked) by the domain type."""
    problems = [
        FieldProblem(_camel(name), "REQUIRED", "must not be null")
        for name, value in values.items()
        if value is None and name not in nullable
    ]
    problems += [
        FieldProblem(_camel(name), "NAIVE_DATETIME", "must carry a UTC offset")
        for name, value in values.items()
        if isinstance(value, datetime) and value.tzinfo is None
    ]
    problems += [
        FieldProblem(_camel(name), "INSTANT_OUT_OF_RANGE", "must be between 1970 and 9000")
        for name, value in values.items()
        if isinstance(value, datetime) and value.tzinfo is not None and not usable_instant(value)
    ]
    merged: dict[str, Any] = dict.fromkeys(nullable) if before is None else _fields_of(before)
    merged.update(values)
    required = [
        f.name
        for f in dataclasses.fields(make)  # type: ignore[arg-type]
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    ]
    problems += [
        FieldProblem(_camel(name), "REQUIRED", "needed to create it")
        for name in required
        if name not in merged
    ]
    if problems:
        return ValidationFailed.of(problems)
    try:
        return make(**merged)
    except ValueError as exc:
        return ValidationFailed.single("input", "INVALID", str(exc))


def _fields_of(value: object) -> dict[str, Any]:
    return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}  # type: ignore[arg-type]


def plain(value: object | None) -> dict[str, Any] | None:
    """A domain value as the audit log keeps it."""
    if value is None:
        return None
    plain = dataclasses.asdict(value)  # type: ignore[call-overload]
    return {k: sorted(v) if isinstance(v, frozenset) else v for k, v in plain.items()}


async def retrying_a_race(save: Callable[[], Awaitable[T]]) -> T:
    """A create races another save of the same key: the loser's insert meets the
    winner's row (the unique key), its transaction rolls back, and it runs again as
    the edit it now is."""
    try:
        return await save()
    except IntegrityError:
        return await save()


async def audit_change(
    services: Services,
    session: AsyncSession,
    viewer: Viewer,
    thing: str,
    target: str,
    before: object | None,
    after: object,
) -> None:
    await audit.record(
        session,
        actor_id=viewer.id,
        action=f"{thing}_{'CREATE' if before is None else 'UPDATE'}",
        target=target,
        before=plain(before),
        after=plain(after),
        now=services.clock.now(),
    )
