// One player in full, and what operators do to them: set the rank, ban or unban (a ban
// ends every session at once), adjust the gold with a required reason (through the
// ledger and the audit log), notify them. Their recent ledger, plays and logins are
// shown below. After each change the detail is read again from the server.
import { client } from "../app.js";
import { field, gold, h, input, say } from "../dom.js";
import type { AdminPlayerQuery, Rank } from "../generated/operations.js";
import { ADJUST_GOLD, ADMIN_PLAYER, SET_USER_BANNED, SET_USER_RANK } from "./documents.js";
import { describeAdminFailure, describeRefusal } from "./errors.js";
import { newKey, row, table, when } from "./format.js";
import { notificationForm } from "./notify.js";

type AdminUser = NonNullable<AdminPlayerQuery["adminUser"]>;

const RANKS: readonly Rank[] = ["STANDARD", "PREMIUM", "VIP"];
const WHOLE = /^-?\d+$/;

function facts(user: AdminUser): HTMLDListElement {
  const p = user.profile;
  const entries: [string, string, string][] = [
    ["Site id", p.siteId, "siteId"],
    ["Role", p.role, "role"],
    ["Rank", p.rank, "rank"],
    ["Gold", gold(p.gold), "gold"],
    ["Gold owed", gold(p.goldDebt), "debt"],
    ["Level", `${p.level} (${p.xp.toLocaleString("en-US")} XP)`, "level"],
    ["Joined", when(p.joinedAt), "joined"],
    ["Last login", when(p.lastLoginAt), "last-login"],
    ["Lifetime spend", `$${(user.lifetimeSpendCents / 100).toFixed(2)}`, "spend"],
    ["Banned", user.bannedAt === null ? "No" : `Since ${when(user.bannedAt)}${user.banReason ? `: ${user.banReason}` : ""}`, "banned"],
    ["Cool-off or self-exclusion", user.excludedUntil === null ? "None" : `Until ${when(user.excludedUntil)}`, "excluded"],
  ];
  return h("dl", { class: "facts" }, ...entries.flatMap(([term, value, id]) => [h("dt", {}, term), h("dd", { id: `player-${id}` }, value)]));
}

function recent(user: AdminUser): HTMLElement[] {
  const p = user.profile;
  return [
    table(
      { id: "player-ledger" },
      "Recent ledger (newest first)",
      ["Time", "Reason", "Amount", "Balance after", "Reference"],
      p.ledger.edges.map(({ node }) =>
        row({ "data-id": node.id }, when(node.at), node.reason, node.amount.toLocaleString("en-US"), node.balanceAfter.toLocaleString("en-US"), node.reference ?? "—"),
      ),
    ),
    table(
      { id: "player-history" },
      "Recent plays (newest first)",
      ["Time", "Game", "Stake", "Payout"],
      p.history.edges.map(({ node }) => row({ "data-id": node.id }, when(node.at), node.game, node.stake.toLocaleString("en-US"), node.payout.toLocaleString("en-US"))),
    ),
    table(
      { id: "player-sessions" },
      "Latest logins",
      ["Logged in", "State", "Address"],
      user.sessions.map((s) => row({}, when(s.createdAt), s.live ? "Live" : `Ended${s.revokeReason ? ` (${s.revokeReason})` : ""}`, s.ip ?? "—")),
    ),
  ];
}

/** The detail of the player `id`; `back` returns to the search results. */
export function playerDetail(id: string, back: () => void): HTMLElement {
  // Under the actions, where the operator is; focused after a change (the forms it
  // replaces held the focus), so the keyboard goes on from the outcome.
  const status = h("p", { id: "player-status", class: "status", role: "status", "aria-live": "polite", tabindex: "-1" }, "Loading the player…");
  const heading = h("h3", { id: "player-title", tabindex: "-1" }, "Player");
  const content = h("div", {}, status);
  const backButton = h("button", { type: "button", id: "player-back" }, "Back to the results");
  backButton.addEventListener("click", back);
  const section = h("section", { id: "player-detail", "aria-labelledby": "player-title" }, backButton, heading, content);

  /** Run a change; on an answer, read the player again and say `done` or the refusal. */
  const change = async (button: HTMLButtonElement, work: () => Promise<string | { refused: string }>): Promise<void> => {
    button.disabled = true;
    say(status, "Saving…");
    try {
      const outcome = await work();
      if (typeof outcome === "string") {
        await load();
        say(status, outcome);
      } else {
        say(status, outcome.refused, "error");
      }
    } catch (failure: unknown) {
      say(status, describeAdminFailure(failure), "error");
    } finally {
      button.disabled = false;
      status.focus();
    }
  };

  const rankForm = (user: AdminUser): HTMLFormElement => {
    const rank = h("select", { id: "player-rank-select", name: "rank" }, ...RANKS.map((r) => h("option", { value: r }, r)));
    rank.value = user.profile.rank;
    const submit = h("button", { type: "submit" }, "Set rank");
    const form = h("form", { id: "player-rank-form", "aria-label": "Rank" }, h("label", {}, h("span", {}, "Rank"), rank), submit);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      void change(submit, async () => {
        const { data } = await client.mutate({ mutation: SET_USER_RANK, variables: { input: { userId: id, rank: rank.value as Rank } } });
        const answer = data?.setUserRank;
        if (answer === undefined) return { refused: "No answer from the server." };
        return answer.__typename === "UserUpdated" ? `Rank set to ${answer.user.rank}.` : { refused: describeRefusal(answer) };
      });
    });
    return form;
  };

  const banForm = (user: AdminUser): HTMLFormElement => {
    const banned = user.bannedAt !== null;
    const reason = input({ id: "player-ban-reason", name: "banReason", autocomplete: "off" });
    const submit = h("button", { type: "submit" }, banned ? "Unban" : "Ban");
    const form = h("form", { id: "player-ban-form", "aria-label": banned ? "Unban" : "Ban" });
    if (!banned) form.append(field("Ban reason (shown to operators, kept in the audit log)", reason));
    form.append(submit);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      void change(submit, async () => {
        const variables = { input: { userId: id, banned: !banned, reason: banned || reason.value.trim() === "" ? null : reason.value } };
        const { data } = await client.mutate({ mutation: SET_USER_BANNED, variables });
        const answer = data?.setUserBanned;
        if (answer === undefined) return { refused: "No answer from the server." };
        if (answer.__typename !== "UserUpdated") return { refused: describeRefusal(answer) };
        return banned ? "Unbanned: the player can log in again." : "Banned: every session of the player has ended.";
      });
    });
    return form;
  };

  const goldForm = (): HTMLFormElement => {
    const amount = input({ id: "player-gold-amount", name: "amount", inputmode: "numeric", autocomplete: "off" });
    const reason = input({ id: "player-gold-reason", name: "reason", autocomplete: "off", "aria-required": "true" });
    const submit = h("button", { type: "submit" }, "Adjust gold");
    const form = h(
      "form",
      { id: "player-gold-form", "aria-label": "Adjust gold" },
      field("Amount of gold (negative takes gold away)", amount),
      field("Reason (required, kept in the audit log)", reason),
      submit,
    );
    // One key per distinct request: resubmitting the same amount and reason after a
    // failure that got no answer cannot move the gold twice.
    let pending: { request: string; key: string } | null = null;
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const typed = amount.value.trim();
      if (!WHOLE.test(typed) || /^-?0+$/.test(typed)) {
        say(status, "The amount must be a whole number of gold other than 0, e.g. 500 or -200. Nothing was changed.", "error");
        return;
      }
      const request = `${typed}\n${reason.value}`;
      if (pending?.request !== request) pending = { request, key: newKey() };
      const values = { userId: id, amount: typed, reason: reason.value, idempotencyKey: pending.key };
      void change(submit, async () => {
        const { data } = await client.mutate({ mutation: ADJUST_GOLD, variables: { input: values } });
        const answer = data?.adjustGold;
        if (answer === undefined) return { refused: "No answer from the server." };
        pending = null;
        if (answer.__typename !== "GoldAdjusted") return { refused: describeRefusal(answer) };
        amount.value = "";
        reason.value = "";
        const moved = answer.amount > 0 ? `Added ${gold(answer.amount)}` : `Took ${gold(-answer.amount)}`;
        return `${moved}; the player now has ${gold(answer.balance)}.`;
      });
    });
    return form;
  };

  const load = async (): Promise<void> => {
    const { data } = await client.query({ query: ADMIN_PLAYER, variables: { id }, fetchPolicy: "network-only" });
    const user = data?.adminUser;
    if (user === null || user === undefined) {
      heading.textContent = "Player not found";
      content.replaceChildren(status);
      say(status, "No player has this id.", "error");
      return;
    }
    const p = user.profile;
    heading.textContent = `${p.nickname} (${p.siteId})`;
    content.replaceChildren(
      facts(user),
      h("div", { class: "columns" }, rankForm(user), banForm(user), goldForm()),
      status,
      h("h4", {}, `Notify ${p.nickname}`),
      notificationForm("player-notify-", { id: p.id, nickname: p.nickname }),
      ...recent(user),
    );
  };

  load()
    .then(() => {
      say(status, "");
      heading.focus();
    })
    .catch((failure: unknown) => say(status, describeAdminFailure(failure), "error"));
  return section;
}
