// Campaigns: a notification, with an optional gold reward, for every player of a segment
// from a chosen time on (SPEC §11.2). The list, newest first, PAGE at a time, with how far
// each was sent (players it reached, players credited its reward); scheduling in two
// steps — the form, then how many players the API counts in the segment now, confirmed
// or changed (any edit to the form takes the confirmation away, so what is confirmed is
// what was counted); and cancelling a campaign still SCHEDULED, with the reason the audit
// log keeps. Times are read and shown in UTC, like the rest of the console.
import { client } from "../app.js";
import { field, gold, h, input, say } from "../dom.js";
import type { CampaignsQuery, Segment } from "../generated/operations.js";
import { CAMPAIGN_AUDIENCE, CAMPAIGNS, CANCEL_CAMPAIGN, SCHEDULE_CAMPAIGN } from "./documents.js";
import { describeAdminFailure, describeRefusal } from "./errors.js";
import { row, table, when } from "./format.js";
import { SEGMENTS } from "./segments.js";

const PAGE = 20;
const MINUTE_MS = 60_000;

type Campaign = CampaignsQuery["campaigns"]["edges"][number]["node"];

interface Draft {
  segment: Segment;
  title: string;
  body: string;
  rewardGold: number | null;
  sendAt: string;
}

/** The next whole minute, as a datetime-local input holds it (in UTC). */
function nextMinute(): string {
  return new Date(Math.ceil(Date.now() / MINUTE_MS) * MINUTE_MS).toISOString().slice(0, 16);
}

function count(value: number): string {
  return value.toLocaleString("en-US");
}

/** The form's values as the API takes them, or what the operator must fix first. */
function draftOf(segment: string, title: string, body: string, reward: string, sendAt: string): Draft | string {
  const wanted = reward.trim();
  if (wanted !== "" && !/^\d+$/.test(wanted)) return "The reward must be a whole number of gold, or empty for none.";
  if (!Number.isSafeInteger(Number(wanted))) return "The reward must be 0 to 1,000,000 gold per player.";
  const at = new Date(`${sendAt}Z`); // the input's wall-clock time, read as UTC
  if (sendAt === "" || Number.isNaN(at.getTime())) return "Choose when to send it (a date and a time, UTC).";
  return {
    segment: segment as Segment,
    title,
    body,
    rewardGold: wanted === "" ? null : Number(wanted),
    sendAt: at.toISOString(),
  };
}

function rewardText(rewardGold: number): string {
  return rewardGold === 0 ? "—" : gold(rewardGold);
}

export function campaignsScreen(): HTMLElement {
  // Scheduling.
  const scheduleStatus = h("p", { id: "campaign-status", class: "status", role: "status", "aria-live": "polite" });
  const title = input({ id: "campaign-title", name: "title", autocomplete: "off", maxlength: "120" });
  const body = h("textarea", { id: "campaign-body", name: "body", rows: "3", maxlength: "2000" });
  const segment = h("select", { id: "campaign-segment", name: "segment" }, ...SEGMENTS.map((value) => h("option", { value }, value)));
  const reward = input({ id: "campaign-reward", name: "rewardGold", type: "number", min: "0", max: "1000000", step: "1", placeholder: "none" });
  const sendAt = input({ id: "campaign-send-at", name: "sendAt", type: "datetime-local", step: "1", value: nextMinute() });
  const preview = h("button", { type: "submit" }, "Preview the audience");
  const form = h(
    "form",
    { id: "campaign-form", "aria-label": "Schedule a campaign", novalidate: "" },
    field("Title", title),
    h("label", {}, h("span", {}, "Text"), body),
    h("label", {}, h("span", {}, "Segment"), segment),
    field("Gold reward per player (optional)", reward),
    field("Send at (UTC)", sendAt),
    preview,
  );
  const audience = h("p", { id: "campaign-audience" });
  const confirm = h("button", { type: "button", id: "campaign-confirm" }, "Schedule it");
  const change = h("button", { type: "button", id: "campaign-change" }, "Change it");
  const confirmation = h(
    "div",
    { id: "campaign-preview", role: "group", "aria-label": "Confirm the campaign", hidden: "" },
    audience,
    h("p", {}, confirm, " ", change),
  );
  let draft: Draft | null = null;

  const withdraw = (): void => {
    draft = null;
    confirmation.hidden = true;
  };

  // The list.
  const listStatus = h("p", { id: "campaigns-status", class: "status", role: "status", "aria-live": "polite" });
  const list = table(
    { id: "campaign-list" },
    "Campaigns, newest first",
    ["Title", "Segment", "Send at (UTC)", "Status", "Reward", "Delivered", "Rewarded"],
    [],
  );
  const listBody = list.tBodies[0] as HTMLTableSectionElement;
  const newer = h("button", { type: "button", id: "campaigns-newer" }, "Newer");
  const older = h("button", { type: "button", id: "campaigns-older" }, "Older");
  const refresh = h("button", { type: "button", id: "campaigns-refresh" }, "Refresh");
  const pageLabel = h("span", { id: "campaigns-page" });
  // The `after` cursor each page read so far was asked with: pages[0] is null (the newest).
  const pages: (string | null)[] = [null];
  let current = 0;
  let next: string | null = null;

  // Cancelling.
  const cancelStatus = h("p", { id: "cancel-status", class: "status", role: "status", "aria-live": "polite" });
  const chosen = h("select", { id: "cancel-campaign", name: "campaignId" });
  const reason = input({ id: "cancel-reason", name: "reason", maxlength: "500", autocomplete: "off" });
  const cancelSubmit = h("button", { type: "submit" }, "Cancel the campaign");
  const cancelForm = h(
    "form",
    { id: "cancel-form", "aria-label": "Cancel a scheduled campaign", novalidate: "" },
    h("label", {}, h("span", {}, "Campaign (scheduled, from the page above)"), chosen),
    field("Reason (required, kept in the audit log)", reason),
    cancelSubmit,
  );

  const render = (campaigns: readonly Campaign[]): void => {
    listBody.replaceChildren(
      ...campaigns.map((c) =>
        row(
          { "data-campaign-id": c.id, "data-status": c.status },
          c.title,
          c.segment,
          when(c.sendAt),
          c.status === "CANCELLED" && c.cancelReason ? `CANCELLED (${c.cancelReason})` : c.status,
          rewardText(c.rewardGold),
          count(c.delivered),
          count(c.rewarded),
        ),
      ),
    );
    const cancellable = campaigns.filter((c) => c.status === "SCHEDULED");
    chosen.replaceChildren(...cancellable.map((c) => h("option", { value: c.id }, `${c.title} (${c.segment}, ${when(c.sendAt)})`)));
    cancelSubmit.disabled = cancellable.length === 0;
  };

  const load = async (index: number): Promise<void> => {
    say(listStatus, "Loading…");
    newer.disabled = true;
    older.disabled = true;
    try {
      const { data } = await client.query({ query: CAMPAIGNS, variables: { first: PAGE, after: pages[index] ?? null }, fetchPolicy: "network-only" });
      if (data === undefined) return;
      const { edges, pageInfo } = data.campaigns;
      render(edges.map((edge) => edge.node));
      current = index;
      next = pageInfo.hasNextPage ? (pageInfo.endCursor ?? null) : null;
      pageLabel.textContent = `Page ${current + 1}`;
      say(listStatus, edges.length === 0 ? "No campaign yet." : `Page ${current + 1}: ${edges.length} campaign(s).`);
    } catch (failure: unknown) {
      say(listStatus, describeAdminFailure(failure), "error");
    } finally {
      newer.disabled = current === 0;
      older.disabled = next === null;
    }
  };

  form.addEventListener("input", withdraw);
  form.addEventListener("change", withdraw);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    withdraw();
    const wanted = draftOf(segment.value, title.value, body.value, reward.value, sendAt.value);
    if (typeof wanted === "string") {
      say(scheduleStatus, wanted, "error");
      return;
    }
    preview.disabled = true;
    say(scheduleStatus, `Counting the players of ${wanted.segment}…`);
    client
      .query({ query: CAMPAIGN_AUDIENCE, variables: { segment: wanted.segment }, fetchPolicy: "network-only" })
      .then(({ data }) => {
        if (data === undefined) return;
        const players = data.previewCampaignAudience;
        const paid = wanted.rewardGold ? `, each credited ${gold(wanted.rewardGold)} (${gold(wanted.rewardGold * players)} in all)` : ", without a reward";
        audience.dataset["audience"] = String(players);
        audience.textContent =
          `Sent now, “${wanted.title}” would reach ${count(players)} player(s) of ${wanted.segment}${paid}. ` +
          `It is sent from ${when(wanted.sendAt)} to the players in the segment then.`;
        draft = wanted;
        confirmation.hidden = false;
        say(scheduleStatus, "Check the audience, then schedule it or change it.");
        confirm.focus();
      })
      .catch((failure: unknown) => say(scheduleStatus, describeAdminFailure(failure), "error"))
      .finally(() => {
        preview.disabled = false;
      });
  });
  change.addEventListener("click", () => {
    withdraw();
    title.focus();
  });
  confirm.addEventListener("click", () => {
    const wanted = draft;
    if (wanted === null) return;
    confirm.disabled = true;
    say(scheduleStatus, "Scheduling…");
    client
      .mutate({ mutation: SCHEDULE_CAMPAIGN, variables: { input: wanted } })
      .then(({ data }) => {
        const answer = data?.scheduleCampaign;
        if (answer === undefined) return;
        withdraw();
        if (answer.__typename === "CampaignScheduled") {
          const { campaign } = answer;
          say(scheduleStatus, `Scheduled “${campaign.title}” for ${campaign.segment}, sent from ${when(campaign.sendAt)}.`);
          title.value = "";
          body.value = "";
          reward.value = "";
          pages.length = 1;
          void load(0);
        } else {
          say(scheduleStatus, describeRefusal(answer), "error");
        }
      })
      .catch((failure: unknown) => say(scheduleStatus, describeAdminFailure(failure), "error"))
      .finally(() => {
        confirm.disabled = false;
      });
  });

  cancelForm.addEventListener("submit", (event) => {
    event.preventDefault();
    if (chosen.value === "") return;
    cancelSubmit.disabled = true;
    say(cancelStatus, "Cancelling…");
    client
      .mutate({ mutation: CANCEL_CAMPAIGN, variables: { input: { campaignId: chosen.value, reason: reason.value } } })
      .then(({ data }) => {
        const answer = data?.cancelCampaign;
        if (answer === undefined) return;
        if (answer.__typename === "CampaignCancelled") {
          say(cancelStatus, `Cancelled “${answer.campaign.title}”: nobody will receive it.`);
          reason.value = "";
        } else {
          say(cancelStatus, describeRefusal(answer), "error");
        }
        // Either way the page is read again: a campaign too late to cancel shows how far it went.
        if (answer.__typename !== "ValidationFailed") void load(current);
      })
      .catch((failure: unknown) => say(cancelStatus, describeAdminFailure(failure), "error"))
      .finally(() => {
        cancelSubmit.disabled = chosen.options.length === 0;
      });
  });

  newer.addEventListener("click", () => void load(Math.max(current - 1, 0)));
  older.addEventListener("click", () => {
    if (next === null) return;
    pages[current + 1] = next;
    pages.length = current + 2;
    void load(current + 1);
  });
  refresh.addEventListener("click", () => void load(current));
  // Shown again (from another tab of the console): the page re-read, its counts current.
  window.addEventListener("hashchange", () => {
    if (location.hash === "#campaigns") void load(current);
  });
  void load(0);
  return h(
    "section",
    { id: "campaigns", "aria-labelledby": "campaigns-title" },
    h("h2", { id: "campaigns-title" }, "Campaigns"),
    h("p", {}, "A notification, and an optional gold reward, for the players of a segment: never operators, banned players or players on a break."),
    h("h3", {}, "Schedule a campaign"),
    form,
    confirmation,
    scheduleStatus,
    h("h3", {}, "Scheduled and sent"),
    listStatus,
    list,
    h("p", { class: "pager" }, newer, " ", pageLabel, " ", older, " ", refresh),
    h("h3", {}, "Cancel a scheduled campaign"),
    cancelForm,
    cancelStatus,
  );
}
