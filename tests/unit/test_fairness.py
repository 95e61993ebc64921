"""The fairness stream (SPEC §6.1) against an independent implementation and published vectors."""

from __future__ import annotations

import hashlib
import hmac
import math
import re
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casino_club.domain import crash, slots
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

DOC = Path(__file__).resolve().parents[2] / "docs" / "FAIRNESS.md"


def reference_floats(seed: bytes, client_seed: str, nonce: int, count: int) -> list[float]:
    """Written from the spec's text, sharing no code with the server."""
    out = []
    for j in range(count):
        message = f"{client_seed}:{nonce}:{j // 8}".encode()
        block = hmac.new(seed, message, hashlib.sha256).digest()
        out.append(int.from_bytes(block[4 * (j % 8) : 4 * (j % 8) + 4], "big") / 2**32)
    return out


def published_vectors() -> list[tuple[str, str, str, int, list[float], float, list[str]]]:
    rows = []
    for line in DOC.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip().strip("`") for cell in line.strip().strip("|").split("|")]
        if len(cells) == 7 and re.fullmatch(r"[0-9a-f]{64}", cells[0]):
            floats = [float(x) for x in cells[4].split(",")]
            rows.append(
                (
                    cells[0],
                    cells[1],
                    cells[2],
                    int(cells[3]),
                    floats,
                    float(cells[5]),
                    cells[6].split(),
                )
            )
    return rows


VECTORS = published_vectors()


def published_crash_vectors() -> list[tuple[str, str, int, int, str, int]]:
    rows = []
    for line in DOC.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip().strip("`") for cell in line.strip().strip("|").split("|")]
        if len(cells) == 6 and re.fullmatch(r"[0-9a-f]{64}", cells[0]):
            rows.append((cells[0], cells[1], int(cells[2]), int(cells[3]), cells[4], int(cells[5])))
    return rows


CRASH_VECTORS = published_crash_vectors()


def test_the_document_has_crash_vectors() -> None:
    assert len(CRASH_VECTORS) == 5


@pytest.mark.parametrize("vector", CRASH_VECTORS, ids=lambda v: f"{v[1]}:{v[2]}")
def test_published_crash_vectors(vector: tuple[str, str, int, int, str, int]) -> None:
    """Recomputed from the documented formulas with exact rationals and plain floats."""
    seed_hex, client_seed, nonce, u, shown, crashes_at = vector
    x = reference_floats(parse_seed(seed_hex), client_seed, nonce, 1)[0]
    assert x == u / 2**32
    hundredths = max(100, math.floor(Fraction(99) / (1 - Fraction(u, 2**32))))
    assert f"{hundredths / 100:.2f}" == shown
    assert crash.crash_point(u) == hundredths
    expected_ms = math.ceil(math.log(hundredths / 100) / 0.00006)
    assert crash.reach_ms(hundredths) == crashes_at == expected_ms


def test_the_document_has_vectors() -> None:
    assert len(VECTORS) == 5


@pytest.mark.parametrize("vector", VECTORS, ids=lambda v: f"{v[2]}:{v[3]}")
def test_published_vectors(
    vector: tuple[str, str, str, int, list[float], float, list[str]],
) -> None:
    seed_hex, digest, client_seed, nonce, floats, float8, reels = vector
    seed = parse_seed(seed_hex)
    assert seed_hash(seed) == digest == hashlib.sha256(seed).hexdigest()
    ours = [as_float(u) for u in take(FairnessInput(seed, client_seed, nonce), 9)]
    reference = reference_floats(seed, client_seed, nonce, 9)
    assert ours == reference
    assert [round(x, 10) for x in ours[:3]] == floats
    assert round(ours[8], 10) == float8
    uints = take(FairnessInput(seed, client_seed, nonce), 3)
    assert [symbol.value for symbol in slots.reels_from(uints)] == reels


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
