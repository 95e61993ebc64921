// What a person reads when something is refused. Typed errors (`... on UserError`) carry a
// message written for people; a few get the detail that makes them actionable, and those
// about the player's own protection (a break, a limit) are said here by their code, with
// what they mean. Anything else (a GraphQL or network error) is said plainly rather than
// swallowed.
import { CombinedGraphQLErrors } from "@apollo/client/errors";

export interface TypedError {
  __typename: string;
  code?: string;
  message?: string;
  retryAfterMs?: number;
  retryAfterSeconds?: number;
  minStake?: number;
  maxStake?: number;
  required?: number;
  fields?: readonly { field: string; code?: string; message: string }[];
  availableAt?: string | null;
  until?: string;
  limit?: number;
  remaining?: number;
  resetsAt?: string;
  period?: string;
  limitCents?: number;
  spentCents?: number;
  roundId?: string;
}

/** A moment in the reader's own time zone, e.g. "7 Dec 2026, 14:05". */
export function when(instant: string): string {
  return new Date(instant).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" });
}

export function dollars(cents: number): string {
  return `$${(cents / 100).toFixed(2)}`;
}

/** The refusals whose code says it all, in the player's words. */
function byCode(error: TypedError): string | null {
  switch (error.code) {
    case "PLAYER_EXCLUDED":
      return error.until === undefined
        ? "You are on a break from play: games, the shop and rewards are closed until it ends."
        : `You are on a break from play until ${when(error.until)}: games, the shop and rewards are closed until then. You can still log in and see your history.`;
    case "LOSS_LIMIT_REACHED":
      return `This bet could take you past your daily loss limit of ${(error.limit ?? 0).toLocaleString("en-US")} gold` +
        ` (${(error.remaining ?? 0).toLocaleString("en-US")} gold left today${error.resetsAt ? `, until ${when(error.resetsAt)}` : ""}). Lower the stake or stop for today.`;
    case "SPENDING_LIMIT_REACHED":
      return `This purchase would pass your ${error.period === "MONTHLY_PURCHASE" ? "monthly" : "daily"} purchase limit of ${dollars(error.limitCents ?? 0)}` +
        ` (${dollars(error.spentCents ?? 0)} spent${error.resetsAt ? `; it resets ${when(error.resetsAt)}` : ""}).`;
    case "SEED_IN_USE":
      return "A crash round you are playing still uses this server seed: rotate it once the round has ended.";
    default:
      return null;
  }
}

export function describe(error: TypedError): string {
  const said = byCode(error);
  if (said !== null) return said;
  const base = error.message ?? `Refused (${error.__typename}).`;
  if (error.retryAfterMs !== undefined) {
    return `${base} Try again in ${Math.ceil(error.retryAfterMs / 1000)} s.`;
  }
  if (error.retryAfterSeconds !== undefined) {
    return `${base} Try again in ${Math.ceil(error.retryAfterSeconds / 60)} min.`;
  }
  if (error.minStake !== undefined && error.maxStake !== undefined) {
    return `${base} Stakes run from ${error.minStake.toLocaleString("en-US")} to ${error.maxStake.toLocaleString("en-US")} gold.`;
  }
  if (error.required !== undefined) {
    return `${base} It needs ${error.required.toLocaleString("en-US")} gold.`;
  }
  if (error.availableAt !== undefined) {
    return error.availableAt === null ? `${base} It cannot be claimed again.` : `${base} The next one opens ${new Date(error.availableAt).toLocaleString()}.`;
  }
  if (error.until !== undefined) {
    return `${base} The break ends ${new Date(error.until).toLocaleString()}.`;
  }
  if (error.fields !== undefined && error.fields.length > 0) {
    return `${base} ${error.fields.map((f) => `${f.field}: ${f.message}`).join("; ")}`;
  }
  return base;
}

export function describeFailure(failure: unknown): string {
  if (CombinedGraphQLErrors.is(failure)) {
    return `The server refused the request: ${failure.errors.map((e) => e.message).join("; ")}`;
  }
  if (failure instanceof Error) return `Could not reach the server: ${failure.message}`;
  return "Something went wrong; please try again.";
}

/** Why a session ended (a subscription's `extensions.reason`, or a refused refresh token's
 * `reason`), for the login screen. */
export function sessionEndedMessage(reason: string | null | undefined): string {
  switch (reason) {
    case "LOGOUT":
    case "REVOKED":
      return "Your session ended: you logged out (here or in another tab). Log in again to play.";
    case "LOGOUT_ALL":
      return "Your session ended: you logged out on every device. Log in again to play.";
    case "REFRESH_REUSE":
    case "REUSED":
      return "Your session ended: a sign-in of yours was used twice, so every session was closed to keep the account safe. Log in again (and change your password if it was not you).";
    case "BANNED":
      return "Your session ended: the account is banned.";
    case "SESSION_LIMIT":
      return "Your session ended: you logged in on another device, which took this session's place. Log in again to play here.";
    case "EXPIRED":
      return "Your session expired. Log in again to play.";
    default:
      return "Your session ended. Log in again to play.";
  }
}
