// Dice: the published odds, a roll under or over a chosen win chance, and a verification of
// each roll in the browser (docs/FAIRNESS.md: roll = ⌊float 0 · 10000⌋ / 100; UNDER c wins
// when roll < c, OVER c when roll ≥ 100 − c).
import { client } from "../app.js";
import { DICE_CONFIG, DICE_ROLL } from "../documents.js";
import { field, gold, h, input, percent, say } from "../dom.js";
import { describe, describeFailure } from "../errors.js";
import { diceRollHundredths, diceWins } from "../fairness.js";
import type { DiceConfigQuery, DiceRollMutation } from "../generated/operations.js";
import { compared, verifier } from "../verify.js";

type Config = DiceConfigQuery["diceConfig"];
type Roll = Extract<DiceRollMutation["diceRoll"], { __typename: "DiceRollSuccess" }>;

function pays(config: Config, chance: number): string {
  return `${(config.returnPercent / chance).toFixed(4)}×`;
}

function odds(config: Config): HTMLElement {
  const examples = [config.minChance, 10, 25, 50, 75, config.maxChance].filter(
    (c, k, all) => c >= config.minChance && c <= config.maxChance && all.indexOf(c) === k,
  );
  const table = h(
    "table",
    {},
    h("caption", {}, "A win pays the stake times"),
    h("tr", {}, h("th", { scope: "col" }, "Win chance"), h("th", { scope: "col" }, "Pays")),
    ...examples.map((c) => h("tr", {}, h("td", {}, `${c.toFixed(2)}%`), h("td", {}, pays(config, c)))),
  );
  const summary = h(
    "p",
    { id: "dice-rtp" },
    `Return to player ${percent(config.rtp)} at any chance (house edge ${config.houseEdgePercent}%). ` +
      `The roll is 0.00–99.99; pick a win chance from ${config.minChance.toFixed(2)}% to ${config.maxChance.toFixed(2)}% ` +
      `(in steps of ${config.chanceStep}): UNDER wins below it, OVER wins at 100 minus it or above; ` +
      `a win pays ${config.returnPercent} ÷ the chance times the stake.`,
  );
  return h("details", { open: "" }, h("summary", {}, "Published odds"), summary, table);
}

function rollVerifier(roll: Roll): HTMLElement {
  const { clientSeed, nonce } = roll.fairness;
  const chance = Math.round(roll.chance * 100);
  const said = (hundredths: number, won: boolean): string =>
    `${(hundredths / 100).toFixed(2)} (${roll.direction} ${roll.chance.toFixed(2)}: ${won ? "win" : "loss"})`;
  return verifier(roll.fairness, "roll", "dice-", async (serverSeed) => {
    const recomputed = await diceRollHundredths(serverSeed, clientSeed, nonce);
    return compared("roll", said(recomputed, diceWins(recomputed, chance, roll.direction)), said(Math.round(roll.roll * 100), roll.won));
  });
}

export function diceScreen(): HTMLElement {
  const section = h("section", { id: "dice", "aria-labelledby": "dice-title" }, h("h2", { id: "dice-title" }, "Dice"));
  const status = h("p", { class: "status", role: "status", "aria-live": "polite" }, "Loading the odds…");
  section.append(status);
  client
    .query({ query: DICE_CONFIG })
    .then(({ data }) => {
      if (!data) return;
      const config = data.diceConfig;
      say(status, "");
      const stake = input({ id: "dice-stake", name: "stake", type: "number", min: String(config.minStake), max: String(config.maxStake), value: String(config.minStake), required: "" });
      const chance = input({ id: "dice-chance", name: "chance", type: "number", min: String(config.minChance), max: String(config.maxChance), step: String(config.chanceStep), value: "50", required: "" });
      const direction = h("select", { id: "dice-direction", name: "direction" }, h("option", { value: "UNDER" }, "Under"), h("option", { value: "OVER" }, "Over"));
      const payNote = h("span", { id: "dice-pays", class: "quiet" });
      const updatePays = (): void => {
        const c = Number(chance.value);
        payNote.textContent = c >= config.minChance && c <= config.maxChance ? `A win pays ${pays(config, c)} the stake.` : "";
      };
      chance.addEventListener("input", updatePays);
      updatePays();
      const form = h(
        "form",
        { id: "dice-form" },
        field(`Stake (${gold(config.minStake)} – ${gold(config.maxStake)})`, stake),
        field("Win chance (%)", chance),
        h("label", {}, h("span", {}, "Direction"), direction),
        h("button", { type: "submit", id: "dice-roll-button" }, "Roll"),
        payNote,
      );
      const result = h("div", { id: "dice-result", "aria-live": "polite" });
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        say(status, "Rolling…");
        client
          .mutate({
            mutation: DICE_ROLL,
            variables: {
              input: {
                stake: stake.value,
                chance: Number(chance.value),
                direction: direction.value === "OVER" ? "OVER" : "UNDER",
                idempotencyKey: crypto.randomUUID(),
              },
            },
          })
          .then(({ data: rolled }) => {
            const answer = rolled?.diceRoll;
            if (answer?.__typename !== "DiceRollSuccess") {
              if (answer) say(status, describe(answer), "error");
              return;
            }
            say(status, "");
            result.replaceChildren(
              h("p", { id: "dice-roll", class: "reels" }, answer.roll.toFixed(2)),
              h(
                "p",
                { id: "dice-payout" },
                `${answer.direction} ${answer.chance.toFixed(2)}: ${answer.won ? `you won ${gold(answer.payout)}.` : "no win this time."}`,
              ),
              h("p", { class: "quiet" }, `Seed hash ${answer.fairness.serverSeedHash}, client seed "${answer.fairness.clientSeed}", nonce ${answer.fairness.nonce}.`),
              rollVerifier(answer),
            );
          })
          .catch((failure: unknown) => say(status, describeFailure(failure), "error"));
      });
      section.append(odds(config), form, result);
    })
    .catch((failure: unknown) => say(status, describeFailure(failure), "error"));
  return section;
}
