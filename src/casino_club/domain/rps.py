"""Rock-paper-scissors (SPEC §6.5): the server's move is a uniform choice from float 0.

A win pays 1.96× the stake (rounded down), a draw returns the stake, a loss pays 0.
RTP = (1.96 + 1 + 0) / 3 = 74/75 ≈ 98.67%.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from casino_club.domain.fairness import FairnessProof, uniform_index

WIN_PAYS_PERCENT = 196


class Move(StrEnum):
    ROCK = "ROCK"
    PAPER = "PAPER"
    SCISSORS = "SCISSORS"


# Index order of the uniform choice (part of the public contract).
MOVES: tuple[Move, ...] = (Move.ROCK, Move.PAPER, Move.SCISSORS)
_BEATS = {Move.ROCK: Move.SCISSORS, Move.PAPER: Move.ROCK, Move.SCISSORS: Move.PAPER}


class Result(StrEnum):
    WIN = "WIN"
    DRAW = "DRAW"
    LOSS = "LOSS"


@dataclass(frozen=True, slots=True)
class RpsRound:
    player: Move
    server: Move
    result: Result
    payout: int


def server_move(u: int) -> Move:
    return MOVES[uniform_index(u, len(MOVES))]


def judge(player: Move, server: Move) -> Result:
    if player == server:
        return Result.DRAW
    return Result.WIN if _BEATS[player] == server else Result.LOSS


def payout(stake: int, result: Result) -> int:
    if result is Result.WIN:
        return stake * WIN_PAYS_PERCENT // 100
    return stake if result is Result.DRAW else 0


def play(stake: int, player: Move, u: int) -> RpsRound:
    server = server_move(u)
    result = judge(player, server)
    return RpsRound(player=player, server=server, result=result, payout=payout(stake, result))


def exact_rtp(player: Move = Move.ROCK) -> Fraction:
    """Each server move has probability 1/3, whatever the player picks."""
    returns = {
        Result.WIN: Fraction(WIN_PAYS_PERCENT, 100),
        Result.DRAW: Fraction(1),
        Result.LOSS: Fraction(0),
    }
    return sum(
        (Fraction(1, len(MOVES)) * returns[judge(player, server)] for server in MOVES), Fraction(0)
    )


@dataclass(frozen=True, slots=True)
class RpsPlaySuccess:
    """A settled round as the player sees it, and as a retry with its key replays it."""

    round_id: int
    move: Move
    server_move: Move
    outcome: Result
    stake: int
    payout: int
    balance: int
    fairness: FairnessProof
    replayed: bool = False


@dataclass(frozen=True, slots=True)
class RpsConfig:
    """The published rules and their exact return."""

    win_multiplier: float
    draw_multiplier: float
    rtp: float
    rtp_exact: str  # the same RTP as an exact fraction p/q
    min_stake: int
    max_stake: int
