"""docs/getting-started.md's GraphQL examples run as written, against a real server.

Each ```graphql block of the page is taken verbatim, in the page's order: queries and
mutations are POSTed to /graphql (with the token of the sign-up once there is one, as
the page tells the reader to put it in the headers pane), a subscription is started
over a real WebSocket and must hear what the blocks after it cause. Every root field a
block selects must be one this test knows how to judge, so a new example on the page
fails here until its expected answer is written down.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from gql import GraphQLRequest
from graphql import OperationDefinitionNode, OperationType, parse

from tests.e2e.listeners import Items, Listener, listening

PAGE = Path(__file__).resolve().parents[2] / "docs" / "getting-started.md"
BLOCK = re.compile(r"^```graphql\n(.*?)^```$", re.MULTILINE | re.DOTALL)
TIMEOUT = 15

Answer = dict[str, Any]


def graphql_blocks(markdown: str) -> list[str]:
    return [match.group(1) for match in BLOCK.finditer(markdown)]


def root_fields(document: str) -> tuple[OperationType, list[str]]:
    operation = parse(document).definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    names = [selection.name.value for selection in operation.selection_set.selections]  # type: ignore[attr-defined]
    return operation.operation, names


def signed_up(answer: Answer) -> None:
    assert answer["__typename"] == "AuthPayload", answer
    assert answer["accessToken"] and answer["refreshToken"]
    assert answer["user"]["gold"] == 1000 and answer["user"]["level"] == 1


def me(answer: Answer, gold: int) -> None:
    assert answer["siteId"] == "alice_01" and answer["gold"] == gold
    assert answer["rank"] == "STANDARD" and answer["level"] == 1
    outcomes = [edge["node"]["outcome"] for edge in answer["loginHistory"]["edges"]]
    assert outcomes == [], outcomes  # signing up is not a login


def spun(answer: Answer, gold_before: int) -> None:
    assert answer["__typename"] == "SlotSpinSuccess", answer
    assert len(answer["reels"]) == 3 and answer["payout"] >= 0
    assert answer["player"]["gold"] == gold_before - 100 + answer["payout"]
    assert len(answer["fairness"]["serverSeedHash"]) == 64


# What each root field the page uses must answer (given the player's gold before it).
QUERIES: dict[str, Callable[[Answer, int], None]] = {
    "signup": lambda answer, _gold: signed_up(answer),
    "me": lambda answer, gold: me(answer, gold),
    "slotSpin": spun,
}
# What each subscription must hear, once every block after it has run, given the answers.
SUBSCRIPTIONS: dict[str, Callable[[Items, dict[str, Answer]], bool]] = {
    "balanceChanged": lambda events, answers: (
        bool(events)
        and events[0]["reason"] == "SLOT_BET"
        and events[0]["delta"] == -100
        and events[-1]["gold"] == answers["slotSpin"]["player"]["gold"]
    ),
}
# A spin of its own that the test makes until a new subscription hears it: the server
# starts a subscription asynchronously, and a reader in GraphiQL has it running long
# before they spin in the other tab.
PRIMING_SPIN = (
    "mutation { slotSpin(input: {stake: 10}) { ... on SlotSpinSuccess { player { gold } } } }"
)


def heard_after(
    check: Callable[[Items, dict[str, Answer]], bool], start: int, answers: dict[str, Answer]
) -> Callable[[Items], bool]:
    """`check` on the events heard since the page's blocks after the subscription ran."""
    return lambda events: check(events[start:], answers)


def test_the_page_has_the_examples_it_promises() -> None:
    """The page walks through sign-up, `me`, a subscription and a spin; a control that
    the extraction finds them (an empty list would make the test below vacuous)."""
    fields = [root_fields(block)[1] for block in graphql_blocks(PAGE.read_text("utf-8"))]
    assert fields == [["signup"], ["me"], ["balanceChanged"], ["slotSpin"]]


async def test_every_example_runs_as_written(server: str) -> None:
    answers: dict[str, Answer] = {}
    # (field, listener, how many events it had heard when the page's next block ran)
    listeners: list[tuple[str, Listener, int]] = []
    token: str | None = None
    gold = 1000
    async with contextlib.AsyncExitStack() as stack:
        http = await stack.enter_async_context(httpx.AsyncClient(base_url=server, timeout=TIMEOUT))

        async def post(document: str) -> Answer:
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            response = await http.post("/graphql", json={"query": document}, headers=headers)
            body: Answer = response.json()
            assert response.status_code == 200 and "errors" not in body, body
            data: Answer = body["data"]
            return data

        for block in graphql_blocks(PAGE.read_text("utf-8")):
            kind, fields = root_fields(block)
            if kind is OperationType.SUBSCRIPTION:
                (field,) = fields
                assert field in SUBSCRIPTIONS, f"no expectation for the subscription {field}"
                assert token is not None, "the page subscribes before signing up"
                listener = await stack.enter_async_context(
                    listening(server, token, GraphQLRequest(block), field)
                )
                for _ in range(50):
                    gold = (await post(PRIMING_SPIN))["slotSpin"]["player"]["gold"]
                    if await listener.until(lambda events: bool(events), within=0.2):
                        break
                assert listener.received, f"{field} never became live"
                await asyncio.sleep(0.3)  # the priming spin's other events arrive now
                listeners.append((field, listener, len(listener.received)))
                continue
            data = await post(block)
            for field in fields:
                assert field in QUERIES, f"no expectation for {field}"
                QUERIES[field](data[field], gold)
                answers[field] = data[field]
                gold = data[field].get("player", {}).get("gold", gold)
            token = answers.get("signup", {}).get("accessToken", token)
        for field, listener, heard_before in listeners:
            heard = await listener.until(
                heard_after(SUBSCRIPTIONS[field], heard_before, answers), within=TIMEOUT
            )
            assert heard, f"{field} heard {listener.received[heard_before:]}"
