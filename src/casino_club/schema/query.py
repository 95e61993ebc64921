"""The root Query."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from casino_club.context import Context
from casino_club.domain import (
    admin,
    crash,
    dice,
    economy,
    gacha,
    invites,
    kpis,
    leaderboards,
    profiles,
    rps,
    slots,
    verification,
    wheel,
)
from casino_club.domain.accounts import Rank, Role
from casino_club.domain.admin import UserOrder
from casino_club.domain.campaigns import Campaign as CampaignValue
from casino_club.domain.games import Game
from casino_club.domain.ids import NodeKind, parse_node_id
from casino_club.domain.leaderboards import Period
from casino_club.domain.listings import PackageListing, ProductListing
from casino_club.domain.missions import PlayerMission as PlayerMissionValue
from casino_club.domain.missions import StoredMission
from casino_club.domain.pagination import check_first, decode_cursor
from casino_club.domain.purchases import ReceiptVerification as ReceiptVerificationValue
from casino_club.domain.recommendations import RuleReport
from casino_club.domain.segments import Segment
from casino_club.domain.segments import SegmentCounts as SegmentCountsValue
from casino_club.domain.shop import Product as ProductValue
from casino_club.domain.shop_admin import AdminLimitedPackage as AdminLimitedPackageValue
from casino_club.domain.shop_admin import AdminPromoCode as AdminPromoCodeValue
from casino_club.resolvers import admin as admin_cases
from casino_club.resolvers import admin_users as admin_user_cases
from casino_club.resolvers import campaigns as campaign_cases
from casino_club.resolvers import crash as crash_cases
from casino_club.resolvers import dice as dice_cases
from casino_club.resolvers import economy as economy_cases
from casino_club.resolvers import fairness as fairness_cases
from casino_club.resolvers import gacha as gacha_cases
from casino_club.resolvers import invites as invite_cases
from casino_club.resolvers import kpis as kpi_cases
from casino_club.resolvers import leaderboards as leaderboard_cases
from casino_club.resolvers import limited_packages as package_cases
from casino_club.resolvers import mission_admin as mission_admin_cases
from casino_club.resolvers import missions as mission_cases
from casino_club.resolvers import purchases as purchase_cases
from casino_club.resolvers import recommendations as recommendation_cases
from casino_club.resolvers import rps as rps_cases
from casino_club.resolvers import segments as segment_cases
from casino_club.resolvers import shop as shop_cases
from casino_club.resolvers import shop_admin as shop_admin_cases
from casino_club.resolvers import slots as slot_cases
from casino_club.resolvers import users as user_cases
from casino_club.resolvers import wheel as wheel_cases
from casino_club.schema.admin import (
    AdminUser,
    AdminUserFilter,
    AuditEntry,
    AuditLogFilter,
    UserOrderEnum,
)
from casino_club.schema.campaigns import Campaign
from casino_club.schema.crash import CrashConfig, CrashRound, CrashRoundFilter
from casino_club.schema.dice import DiceConfig
from casino_club.schema.economy import EconomyReport
from casino_club.schema.fairness import GameEnum, VerifiedRound
from casino_club.schema.gacha import GachaConfig
from casino_club.schema.invites import InviteCode, InviteCodeValidation
from casino_club.schema.kpis import KpiReport
from casino_club.schema.leaderboards import (
    Leaderboard,
    LeaderboardMetricEnum,
    LeaderboardPeriodEnum,
)
from casino_club.schema.missions import Mission, PlayerMission
from casino_club.schema.nodes import NODE_FIELD, NODES_FIELD
from casino_club.schema.pagination import AFTER, FIRST, Connection, keyset_connection
from casino_club.schema.permissions import IsAdmin, IsAuthenticated, optional_viewer, require_viewer
from casino_club.schema.purchases import (
    LimitedPackage,
    ReceiptVerification,
    VerifyReceiptInput,
)
from casino_club.schema.recommendations import RecommendationRuleReport
from casino_club.schema.rps import RpsConfig
from casino_club.schema.segments import SegmentCounts, SegmentEnum
from casino_club.schema.shop import Product
from casino_club.schema.shop_admin import AdminLimitedPackage, AdminProduct, AdminPromoCode
from casino_club.schema.slots import SlotsConfig
from casino_club.schema.users import Player
from casino_club.schema.wheel import WheelConfig

# The arguments of every page of a connection.


# The first game day of an operators' report over a range of days.
FirstDay = Annotated[date, strawberry.argument(description="The first game day, inclusive.")]


@strawberry.type(
    description="Every read. Fields marked 'no login needed' answer anyone; the others need "
    "a login (UNAUTHENTICATED), the admin ones the ADMIN role (FORBIDDEN)."
)
class Query:
    node = NODE_FIELD
    nodes = NODES_FIELD

    @strawberry.field(
        description="The caller: their Player, every private field readable.",
        permission_classes=[IsAuthenticated],
        graphql_type=Player,
    )
    async def me(self, info: Info[Context, Any]) -> profiles.Profile:
        return await user_cases.me(info.context, await require_viewer(info))

    @strawberry.field(
        description="Another player (their public fields; private ones answer FORBIDDEN) by "
        "their global id; null when there is no such player.",
        permission_classes=[IsAuthenticated],
        graphql_type=Player | None,
    )
    async def user(
        self,
        info: Info[Context, Any],
        id: Annotated[strawberry.ID, strawberry.argument(description="The player's global id.")],
    ) -> profiles.PublicUser | None:
        return await user_cases.public_user(info.context, id)

    @strawberry.field(
        description="Whether an invite code can be used to sign up now (no login needed).",
        graphql_type=InviteCodeValidation,
    )
    async def validate_invite_code(
        self,
        info: Info[Context, Any],
        code: Annotated[str, strawberry.argument(description="The invite code's text.")],
    ) -> invites.InviteCodeValidation:
        return await invite_cases.validate_invite_code(info.context, code)

    @strawberry.field(
        description="Slots odds, paytable and exact RTP (no login needed).",
        graphql_type=SlotsConfig,
    )
    def slots_config(self, info: Info[Context, Any]) -> slots.SlotsConfig:
        return slot_cases.config(info.context.services)

    @strawberry.field(
        description="Gacha odds, pity, effective rates, costs, limits and stock (no login needed).",
        graphql_type=GachaConfig,
    )
    async def gacha_config(self, info: Info[Context, Any]) -> gacha.GachaConfig:
        return await gacha_cases.config(info.context.services)

    @strawberry.field(
        description="The top players of a board (no login needed). LEVEL takes no game "
        "and period ALL; `first` is 1-100.",
        graphql_type=Leaderboard,
    )
    async def leaderboard(
        self,
        info: Info[Context, Any],
        metric: Annotated[
            LeaderboardMetricEnum,  # type: ignore[valid-type]
            strawberry.argument(description="What to rank by."),
        ],
        period: Annotated[
            LeaderboardPeriodEnum,  # type: ignore[valid-type]
            strawberry.argument(description="Over what time."),
        ] = Period.ALL,
        game: Annotated[
            GameEnum | None,  # type: ignore[valid-type]
            strawberry.argument(description="One game's board; null: every game together."),
        ] = None,
        first: Annotated[int, strawberry.argument(description="How many players: 1–100.")] = 10,
    ) -> leaderboards.Leaderboard:
        return await leaderboard_cases.leaderboard(info.context, metric, period, game, first)

    @strawberry.field(
        description="Products on sale, in the shop's order, priced now (no login needed).",
        graphql_type=list[Product],
    )
    async def catalog(self, info: Info[Context, Any]) -> list[ProductListing]:
        return await shop_cases.catalog(info.context.services)

    @strawberry.field(
        description=(
            "Limited packages on sale or coming (enabled, window not ended), soonest ending "
            "first, with the stock left and, for a logged-in caller, their allowance."
        ),
        graphql_type=list[LimitedPackage],
    )
    async def limited_packages(self, info: Info[Context, Any]) -> list[PackageListing]:
        return await package_cases.listed(info.context.services, await optional_viewer(info))

    @strawberry.field(
        description="Whether a receipt (code and signature) is one this server issued.",
        permission_classes=[IsAuthenticated],
        graphql_type=ReceiptVerification,
    )
    async def verify_receipt(
        self,
        info: Info[Context, Any],
        input: Annotated[
            VerifyReceiptInput, strawberry.argument(description="The receipt to check.")
        ],
    ) -> ReceiptVerificationValue:
        return await purchase_cases.verify_receipt(
            info.context.services, input.code, input.signature
        )

    @strawberry.field(
        description="Prize wheel segments and expected value (no login needed).",
        graphql_type=WheelConfig,
    )
    def wheel_config(self) -> wheel.WheelConfig:
        return wheel_cases.config()

    @strawberry.field(
        description="Rock-paper-scissors rules and exact RTP (no login needed).",
        graphql_type=RpsConfig,
    )
    def rps_config(self, info: Info[Context, Any]) -> rps.RpsConfig:
        return rps_cases.config(info.context.services)

    @strawberry.field(
        description="Dice rules and return (no login needed).", graphql_type=DiceConfig
    )
    def dice_config(self, info: Info[Context, Any]) -> dice.DiceConfig:
        return dice_cases.config(info.context.services)

    @strawberry.field(
        description="Crash rules, curve and odds (no login needed).", graphql_type=CrashConfig
    )
    def crash_config(self, info: Info[Context, Any]) -> crash.CrashConfig:
        return crash_cases.config(info.context.services)

    @strawberry.field(
        description="One of the caller's crash rounds; null when there is no such round.",
        permission_classes=[IsAuthenticated],
        graphql_type=CrashRound | None,
    )
    async def crash_round(
        self,
        info: Info[Context, Any],
        id: Annotated[
            strawberry.ID, strawberry.argument(description="The round's global id (a CrashRound).")
        ],
    ) -> crash.CrashRound | None:
        viewer = await require_viewer(info)
        round_id = parse_node_id(id, NodeKind.CRASH_ROUND)
        if round_id is None:
            return None
        return await crash_cases.find_round(info.context, viewer, round_id)

    @strawberry.field(
        description="The caller's running crash round, if any (to resume after a reload).",
        permission_classes=[IsAuthenticated],
        graphql_type=CrashRound | None,
    )
    async def active_crash_round(self, info: Info[Context, Any]) -> crash.CrashRound | None:
        return await crash_cases.active_round(info.context, await require_viewer(info))

    @strawberry.field(
        description="Crash rounds of every player, newest first.",
        permission_classes=[IsAdmin],
        graphql_type=Connection[CrashRound],
    )
    async def crash_rounds(
        self,
        info: Info[Context, Any],
        filter: Annotated[
            CrashRoundFilter | None,
            strawberry.argument(description="Which rounds; null: every round."),
        ] = None,
        first: Annotated[int, FIRST] = 20,
        after: Annotated[str | None, AFTER] = None,
    ) -> Connection[crash.CrashRound]:
        limit = check_first(first)
        where = (filter or CrashRoundFilter()).value()
        rounds = await crash_cases.rounds(
            info.context, where, after_id=decode_cursor(after), limit=limit + 1
        )
        return keyset_connection(rounds, limit, after, lambda node: node, key=lambda node: node.id)

    @strawberry.field(
        description=(
            "Recompute a round from its seeds (no login needed): once a server seed is "
            "revealed by rotateServerSeed, every round it served can be checked."
        ),
        graphql_type=VerifiedRound,
    )
    def verify_round(
        self,
        info: Info[Context, Any],
        game: Annotated[
            GameEnum,  # type: ignore[valid-type]
            strawberry.argument(description="The game whose mapping to apply."),
        ],
        server_seed: Annotated[
            str,
            strawberry.argument(
                description="The revealed server seed: 64 hex characters (RevealedSeed.serverSeed)."
            ),
        ],
        client_seed: Annotated[
            str, strawberry.argument(description="The client seed the round used.")
        ],
        nonce: Annotated[
            int, strawberry.argument(description="The round's nonce (FairnessProof.nonce).")
        ],
    ) -> verification.VerifiedRound:
        return fairness_cases.verify(info.context, Game(game), server_seed, client_seed, nonce)

    @strawberry.field(
        description="The caller's active missions with their progress this period.",
        permission_classes=[IsAuthenticated],
        graphql_type=list[PlayerMission],
    )
    async def missions(self, info: Info[Context, Any]) -> list[PlayerMissionValue]:
        viewer = await require_viewer(info)
        return await mission_cases.of_player(info.context.services, viewer.id)

    @strawberry.field(
        description="Every mission, active or not, as stored.",
        permission_classes=[IsAdmin],
        graphql_type=list[Mission],
    )
    async def admin_missions(self, info: Info[Context, Any]) -> list[StoredMission]:
        return await mission_admin_cases.every(info.context.services)

    @strawberry.field(
        description="Every product, on sale or not, as stored.",
        permission_classes=[IsAdmin],
        graphql_type=list[AdminProduct],
    )
    async def admin_products(self, info: Info[Context, Any]) -> list[ProductValue]:
        return await shop_admin_cases.admin_products(info.context.services)

    @strawberry.field(
        description="Every limited package with its sold and held units.",
        permission_classes=[IsAdmin],
        graphql_type=list[AdminLimitedPackage],
    )
    async def admin_limited_packages(
        self, info: Info[Context, Any]
    ) -> list[AdminLimitedPackageValue]:
        return await shop_admin_cases.admin_packages(info.context.services)

    @strawberry.field(
        description="Every promo code with the uses taken.",
        permission_classes=[IsAdmin],
        graphql_type=list[AdminPromoCode],
    )
    async def admin_promo_codes(self, info: Info[Context, Any]) -> list[AdminPromoCodeValue]:
        return await shop_admin_cases.admin_promo_codes(info.context.services)

    @strawberry.field(
        description="Every operator change, newest first (rows are never edited or removed).",
        permission_classes=[IsAdmin],
        graphql_type=Connection[AuditEntry],
    )
    async def audit_log(
        self,
        info: Info[Context, Any],
        filter: Annotated[
            AuditLogFilter | None,
            strawberry.argument(description="Which changes; null: every change."),
        ] = None,
        first: Annotated[int, FIRST] = 20,
        after: Annotated[str | None, AFTER] = None,
    ) -> Connection[admin.AuditEntry]:
        where = filter or AuditLogFilter()
        limit = check_first(first)
        entries = await admin_cases.audit_log(
            info.context.services,
            actor_id=where.actor_id,
            action=where.action,
            target=where.target,
            since=where.since,
            limit=limit + 1,
            after=after,
        )
        return keyset_connection(entries, limit, after, lambda entry: entry, key=lambda e: e.id)

    @strawberry.field(
        description="Players, filtered and in the chosen order, a page at a time.",
        permission_classes=[IsAdmin],
        graphql_type=Connection[AdminUser],
    )
    async def admin_users(
        self,
        info: Info[Context, Any],
        filter: Annotated[
            AdminUserFilter | None,
            strawberry.argument(description="Which players; null: every player."),
        ] = None,
        order: Annotated[
            UserOrderEnum,  # type: ignore[valid-type]
            strawberry.argument(description="The order of the list."),
        ] = UserOrder.NEWEST,
        first: Annotated[int, FIRST] = 20,
        after: Annotated[str | None, AFTER] = None,
    ) -> Connection[admin.AdminUser]:
        where = filter or AdminUserFilter()
        limit = check_first(first)
        found = await admin_user_cases.users_page(
            info.context.services,
            search=where.search,
            rank=None if where.rank is None else Rank(where.rank),
            role=None if where.role is None else Role(where.role),
            banned=where.banned,
            order=UserOrder(order),
            limit=limit + 1,
            after=after,
        )
        return keyset_connection(
            found, limit, after, lambda keyed: keyed[1], key=lambda keyed: keyed[0]
        )

    @strawberry.field(
        description="One player in full: profile, wallet, ledger, history, login attempts, "
        "limits, purchases, sessions.",
        permission_classes=[IsAdmin],
        graphql_type=AdminUser | None,
    )
    async def admin_user(
        self,
        info: Info[Context, Any],
        id: Annotated[
            strawberry.ID, strawberry.argument(description="The player's global id (a Player).")
        ],
    ) -> admin.AdminUser | None:
        return await admin_user_cases.user_detail(info.context.services, id)

    @strawberry.field(
        description="Players per segment (lifecycle and RFM), as of the last segmentation run.",
        permission_classes=[IsAdmin],
        graphql_type=SegmentCounts,
    )
    async def segment_counts(self, info: Info[Context, Any]) -> SegmentCountsValue:
        return await segment_cases.counts(info.context.services)

    @strawberry.field(
        description="The players in a segment (overrides included), newest first.",
        permission_classes=[IsAdmin],
        graphql_type=Connection[AdminUser],
    )
    async def players_in_segment(
        self,
        info: Info[Context, Any],
        segment: Annotated[
            SegmentEnum,  # type: ignore[valid-type]
            strawberry.argument(description="The segment, of either kind."),
        ],
        first: Annotated[int, FIRST] = 20,
        after: Annotated[str | None, AFTER] = None,
    ) -> Connection[admin.AdminUser]:
        limit = check_first(first)
        found = await segment_cases.players_in(
            info.context.services, Segment(segment), after_id=decode_cursor(after), limit=limit + 1
        )
        return keyset_connection(
            found, limit, after, lambda user: user, key=lambda user: user.profile.id
        )

    @strawberry.field(
        description="How many players a campaign to this segment would reach if it were "
        "sent now: the segment's players, less operators, banned accounts and players on a "
        "cool-off or self-exclusion.",
        permission_classes=[IsAdmin],
    )
    async def preview_campaign_audience(
        self,
        info: Info[Context, Any],
        segment: Annotated[
            SegmentEnum,  # type: ignore[valid-type]
            strawberry.argument(description="The segment, of either kind."),
        ],
    ) -> int:
        return await campaign_cases.audience(info.context.services, Segment(segment))

    @strawberry.field(
        description="Operators' campaigns, newest first, with how far each was sent.",
        permission_classes=[IsAdmin],
        graphql_type=Connection[Campaign],
    )
    async def campaigns(
        self,
        info: Info[Context, Any],
        first: Annotated[int, FIRST] = 20,
        after: Annotated[str | None, AFTER] = None,
    ) -> Connection[CampaignValue]:
        limit = check_first(first)
        found = await campaign_cases.page(
            info.context.services, after_id=decode_cursor(after), limit=limit + 1
        )
        return keyset_connection(found, limit, after, lambda c: c, key=lambda c: c.id)

    @strawberry.field(
        description="Key figures per game day over firstDay..lastDay (at most 366 days): "
        "active players, new players, payers, revenue, retention cohorts and the shop funnel.",
        permission_classes=[IsAdmin],
        graphql_type=KpiReport,
    )
    async def kpi_report(
        self,
        info: Info[Context, Any],
        first_day: FirstDay,
        last_day: Annotated[
            date,
            strawberry.argument(description="The last game day, inclusive; at most 366 days on."),
        ],
    ) -> kpis.KpiReport:
        return await kpi_cases.report(info.context.services, first_day, last_day)

    @strawberry.field(
        description="How players took each rule's suggestions: shown, useful, not useful, "
        "and click-through.",
        permission_classes=[IsAdmin],
        graphql_type=list[RecommendationRuleReport],
    )
    async def recommendation_report(self, info: Info[Context, Any]) -> list[RuleReport]:
        return await recommendation_cases.report(info.context.services)

    @strawberry.field(
        description="Gold issued and sunk per game day and ledger reason, and each game's "
        "realised return beside the published one, over first..last (at most 92 days).",
        permission_classes=[IsAdmin],
        graphql_type=EconomyReport,
    )
    async def economy_report(
        self,
        info: Info[Context, Any],
        first_day: FirstDay,
        last_day: Annotated[
            date,
            strawberry.argument(description="The last game day, inclusive; at most 92 days on."),
        ],
    ) -> economy.EconomyReport:
        return await economy_cases.report(info.context.services, first_day, last_day)

    @strawberry.field(
        description="All invite codes, newest first.",
        permission_classes=[IsAdmin],
        graphql_type=Connection[InviteCode],
    )
    async def invite_codes(
        self,
        info: Info[Context, Any],
        first: Annotated[int, FIRST] = 20,
        after: Annotated[str | None, AFTER] = None,
    ) -> Connection[invites.InviteCode]:
        limit = check_first(first)
        codes = await invite_cases.invite_code_page(
            info.context.services, after_id=decode_cursor(after), limit=limit + 1
        )
        return keyset_connection(codes, limit, after, lambda code: code, key=lambda code: code.id)
