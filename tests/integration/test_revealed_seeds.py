"""me.revealedSeeds: the server seeds a player retired, newest first, each hashing to the
hash published while it was secret; private to its owner, paged by `first`."""

from __future__ import annotations

import hashlib

from tests.support import Api, error_codes, rotate_seed, spin

SEEDS = """query S($first: Int!) { me {
  fairness { serverSeedHash }
  revealedSeeds(first: $first) { serverSeed serverSeedHash clientSeed rounds revealedAt } } }"""
OTHERS = "query U($id: ID!) { user(id: $id) { revealedSeeds { serverSeedHash } } }"


async def test_revealed_seeds_newest_first_and_private(api: Api) -> None:
    player, other = await api.new_player(), await api.new_player()
    token = player["accessToken"]
    none = (await api.data(SEEDS, {"first": 20}, token=token))["me"]
    assert none["revealedSeeds"] == []

    published = [none["fairness"]["serverSeedHash"]]
    assert (await spin(api, token, 10))["__typename"] == "SlotSpinSuccess"
    first = await rotate_seed(api, token, "second pair")
    assert first["__typename"] == "ServerSeedRotated", first
    published.append(first["fairness"]["serverSeedHash"])
    second = await rotate_seed(api, token)
    assert second["__typename"] == "ServerSeedRotated", second

    seeds = (await api.data(SEEDS, {"first": 20}, token=token))["me"]["revealedSeeds"]
    assert [s["serverSeedHash"] for s in seeds] == published[::-1]
    assert [(s["clientSeed"], s["rounds"]) for s in seeds] == [
        ("second pair", 0),
        (first["revealed"]["clientSeed"], 1),
    ]
    for seed in seeds:
        assert (
            hashlib.sha256(bytes.fromhex(seed["serverSeed"])).hexdigest() == seed["serverSeedHash"]
        )
    assert seeds[1]["serverSeed"] == first["revealed"]["serverSeed"]
    assert seeds[0]["serverSeed"] == second["revealed"]["serverSeed"]

    newest = (await api.data(SEEDS, {"first": 1}, token=token))["me"]["revealedSeeds"]
    assert newest == seeds[:1]
    assert error_codes(await api.execute(SEEDS, {"first": 0}, token=token)) == ["BAD_USER_INPUT"]
    body = await api.execute(OTHERS, {"id": player["user"]["id"]}, token=other["accessToken"])
    assert error_codes(body) == ["FORBIDDEN"]
