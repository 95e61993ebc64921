// Leaderboards: every board the API offers (what is ranked, which game, over what time),
// its top players, and where the player stands on it. The API answers a board's top 100
// at most and has no "my rank", so the player's place is found in those 100 (or said to be
// below them); the table shows the top ten, and the player's row when lower.
import { client } from "../app.js";
import { LEADERBOARD, ME } from "../documents.js";
import { gold, h, say } from "../dom.js";
import { describeFailure } from "../errors.js";
import type { Game, LeaderboardMetric, LeaderboardPeriod, LeaderboardQuery } from "../generated/operations.js";

type Entry = LeaderboardQuery["leaderboard"]["entries"][number];

const SEARCHED = 100;
const SHOWN = 10;
const METRICS: readonly (readonly [LeaderboardMetric, string])[] = [
  ["NET_WIN", "Net winnings (payouts minus stakes)"],
  ["BIGGEST_WIN", "Biggest single win"],
  ["LEVEL", "Level (experience; every game, all time)"],
];
const PERIODS: readonly (readonly [LeaderboardPeriod, string])[] = [
  ["DAY", "Today"],
  ["WEEK", "This week (from Monday)"],
  ["ALL", "All time"],
];
const GAMES: readonly (readonly [Game | "", string])[] = [
  ["", "Every game"],
  ["SLOTS", "Slots"],
  ["CRASH", "Crash"],
  ["DICE", "Dice"],
  ["RPS", "Rock-paper-scissors"],
  ["WHEEL", "Prize wheel"],
  ["GACHA", "Gacha"],
];

function select<T extends string>(id: string, label: string, options: readonly (readonly [T, string])[]): [HTMLLabelElement, HTMLSelectElement] {
  const element = h("select", { id, name: id }, ...options.map(([value, text]) => h("option", { value }, text)));
  return [h("label", {}, h("span", {}, label), element), element];
}

function value(metric: LeaderboardMetric, amount: number): string {
  return metric === "LEVEL" ? `${amount.toLocaleString("en-US")} XP` : gold(amount);
}

export function leaderboardsScreen(): HTMLElement {
  const section = h("section", { id: "leaderboards", "aria-labelledby": "leaderboards-title" }, h("h2", { id: "leaderboards-title" }, "Leaderboards"));
  const [metricField, metric] = select("board-metric", "Ranked by", METRICS);
  const [periodField, period] = select("board-period", "Over", PERIODS);
  const [gameField, game] = select("board-game", "Game", GAMES);
  period.value = "DAY";
  const show = h("button", { type: "submit", id: "board-show" }, "Show board");
  const form = h("form", { id: "board-form" }, metricField, gameField, periodField, show);
  const status = h("p", { id: "board-status", class: "status", role: "status", "aria-live": "polite" });
  const mine = h("p", { id: "board-mine", role: "status", "aria-live": "polite" });
  const table = h("div", { id: "board-table" });
  section.append(form, status, mine, table);

  // LEVEL is one board: every game, all time.
  const levelOnly = (): void => {
    const level = metric.value === "LEVEL";
    if (level) {
      game.value = "";
      period.value = "ALL";
    }
    game.disabled = level;
    period.disabled = level;
  };

  // Only the last board asked is shown (answers may come back out of order).
  let asked = 0;
  const load = async (): Promise<void> => {
    const ticket = (asked += 1);
    levelOnly();
    say(status, "Loading the board…");
    const chosen = metric.value as LeaderboardMetric;
    const [{ data }, { data: me }] = await Promise.all([
      client.query({
        query: LEADERBOARD,
        variables: { metric: chosen, period: period.value as LeaderboardPeriod, game: game.value === "" ? null : (game.value as Game), first: SEARCHED },
        fetchPolicy: "network-only",
      }),
      client.query({ query: ME }),
    ]);
    if (!data || !me || ticket !== asked) return;
    const entries = data.leaderboard.entries;
    const own = entries.find((entry) => entry.user.id === me.me.id);
    const shown: Entry[] = entries.slice(0, SHOWN);
    if (own !== undefined && own.rank > SHOWN) shown.push(own);
    say(status, "");
    mine.textContent =
      own === undefined
        ? entries.length < SEARCHED
          ? "You are not on this board yet."
          : `You are not in the top ${SEARCHED} of this board.`
        : `You are #${own.rank} on this board with ${value(chosen, own.value)}.`;
    table.replaceChildren(
      entries.length === 0
        ? h("p", {}, "Nobody is on this board yet.")
        : h(
            "table",
            {},
            h("caption", {}, `Top ${Math.min(SHOWN, entries.length)} of ${entries.length} shown${own !== undefined && own.rank > SHOWN ? ", and you" : ""}`),
            h("tr", {}, h("th", { scope: "col" }, "Rank"), h("th", { scope: "col" }, "Player"), h("th", { scope: "col" }, "Level"), h("th", { scope: "col" }, chosen === "LEVEL" ? "Experience" : "Gold")),
            ...shown.map((entry) =>
              h(
                "tr",
                entry === own ? { "data-player": entry.user.id, "aria-current": "true", class: "you" } : { "data-player": entry.user.id },
                h("td", {}, `#${entry.rank}`),
                h("td", {}, entry === own ? `${entry.user.nickname} (you)` : entry.user.nickname),
                h("td", {}, entry.user.level),
                h("td", {}, value(chosen, entry.value)),
              ),
            ),
          ),
    );
  };
  const refresh = (): void => {
    load().catch((failure: unknown) => say(status, describeFailure(failure), "error"));
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    refresh();
  });
  for (const control of [metric, game, period]) control.addEventListener("change", refresh);
  window.addEventListener("hashchange", () => {
    if (location.hash === "#leaderboards") refresh();
  });
  refresh();
  return section;
}
