"""Inputs that edit something stored: a field left out keeps its stored value, so a use
case is given only the fields the client sent."""

from __future__ import annotations

import dataclasses
from typing import Any

import strawberry


def sent(data: object) -> dict[str, Any]:
    """The input's fields the client sent (by their Python names), leaving out the ones
    not sent; a field sent as null is kept, as None."""
    values = {f.name: getattr(data, f.name) for f in dataclasses.fields(data)}  # type: ignore[arg-type]
    return {name: value for name, value in values.items() if value is not strawberry.UNSET}


# What an editable field's description ends with: the rule every save input follows.
EDITABLE = " Left out when editing: unchanged. Needed to create."


def editable(description: str) -> Any:
    """A field of a save input (create or edit by one mutation): not sent, it keeps the
    stored value (`sent` leaves it out); creating needs it."""
    return strawberry.field(default=strawberry.UNSET, description=description + EDITABLE)
