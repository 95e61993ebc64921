// The header: who is playing, and their gold, level and rank, kept live. `me` is watched
// in the shared cache, which every result carrying `player { id gold level rank }` and
// every `balanceChanged` event (gold moved by another tab, a purchase settling) updates.
import { client, session } from "../app.js";
import { BALANCE_CHANGED, ME } from "../documents.js";
import { gold, h } from "../dom.js";
import { describeFailure } from "../errors.js";

export function header(): HTMLElement {
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
  bar.append(live);
  return bar;
}
