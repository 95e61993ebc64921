"""Leaderboards in Redis sorted sets (SPEC §9.3, production mode).

A finished play is added once its transaction has committed, by one script: its net to
the six NET_WIN boards it belongs to (its game and all games; its day, its week, all
time) and its payout to the six BIGGEST_WIN boards (ZADD GT keeps the largest). A change
of experience sets the player's LEVEL score. Day and week boards are named by their
period and expire some days after it.

SQL holds the truth: a play committed while Redis was unreachable, or by a process that
died before feeding it, is missing here until `rebuild` writes the current boards from
SQL — run by `casino-club rebuild-leaderboards`, and by an instance that finds the
boards missing (a Redis that restarted empty). Feeds are not idempotent, so exactness
needs them to reach Redis once: an outbox drained in history-id order would give that
(issue 13 builds one for events).

Every board shares the hash tag `{lb}`: a play's script touches twelve boards at once,
and the rebuild's transaction a board and its copy being built, so on a Redis Cluster
they must share a slot. The boards are global keys; all of them live on one node, which
takes one script per finished play.
"""

from __future__ import annotations

from functools import lru_cache
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from casino_club.domain.games import Game
from casino_club.domain.leaderboards import LEVEL_KEY, Board, Metric, Period, boards_of_play
from casino_club.domain.missions import Periods
from casino_club.persistence.leaderboards import Ranked, every_board, ranked
from casino_club.persistence.redis_batch import CommandBatcher, Script
from casino_club.persistence.redis_client import RedisClient

LIFETIME_SECONDS = {Period.DAY: 3 * 24 * 3600, Period.WEEK: 15 * 24 * 3600}
BUILT = "built"  # set once the boards were written from SQL
REBUILDING = "rebuilding"  # held by the one process writing them
REBUILD_LOCK_MS = 120_000
REBUILD_CHUNK = 10_000  # members per ZADD

# KEYS: the six NET_WIN boards, then the six BIGGEST_WIN ones (boards_of_play's order:
# DAY, WEEK, ALL for the game, then for all games). ARGV: member, net, payout (0: not a
# candidate), the lifetimes of day and week boards.
_ADD_PLAY = Script("""
for i = 1, 6 do redis.call('ZINCRBY', KEYS[i], ARGV[2], ARGV[1]) end
if tonumber(ARGV[3]) > 0 then
  for i = 7, 12 do redis.call('ZADD', KEYS[i], 'GT', ARGV[3], ARGV[1]) end
end
for i = 1, 12 do
  local period = (i - 1) % 3
  if period < 2 then redis.call('EXPIRE', KEYS[i], ARGV[4 + period]) end
end
return 1
""")


@lru_cache(maxsize=64)
def _play_keys(prefix: str, game: Game, periods: Periods) -> tuple[str, ...]:
    """The twelve boards a play of `game` counts on (the script's KEYS), named once per
    game and day rather than on every play."""
    boards = (*boards_of_play(Metric.NET_WIN, game), *boards_of_play(Metric.BIGGEST_WIN, game))
    return tuple(prefix + board.key(periods) for board in boards)


def member(user_id: int) -> str:
    """A player in a board: zero-padded, so that equal scores rank by id."""
    return f"{user_id:020d}"


class RedisLeaderboards:
    def __init__(
        self,
        redis: RedisClient,
        prefix: str,
        sessionmaker: async_sessionmaker[AsyncSession],
        zone: ZoneInfo,
    ) -> None:
        self._redis = redis
        self._commands = CommandBatcher(redis)
        self._prefix = prefix + "{lb}:"
        self._sessionmaker = sessionmaker
        self._zone = zone

    def _key(self, board: Board, periods: Periods) -> str:
        return self._prefix + board.key(periods)

    async def top(self, board: Board, periods: Periods, limit: int) -> list[Ranked]:
        rows = await self._commands.execute(
            "ZRANGE", self._key(board, periods), 0, limit - 1, "REV", "WITHSCORES"
        )
        pairs = zip(rows[::2], rows[1::2], strict=True)
        return [Ranked(int(name), int(float(score))) for name, score in pairs]

    async def add_play(
        self, user_id: int, game: Game, stake: int, payout: int, periods: Periods
    ) -> None:
        keys = _play_keys(self._prefix, game, periods)
        lifetimes = (LIFETIME_SECONDS[Period.DAY], LIFETIME_SECONDS[Period.WEEK])
        await _ADD_PLAY.run(
            self._commands, keys, (member(user_id), payout - stake, payout, *lifetimes)
        )

    async def set_xp(self, user_id: int, xp: int) -> None:
        """GT: feeds that arrive out of order never lower it."""
        await self._commands.execute("ZADD", self._prefix + LEVEL_KEY, "GT", xp, member(user_id))

    async def built(self) -> bool:
        return bool(await self._commands.execute("EXISTS", self._prefix + BUILT))

    async def rebuild(self, periods: Periods) -> int:
        """Write every current board from SQL, each replaced at once (RENAME); how many
        boards were written (0: another process is rebuilding them). Not exact under
        load: a play whose feed lands between its board's read from SQL and the RENAME
        is lost from it, and one committed before the read but fed after the RENAME is
        counted twice — this is recovery, not routine."""
        lock = self._prefix + REBUILDING
        if not await self._commands.execute("SET", lock, "1", "NX", "PX", REBUILD_LOCK_MS):
            return 0
        try:
            await self._write_from_sql(periods)
        finally:
            await self._commands.execute("DEL", lock)
        await self._commands.execute("SET", self._prefix + BUILT, "1")
        return len(every_board())

    async def _write_from_sql(self, periods: Periods) -> None:
        for board in every_board():
            async with self._sessionmaker() as session:
                entries = await ranked(session, board, periods, self._zone, None)
            key = self._key(board, periods)
            building = key + ":building"
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.delete(building)
                for start in range(0, len(entries), REBUILD_CHUNK):
                    chunk = entries[start : start + REBUILD_CHUNK]
                    pipe.zadd(building, {member(e.user_id): e.score for e in chunk})
                if entries:
                    # As a plain command: redis-py's Cluster pipeline refuses its
                    # `rename` helper, though both keys share the `{lb}` slot.
                    pipe.execute_command("RENAME", building, key)
                    if board.period in LIFETIME_SECONDS:
                        pipe.expire(key, LIFETIME_SECONDS[board.period])
                else:
                    pipe.delete(key)
                await pipe.execute()
