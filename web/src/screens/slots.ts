// Slots: the published odds, a spin, and a verification of each result in the browser
// from the seed rotateServerSeed reveals.
import { client } from "../app.js";
import { ROTATE_SERVER_SEED, SLOT_SPIN, SLOTS_CONFIG } from "../documents.js";
import { field, gold, h, input, percent, say } from "../dom.js";
import { describe, describeFailure } from "../errors.js";
import { seedHash, slotReels } from "../fairness.js";
import type { SlotSpinMutation, SlotsConfigQuery } from "../generated/operations.js";

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

/** Seeds revealed in this page, by their hash: a seed is rotated once, then reused. */
const revealed = new Map<string, string>();

function verifier(spin: Spin, config: Config): HTMLElement {
  const verdict = h("p", { id: "verdict", role: "status", "aria-live": "polite" });
  const seedInput = input({ id: "verify-seed", name: "serverSeed", size: "70", spellcheck: "false", autocomplete: "off" });
  const check = h("button", { type: "button", id: "check-seed" }, "Verify with this seed");
  const seedForm = h("div", { class: "seed", hidden: "" }, field("Revealed server seed (edit it to see a tampered seed fail)", seedInput), check);
  const emoji = new Map(config.symbols.map((s) => [s.symbol, s.emoji]));
  const show = (reels: Symbol[]): string => reels.map((s) => emoji.get(s) ?? s).join(" ");

  const compare = async (serverSeed: string): Promise<void> => {
    const { serverSeedHash, clientSeed, nonce } = spin.fairness;
    const hash = await seedHash(serverSeed);
    if (hash === null) {
      say(verdict, "Does not match: a server seed is 64 lowercase hex characters.", "error");
      return;
    }
    const reels = await slotReels(serverSeed, clientSeed, nonce, config.symbols);
    const hashMatches = hash === serverSeedHash;
    const reelsMatch = reels.every((symbol, k) => symbol === spin.reels[k]);
    const lines = [
      `Seed hash ${hashMatches ? "matches" : "does not match"} the one published before the spin.`,
      `Recomputed reels ${show(reels)} ${reelsMatch ? "match" : "do not match"} the shown ${show(spin.reels)} (client seed "${clientSeed}", nonce ${nonce}).`,
    ];
    const ok = hashMatches && reelsMatch;
    say(verdict, `${ok ? "Verified: matches." : "Does not match."} ${lines.join(" ")}`, ok ? "info" : "error");
  };

  const verify = h("button", { type: "button", id: "verify" }, "Verify this spin");
  verify.addEventListener("click", () => {
    void (async () => {
      let seed = revealed.get(spin.fairness.serverSeedHash);
      if (seed === undefined) {
        say(verdict, "Revealing the server seed (it is then replaced by a new one)…");
        try {
          const { data } = await client.mutate({ mutation: ROTATE_SERVER_SEED, variables: { input: {} } });
          const answer = data?.rotateServerSeed;
          if (answer?.__typename !== "ServerSeedRotated") {
            if (answer) say(verdict, describe(answer), "error");
            return;
          }
          seed = answer.revealed.serverSeed;
          revealed.set(answer.revealed.serverSeedHash, seed);
        } catch (failure) {
          say(verdict, describeFailure(failure), "error");
          return;
        }
        if (!revealed.has(spin.fairness.serverSeedHash)) {
          say(verdict, "This spin's seed was rotated away before this page saw it revealed; verify it with the seed you noted, below.", "error");
          seed = "";
        }
      }
      seedInput.value = seed;
      seedForm.hidden = false;
      if (seed) await compare(seed);
    })();
  });
  check.addEventListener("click", () => void compare(seedInput.value.trim()));
  return h("div", { class: "verify" }, verify, seedForm, verdict);
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
              verifier(answer, config),
            );
          })
          .catch((failure: unknown) => say(status, describeFailure(failure), "error"));
      });
      section.append(oddsTable(config), form, result);
    })
    .catch((failure: unknown) => say(status, describeFailure(failure), "error"));
  return section;
}
