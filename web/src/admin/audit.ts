// The audit log: every operator change (who, what, on what, before and after), newest
// first, PAGE at a time. "Older" follows the page's end cursor; "Newer" goes back to the
// cursor the previous page was read with (the API pages forwards only, so the cursors
// read so far are kept). A filter by action and target starts again at the newest.
// Coming back to the screen reads its page again.
import { client } from "../app.js";
import { field, h, input, say } from "../dom.js";
import type { AuditLogFilter } from "../generated/operations.js";
import { AUDIT_LOG } from "./documents.js";
import { describeAdminFailure } from "./errors.js";
import { row, summary, table, when } from "./format.js";
import { fillName } from "./names.js";

const PAGE = 20;

export function auditScreen(): HTMLElement {
  const status = h("p", { id: "audit-status", class: "status", role: "status", "aria-live": "polite" });
  const action = input({ id: "audit-action", name: "action", autocomplete: "off", placeholder: "e.g. USER_ADMIN_ADJUSTMENT" });
  const target = input({ id: "audit-target", name: "target", autocomplete: "off", placeholder: "e.g. user:42" });
  const submit = h("button", { type: "submit" }, "Show");
  const form = h("form", { id: "audit-form", "aria-label": "Filter the audit log" }, field("Action (exact)", action), field("Target (exact)", target), submit);
  const entries = table({ id: "audit-entries" }, "Operator changes, newest first", ["Time", "Operator", "Action", "Target", "Before", "After"], []);
  const body = entries.tBodies[0] as HTMLTableSectionElement;
  const newer = h("button", { type: "button", id: "audit-newer" }, "Newer");
  const older = h("button", { type: "button", id: "audit-older" }, "Older");
  const page = h("span", { id: "audit-page" });
  let filter: AuditLogFilter = {};
  // The `after` cursor each page read so far was asked with: pages[0] is null (the newest).
  const pages: (string | null)[] = [null];
  let current = 0;
  let next: string | null = null;

  const load = async (index: number): Promise<void> => {
    say(status, "Loading…");
    newer.disabled = true;
    older.disabled = true;
    try {
      const { data } = await client.query({ query: AUDIT_LOG, variables: { filter, first: PAGE, after: pages[index] ?? null }, fetchPolicy: "network-only" });
      if (data === undefined) return;
      const { edges, pageInfo } = data.auditLog;
      body.replaceChildren(
        ...edges.map(({ node }) =>
          row(
            { "data-id": node.id, "data-action": node.action },
            when(node.at),
            node.actorId === null ? "System" : fillName(h("span", {}), node.actorId),
            node.action,
            node.target ?? "—",
            summary(node.before),
            summary(node.after),
          ),
        ),
      );
      current = index;
      next = pageInfo.hasNextPage ? pageInfo.endCursor : null;
      page.textContent = `Page ${current + 1}`;
      say(status, edges.length === 0 ? "No change matches." : `Page ${current + 1}: ${edges.length} change(s).`);
    } catch (failure: unknown) {
      say(status, describeAdminFailure(failure), "error");
    } finally {
      newer.disabled = current === 0;
      older.disabled = next === null;
    }
  };

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    filter = {};
    if (action.value.trim() !== "") filter.action = action.value.trim();
    if (target.value.trim() !== "") filter.target = target.value.trim();
    pages.length = 1;
    void load(0);
  });
  newer.addEventListener("click", () => void load(Math.max(current - 1, 0)));
  older.addEventListener("click", () => {
    if (next === null) return;
    pages[current + 1] = next;
    pages.length = current + 2;
    void load(current + 1);
  });
  // Shown again (from another tab of the console): the page re-read, changes made since included.
  window.addEventListener("hashchange", () => {
    if (location.hash === "#audit") void load(current);
  });
  void load(0);
  return h(
    "section",
    { id: "audit", "aria-labelledby": "audit-title" },
    h("h2", { id: "audit-title" }, "Audit log"),
    form,
    status,
    entries,
    h("p", { class: "pager" }, newer, " ", page, " ", older),
  );
}
