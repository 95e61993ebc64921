// The player's notifications, live for the whole page: the header starts them (its unread
// count must move whichever screen is shown) and the notifications screen listens. The
// subscription starts after the newest notification already listed (`since`), so one sent
// meanwhile is not missed; when it ends (a dropped connection, or the server ending a
// subscriber that fell behind) it is opened again with `since` = the last id seen, and an
// id seen twice is shown once.
import { client } from "./app.js";
import { NOTIFICATIONS_LIVE, UNREAD_NOTIFICATIONS } from "./documents.js";
import { describeFailure } from "./errors.js";
import type { NotificationFieldsFragment } from "./generated/operations.js";

export type Notice = NotificationFieldsFragment;

const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 60_000;

const listeners = new Set<(notice: Notice) => void>();
const seen = new Set<string>();
let lastId: string | null = null;

/** Called with each notification that arrives live; returns how to stop listening. */
export function onNotice(listener: (notice: Notice) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The unread count as the server has it now (the header watches it in the cache). */
export async function refreshUnread(): Promise<string | null> {
  const { data } = await client.query({ query: UNREAD_NOTIFICATIONS, fetchPolicy: "network-only" });
  return data?.me.notifications.edges[0]?.node.id ?? null;
}

/** Follow the `notifications` subscription for the rest of the page's life. */
export function followNotices(report: (text: string, kind?: "info" | "error") => void): void {
  let retryMs = FIRST_RETRY_MS;
  const again = (): void => {
    setTimeout(follow, retryMs);
    retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
  };
  const follow = (): void => {
    client.subscribe({ query: NOTIFICATIONS_LIVE, variables: { since: lastId }, fetchPolicy: "no-cache" }).subscribe({
      next: ({ data }) => {
        const notice = data?.notifications;
        if (!notice) return;
        retryMs = FIRST_RETRY_MS;
        lastId = notice.id;
        report("Notifications: live");
        if (seen.has(notice.id)) return;
        seen.add(notice.id);
        refreshUnread().catch((failure: unknown) => report(describeFailure(failure), "error"));
        for (const listener of listeners) listener(notice);
      },
      error: (failure: unknown) => {
        report(`Notifications interrupted (${describeFailure(failure)}); reconnecting…`, "error");
        again();
      },
      complete: again,
    });
  };
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
