// The operators' console's operations, typed by GraphQL Code Generator like the player
// side's (codegen.yml plucks every src/**/documents.ts). Kept apart from the player's
// documents: the console is its own screens, and a player's page never loads these.
import { gql } from "@apollo/client";
import type { TypedDocumentNode } from "@apollo/client";

import type {
  AdjustGoldMutation,
  AdjustGoldMutationVariables,
  AdminGateQuery,
  AdminGateQueryVariables,
  AdminPlayerQuery,
  AdminPlayerQueryVariables,
  AdminPlayersQuery,
  AdminPlayersQueryVariables,
  AuditLogQuery,
  AuditLogQueryVariables,
  EconomyReportQuery,
  EconomyReportQueryVariables,
  MonitorEventsSubscription,
  MonitorEventsSubscriptionVariables,
  PlayerNamesQuery,
  PlayerNamesQueryVariables,
  SendNotificationMutation,
  SendNotificationMutationVariables,
  SetUserBannedMutation,
  SetUserBannedMutationVariables,
  SetUserRankMutation,
  SetUserRankMutationVariables,
} from "../generated/operations.js";

/** The gate: an operators-only read that answers FORBIDDEN to anyone else. */
export const ADMIN_GATE: TypedDocumentNode<AdminGateQuery, AdminGateQueryVariables> = gql`
  query AdminGate {
    me {
      id
      nickname
      siteId
    }
    auditLog(first: 1) {
      pageInfo {
        hasNextPage
      }
    }
  }
`;

export const ADMIN_PLAYERS: TypedDocumentNode<AdminPlayersQuery, AdminPlayersQueryVariables> = gql`
  query AdminPlayers($filter: AdminUserFilter, $order: UserOrder!, $first: Int!, $after: String) {
    adminUsers(filter: $filter, order: $order, first: $first, after: $after) {
      edges {
        cursor
        node {
          bannedAt
          profile {
            id
            siteId
            nickname
            rank
            role
            gold
            level
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

export const ADMIN_PLAYER: TypedDocumentNode<AdminPlayerQuery, AdminPlayerQueryVariables> = gql`
  query AdminPlayer($id: ID!) {
    adminUser(id: $id) {
      bannedAt
      banReason
      excludedUntil
      lifetimeSpendCents
      profile {
        id
        siteId
        nickname
        rank
        role
        gold
        goldDebt
        level
        xp
        joinedAt
        lastLoginAt
        ledger(first: 10) {
          edges {
            node {
              id
              amount
              balanceAfter
              reason
              reference
              at
            }
          }
        }
        history(first: 10) {
          edges {
            node {
              id
              game
              stake
              payout
              at
            }
          }
        }
      }
      sessions(first: 5) {
        id
        createdAt
        live
        revokeReason
        ip
      }
    }
  }
`;

export const SET_USER_RANK: TypedDocumentNode<SetUserRankMutation, SetUserRankMutationVariables> = gql`
  mutation SetUserRank($input: SetUserRankInput!) {
    setUserRank(input: $input) {
      __typename
      ... on UserUpdated {
        user {
          id
          rank
        }
      }
      ... on UserError {
        code
        message
      }
      ... on ValidationFailed {
        fields {
          field
          code
          message
        }
      }
    }
  }
`;

export const SET_USER_BANNED: TypedDocumentNode<SetUserBannedMutation, SetUserBannedMutationVariables> = gql`
  mutation SetUserBanned($input: SetUserBannedInput!) {
    setUserBanned(input: $input) {
      __typename
      ... on UserUpdated {
        user {
          id
        }
      }
      ... on UserError {
        code
        message
      }
      ... on ValidationFailed {
        fields {
          field
          code
          message
        }
      }
    }
  }
`;

export const ADJUST_GOLD: TypedDocumentNode<AdjustGoldMutation, AdjustGoldMutationVariables> = gql`
  mutation AdjustGold($input: AdjustGoldInput!) {
    adjustGold(input: $input) {
      __typename
      ... on GoldAdjusted {
        amount
        balance
        replayed
        player {
          id
          gold
        }
      }
      ... on UserError {
        code
        message
      }
      ... on InsufficientFunds {
        required
        balance
      }
      ... on ValidationFailed {
        fields {
          field
          code
          message
        }
      }
    }
  }
`;

export const SEND_NOTIFICATION: TypedDocumentNode<SendNotificationMutation, SendNotificationMutationVariables> = gql`
  mutation SendNotification($input: SendNotificationInput!) {
    sendNotification(input: $input) {
      __typename
      ... on NotificationSent {
        notification {
          id
          title
          broadcast
          sentAt
        }
      }
      ... on UserError {
        code
        message
      }
      ... on ValidationFailed {
        fields {
          field
          code
          message
        }
      }
    }
  }
`;

export const ECONOMY_REPORT: TypedDocumentNode<EconomyReportQuery, EconomyReportQueryVariables> = gql`
  query EconomyReport($firstDay: Date!, $lastDay: Date!) {
    economyReport(firstDay: $firstDay, lastDay: $lastDay) {
      firstDay
      lastDay
      timeZone
      completeAsOf
      issued
      sunk
      days {
        day
        issued
        sunk
        net
        reasons {
          reason
          issued
          sunk
          movements
        }
      }
      games {
        game
        paidPlays
        staked
        paid
        realisedRtp
        publishedRtp
      }
      inflation {
        issued
        sunk
        net
        circulation
        percent
        thresholdPercent
        alarm
      }
    }
  }
`;

export const AUDIT_LOG: TypedDocumentNode<AuditLogQuery, AuditLogQueryVariables> = gql`
  query AuditLog($filter: AuditLogFilter, $first: Int!, $after: String) {
    auditLog(filter: $filter, first: $first, after: $after) {
      edges {
        node {
          id
          actorId
          action
          target
          before
          after
          at
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

/** Nicknames for the player ids the monitor and the audit log carry. */
export const PLAYER_NAMES: TypedDocumentNode<PlayerNamesQuery, PlayerNamesQueryVariables> = gql`
  query PlayerNames($ids: [ID!]!) {
    nodes(ids: $ids) {
      __typename
      ... on Player {
        id
        nickname
      }
    }
  }
`;

export const MONITOR_EVENTS: TypedDocumentNode<MonitorEventsSubscription, MonitorEventsSubscriptionVariables> = gql`
  subscription MonitorEvents($since: ID) {
    monitorEvents(since: $since) {
      id
      userId
      type
      roundId
      at
      data
    }
  }
`;

// Insight: key figures and segments
import type {
  KpiReportQuery,
  KpiReportQueryVariables,
  OverrideSegmentMutation,
  OverrideSegmentMutationVariables,
  PlayersInSegmentQuery,
  PlayersInSegmentQueryVariables,
  SegmentCountsQuery,
  SegmentCountsQueryVariables,
} from "../generated/operations.js";

export const KPI_REPORT: TypedDocumentNode<KpiReportQuery, KpiReportQueryVariables> = gql`
  query KpiReport($firstDay: Date!, $lastDay: Date!) {
    kpiReport(firstDay: $firstDay, lastDay: $lastDay) {
      completeThrough
      days {
        day
        dau
        wau
        mau
        newPlayers
        payers
        firstTimePayers
        conversionPercent
      }
      money {
        day
        currency
        gross
        refunded
        net
        arpdau
        arppu
      }
      cohorts {
        day
        size
        d1
        d7
        d30
      }
      funnel {
        day
        shopOpened
        buyClicked
        purchased
      }
    }
  }
`;

export const SEGMENT_COUNTS: TypedDocumentNode<SegmentCountsQuery, SegmentCountsQueryVariables> = gql`
  query SegmentCounts {
    segmentCounts {
      asOf
      counts {
        segment
        kind
        players
      }
    }
  }
`;

export const PLAYERS_IN_SEGMENT: TypedDocumentNode<PlayersInSegmentQuery, PlayersInSegmentQueryVariables> = gql`
  query PlayersInSegment($segment: Segment!, $first: Int!, $after: String) {
    playersInSegment(segment: $segment, first: $first, after: $after) {
      edges {
        node {
          profile {
            id
            siteId
            nickname
          }
          segments {
            lifecycle
            rfmSegment
            recencyScore
            frequencyScore
            monetaryScore
            override {
              segment
              reason
            }
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

export const OVERRIDE_SEGMENT: TypedDocumentNode<OverrideSegmentMutation, OverrideSegmentMutationVariables> = gql`
  mutation OverrideSegment($input: OverrideSegmentInput!) {
    overrideSegment(input: $input) {
      __typename
      ... on SegmentOverridden {
        segments {
          lifecycle
          rfmSegment
        }
      }
      ... on UserError {
        code
        message
      }
      ... on ValidationFailed {
        fields {
          field
          message
        }
      }
    }
  }
`;

// Campaigns: a notification (and a reward) for a segment's players at a time
import type {
  CampaignAudienceQuery,
  CampaignAudienceQueryVariables,
  CampaignsQuery,
  CampaignsQueryVariables,
  CancelCampaignMutation,
  CancelCampaignMutationVariables,
  ScheduleCampaignMutation,
  ScheduleCampaignMutationVariables,
} from "../generated/operations.js";

export const CAMPAIGNS: TypedDocumentNode<CampaignsQuery, CampaignsQueryVariables> = gql`
  query Campaigns($first: Int!, $after: String) {
    campaigns(first: $first, after: $after) {
      edges {
        node {
          id
          title
          segment
          rewardGold
          sendAt
          status
          cancelReason
          delivered
          rewarded
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

export const CAMPAIGN_AUDIENCE: TypedDocumentNode<CampaignAudienceQuery, CampaignAudienceQueryVariables> = gql`
  query CampaignAudience($segment: Segment!) {
    previewCampaignAudience(segment: $segment)
  }
`;

export const SCHEDULE_CAMPAIGN: TypedDocumentNode<ScheduleCampaignMutation, ScheduleCampaignMutationVariables> = gql`
  mutation ScheduleCampaign($input: ScheduleCampaignInput!) {
    scheduleCampaign(input: $input) {
      __typename
      ... on CampaignScheduled {
        campaign {
          id
          title
          segment
          sendAt
          status
        }
      }
      ... on ValidationFailed {
        code
        message
        fields {
          field
          code
          message
        }
      }
    }
  }
`;

export const CANCEL_CAMPAIGN: TypedDocumentNode<CancelCampaignMutation, CancelCampaignMutationVariables> = gql`
  mutation CancelCampaign($input: CancelCampaignInput!) {
    cancelCampaign(input: $input) {
      __typename
      ... on CampaignCancelled {
        campaign {
          id
          title
          status
        }
      }
      ... on UserError {
        code
        message
      }
      ... on CampaignNotCancellable {
        status
      }
      ... on ValidationFailed {
        fields {
          field
          code
          message
        }
      }
    }
  }
`;
