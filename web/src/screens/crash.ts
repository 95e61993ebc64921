// Crash: the published odds, a bet (with an optional automatic cash-out), the multiplier
// climbing live from the `crashRound` subscription, a Cash out button, and how the round
// ended. The subscription's last tick and crashCashout's answer both say how it ended;
// whichever arrives first is shown, once. Once it ended, its crash point can be verified in
// the browser (docs/FAIRNESS.md: max(1.00, ⌊99 / (1 − float 0)⌋ / 100)). A round already
// running when the screen opens (the page was reloaded mid-round) is resumed: its
// multiplier shown live and Cash out ready. A dropped socket resubscribes to the round,
// which answers its state then (its last tick if it ended meanwhile).
import type { Subscription } from "rxjs";

import { client, session } from "../app.js";
import { ACTIVE_CRASH_ROUND, CRASH_BET, CRASH_CASHOUT, CRASH_CONFIG, CRASH_ROUND_REVEALED, CRASH_TICKS } from "../documents.js";
import { field, gold, h, input, percent, say } from "../dom.js";
import { describe, describeFailure } from "../errors.js";
import { crashPointHundredths } from "../fairness.js";
import type { CrashConfigQuery, CrashRoundFieldsFragment } from "../generated/operations.js";
import { ending } from "../live.js";
import { compared, verifier } from "../verify.js";

type Config = CrashConfigQuery["crashConfig"];

function times(multiplier: number): string {
  return `${multiplier.toFixed(2)}×`;
}

function oddsTable(config: Config): HTMLElement {
  const odds = h(
    "table",
    {},
    h("caption", {}, "Chance the round reaches a multiplier (so a cash-out there wins)"),
    h("tr", {}, h("th", { scope: "col" }, "Multiplier"), h("th", { scope: "col" }, "Chance")),
    ...config.odds.map((o) => h("tr", {}, h("td", {}, times(o.multiplier)), h("td", {}, percent(o.probability, 3)))),
  );
  const summary = h(
    "p",
    { id: "crash-rtp" },
    `Return to player ${percent(config.rtp)} for any strategy (house edge ${config.houseEdgePercent}%). ` +
      `The multiplier grows as ${config.curve}; it crashes at once (1.00×) ${percent(config.instantCrashProbability)} of the time.`,
  );
  return h("details", { open: "" }, h("summary", {}, "Published odds"), summary, odds);
}

/** The crash point the server revealed once the round ended, read again by the round's id. */
async function revealedCrashPoint(roundId: string): Promise<number | null> {
  const { data } = await client.query({ query: CRASH_ROUND_REVEALED, variables: { id: roundId }, fetchPolicy: "network-only" });
  const round = data?.node;
  return round?.__typename === "CrashRound" ? (round.crashPoint ?? null) : null;
}

function roundVerifier(round: CrashRoundFieldsFragment): HTMLElement {
  const { clientSeed, nonce } = round.fairness;
  let shown: Promise<number | null> | null = null;
  return verifier(round.fairness, "round", "crash-", async (serverSeed) => {
    shown ??= revealedCrashPoint(round.id);
    const point = await shown;
    const recomputed = times((await crashPointHundredths(serverSeed, clientSeed, nonce)) / 100);
    if (point === null) return { matches: false, detail: `Recomputed crash point ${recomputed}, but the server has not revealed this round's` };
    return compared("crash point", recomputed, times(point));
  });
}

export function crashScreen(): HTMLElement {
  const section = h("section", { id: "crash", "aria-labelledby": "crash-title" }, h("h2", { id: "crash-title" }, "Crash"));
  const status = h("p", { class: "status", role: "status", "aria-live": "polite" }, "Loading the odds…");
  section.append(status);
  client
    .query({ query: CRASH_CONFIG })
    .then(({ data }) => {
      if (!data) return;
      say(status, "");
      const { elements, follow } = playArea(data.crashConfig, status);
      section.append(...elements);
      return client.query({ query: ACTIVE_CRASH_ROUND, fetchPolicy: "network-only" }).then(({ data: open }) => {
        const round = open?.activeCrashRound;
        if (!round) return;
        say(status, "Your round from before is still running: resumed here.");
        follow(round);
      });
    })
    .catch((failure: unknown) => say(status, describeFailure(failure), "error"));
  return section;
}

function playArea(config: Config, status: HTMLElement): { elements: HTMLElement[]; follow: (round: CrashRoundFieldsFragment) => void } {
  const stake = input({
    id: "crash-stake",
    name: "stake",
    type: "number",
    min: String(config.minStake),
    max: String(config.maxStake),
    value: String(config.minStake),
    required: "",
  });
  const auto = input({
    id: "crash-auto",
    name: "autoCashout",
    type: "number",
    step: "0.01",
    min: String(config.minAutoCashout),
    max: String(config.maxAutoCashout),
    placeholder: "none",
  });
  const bet = h("button", { type: "submit", id: "crash-bet" }, "Place bet");
  const form = h(
    "form",
    { id: "crash-form" },
    field(`Stake (${gold(config.minStake)} – ${gold(config.maxStake)})`, stake),
    field(`Automatic cash-out at (optional, ${times(config.minAutoCashout)} or more)`, auto),
    bet,
  );
  // Not a live region: it changes every tick. The result below is announced.
  const meter = h("p", { id: "crash-multiplier", class: "multiplier" }, times(1));
  const cashout = h("button", { type: "button", id: "crash-cashout", disabled: "" }, "Cash out");
  const result = h("p", { id: "crash-result", role: "status", "aria-live": "polite" });
  const verifyArea = h("div", { id: "crash-verify-area" });

  let ticks: Subscription | null = null;
  let current: { id: string; ended: boolean; round: CrashRoundFieldsFragment } | null = null;

  const end = (text: string, kind: "info" | "error" = "info"): void => {
    if (current === null || current.ended) return;
    current.ended = true;
    ticks?.unsubscribe();
    ticks = null;
    cashout.disabled = true;
    bet.disabled = false;
    say(result, text, kind);
    verifyArea.replaceChildren(roundVerifier(current.round));
  };
  const cashedOut = (multiplier: number, payout: number): void => {
    meter.textContent = times(multiplier);
    end(`Cashed out at ${times(multiplier)}: ${gold(payout)} paid.`);
  };
  const crashed = (crashPoint: number): void => {
    meter.textContent = times(crashPoint);
    end(`Lost: it crashed at ${times(crashPoint)}.`, "error");
  };

  const follow = (round: CrashRoundFieldsFragment): void => {
    current = { id: round.id, ended: false, round };
    verifyArea.replaceChildren();
    bet.disabled = true;
    cashout.disabled = false;
    meter.textContent = times(round.multiplier);
    say(result, `Round running: ${gold(round.stake)} at stake${round.autoCashout ? `, cashing out by itself at ${times(round.autoCashout)}` : ""}.`);
    watch(round.id);
  };

  const watch = (roundId: string): void => {
    ticks = client.subscribe({ query: CRASH_TICKS, variables: { roundId }, fetchPolicy: "no-cache" }).subscribe({
      next: ({ data, error }) => {
        if (current?.id !== roundId || current.ended) return;
        if (error !== undefined) {
          ticks?.unsubscribe();
          ticks = null;
          const how = ending(error);
          if (typeof how === "object") session.end(how.ended);
          else if (how === "expired") void session.refresh().then((fresh) => fresh && watch(roundId));
          else if (/Socket closed/.test(String(error))) setTimeout(() => current?.id === roundId && !current.ended && watch(roundId), 500);
          else end(`Live updates stopped: ${describeFailure(error)}`, "error");
          return;
        }
        const tick = data?.crashRound;
        if (!tick || tick.roundId !== roundId) return;
        if (tick.kind === "TICK") meter.textContent = times(tick.multiplier);
        else if (tick.kind === "CASHED_OUT") cashedOut(tick.multiplier, tick.payout ?? 0);
        else crashed(tick.crashPoint ?? tick.multiplier);
      },
    });
  };

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    say(status, "Placing the bet…");
    const autoCashout = auto.value.trim() === "" ? null : Number(auto.value);
    client
      .mutate({
        mutation: CRASH_BET,
        variables: { input: { stake: stake.value, autoCashout, idempotencyKey: crypto.randomUUID() } },
      })
      .then(({ data }) => {
        const answer = data?.crashBet;
        if (!answer) return;
        if (answer.__typename === "CrashBetPlaced") {
          say(status, "");
          follow(answer.round);
        } else if (answer.__typename === "ActiveRoundExists") {
          say(status, `${describe(answer)} Following it here.`);
          follow(answer.round);
        } else {
          say(status, describe(answer), "error");
        }
      })
      .catch((failure: unknown) => say(status, describeFailure(failure), "error"));
  });

  cashout.addEventListener("click", () => {
    const round = current;
    if (round === null || round.ended) return;
    cashout.disabled = true;
    client
      .mutate({ mutation: CRASH_CASHOUT, variables: { input: { roundId: round.id } } })
      .then(({ data }) => {
        const answer = data?.crashCashout;
        if (!answer || current !== round) return;
        if (answer.__typename === "CrashCashedOut") cashedOut(answer.multiplier, answer.payout);
        else if (answer.__typename === "CrashRoundLost") crashed(answer.crashPoint);
        else {
          cashout.disabled = round.ended;
          say(status, describe(answer), "error");
        }
      })
      .catch((failure: unknown) => {
        cashout.disabled = round.ended;
        say(status, describeFailure(failure), "error");
      });
  });

  return { elements: [oddsTable(config), form, h("div", { class: "crash-board" }, meter, cashout), result, verifyArea], follow };
}
