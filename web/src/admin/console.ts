// The operators' console, once the gate let the operator in: its screens behind hash
// routes (nav.ts, like the player side), one module per concern.
import { h } from "../dom.js";
import { navigation } from "../nav.js";
import { logOutButton } from "../screens/session.js";
import { auditScreen } from "./audit.js";
import { campaignsScreen } from "./campaigns.js";
import { economyScreen } from "./economy.js";
import { kpisScreen } from "./kpis.js";
import { monitorScreen } from "./monitor.js";
import { notifyScreen } from "./notify.js";
import { playersScreen } from "./players.js";
import { segmentsScreen } from "./segments.js";

export function logoutButton(): HTMLButtonElement {
  return logOutButton("admin-logout", "Log out", false);
}

export function adminConsole(operator: string): HTMLElement {
  const screens = navigation([
    { id: "monitor", title: "Live monitor", render: monitorScreen },
    { id: "players", title: "Players", render: playersScreen },
    { id: "economy", title: "Economy", render: economyScreen },
    { id: "kpis", title: "Key figures", render: kpisScreen },
    { id: "segments", title: "Segments", render: segmentsScreen },
    { id: "campaigns", title: "Campaigns", render: campaignsScreen },
    { id: "notify", title: "Notifications", render: notifyScreen },
    { id: "audit", title: "Audit log", render: auditScreen },
  ]);
  return h(
    "main",
    { id: "admin", class: "admin" },
    h("h2", {}, "Operators' console"),
    h("p", { id: "admin-operator" }, `Signed in as operator ${operator}. `, logoutButton()),
    screens,
  );
}
