// The reference web client (SPEC §17): the header, then either the operators' page
// (/play/admin), sign-up/login, or the player's screens behind hash routes (nav.ts).
// Each screen is its own module under screens/; adding one is one line here.
import { client, session } from "./app.js";
import { ACTIVE_CRASH_ROUND } from "./documents.js";
import { h } from "./dom.js";
import { navigation } from "./nav.js";
import { adminScreen } from "./admin/gate.js";
import { authScreen } from "./screens/auth.js";
import { crashScreen } from "./screens/crash.js";
import { dailyScreen } from "./screens/daily.js";
import { diceScreen } from "./screens/dice.js";
import { gachaScreen } from "./screens/gacha.js";
import { record } from "./activity.js";
import { header } from "./screens/header.js";
import { historyScreen } from "./screens/history.js";
import { leaderboardsScreen } from "./screens/leaderboards.js";
import { missionsScreen } from "./screens/missions.js";
import { notificationsScreen } from "./screens/notifications.js";
import { rpsScreen } from "./screens/rps.js";
import { protectionScreen } from "./screens/protection.js";
import { seedsScreen } from "./screens/seeds.js";
import { sessionControls } from "./screens/session.js";
import { shopScreen } from "./screens/shop.js";
import { slotsScreen } from "./screens/slots.js";
import { suggestionsScreen } from "./screens/suggestions.js";
import { wheelScreen } from "./screens/wheel.js";

function start(root: HTMLElement): void {
  const operators = location.pathname.replace(/\/+$/, "") === "/play/admin";
  root.replaceChildren(header(!operators));
  if (operators) {
    root.append(adminScreen());
  } else if (session.accessToken === null) {
    root.append(authScreen());
  } else {
    // A crash round still running (the page was reloaded mid-round): show it.
    void client
      .query({ query: ACTIVE_CRASH_ROUND, fetchPolicy: "network-only" })
      .then(({ data }) => {
        if (data?.activeCrashRound && location.hash !== "#crash") location.hash = "#crash";
      })
      .catch(() => undefined);
    const screens = navigation([
      { id: "slots", title: "Slots", render: slotsScreen },
      { id: "crash", title: "Crash", render: crashScreen },
      { id: "dice", title: "Dice", render: diceScreen },
      { id: "rps", title: "Rock-paper-scissors", render: rpsScreen },
      { id: "wheel", title: "Prize wheel", render: wheelScreen },
      { id: "gacha", title: "Gacha", render: gachaScreen },
      { id: "shop", title: "Shop", render: shopScreen },
      { id: "daily", title: "Daily check-in", render: dailyScreen },
      { id: "missions", title: "Missions", render: missionsScreen },
      { id: "leaderboards", title: "Leaderboards", render: leaderboardsScreen },
      { id: "notifications", title: "Notifications", render: notificationsScreen },
      { id: "history", title: "History and stats", render: historyScreen },
      { id: "protection", title: "Player protection", render: protectionScreen },
      { id: "seeds", title: "Fairness seeds", render: seedsScreen },
      { id: "for-you", title: "For you", render: suggestionsScreen },
    ], (id) => {
      // The funnel's first step is the shop screen shown; every screen is a view.
      record("SCREEN_VIEW", { screen: id });
      if (id === "shop") record("SHOP_OPENED");
    });
    root.append(h("main", {}, screens, sessionControls()));
  }
}

start(document.getElementById("app") as HTMLElement);
