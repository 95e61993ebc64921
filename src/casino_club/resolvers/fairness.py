"""Seeds and verification (SPEC §6.1)."""

from __future__ import annotations

from casino_club.context import Context, Viewer
from casino_club.domain import hundredths, verification
from casino_club.domain.errors import BadUserInput
from casino_club.domain.fairness import FairnessInput, as_float, parse_seed, seed_hash
from casino_club.domain.games import Game
from casino_club.domain.refusals import ValidationFailed
from casino_club.domain.seeds import (
    Fairness,
    FairnessUpdated,
    RevealedSeed,
    SeedInUse,
    ServerSeedRotated,
)
from casino_club.domain.verification import VerifiedRound
from casino_club.persistence import fairness, unsettled_rounds
from casino_club.persistence.models import FairnessSeed
from casino_club.services import Services

MAX_CLIENT_SEED = 64
MAX_VERIFY_NONCE = 2**53


def _client_seed_problem(seed: str) -> ValidationFailed | None:
    if not 1 <= len(seed) <= MAX_CLIENT_SEED or not all(" " <= ch <= "~" for ch in seed):
        return ValidationFailed.single(
            "clientSeed",
            "INVALID_CLIENT_SEED",
            f"must be 1-{MAX_CLIENT_SEED} printable ASCII characters",
        )
    return None


def _seed_pair(row: FairnessSeed) -> Fairness:
    return Fairness(
        server_seed_hash=row.server_seed_hash, client_seed=row.client_seed, nonce=row.nonce
    )


def _revealed(row: FairnessSeed) -> RevealedSeed:
    assert row.revealed_at is not None, "a retired seed has its reveal time"
    return RevealedSeed(
        server_seed=row.server_seed,
        server_seed_hash=row.server_seed_hash,
        client_seed=row.client_seed,
        rounds=row.nonce,
        revealed_at=row.revealed_at,
    )


async def seed_pair(services: Services, user_id: int) -> Fairness:
    """A player's active seed pair and next nonce."""
    async with services.sessionmaker() as session:
        return _seed_pair(await fairness.active_seed(session, user_id))


async def revealed_seeds(services: Services, user_id: int, limit: int) -> list[RevealedSeed]:
    """The seeds a player retired, newest first: with them any past round can be checked."""
    async with services.sessionmaker() as session:
        return [_revealed(row) for row in await fairness.revealed_seeds(session, user_id, limit)]


async def set_client_seed(
    context: Context, viewer: Viewer, seed: str
) -> FairnessUpdated | ValidationFailed:
    problem = _client_seed_problem(seed)
    if problem is not None:
        return problem
    async with context.services.unit_of_work() as uow:
        row = await fairness.set_client_seed(uow.session, viewer.id, seed)
        await uow.commit()
    return FairnessUpdated(fairness=_seed_pair(row))


async def rotate_server_seed(
    context: Context, viewer: Viewer, client_seed: str | None
) -> ServerSeedRotated | SeedInUse | ValidationFailed:
    """Reveal the active seed and start a new one — unless a round it decided still runs.

    The seed row is locked first, as every bet locks it, so a bet racing the rotation
    either opened its round before (and the rotation sees it) or waits and then bets on
    the new seed.
    """
    if client_seed is not None:
        problem = _client_seed_problem(client_seed)
        if problem is not None:
            return problem
    async with context.services.unit_of_work() as uow:
        old = await fairness.lock_active_seed(uow.session, viewer.id)
        unsettled = await unsettled_rounds.first_on_seed(uow.session, viewer.id, old.id)
        if unsettled is not None:
            return SeedInUse(unsettled.game, unsettled.round_id)
        new = await fairness.rotate(
            uow.session, old, client_seed or old.client_seed, context.services.clock.now()
        )
        await uow.commit()
    return ServerSeedRotated(revealed=_revealed(old), fairness=_seed_pair(new))


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
    found = verification.recompute(
        game,
        FairnessInput(seed, client_seed, nonce),
        paytable=context.services.slot_paytable,
        gacha_rules=context.services.gacha,
    )
    return VerifiedRound(
        game=game,
        server_seed_hash=seed_hash(seed),
        client_seed=client_seed,
        nonce=nonce,
        floats=tuple(as_float(u) for u in found.uints),
        reels=found.reels,
        rps_server_move=found.rps_server_move,
        gacha_rolls=found.gacha_rolls,
        wheel_segment=found.wheel_segment,
        dice_roll=None if found.dice_roll is None else hundredths.display(found.dice_roll),
        crash_point=None if found.crash_point is None else hundredths.display(found.crash_point),
    )
