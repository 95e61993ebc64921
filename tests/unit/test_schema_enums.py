"""Closed sets are GraphQL enums (SPEC §12), and each enum covers every value stored."""

from __future__ import annotations

import pytest
from graphql import GraphQLEnumType, GraphQLNonNull, GraphQLObjectType, build_schema

from casino_club.bootstrap import CATALOG
from casino_club.domain.accounts import Rank
from casino_club.domain.gacha import ItemKind
from casino_club.domain.login_lockout import LoginOutcome
from casino_club.persistence import gacha as gacha_store
from casino_club.schema.root import schema

LIVE = build_schema(schema.as_str())


def enum_of(type_name: str, field: str) -> GraphQLEnumType:
    owner = LIVE.get_type(type_name)
    assert isinstance(owner, GraphQLObjectType)
    field_type = owner.fields[field].type
    assert isinstance(field_type, GraphQLNonNull)
    assert isinstance(field_type.of_type, GraphQLEnumType)
    return field_type.of_type


@pytest.mark.parametrize(
    ("type_name", "field", "enum_name", "values"),
    [
        ("DailyPullLimit", "rank", "Rank", {rank.value for rank in Rank}),
        ("InventoryItem", "kind", "ItemKind", {"COLLECTIBLE", "CONSUMABLE"}),
        (
            "LoginAttempt",
            "outcome",
            "LoginOutcome",
            {"SUCCESS", "BAD_PASSWORD", "UNKNOWN_USER", "LOCKED", "BANNED", "RATE_LIMITED"},
        ),
    ],
)
def test_closed_sets_are_enums(
    type_name: str, field: str, enum_name: str, values: set[str]
) -> None:
    enum = enum_of(type_name, field)
    assert enum.name == enum_name
    assert set(enum.values) == values


def test_every_catalog_item_has_a_known_kind() -> None:
    assert {gacha_store.COLLECTIBLE, gacha_store.CONSUMABLE} == set(ItemKind)
    assert {kind for _, _, kind, _ in CATALOG} == set(ItemKind)


def test_login_outcomes_are_their_own_names() -> None:
    """The stored text and the GraphQL value are the same string, so old rows still read."""
    assert all(outcome.value == outcome.name for outcome in LoginOutcome)
