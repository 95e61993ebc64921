"""Malformed requests are 400s, never 500s, and change nothing (SPEC §13).

Everything refused before execution — a body that is not a JSON object, invalid UTF-8,
absurd nesting or numbers, NUL characters or unpaired surrogates in any string — is an
HTTP 400 whose JSON body is a GraphQL error with `extensions.code` BAD_REQUEST. Values
that are well formed but wrong for their type (a `Gold` of fullwidth digits, a foreign
cursor, an absurd token) are typed GraphQL errors, never INTERNAL_SERVER_ERROR.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest

from casino_club.clock import FrozenClock
from casino_club.config import Settings
from casino_club.schema.request_checks import (
    MALFORMED_JSON,
    NUMBER_OUT_OF_RANGE,
    UNSTORABLE_TEXT,
)
from tests.raw_tokens import signed_with_times
from tests.support import PASSWORD, SIGNUP, SPIN, Api, unique_site_id

REQUEST_ID = "malformed-request-0001"
NOT_AN_OBJECT = "Expected a JSON object"
UNSUPPORTED = "Unsupported content type"
TYPENAME = b'{"query":"{ __typename }"'
GOLD = "query { me { gold } }"


async def post(
    api: Api,
    body: bytes | dict[str, Any],
    *,
    token: str | None = None,
    content_type: str | None = "application/json",
) -> httpx.Response:
    headers = {"X-Request-ID": REQUEST_ID}
    if content_type is not None:
        headers["Content-Type"] = content_type
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return await api.client.post("/graphql", content=content, headers=headers)


def assert_refused(response: httpx.Response, message: str) -> None:
    """A 400 with our message as a GraphQL error in JSON, and the request's id."""
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-request-id"] == REQUEST_ID
    assert response.json() == {
        "errors": [{"message": message, "extensions": {"code": "BAD_REQUEST"}}]
    }


def assert_typed_errors(response: httpx.Response) -> list[dict[str, Any]]:
    """A GraphQL response with errors, none of them an internal one."""
    assert response.status_code == 200, response.text
    assert response.headers["x-request-id"] == REQUEST_ID
    errors: list[dict[str, Any]] = response.json()["errors"]
    assert errors
    for error in errors:
        assert error.get("extensions", {}).get("code") != "INTERNAL_SERVER_ERROR", error
    return errors


MALFORMED_BODIES = {
    "null": (b"null", NOT_AN_OBJECT),
    "number": (b"123", NOT_AN_OBJECT),
    "string": (b'"x"', NOT_AN_OBJECT),
    "true": (b"true", NOT_AN_OBJECT),
    "empty list": (b"[]", NOT_AN_OBJECT),
    "batch": (b'[{"query":"{ __typename }"}]', NOT_AN_OBJECT),
    "empty": (b"", MALFORMED_JSON),
    "not json": (b"{query: 1}", MALFORMED_JSON),
    "invalid utf-8": (TYPENAME + b',"variables":{"a":"\xff"}}', MALFORMED_JSON),
    "utf-8 surrogate": (TYPENAME + b',"variables":{"a":"\xed\xa0\x80"}}', MALFORMED_JSON),
    "escaped surrogate": (TYPENAME + b',"variables":{"a":"\\ud800"}}', MALFORMED_JSON),
    "5,000-digit integer": (TYPENAME + b',"variables":{"a":' + b"9" * 5000 + b"}}", MALFORMED_JSON),
    "1e999": (TYPENAME + b',"variables":{"a":1e999}}', MALFORMED_JSON),
    "30,000 [": (b"[" * 30_000, MALFORMED_JSON),
    "deep variables": (
        TYPENAME + b',"variables":{"a":' + b"[" * 2000 + b"]" * 2000 + b"}}",
        MALFORMED_JSON,
    ),
    "BOM": (b"\xef\xbb\xbf" + TYPENAME + b"}", MALFORMED_JSON),
    "query a number": (
        b'{"query":5}',
        "The GraphQL operation's `query` must be a string or null, if provided.",
    ),
    "variables a list": (
        TYPENAME + b',"variables":[1]}',
        "The GraphQL operation's `variables` must be an object or null, if provided.",
    ),
    "variables a string": (
        TYPENAME + b',"variables":"{}"}',
        "The GraphQL operation's `variables` must be an object or null, if provided.",
    ),
    "extensions a number": (
        TYPENAME + b',"extensions":1}',
        "The GraphQL operation's `extensions` must be an object or null, if provided.",
    ),
    "operationName a number": (
        TYPENAME + b',"operationName":5}',
        "operationName must be a string or null",
    ),
    "operationName a list": (
        TYPENAME + b',"operationName":["a"]}',
        "operationName must be a string or null",
    ),
    "no query": (b"{}", "No GraphQL query found in the request"),
}


@pytest.mark.parametrize(("body", "message"), MALFORMED_BODIES.values(), ids=list(MALFORMED_BODIES))
async def test_malformed_bodies_are_400s(api: Api, body: bytes, message: str) -> None:
    assert_refused(await post(api, body), message)


@pytest.mark.parametrize(
    "content_type",
    [
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "text/plain",
        "application/graphql",
        None,
    ],
)
async def test_other_content_types_are_400s(api: Api, content_type: str | None) -> None:
    body = b'--x\r\nContent-Disposition: form-data; name="operations"\r\n\r\n{}\r\n--x--\r\n'
    assert_refused(await post(api, body, content_type=content_type), UNSUPPORTED)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"query": "{ __typename }", "variables": "[" * 3000}, MALFORMED_JSON),
        ({"query": "{ __typename }", "variables": "5"}, NOT_AN_OBJECT),
        ({"query": "{ __typename }", "variables": "null"}, NOT_AN_OBJECT),
        ({"query": "{ __typename }", "extensions": "{"}, MALFORMED_JSON),
        ({"query": "{ __typename }", "variables": '{"a":"\\u0000"}'}, UNSTORABLE_TEXT),
        ({"query": '{ validateInviteCode(code: "a\x00") { valid } }'}, UNSTORABLE_TEXT),
        ({"query": "{ __typename }", "operationName": "a\x00"}, UNSTORABLE_TEXT),
        (
            {"query": "mutation { logout { __typename } }"},
            "mutations are not allowed when using GET",
        ),
    ],
)
async def test_malformed_get_requests_are_400s(
    api: Api, params: dict[str, str], message: str
) -> None:
    response = await api.client.get("/graphql", params=params, headers={"X-Request-ID": REQUEST_ID})
    assert_refused(response, message)


@pytest.mark.parametrize(
    ("query_string", "message"),
    [
        ("query=%7B__typename%7D&variables=%FF%FE", MALFORMED_JSON),
        # Inside a JSON string, where U+FFFD made it valid JSON: answered 200 before.
        ("query=%7B__typename%7D&variables=%7B%22a%22%3A%22%FF%22%7D", MALFORMED_JSON),
        ("query=%7B__typename%7D&extensions=%7B%22a%22%3A%22%C3%22%7D", MALFORMED_JSON),
        ("query=%7B__typename%7D%FF", UNSTORABLE_TEXT),
        ("query=%7B__typename%7D&operationName=%FF", UNSTORABLE_TEXT),
    ],
)
async def test_invalid_percent_encoding_in_get_is_a_400(
    api: Api, query_string: str, message: str
) -> None:
    """Invalid UTF-8 in a GET is refused as it is in a POST body, not read as U+FFFD."""
    response = await api.client.get(
        f"/graphql?{query_string}", headers={"X-Request-ID": REQUEST_ID}
    )
    assert_refused(response, message)


async def test_a_replacement_character_sent_as_utf_8_in_get_is_kept(api: Api) -> None:
    """U+FFFD itself, validly encoded, is text like any other."""
    response = await api.client.get(
        "/graphql?query=%7B__typename%7D&variables=%7B%22a%22%3A%22%EF%BF%BD%22%7D",
        headers={"X-Request-ID": REQUEST_ID},
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"data": {"__typename": "Query"}}


@pytest.mark.parametrize(
    "content_type",
    ["APPLICATION/JSON", "Application/Json; charset=UTF-8", "application/JSON;charset=utf-8"],
)
async def test_media_types_are_case_insensitive(api: Api, content_type: str) -> None:
    response = await post(api, {"query": "{ __typename }"}, content_type=content_type)
    assert response.status_code == 200, response.text
    assert response.json() == {"data": {"__typename": "Query"}}


async def gold_of(api: Api, token: str) -> int:
    gold: int = (await api.data(GOLD, token=token))["me"]["gold"]
    return gold


@pytest.mark.parametrize("field", ["siteId", "nickname", "password", "inviteCode"])
@pytest.mark.parametrize("bad", ["\x00", "\\u0000 as text, then a real NUL: \x00"])
async def test_nul_in_a_signup_is_a_400_and_creates_no_account(
    api: Api, field: str, bad: str
) -> None:
    site_id = unique_site_id()
    values = {
        "siteId": site_id,
        "nickname": f"n{site_id[-10:]}",
        "password": PASSWORD,
        "inviteCode": "5858",
    }
    values[field] += bad
    response = await post(api, {"query": SIGNUP, "variables": {"input": values}})
    assert_refused(response, UNSTORABLE_TEXT)
    created = await api.signup(site_id=site_id)  # the siteId is still free
    assert created["__typename"] == "AuthPayload", created


@pytest.mark.parametrize(
    "literal",
    ['"\\u0000"', '"\\u{0}"', '"\\u{000000}"', '"a\x00b"', '"""block \x00 string"""'],
)
async def test_nul_in_a_document_literal_is_a_400(api: Api, literal: str) -> None:
    site_id = unique_site_id()
    query = (
        f'mutation {{ signup(input: {{siteId: "{site_id}", nickname: "n{site_id[-10:]}", '
        f'password: {literal}, inviteCode: "5858"}}) {{ __typename }} }}'
    )
    assert_refused(await post(api, {"query": query}), UNSTORABLE_TEXT)
    assert (await api.signup(site_id=site_id))["__typename"] == "AuthPayload"


@pytest.mark.parametrize(
    "body",
    [
        {"query": "{ __typename }", "operationName": "\x00"},
        {"query": "{ __typename }", "extensions": {"trace": ["\x00"]}},
        {"query": "query Q($a: String) { __typename }", "variables": {"a\x00": "x"}},
    ],
    ids=["operationName", "extensions", "variable name"],
)
async def test_nul_anywhere_in_the_request_is_a_400(api: Api, body: dict[str, Any]) -> None:
    assert_refused(await post(api, body), UNSTORABLE_TEXT)


async def test_nul_in_an_idempotency_key_is_a_400_and_spins_nothing(api: Api) -> None:
    token = (await api.new_player())["accessToken"]
    before = await gold_of(api, token)
    variables = {"input": {"stake": 10, "idempotencyKey": "key\x00"}}
    assert_refused(
        await post(api, {"query": SPIN, "variables": variables}, token=token), UNSTORABLE_TEXT
    )
    assert await gold_of(api, token) == before


@pytest.mark.parametrize(
    "stake",
    ["9" * 5000, "-" + "9" * 400, "1e999"],
    ids=["5,000 digits", "-400 digits", "1e999"],
)
async def test_number_literals_beyond_a_double_are_400s(api: Api, stake: str) -> None:
    token = (await api.new_player())["accessToken"]
    before = await gold_of(api, token)
    query = f"mutation {{ slotSpin(input: {{stake: {stake}}}) {{ __typename }} }}"
    assert_refused(await post(api, {"query": query}, token=token), NUMBER_OUT_OF_RANGE)
    assert await gold_of(api, token) == before


@pytest.mark.parametrize(
    "stake",
    ["１０", "١٠", " 10 ", "10 ", "+10", "1_0", "010", "0x0a", "9" * 5000, "9" * 17, 10.5, True],
)
async def test_gold_that_is_not_ascii_digits_does_not_spin(api: Api, stake: object) -> None:
    token = (await api.new_player())["accessToken"]
    before = await gold_of(api, token)
    response = await post(
        api, {"query": SPIN, "variables": {"input": {"stake": stake}}}, token=token
    )
    [error] = assert_typed_errors(response)
    assert "Gold" in error["message"]
    assert "Exceeds the limit" not in error["message"]
    assert response.json()["data"] is None
    assert await gold_of(api, token) == before


@pytest.mark.parametrize("stake", ['"１０"', '" 10"', '"+10"', "9" * 300])
async def test_gold_literals_that_are_not_ascii_digits_do_not_spin(api: Api, stake: str) -> None:
    token = (await api.new_player())["accessToken"]
    before = await gold_of(api, token)
    query = f"mutation {{ slotSpin(input: {{stake: {stake}}}) {{ __typename }} }}"
    [error] = assert_typed_errors(await post(api, {"query": query}, token=token))
    assert "Gold" in error["message"]
    assert await gold_of(api, token) == before


def cursor_of(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


@pytest.mark.parametrize(
    "cursor",
    [
        cursor_of("cursor:" + "9" * 30),
        cursor_of(f"cursor:{2**63}"),
        cursor_of("cursor:-5"),
        cursor_of("cursor:１２"),
        "A" * 5000,
    ],
)
async def test_cursors_beyond_a_bigint_are_bad_user_input(api: Api, cursor: str) -> None:
    token = (await api.new_player())["accessToken"]
    query = (
        "query L($after: String) { me { ledger(first: 5, after: $after) { edges { cursor } } } }"
    )
    response = await post(api, {"query": query, "variables": {"after": cursor}}, token=token)
    [error] = assert_typed_errors(response)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["message"] == "after is not a cursor from this connection"


@pytest.mark.parametrize(
    "times",
    [{"exp": "1e308"}, {"exp": "Infinity"}, {"exp": str(2**70)}, {"iat": "-1e20"}],
)
async def test_tokens_with_absurd_times_are_authentication_failures(
    api: Api, settings: Settings, clock: FrozenClock, times: dict[str, str]
) -> None:
    token = signed_with_times(settings, clock.now(), **times)
    [error] = assert_typed_errors(await post(api, {"query": GOLD}, token=token))
    assert error["extensions"]["code"] == "UNAUTHENTICATED"


# The inputs operators and players gained with limits, check-ins, stats, the admin
# console, missions and leaderboards, each given a NUL, a lone surrogate, a 5,000-digit
# number, an absurd date: a 400 before execution or a typed error, never
# INTERNAL_SERVER_ERROR, and nothing written.
NASTY_VARIABLES = {  # as the JSON text of the variable
    "NUL": json.dumps("a\x00b"),
    "lone surrogate": json.dumps("a\ud800b"),
    "5,000 digits": "9" * 5000,
    "far date": json.dumps("99999-01-01"),
    "far instant": json.dumps("0001-01-01T00:00:00+00:00"),
    "negative": str(-(2**63)),
}
NEW_INPUTS = {
    "adminUsers.search": (
        "query Q($v: String) { adminUsers(filter: {search: $v}) { edges { cursor } } }",
        True,
    ),
    "adminUsers.after": (
        "query Q($v: String) { adminUsers(order: RICHEST, after: $v) { edges { cursor } } }",
        True,
    ),
    "adminUser.id": ("query Q($v: ID!) { adminUser(id: $v) { bannedAt } }", True),
    "economyReport.firstDay": (
        'query Q($v: Date!) { economyReport(firstDay: $v, lastDay: "2026-01-01") { issued } }',
        True,
    ),
    "history.since": (
        "query Q($v: DateTime) { me { history(since: $v) { edges { cursor } } } }",
        False,
    ),
    "attendance.year": (
        "query Q($v: Int!) { me { attendance(year: $v, month: 1) { year } } }",
        False,
    ),
    "setLimits.dailyLossGold": (
        "mutation M($v: Int) { setLimits(input: {dailyLossGold: $v}) { __typename } }",
        False,
    ),
    # Missions and leaderboards (a save without its other fields creates nothing).
    "saveMission.key": (
        "mutation M($v: String!) { saveMission(input: {key: $v}) { __typename } }",
        True,
    ),
    "saveMission.minMultiplier": (
        'mutation M($v: Float) { saveMission(input: {key: "nasty", minMultiplier: $v}) {'
        " __typename } }",
        True,
    ),
    "deleteMission.key": (
        "mutation M($v: String!) { deleteMission(input: {key: $v}) { __typename } }",
        True,
    ),
    "claimMissionReward.missionId": (
        "mutation M($v: ID!) { claimMissionReward(input: {missionId: $v}) { __typename } }",
        False,
    ),
    "leaderboard.first": (
        "query Q($v: Int!) { leaderboard(metric: NET_WIN, first: $v) { metric } }",
        False,
    ),
    # Notifications (to no one: user 0 does not exist, so nothing is ever sent).
    "sendNotification.title": (
        'mutation M($v: String!) { sendNotification(input: {userId: "0", title: $v, body: "b"})'
        " { __typename } }",
        True,
    ),
    "sendNotification.userId": (
        'mutation M($v: ID) { sendNotification(input: {userId: $v, title: "t", body: "b"})'
        " { __typename } }",
        True,
    ),
    "markNotificationsRead.ids": (
        "mutation M($v: ID!) { markNotificationsRead(input: {ids: [$v]}) { __typename } }",
        False,
    ),
    "notifications.first": (
        "query Q($v: Int!) { me { notifications(first: $v) { edges { cursor } } } }",
        False,
    ),
}


@pytest.mark.parametrize("value", NASTY_VARIABLES.values(), ids=list(NASTY_VARIABLES))
@pytest.mark.parametrize(("query", "operator"), NEW_INPUTS.values(), ids=list(NEW_INPUTS))
async def test_new_inputs_refuse_nasty_values_with_typed_errors(
    api: Api, admin_token: str, query: str, operator: bool, value: str
) -> None:
    token = admin_token if operator else (await api.new_player())["accessToken"]
    limits = "{ me { limits { dailyLossGold { amount } } } }"
    before = await api.data(limits, token=token)
    body_text = f'{{"query": {json.dumps(query)}, "variables": {{"v": {value}}}}}'
    response = await post(api, body_text.encode(), token=token)
    if response.status_code == 400:  # refused before execution (NUL, surrogate, huge number)
        assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    else:
        assert response.status_code == 200, response.text
        body = response.json()
        codes = [e.get("extensions", {}).get("code") for e in body.get("errors", [])]
        assert "INTERNAL_SERVER_ERROR" not in codes, body
        assert not body.get("errors") or all(code in (None, "BAD_USER_INPUT") for code in codes), (
            body
        )
    assert await api.data(limits, token=token) == before


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("{ me { gold }", "GRAPHQL_PARSE_FAILED"),
        ("{ " + "__typename " * 2100 + "}", "QUERY_TOO_COMPLEX"),
    ],
    ids=["syntax", "too long"],
)
async def test_a_document_that_does_not_parse_is_coded(api: Api, query: str, code: str) -> None:
    """SPEC §12.1: protocol errors carry codes (WebSocket: tests/e2e/test_websocket_frames);
    a document over the token limit is too complex, not mistyped."""
    errors = assert_typed_errors(await post(api, {"query": query}))
    assert [error["extensions"]["code"] for error in errors] == [code]
