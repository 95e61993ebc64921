// The header: who is playing, and their gold, level and rank, kept live. `me` is watched
// in the shared cache, which every result carrying `player { id gold level rank }` and
// every `balanceChanged` / `gameEvents` event (gold moved by another tab, a purchase
// settling) updates. The feeds resume after a dropped socket from the last event seen
// (live.ts); the recent changes are listed, each once. Beside it, on the player's pages,
// the unread notifications, counted again as each arrives live (notices.ts) and as the
// notifications screen marks them read; the operators' console (/play/admin) has its own
// tabs, so it shows only who is logged in.
import { client, session } from "../app.js";
import { BALANCE_CHANGED, GAME_EVENTS, ME, UNREAD_NOTIFICATIONS } from "../documents.js";
import { gold, h } from "../dom.js";
import { describeFailure } from "../errors.js";
import { onConnection, resumableFeed } from "../live.js";
import { followNotices } from "../notices.js";

const KEPT = 50;

function signed(delta: number): string {
  return `${delta > 0 ? "+" : delta < 0 ? "−" : ""}${Math.abs(delta).toLocaleString("en-US")}`;
}

function words(code: string): string {
  return code.toLowerCase().replaceAll("_", " ");
}

export function header(playerPages = true): HTMLElement {
  const player = h("p", { id: "player", "aria-live": "polite" }, "Not logged in");
  const bar = h("header", {}, h("h1", {}, "Casino-Club"), player);
  if (session.accessToken === null) return bar;
  client.watchQuery({ query: ME }).subscribe((result) => {
    if (result.error !== undefined) {
      player.textContent = describeFailure(result.error);
      return;
    }
    if (result.dataState !== "complete") return;
    const me = result.data.me;
    player.replaceChildren(
      h("span", {}, me.nickname),
      h("span", { id: "gold" }, gold(me.gold)),
      h("span", { id: "level" }, `Level ${me.level}`),
      h("span", { id: "rank" }, me.rank),
    );
  });
  if (!playerPages) return bar;

  // Not a live region: the gold above is announced; this is for a look back.
  const live = h("p", { id: "live", class: "quiet" }, "Live updates: connecting…");
  const changes = h("ol", { id: "balance-log", reversed: "" });
  const plays = h("ol", { id: "event-log", reversed: "" });
  const keep = (list: HTMLElement, item: HTMLElement): void => {
    list.prepend(item);
    while (list.children.length > KEPT) list.lastElementChild?.remove();
  };
  const recent = h(
    "details",
    { id: "recent" },
    h("summary", {}, "Recent activity"),
    h("div", { class: "columns" }, h("div", {}, h("h2", {}, "Gold"), changes), h("div", {}, h("h2", {}, "Plays"), plays)),
  );
  let connections = 0;
  onConnection((state) => {
    live.textContent = state === "connected" ? "Live updates: on" : "Live updates: reconnecting…";
    // A feed that had seen no event yet resumes from now: read the gold once again.
    if (state === "connected" && ++connections > 1) {
      client.query({ query: ME, fetchPolicy: "network-only" }).catch(() => undefined);
    }
  });
  // Each event carries `player { id gold level rank }`: the cache updates `me` by itself.
  resumableFeed(BALANCE_CHANGED, (data) => data.balanceChanged, (change) => {
    keep(changes, h("li", { "data-event-id": change.id }, `${signed(change.delta)} gold (${words(change.reason)})`));
  });
  resumableFeed(GAME_EVENTS, (data) => data.gameEvents, (event) => {
    keep(plays, h("li", { "data-event-id": event.id }, words(event.type)));
  });
  const unread = h("a", { id: "unread", href: "#notifications" }, "Notifications");
  client.watchQuery({ query: UNREAD_NOTIFICATIONS, fetchPolicy: "cache-only" }).subscribe((result) => {
    if (result.dataState !== "complete") return;
    const count = result.data.me.unreadNotifications;
    unread.textContent = count === 0 ? "No unread notifications" : `${count} unread notification${count === 1 ? "" : "s"}`;
  });
  const noticesStatus = h("p", { id: "notices-live", class: "quiet" }, "Notifications: connecting…");
  followNotices((text, kind = "info") => {
    noticesStatus.textContent = text;
    noticesStatus.className = kind === "error" ? "quiet status error" : "quiet";
  });
  bar.append(h("p", { "aria-live": "polite" }, unread), live, noticesStatus, recent);
  return bar;
}
