"""`casino-club verify-fairness` recomputes every game offline, as verifyRound does.

The expected outcomes are the published vectors of docs/FAIRNESS.md for the `casino-club`
seed, client seed `alice`, nonce 0 (float 0 is u = 1343635107, X ≈ 0.3128).
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from casino_club.cli import app
from casino_club.domain.games import Game

SEED = "d8c2b1337e625a2cb21d690c1a98e9487e3763d53b9408cd2dd4b17ecf1248bf"
SEED_HASH = "8e3e0bb21e923b07846a075cbb099db04cc72c60022bd2410f85cae39adea37b"
FLOAT_0 = "0.3128394268"
GACHA_FLOATS = (
    "0.3128394268, 0.8763751814, 0.4202015472, 0.4274113574, 0.2158753034, "
    "0.2599711108, 0.9727135489, 0.3761259594, 0.6214551148, 0.4433579880"
)

EXPECTED: dict[Game, tuple[str, str]] = {
    Game.SLOTS: (
        "0.3128394268, 0.8763751814, 0.4202015472",
        "reels: LEMON STAR LEMON (🍋⭐🍋)",
    ),
    Game.RPS: (FLOAT_0, "server move: ROCK"),
    Game.DICE: (FLOAT_0, "roll: 31.28"),
    Game.GACHA: (
        GACHA_FLOATS,
        "rarities without pity: COMMON COMMON COMMON COMMON RARE RARE COMMON COMMON COMMON COMMON",
    ),
    Game.WHEEL: (FLOAT_0, "wheel segment: 1 (250 gold)"),
    Game.CRASH: (FLOAT_0, "crash point: 1.44 (crashes at 6078 ms)"),
}


def verify(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["verify-fairness", *args])
    return result.exit_code, result.output


def test_every_game_has_an_expected_outcome() -> None:
    assert set(EXPECTED) == set(Game)


@pytest.mark.parametrize("game", list(Game), ids=str)
def test_each_game_prints_its_outcome(game: Game) -> None:
    code, output = verify(
        "--server-seed", SEED, "--client-seed", "alice", "--nonce", "0", "--game", game.lower()
    )
    assert code == 0, output
    floats, outcome = EXPECTED[game]
    assert output.splitlines() == [
        f"game: {game.value}",
        f"server seed hash: {SEED_HASH}",
        f"floats: {floats}",
        outcome,
    ]


@pytest.mark.parametrize(
    ("nonce", "outcome"),
    [
        ("53", "crash point: 1.00 (crashes at 0 ms)"),
        ("108", "crash point: 211.64 (crashes at 89249 ms)"),
    ],
)
def test_crash_points_print_two_decimals(nonce: str, outcome: str) -> None:
    code, output = verify(
        "--server-seed", SEED, "--client-seed", "alice", "--nonce", nonce, "--game", "CRASH"
    )
    assert code == 0, output
    assert output.splitlines()[-1] == outcome


def test_dice_roll_zero_prints_two_decimals() -> None:
    code, output = verify(
        "--server-seed", SEED, "--client-seed", "alice", "--nonce", "7756", "--game", "dice"
    )
    assert code == 0, output
    assert output.splitlines()[-1] == "roll: 0.00"


def test_slots_is_the_default_game() -> None:
    code, output = verify("--server-seed", SEED, "--client-seed", "alice", "--nonce", "0")
    assert code == 0, output
    assert output.splitlines()[-1] == EXPECTED[Game.SLOTS][1]


def test_a_bad_seed_is_refused() -> None:
    code, output = verify("--server-seed", "abc", "--client-seed", "alice", "--nonce", "0")
    assert code == 2
    assert "--server-seed" in output


def test_an_unknown_game_is_refused() -> None:
    code, _ = verify(
        "--server-seed", SEED, "--client-seed", "alice", "--nonce", "0", "--game", "poker"
    )
    assert code == 2
