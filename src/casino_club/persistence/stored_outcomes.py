"""Use-case outcomes as stored under an idempotency key, and back (cattrs).

An outcome is a frozen dataclass of plain values; it is stored as JSON with the field
names clients see (camelCase), so a stored answer reads like the response it replays.
Rows stored before outcomes were values used those same names, which is why they
still load. `replayed` is not stored: an outcome loaded from here is a replay.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any, TypeVar

import cattrs
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

T = TypeVar("T")
REPLAYED = "replayed"


def camel(name: str) -> str:
    first, *rest = name.split("_")
    return first + "".join(word.capitalize() for word in rest)


def _renamed(cls: type) -> dict[str, Any]:
    return {
        field.name: override(rename=camel(field.name), omit=field.name == REPLAYED)
        for field in dataclasses.fields(cls)
    }


converter = cattrs.Converter()
converter.register_unstructure_hook(datetime, datetime.isoformat)
converter.register_structure_hook(datetime, lambda value, _: datetime.fromisoformat(value))
converter.register_unstructure_hook_factory(
    dataclasses.is_dataclass,
    lambda cls: make_dict_unstructure_fn(cls, converter, **_renamed(cls)),
)
converter.register_structure_hook_factory(
    dataclasses.is_dataclass,
    lambda cls: make_dict_structure_fn(cls, converter, **_renamed(cls)),
)


def dump(outcome: object) -> dict[str, Any]:
    stored: dict[str, Any] = converter.unstructure(outcome)
    return stored


def load(kind: type[T], stored: dict[str, Any]) -> T:
    """The outcome stored under a key, marked as replayed when it says whether it is."""
    outcome = converter.structure(stored, kind)
    if any(field.name == REPLAYED for field in dataclasses.fields(kind)):  # type: ignore[arg-type]
        outcome = dataclasses.replace(outcome, replayed=True)  # type: ignore[type-var]
    return outcome
