"""Provably fair API (SPEC §6.1): seeds, rotation, and re-deriving past rounds."""

from __future__ import annotations

import hashlib

from typer.testing import CliRunner

from casino_club.cli import app as cli
from tests.support import FAIRNESS, ROTATE, Api, error_codes, revealed_seed, rotate_seed, spin

SET_CLIENT_SEED = """mutation S($seed: String!) { setClientSeed(input: {clientSeed: $seed}) {
  __typename ... on FairnessUpdated { fairness { clientSeed nonce } }
  ... on ValidationFailed { fields { field code } } } }"""
VERIFY = """query V($seed: String!, $client: String!, $nonce: Int!) {
  verifyRound(game: SLOTS, serverSeed: $seed, clientSeed: $client, nonce: $nonce) {
    serverSeedHash reels floats } }"""
HISTORY = """{ me { history(first: 50) { edges { node {
  outcome fairness { serverSeedHash clientSeed nonce } } } } } }"""


async def test_verify_round_after_rotation_reproduces_past_spins(api: Api) -> None:
    player = await api.new_player()
    token = player["accessToken"]
    changed = await api.data(SET_CLIENT_SEED, {"seed": "my lucky seed 🍀"[:13]}, token=token)
    assert changed["setClientSeed"]["fairness"]["clientSeed"] == "my lucky seed"
    committed = (await api.data(FAIRNESS, token=token))["me"]["fairness"]["serverSeedHash"]
    spins = [await spin(api, token, 10) for _ in range(5)]
    assert {s["fairness"]["serverSeedHash"] for s in spins} == {committed}

    rotated = await rotate_seed(api, token)
    revealed = rotated["revealed"]
    assert revealed["serverSeedHash"] == committed
    assert hashlib.sha256(bytes.fromhex(revealed["serverSeed"])).hexdigest() == committed
    assert revealed["rounds"] == 5
    assert rotated["fairness"]["nonce"] == 0
    assert rotated["fairness"]["serverSeedHash"] != committed
    assert rotated["fairness"]["clientSeed"] == "my lucky seed"

    history = (await api.data(HISTORY, token=token))["me"]["history"]["edges"]
    assert len(history) == 5
    for edge in history:
        proof = edge["node"]["fairness"]
        verified = (
            await api.data(
                VERIFY,
                {
                    "seed": revealed["serverSeed"],
                    "client": proof["clientSeed"],
                    "nonce": proof["nonce"],
                },
            )
        )["verifyRound"]
        assert verified["serverSeedHash"] == proof["serverSeedHash"]
        assert verified["reels"] == edge["node"]["outcome"]["reels"]
        cli_output = CliRunner().invoke(
            cli,
            [
                "verify-fairness",
                "--server-seed",
                revealed["serverSeed"],
                "--client-seed",
                proof["clientSeed"],
                "--nonce",
                str(proof["nonce"]),
                "--game",
                "slots",
            ],
        )
        assert cli_output.exit_code == 0, cli_output.output
        assert f"reels: {' '.join(edge['node']['outcome']['reels'])}" in cli_output.output


async def test_a_new_seed_starts_at_nonce_zero(api: Api) -> None:
    token = (await api.new_player())["accessToken"]
    await spin(api, token, 10)
    await revealed_seed(api, token)
    assert (await spin(api, token, 10))["fairness"]["nonce"] == 0


async def test_bad_client_seeds_and_verification_input(api: Api) -> None:
    token = (await api.new_player())["accessToken"]
    for bad in ("", "x" * 65, "tab\there"):
        result = await api.data(SET_CLIENT_SEED, {"seed": bad}, token=token)
        assert result["setClientSeed"]["__typename"] == "ValidationFailed"
    body = await api.execute(VERIFY, {"seed": "not-hex", "client": "c", "nonce": 0})
    assert error_codes(body) == ["BAD_USER_INPUT"]
    body = await api.execute(VERIFY, {"seed": "00" * 32, "client": "c", "nonce": -1})
    assert error_codes(body) == ["BAD_USER_INPUT"]


async def test_seed_mutations_need_authentication(api: Api) -> None:
    assert error_codes(await api.execute(ROTATE, {"input": {}})) == ["UNAUTHENTICATED"]
    assert error_codes(await api.execute(SET_CLIENT_SEED, {"seed": "abc"})) == ["UNAUTHENTICATED"]
