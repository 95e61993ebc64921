// Live feeds that survive a dropped WebSocket: `balanceChanged` and `gameEvents` resume
// with `since` = the last event id seen, so what happened while the socket was down
// arrives after the reconnect, and an event already seen is never shown twice (the
// server keeps 5 minutes of events per player). A feed that ends because the session
// ended (logout elsewhere, ban, `extensions.reason`) sends the player to the login screen
// with the reason; one that ends because the access token expired is refreshed and
// resumed. The WebSocket is restarted after every token refresh (it authenticates once).
import type { OperationVariables, TypedDocumentNode } from "@apollo/client";
import { CombinedGraphQLErrors } from "@apollo/client/errors";
import type { Subscription } from "rxjs";

import { client, session, socket } from "./app.js";
import { sessionEndedMessage } from "./errors.js";

/** Whether the socket is up, for the header's "Live updates" line. */
type Listener = (state: "connected" | "reconnecting") => void;
const listeners: Listener[] = [];
let connected = false;

export function onConnection(listener: Listener): void {
  listeners.push(listener);
}

socket.on("connected", () => {
  connected = true;
  for (const listener of listeners) listener("connected");
});
socket.on("closed", () => {
  connected = false;
  for (const listener of listeners) listener("reconnecting");
});
// A new access token: reconnect, so subscriptions run under it (each feed resumes).
session.onRefreshed = () => {
  if (connected) socket.terminate();
};

/** An event id is `<ms>-<seq>`: compared as that pair of numbers. */
function after(a: string, b: string): boolean {
  const [am = 0, as = 0] = a.split("-").map(Number);
  const [bm = 0, bs = 0] = b.split("-").map(Number);
  return am !== bm ? am > bm : as > bs;
}

/** How a subscription stopped: the session is over, its token expired, or the socket
 * dropped (anything else: try again too). */
export function ending(error: unknown): { ended: string } | "expired" | "dropped" {
  if (CombinedGraphQLErrors.is(error)) {
    const unauthenticated = error.errors.find((e) => e.extensions?.["code"] === "UNAUTHENTICATED");
    if (unauthenticated !== undefined) {
      const reason = unauthenticated.extensions?.["reason"];
      if (reason === "EXPIRED" || reason === undefined) return "expired";
      return { ended: sessionEndedMessage(typeof reason === "string" ? reason : null) };
    }
  }
  // A connection refused at connection_init (an expired token) closes with 4403.
  if (error instanceof Error && /Socket closed with event 44(01|03)\b/.test(error.message)) return "expired";
  return "dropped";
}

const RETRY_MS = [500, 1_000, 2_000, 4_000, 8_000];

/**
 * Subscribe to a feed whose events carry an increasing `id` and which accepts `since`;
 * resubscribe after any drop, from the last event seen. `pick` reads the event from a
 * result. Returns a function that stops the feed.
 */
export function resumableFeed<Data, Variables extends OperationVariables & { since?: string | null }, Event extends { id: string }>(
  query: TypedDocumentNode<Data, Variables>,
  pick: (data: Data) => Event,
  onEvent: (event: Event) => void,
): () => void {
  let last: string | null = null;
  let attempt = 0;
  let current: Subscription | null = null;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const again = (delay: number): void => {
    current?.unsubscribe();
    current = null;
    if (stopped) return;
    timer = setTimeout(start, delay);
  };

  const failed = (error: unknown): void => {
    const how = ending(error);
    if (typeof how === "object") {
      stopped = true;
      session.end(how.ended);
      return;
    }
    const delay = RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)] ?? 8_000;
    attempt += 1;
    // An expired token: refreshed (which restarts the socket), then at once; a refresh
    // that failed ends the session (the page reloads) or is retried later.
    if (how === "expired") void session.refresh().then((fresh) => again(fresh ? 0 : delay));
    else again(delay);
  };

  function start(): void {
    const variables = { since: last } as Variables;
    // Apollo answers an error as a result, then completes: act on the first only.
    let over = false;
    current = client.subscribe({ query, variables }).subscribe({
      next: (result) => {
        if (over) return;
        if (result.error !== undefined) {
          over = true;
          failed(result.error);
          return;
        }
        if (result.data === undefined) return;
        attempt = 0;
        const event = pick(result.data as Data);
        if (last !== null && !after(event.id, last)) return;
        last = event.id;
        onEvent(event);
      },
      complete: () => {
        // The server never completes a feed by itself: a completion is a drop.
        if (!over) again(RETRY_MS[0] ?? 500);
        over = true;
      },
    });
  }

  start();
  return () => {
    stopped = true;
    clearTimeout(timer);
    current?.unsubscribe();
  };
}
