// The app's operations, typed by GraphQL Code Generator (codegen.yml plucks these gql
// documents and validates them against schema.graphql). Every success that changes the
// player selects `player { id gold level rank }`, and so does the live BalanceChange: the
// normalized cache then updates the header's `me` by itself.
import { gql } from "@apollo/client";
import type { TypedDocumentNode } from "@apollo/client";

import type {
  BalanceChangedSubscription,
  BuyProductMutation,
  BuyProductMutationVariables,
  CatalogQuery,
  CatalogQueryVariables,
  ClaimDailyRewardMutation,
  ClaimDailyRewardMutationVariables,
  CrashBetMutation,
  CrashBetMutationVariables,
  CrashCashoutMutation,
  CrashCashoutMutationVariables,
  CrashConfigQuery,
  CrashConfigQueryVariables,
  CrashTicksSubscription,
  CrashTicksSubscriptionVariables,
  BalanceChangedSubscriptionVariables,
  LoginMutation,
  LoginMutationVariables,
  MeQuery,
  MeQueryVariables,
  RotateServerSeedMutation,
  RotateServerSeedMutationVariables,
  SignupMutation,
  SignupMutationVariables,
  SlotSpinMutation,
  SlotSpinMutationVariables,
  SlotsConfigQuery,
  SlotsConfigQueryVariables,
  DiceConfigQuery,
  DiceConfigQueryVariables,
  DiceRollMutation,
  DiceRollMutationVariables,
  RpsConfigQuery,
  RpsConfigQueryVariables,
  RpsPlayMutation,
  RpsPlayMutationVariables,
  WheelConfigQuery,
  WheelConfigQueryVariables,
  WheelSpinMutation,
  WheelSpinMutationVariables,
  CrashRoundRevealedQuery,
  CrashRoundRevealedQueryVariables,
  GachaConfigQuery,
  GachaConfigQueryVariables,
  GachaPullMutation,
  GachaPullMutationVariables,
} from "./generated/operations.js";

/** What the page keeps of a session: the access token, when it stops working, and the
 * refresh token that trades for the next (client.ts). */
const SESSION_TOKENS = gql`
  fragment SessionTokens on AuthPayload {
    accessToken
    accessTokenExpiresAt
    refreshToken
  }
`;

/** The refusals a play or purchase can answer with, each with what makes it actionable
 * (errors.ts). */
const PLAY_REFUSAL_FIELDS = gql`
  fragment PlayRefusalFields on UserError {
    code
    message
    ... on RateLimited {
      retryAfterMs
    }
    ... on InvalidStake {
      minStake
      maxStake
    }
    ... on InsufficientFunds {
      required
    }
    ... on ValidationFailed {
      fields {
        field
        message
      }
    }
    ... on PlayerExcluded {
      until
    }
    ... on LossLimitReached {
      limit
      remaining
      resetsAt
    }
    ... on SpendingLimitReached {
      period
      limitCents
      spentCents
      resetsAt
    }
  }
`;

export const SIGNUP: TypedDocumentNode<SignupMutation, SignupMutationVariables> = gql`
  mutation Signup($input: SignupInput!) {
    signup(input: $input) {
      __typename
      ... on AuthPayload {
        ...SessionTokens
        user {
          id
          nickname
          gold
          level
          rank
        }
      }
      ... on UserError {
        code
        message
      }
      ... on RateLimited {
        retryAfterMs
      }
    }
  }
  ${SESSION_TOKENS}
`;

export const LOGIN: TypedDocumentNode<LoginMutation, LoginMutationVariables> = gql`
  mutation Login($input: LoginInput!) {
    login(input: $input) {
      __typename
      ... on AuthPayload {
        ...SessionTokens
        user {
          id
          nickname
          gold
          level
          rank
        }
      }
      ... on UserError {
        code
        message
      }
      ... on LoginLocked {
        retryAfterSeconds
      }
      ... on RateLimited {
        retryAfterMs
      }
    }
  }
  ${SESSION_TOKENS}
`;

export const ME: TypedDocumentNode<MeQuery, MeQueryVariables> = gql`
  query Me {
    me {
      id
      nickname
      gold
      level
      rank
    }
  }
`;

export const SLOTS_CONFIG: TypedDocumentNode<SlotsConfigQuery, SlotsConfigQueryVariables> = gql`
  query SlotsConfig {
    slotsConfig {
      symbols {
        symbol
        emoji
        weight
        probability
      }
      pays {
        name
        example
        multiplier
        probability
      }
      streakBonusStepPercent
      streakBonusCapPercent
      rtp
      baseRtp
      hitFrequency
      minStake
      maxStake
    }
  }
`;

export const SLOT_SPIN: TypedDocumentNode<SlotSpinMutation, SlotSpinMutationVariables> = gql`
  mutation SlotSpin($input: SlotSpinInput!) {
    slotSpin(input: $input) {
      __typename
      ... on SlotSpinSuccess {
        roundId
        reels
        payout
        isJackpot
        winStreak
        player {
          id
          gold
          level
          rank
        }
        fairness {
          serverSeedHash
          clientSeed
          nonce
        }
      }
      ...PlayRefusalFields
    }
  }
  ${PLAY_REFUSAL_FIELDS}
`;

export const ROTATE_SERVER_SEED: TypedDocumentNode<
  RotateServerSeedMutation,
  RotateServerSeedMutationVariables
> = gql`
  mutation RotateServerSeed($input: RotateServerSeedInput!) {
    rotateServerSeed(input: $input) {
      __typename
      ... on ServerSeedRotated {
        revealed {
          serverSeed
          serverSeedHash
          clientSeed
          rounds
        }
      }
      ... on UserError {
        code
        message
      }
    }
  }
`;

export const BALANCE_CHANGED: TypedDocumentNode<
  BalanceChangedSubscription,
  BalanceChangedSubscriptionVariables
> = gql`
  subscription BalanceChanged($since: ID) {
    balanceChanged(since: $since) {
      id
      delta
      reason
      player {
        id
        gold
        level
        rank
      }
    }
  }
`;

export const CRASH_CONFIG: TypedDocumentNode<CrashConfigQuery, CrashConfigQueryVariables> = gql`
  query CrashConfig {
    crashConfig {
      rtp
      houseEdgePercent
      curve
      tickIntervalMs
      minStake
      maxStake
      minAutoCashout
      maxAutoCashout
      instantCrashProbability
      odds {
        multiplier
        probability
      }
    }
  }
`;

const CRASH_ROUND_FIELDS = gql`
  fragment CrashRoundFields on CrashRound {
    id
    status
    stake
    autoCashout
    multiplier
    crashPoint
    payout
    fairness {
      serverSeedHash
      clientSeed
      nonce
    }
  }
`;

export const CRASH_BET: TypedDocumentNode<CrashBetMutation, CrashBetMutationVariables> = gql`
  mutation CrashBet($input: CrashBetInput!) {
    crashBet(input: $input) {
      __typename
      ... on CrashBetPlaced {
        round {
          ...CrashRoundFields
        }
        player {
          id
          gold
          level
          rank
        }
      }
      ... on ActiveRoundExists {
        round {
          ...CrashRoundFields
        }
      }
      ...PlayRefusalFields
    }
  }
  ${CRASH_ROUND_FIELDS}
  ${PLAY_REFUSAL_FIELDS}
`;

export const CRASH_CASHOUT: TypedDocumentNode<CrashCashoutMutation, CrashCashoutMutationVariables> = gql`
  mutation CrashCashout($input: CrashCashoutInput!) {
    crashCashout(input: $input) {
      __typename
      ... on CrashCashedOut {
        multiplier
        payout
        round {
          ...CrashRoundFields
        }
        player {
          id
          gold
          level
          rank
        }
      }
      ... on CrashRoundLost {
        crashPoint
        round {
          ...CrashRoundFields
        }
      }
      ... on UserError {
        code
        message
      }
      ... on RateLimited {
        retryAfterMs
      }
    }
  }
  ${CRASH_ROUND_FIELDS}
`;

export const CRASH_TICKS: TypedDocumentNode<CrashTicksSubscription, CrashTicksSubscriptionVariables> = gql`
  subscription CrashTicks($roundId: ID!) {
    crashRound(roundId: $roundId) {
      roundId
      kind
      multiplier
      elapsedMs
      crashPoint
      payout
    }
  }
`;

export const CATALOG: TypedDocumentNode<CatalogQuery, CatalogQueryVariables> = gql`
  query Catalog {
    catalog {
      id
      sku
      name
      description
      currency
      listPriceCents
      priceCents
      discountPercent
      gold
      bonusGold
      minRank
    }
  }
`;

export const BUY_PRODUCT: TypedDocumentNode<BuyProductMutation, BuyProductMutationVariables> = gql`
  mutation BuyProduct($input: BuyProductInput!) {
    buyProduct(input: $input) {
      __typename
      ... on PurchaseSucceeded {
        purchase {
          id
          status
          gold
          bonusGold
        }
        receipt {
          code
        }
        player {
          id
          gold
          level
          rank
        }
      }
      ... on PurchasePending {
        transactionId
      }
      ... on PaymentDeclined {
        reason
      }
      ...PlayRefusalFields
    }
  }
  ${PLAY_REFUSAL_FIELDS}
`;

export const CLAIM_DAILY_REWARD: TypedDocumentNode<
  ClaimDailyRewardMutation,
  ClaimDailyRewardMutationVariables
> = gql`
  mutation ClaimDailyReward {
    claimDailyReward {
      __typename
      ... on DailyRewardClaimed {
        day
        streak
        gold
        xp
        protectionsUsed
        player {
          id
          gold
          level
          rank
        }
      }
      ... on AlreadyClaimed {
        availableAt
      }
      ...PlayRefusalFields
    }
  }
  ${PLAY_REFUSAL_FIELDS}
`;

export const DICE_CONFIG: TypedDocumentNode<DiceConfigQuery, DiceConfigQueryVariables> = gql`
  query DiceConfig {
    diceConfig {
      minChance
      maxChance
      chanceStep
      returnPercent
      houseEdgePercent
      rtp
      minStake
      maxStake
    }
  }
`;

export const DICE_ROLL: TypedDocumentNode<DiceRollMutation, DiceRollMutationVariables> = gql`
  mutation DiceRoll($input: DiceRollInput!) {
    diceRoll(input: $input) {
      __typename
      ... on DiceRollSuccess {
        roundId
        roll
        chance
        direction
        won
        stake
        payout
        player {
          id
          gold
          level
          rank
        }
        fairness {
          serverSeedHash
          clientSeed
          nonce
        }
      }
      ...PlayRefusalFields
    }
  }
  ${PLAY_REFUSAL_FIELDS}
`;

export const RPS_CONFIG: TypedDocumentNode<RpsConfigQuery, RpsConfigQueryVariables> = gql`
  query RpsConfig {
    rpsConfig {
      winMultiplier
      drawMultiplier
      rtp
      minStake
      maxStake
    }
  }
`;

export const RPS_PLAY: TypedDocumentNode<RpsPlayMutation, RpsPlayMutationVariables> = gql`
  mutation RpsPlay($input: RpsPlayInput!) {
    rpsPlay(input: $input) {
      __typename
      ... on RpsPlaySuccess {
        roundId
        move
        serverMove
        outcome
        stake
        payout
        player {
          id
          gold
          level
          rank
        }
        fairness {
          serverSeedHash
          clientSeed
          nonce
        }
      }
      ...PlayRefusalFields
    }
  }
  ${PLAY_REFUSAL_FIELDS}
`;

export const WHEEL_CONFIG: TypedDocumentNode<WheelConfigQuery, WheelConfigQueryVariables> = gql`
  query WheelConfig {
    wheelConfig {
      segments {
        index
        label
        kind
        gold
        itemId
        weight
        probability
      }
      spinCost
      freeSpinsPerDay
      expectedGold
      expectedItems {
        itemId
        perSpin
      }
      expectedNetGoldPaid
    }
  }
`;

export const WHEEL_SPIN: TypedDocumentNode<WheelSpinMutation, WheelSpinMutationVariables> = gql`
  mutation WheelSpin($input: WheelSpinInput!) {
    wheelSpin(input: $input) {
      __typename
      ... on WheelSpinSuccess {
        roundId
        segmentIndex
        label
        kind
        wonGold
        wonItemId
        free
        paidGold
        player {
          id
          gold
          level
          rank
        }
        fairness {
          serverSeedHash
          clientSeed
          nonce
        }
      }
      ...PlayRefusalFields
    }
  }
  ${PLAY_REFUSAL_FIELDS}
`;

/** A crash round as it ended, read again for its crash point (revealed once it ended). */
export const CRASH_ROUND_REVEALED: TypedDocumentNode<CrashRoundRevealedQuery, CrashRoundRevealedQueryVariables> = gql`
  query CrashRoundRevealed($id: ID!) {
    node(id: $id) {
      __typename
      ... on CrashRound {
        id
        status
        crashPoint
      }
    }
  }
`;

export const GACHA_CONFIG: TypedDocumentNode<GachaConfigQuery, GachaConfigQueryVariables> = gql`
  query GachaConfig {
    gachaConfig {
      rarities {
        rarity
        rate
        effectiveRate
        duplicateRefund
        remainingStock
        items {
          id
          name
          rarity
        }
      }
      pityThreshold
      singleCost
      tenCost
      dailyLimits {
        rank
        pullsPerDay
      }
    }
  }
`;

export const GACHA_PULL: TypedDocumentNode<GachaPullMutation, GachaPullMutationVariables> = gql`
  mutation GachaPull($input: GachaPullInput!) {
    gachaPull(input: $input) {
      __typename
      ... on GachaPullSuccess {
        roundId
        items {
          item {
            id
            name
            rarity
          }
          pity
          downgraded
          duplicate
        }
        paidGold
        refundedGold
        pityCounter
        dailyRemaining
        player {
          id
          gold
          level
          rank
        }
        fairness {
          serverSeedHash
          clientSeed
          nonce
        }
      }
      ...PlayRefusalFields
    }
  }
  ${PLAY_REFUSAL_FIELDS}
`;

// Progress: missions, leaderboards, notifications, history
// Kept together (their types imported here rather than above) so the section reads on its
// own. Results that change the player select `player { id … }`: the header follows them.
import type {
  ClaimMissionRewardMutation,
  ClaimMissionRewardMutationVariables,
  GameHistoryQuery,
  GameHistoryQueryVariables,
  LeaderboardQuery,
  LeaderboardQueryVariables,
  MarkNotificationsReadMutation,
  MarkNotificationsReadMutationVariables,
  MissionEventsSubscription,
  MissionEventsSubscriptionVariables,
  MissionsQuery,
  MissionsQueryVariables,
  NotificationsLiveSubscription,
  NotificationsLiveSubscriptionVariables,
  NotificationsPageQuery,
  NotificationsPageQueryVariables,
  PlayerStatsQuery,
  PlayerStatsQueryVariables,
  UnreadNotificationsQuery,
  UnreadNotificationsQueryVariables,
} from "./generated/operations.js";

export const MISSIONS: TypedDocumentNode<MissionsQuery, MissionsQueryVariables> = gql`
  query Missions {
    missions {
      mission {
        id
        key
        title
        description
        period
        event
        rewardGold
        rewardXp
        minMultiplier
        minLevel
      }
      progress
      target
      completed
      claimed
      locked
      resetsAt
    }
  }
`;

export const CLAIM_MISSION_REWARD: TypedDocumentNode<
  ClaimMissionRewardMutation,
  ClaimMissionRewardMutationVariables
> = gql`
  mutation ClaimMissionReward($input: ClaimMissionRewardInput!) {
    claimMissionReward(input: $input) {
      __typename
      ... on MissionRewardClaimed {
        mission {
          id
          title
        }
        gold
        xp
        balance
        level
        player {
          id
          gold
          level
          rank
        }
      }
      ... on MissionNotComplete {
        progress
        target
      }
      ... on AlreadyClaimed {
        availableAt
      }
      ... on PlayerExcluded {
        until
      }
      ... on UserError {
        code
        message
      }
    }
  }
`;

/** The caller's game events: the missions screen reloads on a mission's. */
export const MISSION_EVENTS: TypedDocumentNode<
  MissionEventsSubscription,
  MissionEventsSubscriptionVariables
> = gql`
  subscription MissionEvents {
    gameEvents {
      id
      type
    }
  }
`;

export const LEADERBOARD: TypedDocumentNode<LeaderboardQuery, LeaderboardQueryVariables> = gql`
  query Leaderboard($metric: LeaderboardMetric!, $period: LeaderboardPeriod!, $game: Game, $first: Int!) {
    leaderboard(metric: $metric, period: $period, game: $game, first: $first) {
      metric
      game
      period
      entries {
        rank
        value
        user {
          id
          nickname
          level
        }
      }
    }
  }
`;

const NOTIFICATION_FIELDS = gql`
  fragment NotificationFields on Notification {
    id
    title
    body
    broadcast
    sentAt
    read
  }
`;

export const NOTIFICATIONS_PAGE: TypedDocumentNode<NotificationsPageQuery, NotificationsPageQueryVariables> = gql`
  query NotificationsPage($first: Int!, $after: String) {
    me {
      id
      unreadNotifications
      notifications(first: $first, after: $after) {
        edges {
          cursor
          node {
            ...NotificationFields
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
  ${NOTIFICATION_FIELDS}
`;

export const UNREAD_NOTIFICATIONS: TypedDocumentNode<
  UnreadNotificationsQuery,
  UnreadNotificationsQueryVariables
> = gql`
  query UnreadNotifications {
    me {
      id
      unreadNotifications
      notifications(first: 1) {
        edges {
          node {
            id
          }
        }
      }
    }
  }
`;

export const MARK_NOTIFICATIONS_READ: TypedDocumentNode<
  MarkNotificationsReadMutation,
  MarkNotificationsReadMutationVariables
> = gql`
  mutation MarkNotificationsRead($input: MarkNotificationsReadInput!) {
    markNotificationsRead(input: $input) {
      __typename
      ... on NotificationsMarked {
        marked
        unreadCount
        player {
          id
          unreadNotifications
        }
      }
      ... on ValidationFailed {
        fields {
          field
          message
        }
      }
      ... on UserError {
        code
        message
      }
    }
  }
`;

export const NOTIFICATIONS_LIVE: TypedDocumentNode<
  NotificationsLiveSubscription,
  NotificationsLiveSubscriptionVariables
> = gql`
  subscription NotificationsLive($since: ID) {
    notifications(since: $since) {
      ...NotificationFields
    }
  }
  ${NOTIFICATION_FIELDS}
`;

export const GAME_HISTORY: TypedDocumentNode<GameHistoryQuery, GameHistoryQueryVariables> = gql`
  query GameHistory($game: Game, $first: Int!, $after: String) {
    me {
      id
      history(game: $game, first: $first, after: $after) {
        edges {
          cursor
          node {
            id
            game
            stake
            payout
            outcome
            at
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
`;

const GAME_TOTALS_FIELDS = gql`
  fragment GameTotalsFields on GameTotals {
    game
    plays
    wins
    losses
    staked
    paid
    net
    biggestWin
    bestMultiplier
  }
`;

export const PLAYER_STATS: TypedDocumentNode<PlayerStatsQuery, PlayerStatsQueryVariables> = gql`
  query PlayerStats {
    me {
      id
      stats {
        total {
          ...GameTotalsFields
        }
        games {
          ...GameTotalsFields
        }
        gachaByRarity {
          rarity
          count
        }
      }
    }
  }
  ${GAME_TOTALS_FIELDS}
`;

// Protection, seeds and session
import type {
  ActiveCrashRoundQuery,
  ActiveCrashRoundQueryVariables,
  GameEventsSubscription,
  GameEventsSubscriptionVariables,
  LogoutAllMutation,
  LogoutAllMutationVariables,
  LogoutMutation,
  LogoutMutationVariables,
  MyLimitsQuery,
  MyLimitsQueryVariables,
  MySeedsQuery,
  MySeedsQueryVariables,
  RefreshTokensMutation,
  RefreshTokensMutationVariables,
  RotateSeedPairMutation,
  RotateSeedPairMutationVariables,
  SetClientSeedMutation,
  SetClientSeedMutationVariables,
  SetLimitsMutation,
  SetLimitsMutationVariables,
  StartCoolOffMutation,
  StartCoolOffMutationVariables,
} from "./generated/operations.js";

export const REFRESH_TOKENS: TypedDocumentNode<RefreshTokensMutation, RefreshTokensMutationVariables> = gql`
  mutation RefreshTokens($input: RefreshTokensInput!) {
    refreshTokens(input: $input) {
      __typename
      ... on AuthPayload {
        ...SessionTokens
      }
      ... on UserError {
        code
        message
      }
      ... on InvalidRefreshToken {
        reason
      }
      ... on RateLimited {
        retryAfterMs
      }
    }
  }
  ${SESSION_TOKENS}
`;

export const LOGOUT: TypedDocumentNode<LogoutMutation, LogoutMutationVariables> = gql`
  mutation Logout {
    logout(input: {}) {
      __typename
      ... on LogoutSuccess {
        revokedSessions
      }
      ... on UserError {
        code
        message
      }
    }
  }
`;

export const LOGOUT_ALL: TypedDocumentNode<LogoutAllMutation, LogoutAllMutationVariables> = gql`
  mutation LogoutAll {
    logoutAll(input: {}) {
      __typename
      ... on LogoutSuccess {
        revokedSessions
      }
      ... on UserError {
        code
        message
      }
    }
  }
`;

const LIMITS_FIELDS = gql`
  fragment LimitsFields on PlayerLimits {
    excludedUntil
    dailyPurchaseCents {
      ...LimitStateFields
    }
    monthlyPurchaseCents {
      ...LimitStateFields
    }
    dailyLossGold {
      ...LimitStateFields
    }
  }
  fragment LimitStateFields on LimitState {
    amount
    pending {
      amount
      appliesAt
    }
  }
`;

export const MY_LIMITS: TypedDocumentNode<MyLimitsQuery, MyLimitsQueryVariables> = gql`
  query MyLimits {
    me {
      id
      limits {
        ...LimitsFields
      }
    }
  }
  ${LIMITS_FIELDS}
`;

export const SET_LIMITS: TypedDocumentNode<SetLimitsMutation, SetLimitsMutationVariables> = gql`
  mutation SetLimits($input: SetLimitsInput!) {
    setLimits(input: $input) {
      __typename
      ... on LimitsSet {
        limits {
          ...LimitsFields
        }
      }
      ...PlayRefusalFields
    }
  }
  ${LIMITS_FIELDS}
  ${PLAY_REFUSAL_FIELDS}
`;

export const START_COOL_OFF: TypedDocumentNode<StartCoolOffMutation, StartCoolOffMutationVariables> = gql`
  mutation StartCoolOff($input: StartCoolOffInput!) {
    startCoolOff(input: $input) {
      __typename
      ... on CoolOffStarted {
        until
      }
      ...PlayRefusalFields
    }
  }
  ${PLAY_REFUSAL_FIELDS}
`;

const SEED_PAIR_FIELDS = gql`
  fragment SeedPairFields on Fairness {
    serverSeedHash
    clientSeed
    nonce
  }
`;

const REVEALED_SEED_FIELDS = gql`
  fragment RevealedSeedFields on RevealedSeed {
    serverSeed
    serverSeedHash
    clientSeed
    rounds
    revealedAt
  }
`;

export const MY_SEEDS: TypedDocumentNode<MySeedsQuery, MySeedsQueryVariables> = gql`
  query MySeeds {
    me {
      id
      fairness {
        ...SeedPairFields
      }
      revealedSeeds(first: 20) {
        ...RevealedSeedFields
      }
    }
  }
  ${SEED_PAIR_FIELDS}
  ${REVEALED_SEED_FIELDS}
`;

export const SET_CLIENT_SEED: TypedDocumentNode<SetClientSeedMutation, SetClientSeedMutationVariables> = gql`
  mutation SetClientSeed($input: SetClientSeedInput!) {
    setClientSeed(input: $input) {
      __typename
      ... on FairnessUpdated {
        fairness {
          ...SeedPairFields
        }
      }
      ...PlayRefusalFields
    }
  }
  ${SEED_PAIR_FIELDS}
  ${PLAY_REFUSAL_FIELDS}
`;

/** rotateServerSeed with the new pair as well as the revealed seed (the seeds screen). */
export const ROTATE_SEED_PAIR: TypedDocumentNode<RotateSeedPairMutation, RotateSeedPairMutationVariables> = gql`
  mutation RotateSeedPair($input: RotateServerSeedInput!) {
    rotateServerSeed(input: $input) {
      __typename
      ... on ServerSeedRotated {
        revealed {
          ...RevealedSeedFields
        }
        fairness {
          ...SeedPairFields
        }
      }
      ... on SeedInUse {
        roundId
      }
      ...PlayRefusalFields
    }
  }
  ${SEED_PAIR_FIELDS}
  ${REVEALED_SEED_FIELDS}
  ${PLAY_REFUSAL_FIELDS}
`;

/** The player's running crash round, to resume it after a reload. */
export const ACTIVE_CRASH_ROUND: TypedDocumentNode<ActiveCrashRoundQuery, ActiveCrashRoundQueryVariables> = gql`
  query ActiveCrashRound {
    activeCrashRound {
      ...CrashRoundFields
    }
  }
  ${CRASH_ROUND_FIELDS}
`;

export const GAME_EVENTS: TypedDocumentNode<GameEventsSubscription, GameEventsSubscriptionVariables> = gql`
  subscription GameEvents($since: ID) {
    gameEvents(since: $since) {
      id
      type
      roundId
      player {
        id
        gold
        level
        rank
      }
    }
  }
`;

// Activity and suggestions
import type {
  RecommendationFeedbackMutation,
  RecommendationFeedbackMutationVariables,
  RecommendationsQuery,
  RecommendationsQueryVariables,
  RecordActivityMutation,
  RecordActivityMutationVariables,
} from "./generated/operations.js";

export const RECORD_ACTIVITY: TypedDocumentNode<RecordActivityMutation, RecordActivityMutationVariables> = gql`
  mutation RecordActivity($input: RecordActivityInput!) {
    recordActivity(input: $input) {
      __typename
    }
  }
`;

export const RECOMMENDATIONS: TypedDocumentNode<RecommendationsQuery, RecommendationsQueryVariables> = gql`
  query Recommendations {
    me {
      id
      recommendations {
        id
        rule
        title
        body
        missionId
      }
    }
  }
`;

export const RECOMMENDATION_FEEDBACK: TypedDocumentNode<RecommendationFeedbackMutation, RecommendationFeedbackMutationVariables> = gql`
  mutation RecommendationFeedback($input: RecommendationFeedbackInput!) {
    recommendationFeedback(input: $input) {
      __typename
      ... on UserError {
        code
        message
      }
    }
  }
`;
