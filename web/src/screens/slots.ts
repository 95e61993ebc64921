// Slots: the published odds, a spin, and a verification of each result in the browser
// from the seed rotateServerSeed reveals.
import { client } from "../app.js";
import { SLOT_SPIN, SLOTS_CONFIG } from "../documents.js";
import { field, gold, h, input, percent, say } from "../dom.js";
import { describe, describeFailure } from "../errors.js";
import { slotReels } from "../fairness.js";
import type { SlotSpinMutation, SlotsConfigQuery } from "../generated/operations.js";
import { compared, verifier } from "../verify.js";

type Config = SlotsConfigQuery["slotsConfig"];
type Spin = Extract<SlotSpinMutation["slotSpin"], { __typename: "SlotSpinSuccess" }>;
type Symbol = Spin["reels"][number];

function oddsTable(config: Config): HTMLElement {
  const symbols = h(
    "table",
    {},
    h("caption", {}, "Reel strip (the same on each of the 3 reels)"),
    h("tr", {}, h("th", { scope: "col" }, "Symbol"), h("th", { scope: "col" }, "Weight"), h("th", { scope: "col" }, "Chance per reel")),
    ...config.symbols.map((s) =>
      h("tr", {}, h("td", {}, `${s.emoji} ${s.symbol}`), h("td", {}, s.weight), h("td", {}, percent(s.probability))),
    ),
  );
  const pays = h(
    "table",
    {},
    h("caption", {}, "Paytable (times the stake)"),
    h("tr", {}, h("th", { scope: "col" }, "Combination"), h("th", { scope: "col" }, "Pays"), h("th", { scope: "col" }, "Chance")),
    ...config.pays.map((p) =>
      h(
        "tr",
        {},
        h("td", { "aria-label": p.example.join(" ") }, p.name),
        h("td", {}, `${p.multiplier}×`),
        h("td", {}, percent(p.probability, 4)),
      ),
    ),
  );
  const summary = h(
    "p",
    { id: "rtp" },
    `Return to player ${percent(config.rtp, 3)} (${percent(config.baseRtp, 3)} without the win-streak bonus of ` +
      `${config.streakBonusStepPercent}% per consecutive win, at most ${config.streakBonusCapPercent}%); ` +
      `a spin pays something ${percent(config.hitFrequency)} of the time.`,
  );
  return h("details", { open: "" }, h("summary", {}, "Published odds"), summary, h("div", { class: "columns" }, symbols, pays));
}

function spinVerifier(spin: Spin, config: Config): HTMLElement {
  const emoji = new Map(config.symbols.map((s) => [s.symbol, s.emoji]));
  const show = (reels: Symbol[]): string => reels.map((s) => emoji.get(s) ?? s).join(" ");
  const { clientSeed, nonce } = spin.fairness;
  return verifier(spin.fairness, "spin", "", async (serverSeed) =>
    compared("reels", show(await slotReels(serverSeed, clientSeed, nonce, config.symbols)), show(spin.reels)),
  );
}

export function slotsScreen(): HTMLElement {
  const section = h("section", { id: "slots", "aria-labelledby": "slots-title" }, h("h2", { id: "slots-title" }, "Slots"));
  const status = h("p", { class: "status", role: "status", "aria-live": "polite" }, "Loading the odds…");
  section.append(status);
  client
    .query({ query: SLOTS_CONFIG })
    .then(({ data }) => {
      if (!data) return;
      const config = data.slotsConfig;
      say(status, "");
      const stake = input({
        id: "stake",
        name: "stake",
        type: "number",
        min: String(config.minStake),
        max: String(config.maxStake),
        value: String(config.minStake),
        required: "",
      });
      const form = h("form", { id: "spin-form" }, field(`Stake (${gold(config.minStake)} – ${gold(config.maxStake)})`, stake), h("button", { type: "submit", id: "spin" }, "Spin"));
      const result = h("div", { id: "result", "aria-live": "polite" });
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        say(status, "Spinning…");
        client
          .mutate({
            mutation: SLOT_SPIN,
            variables: { input: { stake: stake.value, idempotencyKey: crypto.randomUUID() } },
          })
          .then(({ data: spun }) => {
            const answer = spun?.slotSpin;
            if (answer?.__typename !== "SlotSpinSuccess") {
              if (answer) say(status, describe(answer), "error");
              return;
            }
            say(status, "");
            const emoji = new Map(config.symbols.map((s) => [s.symbol, s.emoji]));
            result.replaceChildren(
              h("p", { id: "reels", class: "reels", "aria-label": answer.reels.join(" ") }, answer.reels.map((s) => emoji.get(s) ?? s).join(" ")),
              h(
                "p",
                { id: "payout" },
                answer.payout > 0
                  ? `You won ${gold(answer.payout)}${answer.isJackpot ? " — JACKPOT!" : ""}${answer.winStreak > 1 ? ` (win streak ${answer.winStreak})` : ""}.`
                  : "No win this time.",
              ),
              h("p", { class: "quiet" }, `Seed hash ${answer.fairness.serverSeedHash}, client seed "${answer.fairness.clientSeed}", nonce ${answer.fairness.nonce}.`),
              spinVerifier(answer, config),
            );
          })
          .catch((failure: unknown) => say(status, describeFailure(failure), "error"));
      });
      section.append(oddsTable(config), form, result);
    })
    .catch((failure: unknown) => say(status, describeFailure(failure), "error"));
  return section;
}
