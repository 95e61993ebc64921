// The player's notifications, live for the whole page: the header starts them (its unread
// count must move whichever screen is shown) and the notifications screen listens. The
// subscription starts after the newest notification already stored (`since`), so one sent
// meanwhile is not missed. Whenever it is interrupted (the WebSocket lost and connected
// again, or the server ending a subscriber that fell behind) it is opened anew with `since`
// = the last id seen, so the server sends what was missed first; an id is shown once.
import type { Subscription } from "rxjs";

import { client } from "./app.js";
import { reconnections } from "./client.js";
import { NOTIFICATIONS_LIVE, NOTIFICATIONS_PAGE, UNREAD_NOTIFICATIONS } from "./documents.js";
import { describeFailure } from "./errors.js";
import type { NotificationFieldsFragment } from "./generated/operations.js";

export type Notice = NotificationFieldsFragment;

const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 60_000;
const CATCH_UP = 20;

const listeners = new Set<(notice: Notice) => void>();
const seen = new Set<string>();
let lastId: string | null = null;

/** Called with each notification that arrives live; returns how to stop listening. */
export function onNotice(listener: (notice: Notice) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The unread count as the server has it now (the header watches it in the cache); the
 * newest notification's id, or null when there is none. */
async function refreshUnread(): Promise<string | null> {
  const { data } = await client.query({ query: UNREAD_NOTIFICATIONS, fetchPolicy: "network-only" });
  return data?.me.notifications.edges[0]?.node.id ?? null;
}

// One count asked at a time, and once more after it when more arrived meanwhile: answers
// to concurrent asks could come back out of order and leave an older count shown.
let counting = false;
let recount = false;

function countAgain(report: (text: string, kind?: "info" | "error") => void): void {
  if (counting) {
    recount = true;
    return;
  }
  counting = true;
  recount = false;
  refreshUnread()
    .catch((failure: unknown) => report(describeFailure(failure), "error"))
    .finally(() => {
      counting = false;
      if (recount) countAgain(report);
    });
}

function arrived(notice: Notice, report: (text: string, kind?: "info" | "error") => void): void {
  lastId = notice.id;
  if (seen.has(notice.id)) return;
  seen.add(notice.id);
  countAgain(report);
  for (const listener of listeners) listener(notice);
}

/**
 * With no id seen yet there is no `since` to resume from: what came meanwhile is read
 * instead (the newest page, oldest first), and the last of it becomes the id to resume from.
 */
async function catchUp(report: (text: string, kind?: "info" | "error") => void): Promise<void> {
  const { data } = await client.query({ query: NOTIFICATIONS_PAGE, variables: { first: CATCH_UP, after: null }, fetchPolicy: "network-only" });
  const missed = (data?.me.notifications.edges ?? []).map((edge) => edge.node).reverse();
  for (const notice of missed) arrived(notice, report);
}

/** Follow the `notifications` subscription for the rest of the page's life. */
export function followNotices(report: (text: string, kind?: "info" | "error") => void): void {
  let current: Subscription | null = null;
  let retryMs = FIRST_RETRY_MS;
  const again = (): void => {
    setTimeout(follow, retryMs);
    retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
  };
  const follow = (): void => {
    current?.unsubscribe();
    current = client.subscribe({ query: NOTIFICATIONS_LIVE, variables: { since: lastId }, fetchPolicy: "no-cache" }).subscribe({
      next: ({ data }) => {
        const notice = data?.notifications;
        if (!notice) return;
        retryMs = FIRST_RETRY_MS;
        report("Notifications: live");
        arrived(notice, report);
      },
      error: (failure: unknown) => {
        report(`Notifications interrupted (${describeFailure(failure)}); reconnecting…`, "error");
        again();
      },
      complete: again,
    });
  };
  reconnections.addEventListener("reconnected", () => {
    // Dropped before graphql-ws sends it again with its first `since`; opened from the last id.
    current?.unsubscribe();
    current = null;
    const resume = lastId === null ? catchUp(report) : Promise.resolve();
    resume
      .catch((failure: unknown) => report(describeFailure(failure), "error"))
      .finally(() => {
        report("Notifications: live");
        follow();
      });
  });
  refreshUnread()
    .then((newest) => {
      lastId = newest;
    })
    .catch((failure: unknown) => report(describeFailure(failure), "error"))
    .finally(() => {
      report("Notifications: live");
      follow();
    });
}
