// The live monitor: every game event of every player, newest first, at most MAX_ROWS.
// The subscription starts with the newest events the server kept, then goes on live.
// When it ends (a dropped connection, a server restart, falling 64 events behind) it is
// opened again with `since` = the last event id shown, so the server sends what was
// missed and nothing twice; ids already shown are skipped in case it repeats one. It has
// its own connection (live.ts), which never resubscribes by itself without `since`.
import { h, say } from "../dom.js";
import { MONITOR_EVENTS } from "./documents.js";
import { describeAdminFailure, failureCode } from "./errors.js";
import { row, table, when } from "./format.js";
import { liveClient } from "./live.js";
import { fillName } from "./names.js";
import type { MonitorEventsSubscription } from "../generated/operations.js";

type MonitorEvent = MonitorEventsSubscription["monitorEvents"];

const MAX_ROWS = 100;
const RETRY_FIRST_MS = 1_000;
const RETRY_MAX_MS = 30_000;
/** Codes after which resubscribing cannot help: the operator must act. */
const FINAL = new Set(["FORBIDDEN", "UNAUTHENTICATED"]);

/** Event ids are `<milliseconds>-<sequence>`: compared as numbers, part by part. */
function newer(id: string, than: string | null): boolean {
  if (than === null) return true;
  const a = id.split("-").map(Number);
  const b = than.split("-").map(Number);
  for (let k = 0; k < Math.max(a.length, b.length); k += 1) {
    const x = a[k] ?? 0;
    const y = b[k] ?? 0;
    if (x !== y) return x > y;
  }
  return false;
}

function gold(value: unknown): string {
  return typeof value === "number" ? value.toLocaleString("en-US") : "—";
}

/** The details beyond stake and payout, as short text. */
function details(data: Record<string, unknown>): string {
  return Object.entries(data)
    .filter(([key]) => key !== "stake" && key !== "payout")
    .map(([key, value]) => `${key}: ${typeof value === "object" && value !== null ? JSON.stringify(value) : String(value)}`)
    .join(", ");
}

export function monitorScreen(): HTMLElement {
  // The connection's state is announced; the running count is not (it changes with
  // every event, which a screen reader would read out one by one).
  const status = h("p", { id: "monitor-status", class: "status", role: "status", "aria-live": "polite" }, "Connecting…");
  const count = h("p", { id: "monitor-count", class: "quiet" }, "No event received yet.");
  const events = table(
    { id: "monitor-events" },
    `Every player's game events, newest first (the latest ${MAX_ROWS})`,
    ["Time", "Player", "Event", "Stake", "Payout", "Details"],
    [],
  );
  const body = events.tBodies[0] as HTMLTableSectionElement;
  let lastId: string | null = null;
  const client = liveClient(() => {
    say(status, lastId === null ? "Live: showing the newest events, then each as it happens." : `Live again: resumed after event ${lastId}.`);
  });
  let received = 0;
  let retryMs = RETRY_FIRST_MS;

  const show = (event: MonitorEvent): void => {
    const data = (typeof event.data === "object" && event.data !== null ? event.data : {}) as Record<string, unknown>;
    const line = row(
      { "data-event-id": event.id, "data-user-id": event.userId, "data-type": event.type, "data-round-id": event.roundId ?? "" },
      when(event.at),
      fillName(h("span", { class: "player" }), event.userId),
      event.type,
      gold(data["stake"]),
      gold(data["payout"]),
      details(data),
    );
    body.prepend(line);
    while (body.rows.length > MAX_ROWS) body.lastElementChild?.remove();
  };

  const subscribe = (): void => {
    let ended = false;
    let subscription: { unsubscribe(): void } | undefined;
    subscription = client.subscribe({ query: MONITOR_EVENTS, variables: { since: lastId }, fetchPolicy: "no-cache" }).subscribe({
      next: (result) => {
        if (result.error !== undefined) {
          ended = true;
          subscription?.unsubscribe();
          stopped(result.error);
          return;
        }
        const event = result.data?.monitorEvents;
        if (event === undefined || !newer(event.id, lastId)) return;
        lastId = event.id;
        received += 1;
        retryMs = RETRY_FIRST_MS;
        show(event);
        count.textContent = `${received} event(s) received; the newest at ${when(event.at)}.`;
      },
      error: (failure: unknown) => {
        ended = true;
        stopped(failure);
      },
      complete: () => {
        if (!ended) stopped(null);
      },
    });
  };

  const stopped = (failure: unknown): void => {
    const code = failureCode(failure);
    if (code !== null && FINAL.has(code)) {
      say(status, `The monitor stopped. ${describeAdminFailure(failure)}`, "error");
      return;
    }
    const why = failure === null ? "The server ended the stream." : describeAdminFailure(failure).replace(/([^.])$/, "$1.");
    // Falling behind is answered at once: the events are waiting on the server.
    const delay = code === "SUBSCRIPTION_OVERFLOW" ? 0 : retryMs;
    retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
    say(status, `${why} Reconnecting in ${Math.ceil(delay / 1000)} s…`, "error");
    setTimeout(subscribe, delay);
  };

  subscribe();
  return h(
    "section",
    { id: "monitor", "aria-labelledby": "monitor-title" },
    h("h2", { id: "monitor-title" }, "Live monitor"),
    status,
    count,
    events,
  );
}
