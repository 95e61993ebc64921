// History and stats: the player's settled plays, newest first, a page at a time ("More"
// asks for the next page by the connection's cursor), optionally of one game; and the
// totals the server keeps up to date with every play (per game and overall: plays, wins,
// losses, staked, paid, net, biggest win, crash's best cash-out; gacha pulls by rarity).
// Both are read again whenever the screen is shown, so they include the latest plays.
import { client } from "../app.js";
import { GAME_HISTORY, PLAYER_STATS } from "../documents.js";
import { gold, h, say } from "../dom.js";
import { describeFailure } from "../errors.js";
import type { Game, GameHistoryQuery, GameTotalsFieldsFragment, PlayerStatsQuery } from "../generated/operations.js";

type Round = GameHistoryQuery["me"]["history"]["edges"][number]["node"];
type Stats = PlayerStatsQuery["me"]["stats"];

const PAGE = 10;
const GAMES: Record<Game, string> = {
  SLOTS: "Slots",
  CRASH: "Crash",
  DICE: "Dice",
  RPS: "Rock-paper-scissors",
  WHEEL: "Prize wheel",
  GACHA: "Gacha",
};

/** The game's own result in a few words; `outcome` has the shape of the game's success type. */
function outcomeText(round: Round): string {
  const outcome = round.outcome;
  if (typeof outcome !== "object" || outcome === null) return "";
  const o = outcome as Record<string, unknown>;
  if (Array.isArray(o["reels"])) return `Reels ${o["reels"].map(String).join(" ")}`;
  if (typeof o["roll"] === "number") return `Rolled ${o["roll"]}`;
  if (typeof o["serverMove"] === "string") return `${String(o["move"])} against ${o["serverMove"]}`;
  if (typeof o["label"] === "string") return `Wheel: ${o["label"]}`;
  if (Array.isArray(o["items"])) return `${o["items"].length} item(s)`;
  if (typeof o["crashPoint"] === "number") return `Crashed at ${o["crashPoint"].toFixed(2)}×`;
  return "";
}

function totalsRow(totals: GameTotalsFieldsFragment): HTMLElement {
  return h(
    "tr",
    { "data-game": totals.game ?? "TOTAL" },
    h("th", { scope: "row" }, totals.game ? GAMES[totals.game] : "Every game"),
    h("td", {}, totals.plays),
    h("td", {}, totals.wins),
    h("td", {}, totals.losses),
    h("td", {}, gold(totals.staked)),
    h("td", {}, gold(totals.paid)),
    h("td", {}, gold(totals.net)),
    h("td", {}, gold(totals.biggestWin)),
    h("td", {}, totals.bestMultiplier === null || totals.bestMultiplier === undefined ? "—" : `${totals.bestMultiplier.toFixed(2)}×`),
  );
}

function statsView(stats: Stats): HTMLElement {
  const totals = h(
    "table",
    { id: "stats-table" },
    h("caption", {}, "Totals per game"),
    h(
      "tr",
      {},
      ...["Game", "Plays", "Wins", "Losses", "Staked", "Paid out", "Net", "Biggest win", "Best cash-out"].map((title) => h("th", { scope: "col" }, title)),
    ),
    ...stats.games.map(totalsRow),
    totalsRow(stats.total),
  );
  const rarities = stats.gachaByRarity.map((r) => `${r.rarity} ${r.count}`).join(", ");
  return h("div", {}, totals, h("p", { id: "stats-gacha" }, `Gacha items pulled by rarity: ${rarities || "none yet"}.`));
}

export function historyScreen(): HTMLElement {
  const section = h("section", { id: "history", "aria-labelledby": "history-title" }, h("h2", { id: "history-title" }, "History and stats"));
  const statsStatus = h("p", { id: "stats-status", class: "status", role: "status", "aria-live": "polite" }, "Loading your stats…");
  const statsArea = h("div", { id: "stats" });
  const game = h("select", { id: "history-game", name: "game" }, h("option", { value: "" }, "Every game"), ...Object.entries(GAMES).map(([value, text]) => h("option", { value }, text)));
  const status = h("p", { id: "history-status", class: "status", role: "status", "aria-live": "polite" });
  const rows = h("tbody", { id: "history-rows" });
  const table = h(
    "table",
    { id: "history-table" },
    h("caption", {}, "Your plays, newest first"),
    h("thead", {}, h("tr", {}, ...["When", "Game", "Stake", "Payout", "Net", "Result"].map((title) => h("th", { scope: "col" }, title)))),
    rows,
  );
  const more = h("button", { type: "button", id: "history-more", hidden: "" }, "More plays");
  section.append(
    h("h3", {}, "Stats"),
    statsStatus,
    statsArea,
    h("h3", {}, "History"),
    h("label", {}, h("span", {}, "Game"), game),
    status,
    table,
    h("p", {}, more),
  );

  const loadStats = (): void => {
    client
      .query({ query: PLAYER_STATS, fetchPolicy: "network-only" })
      .then(({ data }) => {
        if (!data) return;
        say(statsStatus, "");
        statsArea.replaceChildren(statsView(data.me.stats));
      })
      .catch((failure: unknown) => say(statsStatus, describeFailure(failure), "error"));
  };

  // A fresh first page replaces the list; "More" appends the next one. Only the last
  // asked is applied (a page asked before a reload or a filter change is dropped).
  let after: string | null = null;
  let asked = 0;
  const loadPage = (fresh: boolean): void => {
    const ticket = (asked += 1);
    if (fresh) after = null;
    more.disabled = true;
    say(status, "Loading your plays…");
    client
      .query({
        query: GAME_HISTORY,
        variables: { game: game.value === "" ? null : (game.value as Game), first: PAGE, after },
        fetchPolicy: "network-only",
      })
      .then(({ data }) => {
        if (!data || ticket !== asked) return;
        const page = data.me.history;
        const added = page.edges.map(({ node }) =>
          h(
            "tr",
            { "data-round": node.id },
            h("td", {}, new Date(node.at).toLocaleString()),
            h("td", {}, GAMES[node.game]),
            h("td", { class: "stake" }, gold(node.stake)),
            h("td", { class: "payout" }, gold(node.payout)),
            h("td", {}, gold(node.payout - node.stake)),
            h("td", {}, outcomeText(node)),
          ),
        );
        if (fresh) rows.replaceChildren(...added);
        else rows.append(...added);
        after = page.pageInfo.endCursor ?? null;
        more.hidden = !page.pageInfo.hasNextPage;
        say(status, rows.childElementCount === 0 ? "No plays yet." : `${rows.childElementCount} plays shown${page.pageInfo.hasNextPage ? "; more are older" : ""}.`);
      })
      .catch((failure: unknown) => say(status, describeFailure(failure), "error"))
      .finally(() => {
        if (ticket === asked) more.disabled = false;
      });
  };

  more.addEventListener("click", () => loadPage(false));
  game.addEventListener("change", () => loadPage(true));
  window.addEventListener("hashchange", () => {
    if (location.hash === "#history") {
      loadStats();
      loadPage(true);
    }
  });
  loadStats();
  loadPage(true);
  return section;
}
