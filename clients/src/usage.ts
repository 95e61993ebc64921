// What a screen does with the generated types: compiled under `--strict`, never run.
// A schema change that breaks one of these lines breaks CI, not a frontend in production.
import { InMemoryCache } from "@apollo/client";
import { Client, fetchExchange } from "@urql/core";
import { cacheExchange } from "@urql/exchange-graphcache";
import possibleTypes from "../../possibleTypes.json" with { type: "json" };

import type {
  BalanceChangedSubscription,
  BuyProductMutation,
  CrashCashoutMutation,
  GachaPullMutation,
  LeaderboardQuery,
  MissionsQuery,
  SignupMutation,
  SlotSpinMutation,
  SlotSpinMutationVariables,
} from "./generated/operations.js";

// The lines docs/api-guide.md shows: the fragment matcher exported beside schema.graphql, for
// Apollo's cache and for urql's Graphcache.
export const cache = new InMemoryCache({ possibleTypes });
export const urqlClient = new Client({
  url: "http://127.0.0.1:8000/graphql",
  exchanges: [cacheExchange({ possibleTypes }), fetchExchange],
});

// Gold is a JSON number (±2^53 − 1, safe in JavaScript); the server also accepts a string.
export const spinVariables: SlotSpinMutationVariables = {
  input: { stake: 100, idempotencyKey: "spin-1" },
};

/** Every member of the union handled: a new member breaks `never` below. */
export function describeSpin(result: SlotSpinMutation["slotSpin"]): string {
  switch (result.__typename) {
    case "SlotSpinSuccess":
      return `${result.reels.join(" ")}: +${result.payout} → ${result.balance}`;
    case "InsufficientFunds":
      return `${result.message}: ${result.balance} < ${result.required}`;
    case "InvalidStake":
      return `stake ${result.minStake}–${result.maxStake}`;
    case "RateLimited":
      return `retry in ${result.retryAfterMs} ms`;
    case "IdempotencyKeyInUse":
    case "IdempotencyKeyReused":
    case "InDebt":
    case "LossLimitReached":
    case "OperatorsDoNotPlay":
    case "PlayerExcluded":
    case "ValidationFailed":
      return `${result.code}: ${result.message}`;
    default: {
      const unhandled: never = result;
      return unhandled;
    }
  }
}

/** `... on UserError { code message }`: every refusal carries both, typed. */
export function refusal(result: SignupMutation["signup"]): string | null {
  return result.__typename === "AuthPayload" ? null : `${result.code}: ${result.message}`;
}

export function balanceAfterPull(result: GachaPullMutation["gachaPull"]): number | null {
  return result.__typename === "GachaPullSuccess" ? result.balance : null;
}

export function rarities(result: GachaPullMutation["gachaPull"]): string[] {
  return result.__typename === "GachaPullSuccess"
    ? result.items.map(({ item }) => item.rarity)
    : [];
}

export function cashedOut(result: CrashCashoutMutation["crashCashout"]): number {
  switch (result.__typename) {
    case "CrashCashedOut":
      return result.payout;
    case "CrashRoundLost":
      return 0;
    default:
      return 0;
  }
}

export function goldBought(result: BuyProductMutation["buyProduct"]): number {
  return result.__typename === "PurchaseSucceeded"
    ? result.purchase.gold + result.purchase.bonusGold
    : 0;
}

export function onBalance(event: BalanceChangedSubscription["balanceChanged"]): string {
  // DateTime is an ISO-8601 string; Date parses it.
  return `${new Date(event.at).toISOString()} ${event.reason} ${event.delta} → ${event.gold}`;
}

export function podium(board: LeaderboardQuery["leaderboard"]): string[] {
  return board.entries.slice(0, 3).map((entry) => `${entry.rank}. ${entry.user.nickname}`);
}

export function claimable(missions: MissionsQuery["missions"]): string[] {
  return missions
    .filter((row) => row.completed && !row.claimed && !row.locked)
    .map((row) => row.mission.id);
}
