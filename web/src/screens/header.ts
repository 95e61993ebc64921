// The header: who is playing, and their gold, level and rank, kept live. `me` is watched
// in the shared cache, which every result carrying `player { id gold level rank }` and
// every `balanceChanged` event (gold moved by another tab, a purchase settling) updates.
// Beside it, on the player's pages, the unread notifications, counted again as each
// arrives live (notices.ts) and as the notifications screen marks them read; the
// operators' console (/play/admin) has its own tabs, so it shows only who is logged in.
import { client, session } from "../app.js";
import { BALANCE_CHANGED, ME, UNREAD_NOTIFICATIONS } from "../documents.js";
import { gold, h } from "../dom.js";
import { describeFailure } from "../errors.js";
import { followNotices } from "../notices.js";

export function header(playerPages = true): HTMLElement {
  const player = h("p", { id: "player", "aria-live": "polite" }, "Not logged in");
  const bar = h("header", {}, h("h1", {}, "Casino-Club"), player);
  if (session.accessToken === null) return bar;
  client.watchQuery({ query: ME }).subscribe((result) => {
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
  // Each event carries `player { id gold level rank }`: the cache updates `me` by itself.
  const live = h("p", { id: "live", class: "quiet" }, "Live updates: connecting…");
  client.subscribe({ query: BALANCE_CHANGED }).subscribe({
    next: ({ data }) => {
      if (data) live.textContent = `Live updates: last change ${data.balanceChanged.delta} gold`;
    },
    error: (failure: unknown) => {
      live.textContent = `Live updates stopped: ${describeFailure(failure)}`;
    },
  });
  live.textContent = "Live updates: on";
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
  bar.append(h("p", { "aria-live": "polite" }, unread), live, noticesStatus);
  return bar;
}
