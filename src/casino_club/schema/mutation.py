"""The root Mutation: each field takes one `input` and returns a result union (SPEC §12)."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from casino_club.context import Context
from casino_club.domain.accounts import Rank
from casino_club.domain.activity import ActivityRecorded, ActivityType
from casino_club.domain.admin import UserUpdated
from casino_club.domain.auth import (
    AuthPayload,
    LoginRefusal,
    LogoutSuccess,
    RefreshRefusal,
    SignupRefusal,
)
from casino_club.domain.campaigns import (
    CampaignCancelled,
    CampaignNotCancellable,
    CampaignNotFound,
    CampaignScheduled,
)
from casino_club.domain.checkin import AlreadyClaimed, DailyRewardClaimed
from casino_club.domain.crash import (
    ActiveRoundExists,
    CrashBetPlaced,
    CrashCashedOut,
    CrashRoundLost,
    RoundNotFound,
)
from casino_club.domain.dice import DiceRollSuccess, Direction
from casino_club.domain.gacha import DailyLimitReached, GachaPullSuccess, NoTicket, PullPayment
from casino_club.domain.gold_admin import GoldAdjusted, RewardItem, RewardsGranted
from casino_club.domain.ids import NodeKind, parse_node_id
from casino_club.domain.invites import InviteCodeNotFound, InviteCodePayload, InviteCodeTaken
from casino_club.domain.limits import CoolOffStarted, Exclusion, ExclusionLifted, LimitsSet
from casino_club.domain.missions import (
    MissionDeleted,
    MissionNotFound,
    MissionRewardClaimed,
    MissionSaved,
)
from casino_club.domain.notifications import (
    NotificationNotFound,
    NotificationSent,
    NotificationsMarked,
)
from casino_club.domain.purchases import BuyLimitedPackageOutcome, BuyProductOutcome
from casino_club.domain.recommendations import FeedbackRecorded, RecommendationNotFound
from casino_club.domain.refunds import RefundPurchaseOutcome, RepayDebtOutcome
from casino_club.domain.refusals import (
    BetRefusal,
    PlayerExcluded,
    RateLimited,
    UserNotFound,
    ValidationFailed,
)
from casino_club.domain.rps import Move, RpsPlaySuccess
from casino_club.domain.seeds import FairnessUpdated, SeedInUse, ServerSeedRotated
from casino_club.domain.segments import Segment, SegmentOverridden
from casino_club.domain.shop_admin import (
    SaveLimitedPackageOutcome,
    SaveProductOutcome,
    SavePromoCodeOutcome,
)
from casino_club.domain.slots import SlotSpinSuccess
from casino_club.domain.wheel import WheelSpinSuccess
from casino_club.resolvers import activity as activity_cases
from casino_club.resolvers import admin as admin_cases
from casino_club.resolvers import auth as auth_cases
from casino_club.resolvers import campaigns as campaign_cases
from casino_club.resolvers import checkin as checkin_cases
from casino_club.resolvers import crash as crash_cases
from casino_club.resolvers import dice as dice_cases
from casino_club.resolvers import fairness as fairness_cases
from casino_club.resolvers import gacha as gacha_cases
from casino_club.resolvers import gold_admin as gold_admin_cases
from casino_club.resolvers import invites as invite_cases
from casino_club.resolvers import limited_packages as package_cases
from casino_club.resolvers import limits as limit_cases
from casino_club.resolvers import mission_admin as mission_admin_cases
from casino_club.resolvers import missions as mission_cases
from casino_club.resolvers import notifications as notification_cases
from casino_club.resolvers import purchases as purchase_cases
from casino_club.resolvers import recommendations as recommendation_cases
from casino_club.resolvers import refunds as refund_cases
from casino_club.resolvers import rps as rps_cases
from casino_club.resolvers import segments as segment_cases
from casino_club.resolvers import shop_admin as shop_admin_cases
from casino_club.resolvers import slots as slot_cases
from casino_club.resolvers import wheel as wheel_cases
from casino_club.schema.activity import RecordActivityInput, RecordActivityResult
from casino_club.schema.admin import AdminUserResult, SetUserBannedInput, SetUserRankInput
from casino_club.schema.auth import (
    LoginInput,
    LoginResult,
    LogoutAllInput,
    LogoutInput,
    LogoutResult,
    RefreshTokensInput,
    RefreshTokensResult,
    SignupInput,
    SignupResult,
)
from casino_club.schema.campaigns import (
    CancelCampaignInput,
    CancelCampaignResult,
    ScheduleCampaignInput,
    ScheduleCampaignResult,
)
from casino_club.schema.checkin import ClaimDailyRewardResult
from casino_club.schema.crash import (
    CrashBetInput,
    CrashBetResult,
    CrashCashoutInput,
    CrashCashoutResult,
)
from casino_club.schema.dice import DiceRollInput, DiceRollResult
from casino_club.schema.edits import sent
from casino_club.schema.fairness import (
    RotateServerSeedInput,
    RotateServerSeedResult,
    SetClientSeedInput,
    SetClientSeedResult,
)
from casino_club.schema.gacha import GachaPullInput, GachaPullResult, PullCount
from casino_club.schema.gold_admin import (
    AdjustGoldInput,
    AdjustGoldResult,
    GrantRewardsInput,
    GrantRewardsResult,
)
from casino_club.schema.invites import (
    CreateInviteCodeInput,
    CreateInviteCodeResult,
    DisableInviteCodeInput,
    DisableInviteCodeResult,
)
from casino_club.schema.limits import (
    LiftExclusionInput,
    LiftExclusionResult,
    SetLimitsInput,
    SetLimitsResult,
    StartCoolOffInput,
    StartCoolOffResult,
)
from casino_club.schema.missions import (
    ClaimMissionRewardInput,
    ClaimMissionRewardResult,
    DeleteMissionInput,
    DeleteMissionResult,
    SaveMissionInput,
    SaveMissionResult,
)
from casino_club.schema.notifications import (
    MarkNotificationsReadInput,
    MarkNotificationsReadResult,
    SendNotificationInput,
    SendNotificationResult,
)
from casino_club.schema.permissions import IsAdmin, IsAuthenticated, require_viewer
from casino_club.schema.purchases import (
    BuyLimitedPackageInput,
    BuyLimitedPackageResult,
    BuyProductInput,
    BuyProductResult,
)
from casino_club.schema.recommendations import (
    RecommendationFeedbackInput,
    RecommendationFeedbackResult,
)
from casino_club.schema.refunds import (
    RefundPurchaseInput,
    RefundPurchaseResult,
    RepayDebtInput,
    RepayDebtResult,
)
from casino_club.schema.rps import RpsPlayInput, RpsPlayResult
from casino_club.schema.segments import (
    ClearSegmentOverrideInput,
    ClearSegmentOverrideResult,
    OverrideSegmentInput,
    OverrideSegmentResult,
)
from casino_club.schema.shop_admin import (
    SaveLimitedPackageInput,
    SaveLimitedPackageResult,
    SaveProductInput,
    SaveProductResult,
    SavePromoCodeInput,
    SavePromoCodeResult,
    package_changes,
)
from casino_club.schema.slots import SlotSpinInput, SlotSpinResult
from casino_club.schema.wheel import WheelSpinInput, WheelSpinResult

# Every mutation takes one `input` (SPEC §12), whose type describes each field.
INPUT = strawberry.argument(
    description="The request, as one object; its type describes each field."
)


@strawberry.type(
    description="Every change. Each answers a result union: its success type, or a UserError "
    "member saying why nothing (or what) was done; refused requests are GraphQL errors "
    "with `extensions.code`."
)
class Mutation:
    @strawberry.mutation(
        description="Create an account with an invite code; grants the sign-up bonus.",
        graphql_type=SignupResult,
    )
    async def signup(
        self, info: Info[Context, Any], input: Annotated[SignupInput, INPUT]
    ) -> AuthPayload | SignupRefusal:
        return await auth_cases.signup(
            info.context,
            input.site_id,
            input.nickname,
            input.password,
            input.invite_code,
            input.phone,
        )

    @strawberry.mutation(
        description="Log in; locked for a while after repeated failures.", graphql_type=LoginResult
    )
    async def login(
        self, info: Info[Context, Any], input: Annotated[LoginInput, INPUT]
    ) -> AuthPayload | LoginRefusal:
        return await auth_cases.login(info.context, input.site_id, input.password)

    @strawberry.mutation(
        description="Trade a refresh token for new tokens; each works once.",
        graphql_type=RefreshTokensResult,
    )
    async def refresh_tokens(
        self, info: Info[Context, Any], input: Annotated[RefreshTokensInput, INPUT]
    ) -> AuthPayload | RefreshRefusal:
        return await auth_cases.refresh_tokens(info.context, input.refresh_token)

    @strawberry.mutation(
        description="End this session.",
        permission_classes=[IsAuthenticated],
        graphql_type=LogoutResult,
    )
    async def logout(
        self, info: Info[Context, Any], input: Annotated[LogoutInput, INPUT]
    ) -> LogoutSuccess | ValidationFailed:
        viewer = await require_viewer(info)
        return await auth_cases.logout(info.context, viewer, input.client_mutation_id)

    @strawberry.mutation(
        description="End every session of the caller, on every device.",
        permission_classes=[IsAuthenticated],
        graphql_type=LogoutResult,
    )
    async def logout_all(
        self, info: Info[Context, Any], input: Annotated[LogoutAllInput, INPUT]
    ) -> LogoutSuccess | ValidationFailed:
        viewer = await require_viewer(info)
        return await auth_cases.logout_all(info.context, viewer, input.client_mutation_id)

    @strawberry.mutation(
        description="Claim today's check-in reward (once per game day): gold and XP that grow "
        "with the streak of consecutive days.",
        permission_classes=[IsAuthenticated],
        graphql_type=ClaimDailyRewardResult,
    )
    async def claim_daily_reward(
        self, info: Info[Context, Any]
    ) -> DailyRewardClaimed | AlreadyClaimed | PlayerExcluded:
        return await checkin_cases.claim_daily_reward(info.context, await require_viewer(info))

    @strawberry.mutation(
        description="Claim a completed mission's reward: once per period (SPEC §8.3).",
        permission_classes=[IsAuthenticated],
        graphql_type=ClaimMissionRewardResult,
    )
    async def claim_mission_reward(
        self, info: Info[Context, Any], input: Annotated[ClaimMissionRewardInput, INPUT]
    ) -> MissionRewardClaimed | mission_cases.ClaimRefused:
        viewer = await require_viewer(info)
        return await mission_cases.claim_reward(info.context, viewer, input.mission_id)

    @strawberry.mutation(
        description="Record what the player did in the client (a screen, the shop, play "
        "time, a bonus), for operators' reports: once per eventId, throttled per player.",
        permission_classes=[IsAuthenticated],
        graphql_type=RecordActivityResult,
    )
    async def record_activity(
        self, info: Info[Context, Any], input: Annotated[RecordActivityInput, INPUT]
    ) -> ActivityRecorded | ValidationFailed | RateLimited:
        viewer = await require_viewer(info)
        return await activity_cases.record(
            info.context,
            viewer,
            ActivityType(input.event_type),
            input.event_id,
            input.metadata,
            input.client_ts,
        )

    @strawberry.mutation(
        description="The caller's verdict on a suggestion they were shown "
        "(me.recommendations): operators read click-through per rule.",
        permission_classes=[IsAuthenticated],
        graphql_type=RecommendationFeedbackResult,
    )
    async def recommendation_feedback(
        self, info: Info[Context, Any], input: Annotated[RecommendationFeedbackInput, INPUT]
    ) -> FeedbackRecorded | RecommendationNotFound:
        viewer = await require_viewer(info)
        return await recommendation_cases.feedback(
            info.context, viewer, input.recommendation_id, input.useful
        )

    @strawberry.mutation(
        description="Mark the caller's notifications read: some by id, or all.",
        permission_classes=[IsAuthenticated],
        graphql_type=MarkNotificationsReadResult,
    )
    async def mark_notifications_read(
        self, info: Info[Context, Any], input: Annotated[MarkNotificationsReadInput, INPUT]
    ) -> NotificationsMarked | ValidationFailed | NotificationNotFound:
        viewer = await require_viewer(info)
        return await notification_cases.mark_read(info.context, viewer, input.ids, every=input.all)

    @strawberry.mutation(
        description="Spin the slots: stake debited and win credited in one transaction.",
        permission_classes=[IsAuthenticated],
        graphql_type=SlotSpinResult,
    )
    async def slot_spin(
        self, info: Info[Context, Any], input: Annotated[SlotSpinInput, INPUT]
    ) -> SlotSpinSuccess | BetRefusal:
        viewer = await require_viewer(info)
        return await slot_cases.spin(info.context, viewer, int(input.stake), input.idempotency_key)

    @strawberry.mutation(
        description="Pull 1 or 10 items (10 counts once against the daily limit).",
        permission_classes=[IsAuthenticated],
        graphql_type=GachaPullResult,
    )
    async def gacha_pull(
        self, info: Info[Context, Any], input: Annotated[GachaPullInput, INPUT]
    ) -> GachaPullSuccess | NoTicket | DailyLimitReached | BetRefusal:
        viewer = await require_viewer(info)
        count = PullCount(input.count).value
        pay_with = PullPayment(input.pay_with)
        return await gacha_cases.pull(info.context, viewer, count, pay_with, input.idempotency_key)

    @strawberry.mutation(
        description="Spin the prize wheel: the first spin of each game day is free.",
        permission_classes=[IsAuthenticated],
        graphql_type=WheelSpinResult,
    )
    async def wheel_spin(
        self, info: Info[Context, Any], input: Annotated[WheelSpinInput, INPUT]
    ) -> WheelSpinSuccess | BetRefusal:
        viewer = await require_viewer(info)
        return await wheel_cases.spin(info.context, viewer, input.idempotency_key)

    @strawberry.mutation(
        description="Rock-paper-scissors against the fair RNG: a win pays 1.96×, a draw 1×.",
        permission_classes=[IsAuthenticated],
        graphql_type=RpsPlayResult,
    )
    async def rps_play(
        self, info: Info[Context, Any], input: Annotated[RpsPlayInput, INPUT]
    ) -> RpsPlaySuccess | BetRefusal:
        viewer = await require_viewer(info)
        return await rps_cases.play(
            info.context, viewer, int(input.stake), Move(input.move), input.idempotency_key
        )

    @strawberry.mutation(
        description="Roll the dice: win with the chosen chance, paid 99 / chance times the stake.",
        permission_classes=[IsAuthenticated],
        graphql_type=DiceRollResult,
    )
    async def dice_roll(
        self, info: Info[Context, Any], input: Annotated[DiceRollInput, INPUT]
    ) -> DiceRollSuccess | BetRefusal:
        viewer = await require_viewer(info)
        return await dice_cases.roll(
            info.context,
            viewer,
            int(input.stake),
            input.chance,
            Direction(input.direction),
            input.idempotency_key,
        )

    @strawberry.mutation(
        description=(
            "Open a crash round: the stake is debited now, the crash point is fixed by the "
            "fair RNG, and the multiplier grows with server time until it crashes."
        ),
        permission_classes=[IsAuthenticated],
        graphql_type=CrashBetResult,
    )
    async def crash_bet(
        self, info: Info[Context, Any], input: Annotated[CrashBetInput, INPUT]
    ) -> CrashBetPlaced | ActiveRoundExists | BetRefusal:
        viewer = await require_viewer(info)
        return await crash_cases.bet(
            info.context, viewer, int(input.stake), input.auto_cashout, input.idempotency_key
        )

    @strawberry.mutation(
        description=(
            "Cash out of a running crash round at the multiplier of the moment the server "
            "handles it; a repeated cash-out returns the first result and pays nothing more."
        ),
        permission_classes=[IsAuthenticated],
        graphql_type=CrashCashoutResult,
    )
    async def crash_cashout(
        self, info: Info[Context, Any], input: Annotated[CrashCashoutInput, INPUT]
    ) -> CrashCashedOut | CrashRoundLost | RoundNotFound | RateLimited:
        viewer = await require_viewer(info)
        return await crash_cases.cash_out(
            info.context, viewer, parse_node_id(str(input.round_id), NodeKind.CRASH_ROUND)
        )

    @strawberry.mutation(
        description=(
            "Buy a product: paid through the payment provider, the gold granted once it is "
            "captured. A retry with the same idempotency key never pays twice and asks the "
            "provider about a pending purchase."
        ),
        permission_classes=[IsAuthenticated],
        graphql_type=BuyProductResult,
    )
    async def buy_product(
        self, info: Info[Context, Any], input: Annotated[BuyProductInput, INPUT]
    ) -> BuyProductOutcome:
        return await purchase_cases.buy_product(
            info.context,
            await require_viewer(info),
            sku=input.sku,
            quantity=input.quantity,
            payment_token=input.payment_token,
            promo_code=input.promo_code,
            key=input.idempotency_key,
        )

    @strawberry.mutation(
        description=(
            "Buy a limited package: one unit of its stock is held from the moment the "
            "purchase opens, sold when the payment succeeds and released if it fails or is "
            "still pending after PACKAGE_RESERVATION_SECONDS."
        ),
        permission_classes=[IsAuthenticated],
        graphql_type=BuyLimitedPackageResult,
    )
    async def buy_limited_package(
        self, info: Info[Context, Any], input: Annotated[BuyLimitedPackageInput, INPUT]
    ) -> BuyLimitedPackageOutcome:
        return await package_cases.buy(
            info.context,
            await require_viewer(info),
            sku=input.sku,
            payment_token=input.payment_token,
            promo_code=input.promo_code,
            key=input.idempotency_key,
        )

    @strawberry.mutation(
        description=(
            "Set the caller's own purchase limits: a lower limit applies at once, a higher "
            "one (or none) after 24 hours."
        ),
        permission_classes=[IsAuthenticated],
        graphql_type=SetLimitsResult,
    )
    async def set_limits(
        self, info: Info[Context, Any], input: Annotated[SetLimitsInput, INPUT]
    ) -> LimitsSet | ValidationFailed:
        viewer = await require_viewer(info)
        return await limit_cases.set_limits(info.context, viewer, input.requested())

    @strawberry.mutation(
        description=(
            "Take a break: a cool-off (24 hours, 7 or 30 days) or a six-month self-exclusion. "
            "No play or purchase until it ends; it cannot be ended early, only lengthened."
        ),
        permission_classes=[IsAuthenticated],
        graphql_type=StartCoolOffResult,
    )
    async def start_cool_off(
        self, info: Info[Context, Any], input: Annotated[StartCoolOffInput, INPUT]
    ) -> CoolOffStarted | ValidationFailed:
        viewer = await require_viewer(info)
        return await limit_cases.start_cool_off(info.context, viewer, Exclusion(input.kind))

    @strawberry.mutation(
        description="End a player's cool-off or self-exclusion early. Audited.",
        permission_classes=[IsAdmin],
        graphql_type=LiftExclusionResult,
    )
    async def lift_exclusion(
        self, info: Info[Context, Any], input: Annotated[LiftExclusionInput, INPUT]
    ) -> ExclusionLifted | UserNotFound | ValidationFailed:
        viewer = await require_viewer(info)
        return await limit_cases.lift_exclusion(info.context, viewer, input.user_id, input.reason)

    @strawberry.mutation(
        description=(
            "Pay gold owed after a refund from the balance, as far as it goes; play "
            "resumes when nothing is owed."
        ),
        permission_classes=[IsAuthenticated],
        graphql_type=RepayDebtResult,
    )
    async def repay_debt(
        self, info: Info[Context, Any], input: Annotated[RepayDebtInput, INPUT]
    ) -> RepayDebtOutcome:
        viewer = await require_viewer(info)
        return await refund_cases.repay_debt(info.context, viewer, input.idempotency_key)

    @strawberry.mutation(
        description=(
            "Refund a succeeded purchase through the provider and take its gold back; what "
            "the balance cannot cover becomes the player's debt. Audited."
        ),
        permission_classes=[IsAdmin],
        graphql_type=RefundPurchaseResult,
    )
    async def refund_purchase(
        self, info: Info[Context, Any], input: Annotated[RefundPurchaseInput, INPUT]
    ) -> RefundPurchaseOutcome:
        return await refund_cases.refund_purchase(
            info.context,
            await require_viewer(info),
            parse_node_id(input.transaction_id, NodeKind.PURCHASE),
            input.reason,
        )

    @strawberry.mutation(
        description="Choose the client seed mixed into every following bet.",
        permission_classes=[IsAuthenticated],
        graphql_type=SetClientSeedResult,
    )
    async def set_client_seed(
        self, info: Info[Context, Any], input: Annotated[SetClientSeedInput, INPUT]
    ) -> FairnessUpdated | ValidationFailed:
        viewer = await require_viewer(info)
        return await fairness_cases.set_client_seed(info.context, viewer, input.client_seed)

    @strawberry.mutation(
        description=(
            "Reveal the current server seed and start a new one (nonce back to 0); refused "
            "with SeedInUse while a round the seed decided is still running."
        ),
        permission_classes=[IsAuthenticated],
        graphql_type=RotateServerSeedResult,
    )
    async def rotate_server_seed(
        self, info: Info[Context, Any], input: Annotated[RotateServerSeedInput, INPUT]
    ) -> ServerSeedRotated | SeedInUse | ValidationFailed:
        viewer = await require_viewer(info)
        return await fairness_cases.rotate_server_seed(info.context, viewer, input.client_seed)

    @strawberry.mutation(
        description="Create an invite code (admin).",
        permission_classes=[IsAdmin],
        graphql_type=CreateInviteCodeResult,
    )
    async def create_invite_code(
        self, info: Info[Context, Any], input: Annotated[CreateInviteCodeInput, INPUT]
    ) -> InviteCodePayload | InviteCodeTaken | ValidationFailed:
        viewer = await require_viewer(info)
        return await invite_cases.create_invite_code(
            info.context, viewer, input.code, input.max_uses, input.expires_at
        )

    @strawberry.mutation(
        description="Disable an invite code (admin): it can no longer be used to sign up.",
        permission_classes=[IsAdmin],
        graphql_type=DisableInviteCodeResult,
    )
    async def disable_invite_code(
        self, info: Info[Context, Any], input: Annotated[DisableInviteCodeInput, INPUT]
    ) -> InviteCodePayload | InviteCodeNotFound:
        viewer = await require_viewer(info)
        return await invite_cases.disable_invite_code(info.context, viewer, input.code)

    @strawberry.mutation(
        description="Set a player's rank (admin).",
        permission_classes=[IsAdmin],
        graphql_type=AdminUserResult,
    )
    async def set_user_rank(
        self, info: Info[Context, Any], input: Annotated[SetUserRankInput, INPUT]
    ) -> UserUpdated | UserNotFound | ValidationFailed:
        viewer = await require_viewer(info)
        return await admin_cases.set_user_rank(
            info.context, viewer, input.user_id, Rank(input.rank)
        )

    @strawberry.mutation(
        description="Ban (ending every session at once) or unban a player.",
        permission_classes=[IsAdmin],
        graphql_type=AdminUserResult,
    )
    async def set_user_banned(
        self, info: Info[Context, Any], input: Annotated[SetUserBannedInput, INPUT]
    ) -> UserUpdated | UserNotFound | ValidationFailed:
        viewer = await require_viewer(info)
        return await admin_cases.set_user_banned(
            info.context, viewer, input.user_id, input.banned, input.reason
        )

    @strawberry.mutation(
        description="Hold a player in a segment whatever runs compute, until cleared. Audited.",
        permission_classes=[IsAdmin],
        graphql_type=OverrideSegmentResult,
    )
    async def override_segment(
        self, info: Info[Context, Any], input: Annotated[OverrideSegmentInput, INPUT]
    ) -> SegmentOverridden | UserNotFound | ValidationFailed:
        viewer = await require_viewer(info)
        return await segment_cases.override(
            info.context, viewer, input.user_id, Segment(input.segment), input.reason
        )

    @strawberry.mutation(
        description="End a player's segment override: the computed segment applies again. Audited.",
        permission_classes=[IsAdmin],
        graphql_type=ClearSegmentOverrideResult,
    )
    async def clear_segment_override(
        self, info: Info[Context, Any], input: Annotated[ClearSegmentOverrideInput, INPUT]
    ) -> SegmentOverridden | UserNotFound | ValidationFailed:
        viewer = await require_viewer(info)
        return await segment_cases.override(info.context, viewer, input.user_id, None, input.reason)

    @strawberry.mutation(
        description="Schedule a notification, with an optional gold reward, for every "
        "player of a segment at a time. Audited.",
        permission_classes=[IsAdmin],
        graphql_type=ScheduleCampaignResult,
    )
    async def schedule_campaign(
        self, info: Info[Context, Any], input: Annotated[ScheduleCampaignInput, INPUT]
    ) -> CampaignScheduled | ValidationFailed:
        viewer = await require_viewer(info)
        return await campaign_cases.schedule(
            info.context,
            viewer,
            segment=Segment(input.segment),
            title=input.title,
            body=input.body,
            reward_gold=input.reward_gold,
            send_at=input.send_at,
        )

    @strawberry.mutation(
        description="Cancel a campaign whose sending has not started. Audited.",
        permission_classes=[IsAdmin],
        graphql_type=CancelCampaignResult,
    )
    async def cancel_campaign(
        self, info: Info[Context, Any], input: Annotated[CancelCampaignInput, INPUT]
    ) -> CampaignCancelled | CampaignNotFound | CampaignNotCancellable | ValidationFailed:
        viewer = await require_viewer(info)
        return await campaign_cases.cancel(info.context, viewer, input.campaign_id, input.reason)

    @strawberry.mutation(
        description="Create or edit a mission; `active: false` takes it off players' lists "
        "and stops its counting. Audited.",
        permission_classes=[IsAdmin],
        graphql_type=SaveMissionResult,
    )
    async def save_mission(
        self, info: Info[Context, Any], input: Annotated[SaveMissionInput, INPUT]
    ) -> MissionSaved | ValidationFailed:
        viewer = await require_viewer(info)
        return await mission_admin_cases.save(info.context, viewer, sent(input))

    @strawberry.mutation(
        description="Delete a mission with every player's progress on it (rewards already "
        "paid stay in the ledger). Audited.",
        permission_classes=[IsAdmin],
        graphql_type=DeleteMissionResult,
    )
    async def delete_mission(
        self, info: Info[Context, Any], input: Annotated[DeleteMissionInput, INPUT]
    ) -> MissionDeleted | MissionNotFound:
        viewer = await require_viewer(info)
        return await mission_admin_cases.delete(info.context, viewer, input.key)

    @strawberry.mutation(
        description="Send a notification to one player, or without userId to every player; "
        "it is delivered live and kept in their list. Audited.",
        permission_classes=[IsAdmin],
        graphql_type=SendNotificationResult,
    )
    async def send_notification(
        self, info: Info[Context, Any], input: Annotated[SendNotificationInput, INPUT]
    ) -> NotificationSent | ValidationFailed | UserNotFound:
        viewer = await require_viewer(info)
        return await notification_cases.send(
            info.context, viewer, to=input.user_id, title=input.title, body=input.body
        )

    @strawberry.mutation(
        description="Create or edit a product (price, discount, rank, switch). Audited.",
        permission_classes=[IsAdmin],
        graphql_type=SaveProductResult,
    )
    async def save_product(
        self, info: Info[Context, Any], input: Annotated[SaveProductInput, INPUT]
    ) -> SaveProductOutcome:
        return await shop_admin_cases.save_product(
            info.context, await require_viewer(info), input.sku, sent(input)
        )

    @strawberry.mutation(
        description=(
            "Create or edit a limited package; `active: false` is the kill switch (purchases "
            "already paying still settle). Stock cannot go below what is sold or held. Audited."
        ),
        permission_classes=[IsAdmin],
        graphql_type=SaveLimitedPackageResult,
    )
    async def save_limited_package(
        self, info: Info[Context, Any], input: Annotated[SaveLimitedPackageInput, INPUT]
    ) -> SaveLimitedPackageOutcome:
        return await shop_admin_cases.save_limited_package(
            info.context, await require_viewer(info), input.sku, package_changes(input)
        )

    @strawberry.mutation(
        description="Create or edit a promo code. Audited.",
        permission_classes=[IsAdmin],
        graphql_type=SavePromoCodeResult,
    )
    async def save_promo_code(
        self, info: Info[Context, Any], input: Annotated[SavePromoCodeInput, INPUT]
    ) -> SavePromoCodeOutcome:
        return await shop_admin_cases.save_promo_code(
            info.context, await require_viewer(info), input.code, sent(input)
        )

    @strawberry.mutation(
        description="Add or take a player's gold through the ledger, with a reason. Audited.",
        permission_classes=[IsAdmin],
        graphql_type=AdjustGoldResult,
    )
    async def adjust_gold(
        self, info: Info[Context, Any], input: Annotated[AdjustGoldInput, INPUT]
    ) -> GoldAdjusted | gold_admin_cases.AdjustRefusal:
        return await gold_admin_cases.adjust_gold(
            info.context,
            await require_viewer(info),
            user_id=input.user_id,
            amount=int(input.amount),
            reason=input.reason,
            key=input.idempotency_key,
        )

    @strawberry.mutation(
        description=(
            "Grant gold to many players: one transaction per player, each audited; unknown "
            "players are reported; repeating the request grants nobody twice."
        ),
        permission_classes=[IsAdmin],
        graphql_type=GrantRewardsResult,
    )
    async def grant_rewards(
        self, info: Info[Context, Any], input: Annotated[GrantRewardsInput, INPUT]
    ) -> RewardsGranted | ValidationFailed:
        return await gold_admin_cases.grant_rewards(
            info.context,
            await require_viewer(info),
            items=[RewardItem(item.user_id, int(item.gold)) for item in input.items],
            reason=input.reason,
            key=input.idempotency_key,
        )
