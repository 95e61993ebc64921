"""What an operator's notification may say (SPEC §10), and the refusals its use cases
answer with."""

from __future__ import annotations

import pytest

from casino_club.domain.accounts import FieldProblem
from casino_club.domain.errors import ErrorCode
from casino_club.domain.notifications import (
    MAX_BODY,
    MAX_TITLE,
    Message,
    NotificationNotFound,
    message,
)
from casino_club.domain.refusals import UserNotFound


def test_a_message_is_kept_trimmed() -> None:
    assert message("  Hello ", "\tWelcome back\n") == Message("Hello", "Welcome back")


@pytest.mark.parametrize(
    ("title", "body", "fields"),
    [
        ("", "b", ["title"]),
        ("   ", "b", ["title"]),
        ("t", "", ["body"]),
        ("x" * (MAX_TITLE + 1), "b", ["title"]),
        ("t", "x" * (MAX_BODY + 1), ["body"]),
        (" ", " ", ["title", "body"]),
    ],
)
def test_a_blank_or_overlong_title_or_body_is_refused(
    title: str, body: str, fields: list[str]
) -> None:
    problems = message(title, body)
    assert isinstance(problems, list)
    assert [problem.field for problem in problems] == fields
    assert all(isinstance(problem, FieldProblem) for problem in problems)


def test_the_longest_title_and_body_pass() -> None:
    assert isinstance(message("x" * MAX_TITLE, "y" * MAX_BODY), Message)


def test_refusals_carry_their_code_and_message() -> None:
    missing = NotificationNotFound()
    assert (missing.code, missing.message) == (
        ErrorCode.NOTIFICATION_NOT_FOUND,
        "No such notification",
    )
    nobody = UserNotFound()
    assert (nobody.code, nobody.message) == (ErrorCode.USER_NOT_FOUND, "No such user")
