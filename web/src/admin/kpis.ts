// Key figures over a range of game days (at most 366): active players, sign-ups, payers
// and money per currency, retention cohorts and the shop funnel. The server reads them
// from a rollup a background job keeps, written through the day it names.
import { client } from "../app.js";
import { h, say } from "../dom.js";
import type { KpiReportQuery } from "../generated/operations.js";
import { KPI_REPORT } from "./documents.js";
import { describeAdminFailure } from "./errors.js";
import { rangeForm } from "./range.js";
import { row, table } from "./format.js";

type Report = KpiReportQuery["kpiReport"];

function count(value: number): string {
  return value.toLocaleString("en-US");
}

function share(value: number | null): string {
  return value === null ? "—" : `${value.toFixed(2)} %`;
}

function render(report: Report): HTMLElement[] {
  const asOf = h(
    "p",
    { id: "kpi-as-of" },
    report.completeThrough === null ? "Not rolled up yet: no day is written so far." : `Written through ${report.completeThrough} (today's figures grow until it ends).`,
  );
  const days = table(
    { id: "kpi-days" },
    "Per game day",
    ["Day", "DAU", "WAU", "MAU", "New players", "Payers", "First-time payers", "Conversion"],
    report.days.map((d) =>
      row({ "data-day": d.day }, d.day, count(d.dau), count(d.wau), count(d.mau), count(d.newPlayers), count(d.payers), count(d.firstTimePayers), share(d.conversionPercent)),
    ),
  );
  const money = table(
    { id: "kpi-money" },
    "Money per day and currency, in minor units (net of the day's refunds)",
    ["Day", "Currency", "Gross", "Refunded", "Net", "ARPDAU", "ARPPU"],
    report.money.map((m) =>
      row({ "data-day": m.day, "data-currency": m.currency }, m.day, m.currency, count(m.gross), count(m.refunded), count(m.net), m.arpdau.toFixed(2), m.arppu.toFixed(2)),
    ),
  );
  const cohorts = table(
    { id: "kpi-cohorts" },
    "Retention of each sign-up day (— : not known yet)",
    ["Sign-up day", "Players", "D1", "D7", "D30"],
    report.cohorts.map((c) => row({ "data-day": c.day }, c.day, count(c.size), share(c.d1), share(c.d7), share(c.d30))),
  );
  const funnel = table(
    { id: "kpi-funnel" },
    "The shop funnel: players per step",
    ["Day", "Opened the shop", "Pressed buy", "Bought"],
    report.funnel.map((f) => row({ "data-day": f.day }, f.day, count(f.shopOpened), count(f.buyClicked), count(f.purchased))),
  );
  return [asOf, days, money, cohorts, funnel];
}

export function kpisScreen(): HTMLElement {
  const status = h("p", { id: "kpi-status", class: "status", role: "status", "aria-live": "polite" });
  const { form, firstDay, lastDay, submit } = rangeForm("kpi", 366, "Show the figures", () => load());
  const output = h("div", { id: "kpi-report" });

  const load = (): void => {
    submit.disabled = true;
    say(status, "Loading the figures…");
    client
      .query({ query: KPI_REPORT, variables: { firstDay: firstDay.value, lastDay: lastDay.value }, fetchPolicy: "network-only" })
      .then(({ data }) => {
        if (data === undefined) return;
        output.replaceChildren(...render(data.kpiReport));
        say(status, `Figures for ${firstDay.value} to ${lastDay.value} shown.`);
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
  return h("section", { id: "kpis", "aria-labelledby": "kpis-title" }, h("h2", { id: "kpis-title" }, "Key figures"), form, status, output);
}
