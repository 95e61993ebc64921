// Player search: by the start of a site id or nickname, narrowed by rank and ban, in
// the chosen order, a page at a time ("More results" follows the cursor). Opening a
// player shows their detail (player.ts) in place of the results until "Back".
import { client } from "../app.js";
import { field, gold, h, input, say } from "../dom.js";
import type { AdminPlayersQueryVariables, AdminUserFilter, Rank, UserOrder } from "../generated/operations.js";
import { ADMIN_PLAYERS } from "./documents.js";
import { describeAdminFailure } from "./errors.js";
import { row, table } from "./format.js";
import { playerDetail } from "./player.js";

const PAGE = 20;

function select(id: string, options: readonly [string, string][]): HTMLSelectElement {
  return h("select", { id, name: id }, ...options.map(([value, label]) => h("option", { value }, label)));
}

export function playersScreen(): HTMLElement {
  const status = h("p", { id: "players-status", class: "status", role: "status", "aria-live": "polite" });
  const search = input({ id: "players-search", name: "search", type: "search", autocomplete: "off" });
  const rank = select("players-rank", [["", "Any rank"], ["STANDARD", "STANDARD"], ["PREMIUM", "PREMIUM"], ["VIP", "VIP"]]);
  const banned = select("players-banned", [["", "Banned or not"], ["true", "Banned only"], ["false", "Not banned"]]);
  const order = select("players-order", [["NEWEST", "Newest first"], ["OLDEST", "Oldest first"], ["RICHEST", "Most gold first"], ["TOP_SPENDERS", "Top spenders first"]]);
  const submit = h("button", { type: "submit" }, "Search");
  const form = h(
    "form",
    { id: "players-form", role: "search", "aria-label": "Search players" },
    field("Site id or nickname starts with", search),
    h("label", {}, h("span", {}, "Rank"), rank),
    h("label", {}, h("span", {}, "Ban"), banned),
    h("label", {}, h("span", {}, "Order"), order),
    submit,
  );
  const results = table({ id: "players-results" }, "Players", ["Site id", "Nickname", "Rank", "Role", "Gold", "Level", "Banned", ""], []);
  const body = results.tBodies[0] as HTMLTableSectionElement;
  const more = h("button", { type: "button", id: "players-more", hidden: "" }, "More results");
  const list = h("div", { id: "players-list" }, form, status, results, more);
  const detail = h("div", { id: "players-detail" });
  let variables: AdminPlayersQueryVariables | null = null;
  let opener: HTMLButtonElement | null = null;

  const open = (id: string, button: HTMLButtonElement): void => {
    opener = button;
    list.hidden = true;
    detail.replaceChildren(
      playerDetail(id, () => {
        detail.replaceChildren();
        list.hidden = false;
        void fetchPage(null, true).then(() => opener?.focus());
      }),
    );
  };

  /** A page of results (`after`: the cursor to follow, or null for the first page). */
  const fetchPage = async (after: string | null, replace: boolean): Promise<void> => {
    if (variables === null) return;
    say(status, "Searching…");
    try {
      const { data } = await client.query({ query: ADMIN_PLAYERS, variables: { ...variables, after }, fetchPolicy: "network-only" });
      if (data === undefined) return;
      const { edges, pageInfo } = data.adminUsers;
      const rows = edges.map(({ node }) => {
        const p = node.profile;
        const button = h("button", { type: "button", "aria-label": `Open ${p.nickname} (${p.siteId})` }, "Open");
        button.addEventListener("click", () => open(p.id, button));
        return row({ "data-user-id": p.id, "data-site-id": p.siteId }, p.siteId, p.nickname, p.rank, p.role, gold(p.gold), p.level, node.bannedAt === null ? "No" : "Banned", button);
      });
      if (replace) body.replaceChildren(...rows);
      else body.append(...rows);
      more.hidden = !pageInfo.hasNextPage;
      more.dataset["after"] = pageInfo.endCursor ?? "";
      say(status, body.rows.length === 0 ? "No player matches." : `${body.rows.length} player(s) shown${pageInfo.hasNextPage ? "; more below" : ""}.`);
    } catch (failure: unknown) {
      say(status, describeAdminFailure(failure), "error");
    }
  };

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const filter: AdminUserFilter = {};
    if (search.value.trim() !== "") filter.search = search.value.trim();
    if (rank.value !== "") filter.rank = rank.value as Rank;
    if (banned.value !== "") filter.banned = banned.value === "true";
    variables = { filter, order: order.value as UserOrder, first: PAGE, after: null };
    submit.disabled = true;
    void fetchPage(null, true).finally(() => {
      submit.disabled = false;
    });
  });
  more.addEventListener("click", () => {
    void fetchPage(more.dataset["after"] ?? null, false);
  });

  return h("section", { id: "players", "aria-labelledby": "players-title" }, h("h2", { id: "players-title" }, "Players"), list, detail);
}
