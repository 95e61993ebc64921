// What an operator reads when something is refused, chosen by the error's code (the API's
// `code` on a typed error, `extensions.code` on a GraphQL error): codes are stable, the
// server's English messages may change. A code without a sentence here falls back to
// the player side's wording (../errors.ts), which says the server's message plainly.
import { CombinedGraphQLErrors } from "@apollo/client/errors";

import { describe, describeFailure } from "../errors.js";
import type { TypedError } from "../errors.js";

export const OPERATORS_ONLY =
  "Operators only: this account is not an operator's, so the console stays closed. " +
  "Log out and log in with an operator's account, or go back to the game.";

const FAILURES: Record<string, string> = {
  FORBIDDEN: OPERATORS_ONLY,
  UNAUTHENTICATED: "Your session has ended (logged out, expired or ended by a ban). Log in again.",
  SUBSCRIPTION_OVERFLOW: "The monitor fell behind the events; it resumes from the last one it showed.",
  RATE_LIMITED: "Too many requests at once; wait a moment and try again.",
  QUERY_TOO_COMPLEX: "The server found the request too large; narrow it and try again.",
  REQUEST_TIMEOUT: "The server took too long to answer; try again.",
  SERVICE_UNAVAILABLE: "The server is busy or restarting; try again in a moment.",
  INTERNAL_SERVER_ERROR: "The server failed on this request (it is logged); try again, or report it.",
};

/** The code of a GraphQL error the request failed with (the first one's), if any. */
export function failureCode(failure: unknown): string | null {
  if (!CombinedGraphQLErrors.is(failure)) return null;
  const code = failure.errors[0]?.extensions?.["code"];
  return typeof code === "string" ? code : null;
}

/** A failed request (not a typed answer), for a person. */
export function describeAdminFailure(failure: unknown): string {
  const code = failureCode(failure);
  if (code === "BAD_USER_INPUT" && CombinedGraphQLErrors.is(failure)) {
    return `The server refused the input: ${failure.errors.map((e) => e.message).join("; ")}`;
  }
  return (code !== null ? FAILURES[code] : undefined) ?? describeFailure(failure);
}

// Per invalid field, what to fix; the server's own words follow in brackets. A field
// whose rules differ in what to do about them has a sentence per rule (`field:CODE`).
const FIELDS: Record<string, string> = {
  reason: "A reason is required, and it is kept in the audit log",
  amount: "The amount must be a whole number of gold other than 0",
  title: "The title is blank or too long",
  body: "The text is blank or too long",
  rewardGold: "The reward must be 0 to 1,000,000 gold per player",
  sendAt: "The send time is not usable",
  "sendAt:IN_THE_PAST": "The send time has passed; choose now or a later time",
  "sendAt:TOO_FAR_AHEAD": "The send time is too far ahead; choose one within 90 days",
};

// Why a campaign can no longer be cancelled, by the status it has.
const NOT_CANCELLABLE: Record<string, string> = {
  SENDING: "Too late to cancel: its sending has started, so players may have it already.",
  SENT: "Too late to cancel: it has been sent to its players.",
  CANCELLED: "It was cancelled already.",
};

/** A typed refusal (`... on UserError`), for a person; nothing was changed by it. */
export function describeRefusal(error: TypedError & { code: string; balance?: number; status?: string }): string {
  switch (error.code) {
    case "USER_NOT_FOUND":
      return "No player has this id; nothing was changed.";
    case "CAMPAIGN_NOT_FOUND":
      return "No campaign has this id; nothing was changed.";
    case "CAMPAIGN_NOT_CANCELLABLE":
      return `${NOT_CANCELLABLE[error.status ?? ""] ?? describe(error)} Nothing was changed.`;
    case "VALIDATION_FAILED": {
      const problems = (error.fields ?? []).map(
        (f) => `${FIELDS[`${f.field}:${f.code ?? ""}`] ?? FIELDS[f.field] ?? `${f.field} is not valid`} (${f.message}).`,
      );
      return `${problems.length > 0 ? problems.join(" ") : describe(error)} Nothing was changed.`;
    }
    case "INSUFFICIENT_FUNDS":
      return (
        `The player has ${(error.balance ?? 0).toLocaleString("en-US")} gold, ` +
        `less than the ${(error.required ?? 0).toLocaleString("en-US")} to take; nothing was taken.`
      );
    case "IDEMPOTENCY_KEY_IN_USE":
      return "The same change is still being made; wait a moment, then look at the player again.";
    case "IDEMPOTENCY_KEY_REUSED":
      return "This request's key was used for another change; nothing was changed. Submit again.";
    default:
      return describe(error);
  }
}
