// What a person reads when something is refused. Typed errors (`... on UserError`) carry a
// message written for people; a few get the detail that makes them actionable. Anything
// else (a GraphQL or network error) is said plainly rather than swallowed.
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
  fields?: readonly { field: string; message: string }[];
  availableAt?: string | null;
  until?: string;
}

export function describe(error: TypedError): string {
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
