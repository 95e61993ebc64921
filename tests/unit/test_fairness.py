"""The fairness stream (SPEC §6.1) against an independent implementation and published vectors.

Each game's published vectors are checked in test_fairness_vectors.py."""

from __future__ import annotations

import hashlib
import hmac

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casino_club.domain.fairness import (
    SCALE,
    FairnessInput,
    as_float,
    parse_seed,
    seed_hash,
    take,
    uniform_index,
    weighted_index,
)
from tests.unit import fairness_doc


def reference_floats(seed: bytes, client_seed: str, nonce: int, count: int) -> list[float]:
    """Written from the spec's text, sharing no code with the server."""
    out = []
    for j in range(count):
        message = f"{client_seed}:{nonce}:{j // 8}".encode()
        block = hmac.new(seed, message, hashlib.sha256).digest()
        out.append(int.from_bytes(block[4 * (j % 8) : 4 * (j % 8) + 4], "big") / 2**32)
    return out


def test_the_published_seeds_match_their_hashes() -> None:
    rows = fairness_doc.seed_rows()
    assert [row["name"] for row in rows] == ["zeros", "casino-club", "ones"]
    assert fairness_doc.seeds()["casino-club"] == hashlib.sha256(b"casino-club").digest()
    for row in rows:
        seed = parse_seed(row["server seed"])
        assert seed_hash(seed) == row["SHA-256 of seed"] == hashlib.sha256(seed).hexdigest()


STREAM_VECTORS = fairness_doc.table("Stream vectors")


def test_the_document_has_stream_vectors() -> None:
    assert len(STREAM_VECTORS) == 5


@pytest.mark.parametrize(
    "row", STREAM_VECTORS, ids=lambda row: f"{row['client seed']}:{row['nonce']}"
)
def test_published_stream_vectors(row: dict[str, str]) -> None:
    seed, client_seed, nonce = (
        fairness_doc.seeds()[row["seed"]],
        row["client seed"],
        int(row["nonce"]),
    )
    ours = [as_float(u) for u in take(FairnessInput(seed, client_seed, nonce), 9)]
    assert ours == reference_floats(seed, client_seed, nonce, 9)
    assert [round(x, 10) for x in ours[:3]] == [float(x) for x in row["floats 0, 1, 2"].split(",")]
    assert round(ours[8], 10) == float(row["float 8"])


@given(st.binary(min_size=32, max_size=32), st.text(max_size=20), st.integers(0, 10**9))
def test_stream_is_deterministic_and_matches_reference(
    seed: bytes, client: str, nonce: int
) -> None:
    source = FairnessInput(seed, client, nonce)
    assert take(source, 17) == take(source, 17)
    assert [as_float(u) for u in take(source, 17)] == reference_floats(seed, client, nonce, 17)


def test_nonce_and_client_seed_change_the_stream() -> None:
    seed = bytes(32)
    base = take(FairnessInput(seed, "a", 0), 3)
    assert take(FairnessInput(seed, "a", 1), 3) != base
    assert take(FairnessInput(seed, "b", 0), 3) != base


def test_weighted_index_boundaries_are_exact() -> None:
    weights = [30, 25, 20, 12, 8, 4, 1]
    # X·W < 30 ⇔ u < 30·2^32/100; the first u with X·W == 30 must pick index 1.
    boundary = -(-30 * SCALE // 100)
    assert weighted_index(boundary - 1, weights) == 0
    assert weighted_index(boundary, weights) == 1
    assert weighted_index(0, weights) == 0
    assert weighted_index(SCALE - 1, weights) == 6
    with pytest.raises(ValueError, match="below"):
        weighted_index(SCALE, weights)


def test_weighted_index_matches_probability_mass_exactly() -> None:
    weights = [3, 1]
    # Count how many of the 2^32 values land on each side: exactly 3/4 and 1/4.
    first_of_second = -(-3 * SCALE // 4)
    assert weighted_index(first_of_second - 1, weights) == 0
    assert weighted_index(first_of_second, weights) == 1
    assert first_of_second == 3 * SCALE // 4


def test_uniform_index() -> None:
    assert uniform_index(0, 3) == 0
    assert uniform_index(SCALE - 1, 3) == 2
    assert uniform_index(SCALE // 3, 3) == 0
    assert uniform_index(SCALE // 3 + 1, 3) == 1


@pytest.mark.parametrize("bad", ["", "00", "zz" * 32, "00" * 33])
def test_parse_seed_refuses_bad_seeds(bad: str) -> None:
    with pytest.raises(ValueError, match=r"hex|seed|bytes|fromhex"):
        parse_seed(bad)
