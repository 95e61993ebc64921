// Players by segment: how many are in each (lifecycle and RFM, as of the last
// segmentation run), who is in one (a page at a time), and an operator's override of a
// player's segment with a reason (audited; it holds until cleared, whatever later runs
// compute).
import { client } from "../app.js";
import { field, h, input, say } from "../dom.js";
import type { PlayersInSegmentQuery, Segment } from "../generated/operations.js";
import { OVERRIDE_SEGMENT, PLAYERS_IN_SEGMENT, SEGMENT_COUNTS } from "./documents.js";
import { describeAdminFailure, describeRefusal } from "./errors.js";
import { row, table, when } from "./format.js";

const PAGE = 20;
export const SEGMENTS: readonly Segment[] = ["NEW", "VIP", "DORMANT_SHORT", "DORMANT_LONG", "ACTIVE", "WHALE", "HIGH_ENGAGED", "MEDIUM", "LOW_AT_RISK"];

type Member = PlayersInSegmentQuery["playersInSegment"]["edges"][number]["node"];

function options(select: HTMLSelectElement, values: readonly string[]): void {
  select.replaceChildren(...values.map((value) => h("option", { value }, value)));
}

export function segmentsScreen(): HTMLElement {
  const status = h("p", { id: "segments-status", class: "status", role: "status", "aria-live": "polite" });
  const counts = h("div", { id: "segment-counts" });
  const asOf = h("p", { id: "segments-as-of" });

  const chosen = h("select", { id: "segment-choice", name: "segment" });
  options(chosen, SEGMENTS);
  const members = h("div", { id: "segment-members" });
  const more = h("button", { type: "button", id: "segment-more", hidden: "" }, "More players");
  let after: string | null = null;
  let shown: Member[] = [];

  const target = h("select", { id: "override-player", name: "userId", required: "" });
  const overrideTo = h("select", { id: "override-segment", name: "segment" });
  options(overrideTo, SEGMENTS);
  const reason = input({ id: "override-reason", name: "reason", required: "", maxlength: "500" });
  const overrideStatus = h("p", { id: "override-status", class: "status", role: "status", "aria-live": "polite" });

  const renderMembers = (): void => {
    members.replaceChildren(
      table(
        { id: "segment-players" },
        `Players in ${chosen.value}`,
        ["Player", "Lifecycle", "RFM", "Scores (R/F/M)", "Override"],
        shown.map((m) =>
          row(
            { "data-player-id": m.profile.id },
            `${m.profile.nickname} (${m.profile.siteId})`,
            m.segments?.lifecycle ?? "—",
            m.segments?.rfmSegment ?? "—",
            m.segments ? `${m.segments.recencyScore}/${m.segments.frequencyScore}/${m.segments.monetaryScore}` : "—",
            m.segments?.override ? `${m.segments.override.segment}: ${m.segments.override.reason}` : "—",
          ),
        ),
      ),
    );
    target.replaceChildren(...shown.map((m) => h("option", { value: m.profile.id }, `${m.profile.nickname} (${m.profile.siteId})`)));
  };

  const loadMembers = (fresh: boolean): void => {
    if (fresh) {
      after = null;
      shown = [];
    }
    client
      .query({ query: PLAYERS_IN_SEGMENT, variables: { segment: chosen.value as Segment, first: PAGE, after }, fetchPolicy: "network-only" })
      .then(({ data }) => {
        if (data === undefined) return;
        const page = data.playersInSegment;
        shown = [...shown, ...page.edges.map((edge) => edge.node)];
        after = page.pageInfo.endCursor ?? null;
        more.hidden = !page.pageInfo.hasNextPage;
        renderMembers();
        say(status, `${shown.length} player(s) of ${chosen.value} shown.`);
      })
      .catch((failure: unknown) => say(status, describeAdminFailure(failure), "error"));
  };

  const loadCounts = (): void => {
    client
      .query({ query: SEGMENT_COUNTS, fetchPolicy: "network-only" })
      .then(({ data }) => {
        if (data === undefined) return;
        const report = data.segmentCounts;
        asOf.textContent = report.asOf === null ? "Segmentation has not run yet." : `As of the run started ${when(report.asOf)}.`;
        counts.replaceChildren(
          table(
            { id: "segment-count-table" },
            "Players per segment",
            ["Segment", "Kind", "Players"],
            report.counts.map((c) => row({ "data-segment": c.segment }, c.segment, c.kind, c.players.toLocaleString("en-US"))),
          ),
        );
      })
      .catch((failure: unknown) => say(status, describeAdminFailure(failure), "error"));
  };

  const show = h("form", { id: "segment-form", "aria-label": "Players in a segment" }, h("label", {}, h("span", {}, "Segment"), chosen), h("button", { type: "submit" }, "List the players"));
  show.addEventListener("submit", (event) => {
    event.preventDefault();
    loadMembers(true);
  });
  more.addEventListener("click", () => loadMembers(false));

  const override = h(
    "form",
    { id: "override-form", "aria-label": "Override a player's segment" },
    h("label", {}, h("span", {}, "Player (from the list above)"), target),
    h("label", {}, h("span", {}, "Segment"), overrideTo),
    field("Reason (required, kept in the audit log)", reason),
    h("button", { type: "submit" }, "Override"),
  );
  override.addEventListener("submit", (event) => {
    event.preventDefault();
    client
      .mutate({ mutation: OVERRIDE_SEGMENT, variables: { input: { userId: target.value, segment: overrideTo.value as Segment, reason: reason.value } } })
      .then(({ data }) => {
        const answer = data?.overrideSegment;
        if (!answer) return;
        if (answer.__typename === "SegmentOverridden") {
          say(overrideStatus, `Overridden: the player is now ${answer.segments.lifecycle} and ${answer.segments.rfmSegment}.`);
          loadCounts();
          loadMembers(true);
        } else {
          say(overrideStatus, describeRefusal(answer), "error");
        }
      })
      .catch((failure: unknown) => say(overrideStatus, describeAdminFailure(failure), "error"));
  });

  loadCounts();
  return h(
    "section",
    { id: "segments", "aria-labelledby": "segments-title" },
    h("h2", { id: "segments-title" }, "Segments"),
    asOf,
    counts,
    show,
    status,
    members,
    more,
    h("h3", {}, "Override a player's segment"),
    override,
    overrideStatus,
  );
}
