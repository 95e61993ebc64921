"""What an operator's notification may say (SPEC §10)."""

from __future__ import annotations

from dataclasses import dataclass

from casino_club.domain.accounts import FieldProblem

MAX_TITLE = 120
MAX_BODY = 2000


@dataclass(frozen=True, slots=True)
class Message:
    title: str
    body: str


def message(title: str, body: str) -> Message | list[FieldProblem]:
    """The message as stored (trimmed), or what is wrong with it."""
    problems = []
    for field, text, limit in (("title", title, MAX_TITLE), ("body", body, MAX_BODY)):
        if len(text) > limit or not text.strip():
            problems.append(
                FieldProblem(field, "INVALID_LENGTH", f"1 to {limit} characters, not blank")
            )
    if problems:
        return problems
    return Message(title.strip(), body.strip())
