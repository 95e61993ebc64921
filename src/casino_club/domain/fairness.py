"""Provably fair randomness (SPEC §6.1).

Before a bet the player sees SHA-256(server_seed); the outcome is a pure function of
(server_seed, client_seed, nonce), so once the seed is revealed anyone can recompute it:

    float j = big-endian uint32 of bytes 4·(j mod 8) … 4·(j mod 8)+3 of
              HMAC_SHA256(key=server_seed, msg=f"{client_seed}:{nonce}:{⌊j / 8⌋}")  / 2**32

Games map floats to outcomes with the helpers below; they compare integers, never
floats, so no rounding can move a boundary (X·W < c  ⇔  u·W < c·2**32 for X = u / 2**32).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

FLOATS_PER_BLOCK = 8
SCALE = 2**32
SEED_BYTES = 32


@dataclass(frozen=True, slots=True)
class FairnessInput:
    server_seed: bytes
    client_seed: str
    nonce: int


@dataclass(frozen=True, slots=True)
class FairnessProof:
    """What every game result shows: enough to verify once the seed is revealed."""

    server_seed_hash: str
    client_seed: str
    nonce: int


def seed_hash(server_seed: bytes) -> str:
    return hashlib.sha256(server_seed).hexdigest()


def parse_seed(hex_seed: str) -> bytes:
    """A revealed seed as shown to players: 64 lowercase hex characters."""
    seed = bytes.fromhex(hex_seed)
    if len(seed) != SEED_BYTES:
        raise ValueError(f"a server seed is {SEED_BYTES} bytes ({2 * SEED_BYTES} hex characters)")
    return seed


def _block(source: FairnessInput, cursor: int) -> bytes:
    message = f"{source.client_seed}:{source.nonce}:{cursor}".encode()
    return hmac.new(source.server_seed, message, hashlib.sha256).digest()


def uints(source: FairnessInput) -> Iterator[int]:
    """The stream as 32-bit integers u (the float is u / 2**32); endless."""
    cursor = 0
    while True:
        block = _block(source, cursor)
        for j in range(FLOATS_PER_BLOCK):
            yield int.from_bytes(block[4 * j : 4 * j + 4], "big")
        cursor += 1


def take(source: FairnessInput, count: int) -> list[int]:
    stream = uints(source)
    return [next(stream) for _ in range(count)]


def as_float(u: int) -> float:
    """For display only: u / 2**32 is exact in a double."""
    return u / SCALE


def weighted_index(u: int, weights: Sequence[int]) -> int:
    """The first i with X·W < w₁+…+wᵢ, where X = u / 2**32 and W = Σw."""
    total = sum(weights)
    scaled = u * total
    cumulative = 0
    for index, weight in enumerate(weights):
        cumulative += weight
        if scaled < cumulative * SCALE:
            return index
    raise ValueError("u must be below 2**32 and weights positive")


def uniform_index(u: int, n: int) -> int:
    """floor(X·n)."""
    return (u * n) // SCALE
