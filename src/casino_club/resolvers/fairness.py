"""Seeds and verification (SPEC §6.1)."""

from __future__ import annotations

from typing import Any

from casino_club.context import Context, Viewer
from casino_club.domain import crash, dice, gacha, hundredths, rps, slots, wheel
from casino_club.domain.fairness import FairnessInput, as_float, parse_seed, seed_hash, take
from casino_club.domain.games import Game
from casino_club.persistence import fairness
from casino_club.schema.errors import ValidationFailed
from casino_club.schema.fairness import (
    Fairness,
    FairnessUpdated,
    RevealedSeed,
    ServerSeedRotated,
    SetClientSeedInput,
    SetClientSeedResult,
    VerifiedRound,
)
from casino_club.schema.permissions import BadUserInput

MAX_CLIENT_SEED = 64
MAX_VERIFY_NONCE = 2**53


async def set_client_seed(
    context: Context, viewer: Viewer, data: SetClientSeedInput
) -> SetClientSeedResult:
    seed = data.client_seed
    if not 1 <= len(seed) <= MAX_CLIENT_SEED or not all(" " <= ch <= "~" for ch in seed):
        return ValidationFailed.single(
            "clientSeed",
            "INVALID_CLIENT_SEED",
            f"must be 1-{MAX_CLIENT_SEED} printable ASCII characters",
        )
    async with context.services.unit_of_work() as uow:
        row = await fairness.set_client_seed(uow.session, viewer.id, seed)
        await uow.commit()
    return FairnessUpdated(fairness=Fairness.of(row))


async def rotate_server_seed(context: Context, viewer: Viewer) -> ServerSeedRotated:
    async with context.services.unit_of_work() as uow:
        old, new = await fairness.rotate(uow.session, viewer.id, context.services.clock.now())
        await uow.commit()
    return ServerSeedRotated(revealed=RevealedSeed.of(old), fairness=Fairness.of(new))


def verify(
    context: Context, game: Game, server_seed: str, client_seed: str, nonce: int
) -> VerifiedRound:
    """Recompute an outcome from revealed seeds; pure, so anyone may call it."""
    try:
        seed = parse_seed(server_seed.strip().lower())
    except ValueError as exc:
        raise BadUserInput(f"serverSeed: {exc}") from None
    if not 0 <= nonce < MAX_VERIFY_NONCE or len(client_seed) > MAX_CLIENT_SEED:
        raise BadUserInput("nonce or clientSeed out of range")
    source = FairnessInput(seed, client_seed, nonce)

    def verified(uints: list[int], **outcome: Any) -> VerifiedRound:
        return VerifiedRound(
            game=game,
            server_seed_hash=seed_hash(seed),
            client_seed=client_seed,
            nonce=nonce,
            floats=[as_float(u) for u in uints],
            **outcome,
        )

    if game is Game.SLOTS:
        uints = take(source, slots.REELS)
        return verified(uints, reels=list(slots.reels_from(uints, context.services.slot_paytable)))
    if game is Game.GACHA:
        uints = take(source, 10)
        return verified(
            uints, gacha_rolls=[gacha.rarity_of(u, context.services.gacha) for u in uints]
        )
    (u,) = take(source, 1)
    if game is Game.RPS:
        return verified([u], rps_server_move=rps.server_move(u))
    if game is Game.WHEEL:
        return verified([u], wheel_segment=wheel.spin(u, wheel.DEFAULT_SEGMENTS))
    if game is Game.CRASH:
        return verified([u], crash_point=hundredths.display(crash.crash_point(u)))
    return verified([u], dice_roll=dice.roll_from(u) / 100)
