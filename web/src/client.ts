// Apollo Client as any frontend would set it up: the default InMemoryCache with the
// exported possibleTypes.json (without it the cache drops every `... on UserError`),
// queries and mutations over HTTP to /graphql, subscriptions over graphql-ws on the same
// path, the access token in `Authorization` and in connection_init's payload.
//
// The session keeps the refresh token too: the access token is traded for a fresh one
// shortly before it expires, and a request answered UNAUTHENTICATED is retried once after
// a refresh. The WebSocket authenticates once, at connection_init, so after a refresh it
// is restarted and the live feeds resume (live.ts). graphql-ws is told not to retry by
// itself: it would resubscribe with the variables of the first subscribe, and a feed must
// resume from the last event it saw (`since`), which only live.ts knows.
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from "@apollo/client";
import type { PossibleTypesMap } from "@apollo/client";
import { CombinedGraphQLErrors, ServerError } from "@apollo/client/errors";
import { SetContextLink } from "@apollo/client/link/context";
import { ErrorLink } from "@apollo/client/link/error";
import { GraphQLWsLink } from "@apollo/client/link/subscriptions";
import { getMainDefinition } from "@apollo/client/utilities";
import { OperationTypeNode } from "graphql";
import { createClient } from "graphql-ws";
import type { Client as WsClient } from "graphql-ws";
import { from, switchMap } from "rxjs";

import possibleTypesJson from "../../possibleTypes.json";
import { REFRESH_TOKENS } from "./documents.js";
import { sessionEndedMessage } from "./errors.js";

const TOKEN_KEY = "casino-club.accessToken";
const EXPIRES_KEY = "casino-club.accessTokenExpiresAt";
const REFRESH_KEY = "casino-club.refreshToken";
/** Why the last session ended, shown once on the login screen after the reload. */
const ENDED_KEY = "casino-club.sessionEnded";

export interface Tokens {
  accessToken: string;
  accessTokenExpiresAt: string;
  refreshToken: string;
}

/**
 * Dispatches "reconnected" when the WebSocket connects again after a connection was lost or
 * restarted (a refresh restarts it). A stream that resumes by `since` on its own
 * (notices.ts) opens itself anew, from the last id it saw, when it hears this.
 */
export const reconnections = new EventTarget();

export class Session {
  private token: string | null = sessionStorage.getItem(TOKEN_KEY);
  private refreshing: Promise<boolean> | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Trades the refresh token for new tokens (set by createApollo): the new tokens, or
   * null with why the session cannot go on. */
  exchange: ((refreshToken: string) => Promise<Tokens | { ended: string }>) | null = null;
  /** Called after each refresh (client.ts restarts the WebSocket with the new token). */
  onRefreshed: () => void = () => undefined;

  get accessToken(): string | null {
    return this.token;
  }

  /** Milliseconds until the access token stops working; null when unknown. */
  private remainingMs(): number | null {
    const at = sessionStorage.getItem(EXPIRES_KEY);
    return at === null ? null : Date.parse(at) - Date.now();
  }

  signIn(tokens: Tokens): void {
    this.token = tokens.accessToken;
    sessionStorage.setItem(TOKEN_KEY, tokens.accessToken);
    sessionStorage.setItem(EXPIRES_KEY, tokens.accessTokenExpiresAt);
    sessionStorage.setItem(REFRESH_KEY, tokens.refreshToken);
    sessionStorage.removeItem(ENDED_KEY);
    this.schedule();
  }

  /** Forget the tokens (the page reloads to the login screen after). */
  clear(reason: string | null = null, forced = false): void {
    clearTimeout(this.timer);
    this.token = null;
    for (const key of [TOKEN_KEY, EXPIRES_KEY, REFRESH_KEY]) sessionStorage.removeItem(key);
    if (reason === null) sessionStorage.removeItem(ENDED_KEY);
    else sessionStorage.setItem(ENDED_KEY, JSON.stringify({ reason, forced }));
  }

  /** The session ended (logged out elsewhere, banned, refresh refused): back to the
   * login screen, which says why. */
  end(reason: string): void {
    if (this.token === null) return; // already leaving (logged out here)
    this.clear(reason, true);
    location.reload();
  }

  /** Why the previous session ended, once, and whether the player did not choose it. */
  takeEndedReason(): { reason: string; forced: boolean } | null {
    const stored = sessionStorage.getItem(ENDED_KEY);
    sessionStorage.removeItem(ENDED_KEY);
    return stored === null ? null : (JSON.parse(stored) as { reason: string; forced: boolean });
  }

  /** Refresh shortly before expiry: a fifth of the time left, at most a minute early. */
  schedule(): void {
    clearTimeout(this.timer);
    const remaining = this.remainingMs();
    if (this.token === null || remaining === null) return;
    const early = Math.min(60_000, remaining / 5);
    this.timer = setTimeout(() => void this.refresh(), Math.max(0, remaining - early));
  }

  /** A fresh access token before the WebSocket connects with it. */
  async ensureFresh(): Promise<void> {
    const remaining = this.remainingMs();
    if (remaining !== null && remaining < 2_000) await this.refresh();
  }

  /** Trade the refresh token for new tokens, once however many callers ask at a time:
   * true when there is a new access token; false when the session ended (the page then
   * goes to the login screen). */
  refresh(): Promise<boolean> {
    this.refreshing ??= this.exchangeOnce().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async exchangeOnce(): Promise<boolean> {
    const refreshToken = sessionStorage.getItem(REFRESH_KEY);
    if (refreshToken === null || this.exchange === null) {
      this.end("Your session ended: please log in again.");
      return false;
    }
    let answer: Tokens | { ended: string };
    try {
      answer = await this.exchange(refreshToken);
    } catch {
      // The server was not reached: keep the session and try again shortly.
      clearTimeout(this.timer);
      this.timer = setTimeout(() => void this.refresh(), 5_000);
      return false;
    }
    if ("ended" in answer) {
      this.end(answer.ended);
      return false;
    }
    this.signIn(answer);
    this.onRefreshed();
    return true;
  }
}

function unauthenticated(error: unknown): boolean {
  if (CombinedGraphQLErrors.is(error)) {
    return error.errors.some((e) => e.extensions?.["code"] === "UNAUTHENTICATED");
  }
  return ServerError.is(error) && error.statusCode === 401;
}

/** The Apollo Client, and the WebSocket client under it (live.ts follows and restarts it). */
export function createApollo(session: Session): { client: ApolloClient; socket: WsClient } {
  const possibleTypes: PossibleTypesMap = possibleTypesJson;
  const auth = new SetContextLink((previous) => {
    const token = session.accessToken;
    return {
      headers: { ...previous.headers, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    };
  });
  // UNAUTHENTICATED (an expired access token): refresh, then send the request again, once.
  const retry = new ErrorLink(({ error, operation, forward }) => {
    const context = operation.getContext();
    if (!unauthenticated(error) || context["retried"] === true || operation.operationName === "RefreshTokens") return;
    if (session.accessToken === null) return;
    operation.setContext({ retried: true });
    return from(session.refresh()).pipe(switchMap(() => forward(operation)));
  });
  const http = new HttpLink({ uri: "/graphql" });
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const socket = createClient({
    url: `${scheme}//${location.host}/graphql`,
    retryAttempts: 0,
    // Read at each (re)connection, so a reconnect after login or a refresh carries the
    // token then in force.
    connectionParams: async () => {
      await session.ensureFresh();
      const token = session.accessToken;
      return token ? { authorization: `Bearer ${token}` } : {};
    },
  });
  let connectedBefore = false;
  socket.on("connected", () => {
    if (connectedBefore) reconnections.dispatchEvent(new Event("reconnected"));
    connectedBefore = true;
  });
  const link = ApolloLink.split(
    ({ query }) => {
      const definition = getMainDefinition(query);
      return (
        definition.kind === "OperationDefinition" &&
        definition.operation === OperationTypeNode.SUBSCRIPTION
      );
    },
    new GraphQLWsLink(socket),
    ApolloLink.from([retry, auth, http]),
  );
  const client = new ApolloClient({ cache: new InMemoryCache({ possibleTypes }), link });

  session.exchange = async (refreshToken) => {
    const { data } = await client.mutate({
      mutation: REFRESH_TOKENS,
      variables: { input: { refreshToken } },
      fetchPolicy: "no-cache",
    });
    const answer = data?.refreshTokens;
    if (answer?.__typename === "AuthPayload") return answer;
    if (answer?.__typename === "RateLimited") throw new Error(answer.message);
    const reason = answer?.__typename === "InvalidRefreshToken" ? answer.reason : answer?.__typename === "AccountBanned" ? "BANNED" : null;
    return { ended: sessionEndedMessage(reason) };
  };
  session.schedule();
  return { client, socket };
}
