"""Players (SPEC §5.4): one `Player` node whose public fields anyone may read and whose
private fields answer only its owner and operators (SPEC §12.1)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import strawberry
from strawberry import relay
from strawberry.permission import BasePermission
from strawberry.types import Info

from casino_club.context import Context
from casino_club.domain import activity as domain_activity
from casino_club.domain import gacha as gacha_values
from casino_club.domain import ledger as domain_ledger
from casino_club.domain import limits as domain_limits
from casino_club.domain import profiles, seeds
from casino_club.domain import recommendations as domain_recommendations
from casino_club.domain.accounts import Role, level_for_xp, xp_to_next_level
from casino_club.domain.checkin import Attendance as AttendanceValue
from casino_club.domain.checkin import streak_alive
from casino_club.domain.days import check_since, game_day
from casino_club.domain.games import Game
from casino_club.domain.games import GameRound as PlayedRound
from casino_club.domain.notifications import Notification as NotificationValue
from casino_club.domain.pagination import check_first, decode_cursor
from casino_club.domain.payments import Purchase as PurchaseRecord
from casino_club.domain.stats import PlayerStatistics as PlayerStatisticsValue
from casino_club.resolvers import activity as activity_cases
from casino_club.resolvers import checkin as checkin_cases
from casino_club.resolvers import fairness as fairness_cases
from casino_club.resolvers import gacha as gacha_cases
from casino_club.resolvers import history as history_cases
from casino_club.resolvers import limits as limit_cases
from casino_club.resolvers import notifications as notification_cases
from casino_club.resolvers import purchases as purchase_cases
from casino_club.resolvers import recommendations as recommendation_cases
from casino_club.resolvers import stats as stats_cases
from casino_club.resolvers import users as user_cases
from casino_club.schema.activity import PlayerActivity
from casino_club.schema.checkin import Attendance
from casino_club.schema.enums import LoginOutcomeEnum, RankEnum, RoleEnum
from casino_club.schema.fairness import Fairness, GameEnum, RevealedSeed
from casino_club.schema.gacha import GachaStatus, InventoryItem
from casino_club.schema.history import GameRound
from casino_club.schema.limits import PlayerLimits
from casino_club.schema.notifications import Notification
from casino_club.schema.outcomes import presents
from casino_club.schema.pagination import AFTER, FIRST, Connection, keyset_connection
from casino_club.schema.permissions import IsOwnerOrAdmin, optional_viewer
from casino_club.schema.purchases import Purchase
from casino_club.schema.recommendations import Recommendation
from casino_club.schema.scalars import Gold
from casino_club.schema.stats import PlayerStatistics
from casino_club.schema.wallet import LedgerEntry

# Every field that loads a player's private data is guarded by its owner's id.
PRIVATE: list[type[BasePermission]] = [IsOwnerOrAdmin]
# What a Player's fields resolve on: the value a use case answered, whose `id` is the
# player's; the full profile (its owner's, or an operator's view) or the public view.
# Each private field loads through a use case from that id.
PlayerValue = strawberry.Parent[profiles.Profile | profiles.PublicUser]


async def _profile(
    info: Info[Context, Any], root: profiles.Profile | profiles.PublicUser
) -> profiles.Profile:
    """The full profile behind a Player: the one answered, or else read by the player's
    id (a public view of the owner, e.g. on a leaderboard, reads its private fields so)."""
    if isinstance(root, profiles.Profile):
        return root
    return await user_cases.profile(info.context, root.id)


@presents(profiles.LoginAttempt)
@strawberry.type(description="One recorded login attempt on the caller's account.")
class LoginAttempt:
    at: datetime = strawberry.field(description="When the attempt was made.")
    success: bool = strawberry.field(description="True only for SUCCESS.")
    outcome: LoginOutcomeEnum = strawberry.field(  # type: ignore[valid-type]
        description="How it ended."
    )
    ip: str | None = strawberry.field(
        description="The client address it came from; null when unknown."
    )
    user_agent: str | None = strawberry.field(
        description="The client's User-Agent header; null when it sent none."
    )


@presents(profiles.Profile, profiles.PublicUser)
@strawberry.type(
    description="A player: one identity wherever they are seen (`me`, a leaderboard, an "
    "operator's view). Anyone may read the public fields; the private ones (marked so) "
    "answer only the player and operators, and anyone else a FORBIDDEN error."
)
class Player(relay.Node):
    id: relay.NodeID[int]
    nickname: str = strawberry.field(description="The name shown to other players.")
    rank: RankEnum = strawberry.field(  # type: ignore[valid-type]
        description="STANDARD, PREMIUM or VIP (SPEC §5.2)."
    )

    @strawberry.field(description="When the player signed up.")
    def joined_at(self, root: PlayerValue) -> datetime:
        return root.created_at if isinstance(root, profiles.Profile) else root.joined_at

    @strawberry.field(description="When the player signed up.", deprecation_reason="Use joinedAt.")
    def created_at(self, root: PlayerValue) -> datetime:
        return root.created_at if isinstance(root, profiles.Profile) else root.joined_at

    @strawberry.field(
        description="Experience: from check-ins and rewards, and 1 per 100 gold staked in "
        "each game."
    )
    async def xp(self, info: Info[Context, Any], root: PlayerValue) -> int:
        return await info.context.loaders.experience.load(root.id)

    @strawberry.field(description="floor(xp / 500) + 1.")
    async def level(self, info: Info[Context, Any], root: PlayerValue) -> int:
        return level_for_xp(await info.context.loaders.experience.load(root.id))

    @strawberry.field(description="XP still needed for the next level.")
    async def xp_to_next_level(self, info: Info[Context, Any], root: PlayerValue) -> int:
        return xp_to_next_level(await info.context.loaders.experience.load(root.id))

    @strawberry.field(
        description="Private: the login name (4–32 characters).", permission_classes=PRIVATE
    )
    async def site_id(self, info: Info[Context, Any], root: PlayerValue) -> str:
        return (await _profile(info, root)).site_id

    @strawberry.field(
        description="Private: USER or ADMIN.", permission_classes=PRIVATE, graphql_type=RoleEnum
    )
    async def role(self, info: Info[Context, Any], root: PlayerValue) -> Role:
        return (await _profile(info, root)).role

    @strawberry.field(description="Private: the wallet's balance now.", permission_classes=PRIVATE)
    async def gold(self, info: Info[Context, Any], root: PlayerValue) -> Gold:
        return Gold((await _profile(info, root)).gold)

    @strawberry.field(
        description="Private: owed after a refund; while above 0 the player cannot play.",
        permission_classes=PRIVATE,
    )
    async def gold_debt(self, info: Info[Context, Any], root: PlayerValue) -> Gold:
        return Gold((await _profile(info, root)).gold_debt)

    @strawberry.field(description="Private: the last successful login.", permission_classes=PRIVATE)
    async def last_login_at(self, info: Info[Context, Any], root: PlayerValue) -> datetime | None:
        return (await _profile(info, root)).last_login_at

    @strawberry.field(
        description="Private: consecutive game days the daily reward was claimed, as of "
        "today: 0 once a day was missed (a claim may still revive it with streak "
        "protection).",
        permission_classes=PRIVATE,
    )
    async def daily_streak(self, info: Info[Context, Any], root: PlayerValue) -> int:
        found = await _profile(info, root)
        services = info.context.services
        today = game_day(services.clock.now(), services.settings.zone)
        return streak_alive(found.last_checkin_day, found.streak_at_last_checkin, today)

    @strawberry.field(
        description="Private: the active seed pair and next nonce (SPEC §6.1).",
        permission_classes=PRIVATE,
        graphql_type=Fairness,
    )
    async def fairness(self, info: Info[Context, Any], root: PlayerValue) -> seeds.Fairness:
        return await fairness_cases.seed_pair(info.context.services, root.id)

    @strawberry.field(
        description="Private: the server seeds retired by rotateServerSeed, newest first, each "
        "with its hash as published before: with them any past round can be checked.",
        permission_classes=PRIVATE,
        graphql_type=list[RevealedSeed],
    )
    async def revealed_seeds(
        self,
        info: Info[Context, Any],
        root: PlayerValue,
        first: Annotated[int, strawberry.argument(description="How many: 1–100.")] = 20,
    ) -> list[seeds.RevealedSeed]:
        return await fairness_cases.revealed_seeds(
            info.context.services, root.id, check_first(first)
        )

    @strawberry.field(
        description="Private: pity counter, pulls today and counts by rarity.",
        permission_classes=PRIVATE,
        graphql_type=GachaStatus,
    )
    async def gacha(self, info: Info[Context, Any], root: PlayerValue) -> gacha_values.GachaStatus:
        return await gacha_cases.status(info.context.services, root.id)

    @strawberry.field(
        description="Private: collectibles and consumables held, most recent first.",
        permission_classes=PRIVATE,
        graphql_type=Connection[InventoryItem],
    )
    async def inventory(
        self,
        info: Info[Context, Any],
        root: PlayerValue,
        first: Annotated[int, FIRST] = 20,
        after: Annotated[str | None, AFTER] = None,
    ) -> Connection[gacha_values.InventoryItem]:
        limit = check_first(first)
        held = await user_cases.inventory(
            info.context.services, root.id, after_id=decode_cursor(after), limit=limit + 1
        )
        return keyset_connection(held, limit, after, lambda item: item, key=lambda item: item.id)

    @strawberry.field(
        description="Private: messages from the operators, newest first (SPEC §10).",
        permission_classes=PRIVATE,
        graphql_type=Connection[Notification],
    )
    async def notifications(
        self,
        info: Info[Context, Any],
        root: PlayerValue,
        first: Annotated[int, FIRST] = 20,
        after: Annotated[str | None, AFTER] = None,
        unread_only: Annotated[
            bool, strawberry.argument(description="Only notifications not yet read.")
        ] = False,
    ) -> Connection[NotificationValue]:
        limit = check_first(first)
        page = await notification_cases.page(
            info.context.services,
            root.id,
            after_id=decode_cursor(after),
            first=limit,
            unread_only=unread_only,
        )
        return keyset_connection(page, limit, after, lambda shown: shown, key=lambda n: n.id)

    @strawberry.field(
        description="Private: how many notifications are not read yet.",
        permission_classes=PRIVATE,
    )
    async def unread_notifications(self, info: Info[Context, Any], root: PlayerValue) -> int:
        return await notification_cases.unread_count(info.context.services, root.id)

    @strawberry.field(
        description="Private: every gold movement, newest first.",
        permission_classes=PRIVATE,
        graphql_type=Connection[LedgerEntry],
    )
    async def ledger(
        self,
        info: Info[Context, Any],
        root: PlayerValue,
        first: Annotated[int, FIRST] = 20,
        after: Annotated[str | None, AFTER] = None,
    ) -> Connection[domain_ledger.LedgerEntry]:
        limit = check_first(first)
        entries = await user_cases.ledger(
            info.context.services, root.id, after_id=decode_cursor(after), limit=limit + 1
        )
        return keyset_connection(entries, limit, after, lambda entry: entry, key=lambda e: e.id)

    @strawberry.field(
        description="Private: settled plays, newest first, optionally of one game and from a "
        "moment on.",
        permission_classes=PRIVATE,
        graphql_type=Connection[GameRound],
    )
    async def history(
        self,
        info: Info[Context, Any],
        root: PlayerValue,
        game: Annotated[
            GameEnum | None,  # type: ignore[valid-type]
            strawberry.argument(description="Only this game's rounds; null: every game."),
        ] = None,
        since: Annotated[
            datetime | None,
            strawberry.argument(description="Only rounds settled at or after this; null: all."),
        ] = None,
        first: Annotated[int, FIRST] = 20,
        after: Annotated[str | None, AFTER] = None,
    ) -> Connection[PlayedRound]:
        limit = check_first(first)
        check_since(since)
        rounds = await history_cases.page(
            info.context.services,
            root.id,
            game=None if game is None else Game(game),
            since=since,
            after_id=decode_cursor(after),
            limit=limit + 1,
        )
        return keyset_connection(rounds, limit, after, lambda played: played, key=lambda r: r.id)

    @strawberry.field(
        description="Private: totals per game and overall, and gacha pulls by rarity (SPEC §9.1).",
        permission_classes=PRIVATE,
        graphql_type=PlayerStatistics,
    )
    async def stats(self, info: Info[Context, Any], root: PlayerValue) -> PlayerStatisticsValue:
        return await stats_cases.statistics(info.context.services, root.id)

    @strawberry.field(
        description="Private: what the game suggests the player do next (none during a "
        "cool-off or self-exclusion), most rewarding first; each is counted as shown when "
        "the player reads it.",
        permission_classes=PRIVATE,
        graphql_type=list[Recommendation],
    )
    async def recommendations(
        self, info: Info[Context, Any], root: PlayerValue
    ) -> list[domain_recommendations.Recommendation]:
        viewer = await optional_viewer(info)
        shown = viewer is not None and viewer.id == root.id
        return await recommendation_cases.for_player(info.context.services, root.id, shown=shown)

    @strawberry.field(
        description="Private: the player's activity (their clients' events added up, their "
        "last login, play and purchase).",
        permission_classes=PRIVATE,
        graphql_type=PlayerActivity,
    )
    async def activity(
        self, info: Info[Context, Any], root: PlayerValue
    ) -> domain_activity.PlayerActivity:
        return await activity_cases.of_player(info.context.services, root.id)

    @strawberry.field(
        description="Private: limits the player set on themselves, and changes waiting to apply.",
        permission_classes=PRIVATE,
        graphql_type=PlayerLimits,
    )
    async def limits(
        self, info: Info[Context, Any], root: PlayerValue
    ) -> domain_limits.PlayerLimits:
        return await limit_cases.limits_of(info.context.services, root.id)

    @strawberry.field(
        description="Private: purchases and attempts to buy, newest first, whatever their status.",
        permission_classes=PRIVATE,
        graphql_type=Connection[Purchase],
    )
    async def purchases(
        self,
        info: Info[Context, Any],
        root: PlayerValue,
        first: Annotated[int, FIRST] = 20,
        after: Annotated[str | None, AFTER] = None,
    ) -> Connection[PurchaseRecord]:
        limit = check_first(first)
        rows = await purchase_cases.purchase_page(
            info.context.services, root.id, after_id=decode_cursor(after), limit=limit + 1
        )
        return keyset_connection(rows, limit, after, lambda row: row, key=lambda row: row.id)

    @strawberry.field(
        description="Private: the days of a month (in GAME_TIMEZONE) the daily reward was claimed.",
        permission_classes=PRIVATE,
        graphql_type=Attendance,
    )
    async def attendance(
        self,
        info: Info[Context, Any],
        root: PlayerValue,
        year: Annotated[int, strawberry.argument(description="The calendar year.")],
        month: Annotated[int, strawberry.argument(description="The month, 1–12.")],
    ) -> AttendanceValue:
        return await checkin_cases.attendance(info.context.services, root.id, year, month)

    @strawberry.field(
        description="Private: login attempts on this account, newest first.",
        permission_classes=PRIVATE,
        graphql_type=Connection[LoginAttempt],
    )
    async def login_history(
        self,
        info: Info[Context, Any],
        root: PlayerValue,
        first: Annotated[int, FIRST] = 20,
        after: Annotated[str | None, AFTER] = None,
    ) -> Connection[profiles.LoginAttempt]:
        limit = check_first(first)
        attempts = await user_cases.login_history(
            info.context.services, root.id, after_id=decode_cursor(after), limit=limit + 1
        )
        return keyset_connection(
            attempts, limit, after, lambda attempt: attempt, key=lambda attempt: attempt.id
        )
