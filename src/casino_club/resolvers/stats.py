"""A player's statistics (SPEC §9.1), read from the totals every play keeps."""

from __future__ import annotations

from casino_club.domain.games import Game
from casino_club.domain.hundredths import display
from casino_club.domain.stats import GameTotals, PlayerStatistics
from casino_club.persistence import player_stats
from casino_club.resolvers import gacha as gacha_cases
from casino_club.services import Services


async def statistics(services: Services, user_id: int) -> PlayerStatistics:
    async with services.sessionmaker() as session:
        rows = {row.game: row for row in await player_stats.of(session, user_id)}
    games = []
    for game in Game:
        row = rows.get(game.value)
        best = row.best_multiplier if row is not None and game is Game.CRASH else 0
        games.append(
            GameTotals(
                game,
                plays=row.plays if row else 0,
                wins=row.wins if row else 0,
                losses=row.losses if row else 0,
                staked=row.staked if row else 0,
                paid=row.paid if row else 0,
                biggest_win=row.biggest_win if row else 0,
                best_multiplier=display(best) if best else None,
            )
        )
    total = GameTotals(
        None,
        plays=sum(g.plays for g in games),
        wins=sum(g.wins for g in games),
        losses=sum(g.losses for g in games),
        staked=sum(g.staked for g in games),
        paid=sum(g.paid for g in games),
        biggest_win=max(g.biggest_win for g in games),
        best_multiplier=None,
    )
    gacha = await gacha_cases.status(services, user_id)
    return PlayerStatistics(total=total, games=tuple(games), gacha_by_rarity=gacha.counts_by_rarity)
