// The economy report over a range of game days (at most 92): gold issued and sunk in
// total, per day and per ledger reason, and each game's realised return beside the
// published one. The server reads it from totals a background job rolls up, so it is
// complete as of the time it names.
import { client } from "../app.js";
import { gold, h, percent, say } from "../dom.js";
import type { EconomyReportQuery } from "../generated/operations.js";
import { ECONOMY_REPORT } from "./documents.js";
import { describeAdminFailure } from "./errors.js";
import { rangeForm } from "./range.js";
import { row, table, when } from "./format.js";

type Report = EconomyReportQuery["economyReport"];

function number(value: number): string {
  return value.toLocaleString("en-US");
}

/** Every day's reasons added up over the range, by reason. */
function reasons(report: Report): { reason: string; issued: number; sunk: number; movements: number }[] {
  const totals = new Map<string, { reason: string; issued: number; sunk: number; movements: number }>();
  for (const day of report.days) {
    for (const flow of day.reasons) {
      const total = totals.get(flow.reason) ?? { reason: flow.reason, issued: 0, sunk: 0, movements: 0 };
      total.issued += flow.issued;
      total.sunk += flow.sunk;
      total.movements += flow.movements;
      totals.set(flow.reason, total);
    }
  }
  return [...totals.values()].sort((a, b) => a.reason.localeCompare(b.reason));
}

function render(report: Report): HTMLElement[] {
  const totals = h(
    "dl",
    { class: "facts", id: "economy-totals" },
    h("dt", {}, "Issued"),
    h("dd", { id: "economy-issued", "data-value": String(report.issued) }, gold(report.issued)),
    h("dt", {}, "Sunk"),
    h("dd", { id: "economy-sunk", "data-value": String(report.sunk) }, gold(report.sunk)),
    h("dt", {}, "Net (issued minus sunk)"),
    h("dd", { id: "economy-net", "data-value": String(report.issued - report.sunk) }, gold(report.issued - report.sunk)),
  );
  const days = table(
    { id: "economy-days" },
    "Per game day",
    ["Day", "Issued", "Sunk", "Net"],
    report.days.map((d) => row({ "data-day": d.day }, d.day, number(d.issued), number(d.sunk), number(d.net))),
  );
  const flows = table(
    { id: "economy-reasons" },
    "Per ledger reason, over the range",
    ["Reason", "Issued", "Sunk", "Movements"],
    reasons(report).map((r) => row({ "data-reason": r.reason }, r.reason, number(r.issued), number(r.sunk), number(r.movements))),
  );
  const games = table(
    { id: "economy-games" },
    "Return to player per game (realised over the range, and published)",
    ["Game", "Paid plays", "Staked", "Paid", "Realised", "Published"],
    report.games.map((g) =>
      row(
        { "data-game": g.game },
        g.game,
        number(g.paidPlays),
        number(g.staked),
        number(g.paid),
        g.realisedRtp === null ? "—" : percent(g.realisedRtp),
        g.publishedRtp === null ? "—" : percent(g.publishedRtp),
      ),
    ),
  );
  const asOf = h(
    "p",
    { id: "economy-as-of" },
    `${report.firstDay} to ${report.lastDay}, game days in ${report.timeZone}. ` +
      (report.completeAsOf === null ? "Not rolled up yet: no movement is counted so far." : `Every movement before ${when(report.completeAsOf)} is counted.`),
  );
  const inflation = report.inflation;
  const alarm = h(
    "p",
    { id: "economy-inflation", class: inflation.alarm ? "status error" : "status", "data-alarm": String(inflation.alarm) },
    `Inflation alarm ${inflation.alarm ? "ON" : "off"}: over the last 7 game days ${gold(inflation.net)} net issued, ` +
      `${inflation.percent.toFixed(2)} % of the ${gold(inflation.circulation)} in circulation (alarm above ${inflation.thresholdPercent} %).`,
  );
  return [asOf, alarm, totals, days, flows, games];
}

export function economyScreen(): HTMLElement {
  const status = h("p", { id: "economy-status", class: "status", role: "status", "aria-live": "polite" });
  const { form, firstDay, lastDay, submit } = rangeForm("economy", 92, "Show the report", () => load());
  const output = h("div", { id: "economy-report" });

  const load = (): void => {
    submit.disabled = true;
    say(status, "Loading the report…");
    client
      .query({ query: ECONOMY_REPORT, variables: { firstDay: firstDay.value, lastDay: lastDay.value }, fetchPolicy: "network-only" })
      .then(({ data }) => {
        if (data === undefined) return;
        output.replaceChildren(...render(data.economyReport));
        say(status, `Report for ${data.economyReport.firstDay} to ${data.economyReport.lastDay} shown.`);
      })
      .catch((failure: unknown) => {
        output.replaceChildren();
        say(status, describeAdminFailure(failure), "error");
      })
      .finally(() => {
        submit.disabled = false;
      });
  };
  load();
  return h("section", { id: "economy", "aria-labelledby": "economy-title" }, h("h2", { id: "economy-title" }, "Economy"), form, status, output);
}
