// The prize wheel: its segments with their published chances, a spin (free ones first), and
// a verification of the segment in the browser (docs/FAIRNESS.md: the weighted choice of
// float 0 over the segment weights, in wheelConfig order).
import { client } from "../app.js";
import { WHEEL_CONFIG, WHEEL_SPIN } from "../documents.js";
import { gold, h, percent, say } from "../dom.js";
import { describe, describeFailure } from "../errors.js";
import { wheelSegment } from "../fairness.js";
import type { WheelConfigQuery, WheelSpinMutation } from "../generated/operations.js";
import { compared, verifier } from "../verify.js";

type Config = WheelConfigQuery["wheelConfig"];
type Spin = Extract<WheelSpinMutation["wheelSpin"], { __typename: "WheelSpinSuccess" }>;

function odds(config: Config): HTMLElement {
  const table = h(
    "table",
    {},
    h("caption", {}, "Segments"),
    h("tr", {}, h("th", { scope: "col" }, "#"), h("th", { scope: "col" }, "Prize"), h("th", { scope: "col" }, "Weight"), h("th", { scope: "col" }, "Chance")),
    ...config.segments.map((s) => h("tr", {}, h("td", {}, s.index), h("td", {}, s.label), h("td", {}, s.weight), h("td", {}, percent(s.probability)))),
  );
  const items = config.expectedItems.map((i) => `${i.perSpin.toFixed(3)} ${i.itemId}`).join(", ");
  const summary = h(
    "p",
    { id: "wheel-odds" },
    `${config.freeSpinsPerDay} free spin${config.freeSpinsPerDay === 1 ? "" : "s"} a day, then ${gold(config.spinCost)} a spin. ` +
      `A spin wins ${config.expectedGold.toFixed(2)} gold on average${items ? ` and ${items} per spin` : ""}; ` +
      `a paid spin nets ${config.expectedNetGoldPaid.toFixed(2)} gold on average.`,
  );
  return h("details", { open: "" }, h("summary", {}, "Published odds"), summary, table);
}

function spinVerifier(spin: Spin, config: Config): HTMLElement {
  const { clientSeed, nonce } = spin.fairness;
  const weights = config.segments.map((s) => s.weight);
  const said = (index: number): string => `${index} (${config.segments[index]?.label ?? "?"})`;
  return verifier(spin.fairness, "spin", "wheel-", async (serverSeed) =>
    compared("segment", said(await wheelSegment(serverSeed, clientSeed, nonce, weights)), `${spin.segmentIndex} (${spin.label})`),
  );
}

export function wheelScreen(): HTMLElement {
  const section = h("section", { id: "wheel", "aria-labelledby": "wheel-title" }, h("h2", { id: "wheel-title" }, "Prize wheel"));
  const status = h("p", { class: "status", role: "status", "aria-live": "polite" }, "Loading the odds…");
  section.append(status);
  client
    .query({ query: WHEEL_CONFIG })
    .then(({ data }) => {
      if (!data) return;
      const config = data.wheelConfig;
      say(status, "");
      const spinButton = h("button", { type: "button", id: "wheel-spin" }, "Spin the wheel");
      const result = h("div", { id: "wheel-result", "aria-live": "polite" });
      spinButton.addEventListener("click", () => {
        say(status, "Spinning…");
        client
          .mutate({ mutation: WHEEL_SPIN, variables: { input: { idempotencyKey: crypto.randomUUID() } } })
          .then(({ data: spun }) => {
            const answer = spun?.wheelSpin;
            if (answer?.__typename !== "WheelSpinSuccess") {
              if (answer) say(status, describe(answer), "error");
              return;
            }
            say(status, "");
            const prize = answer.kind === "GOLD" ? gold(answer.wonGold) : answer.kind === "ITEM" ? `${answer.label} (added to your inventory)` : "nothing this time";
            result.replaceChildren(
              h(
                "p",
                { id: "wheel-segment", "data-segment": String(answer.segmentIndex) },
                `Segment ${answer.segmentIndex}, ${answer.label}: ${prize}. ${answer.free ? "A free spin." : `Paid ${gold(answer.paidGold)}.`}`,
              ),
              h("p", { class: "quiet" }, `Seed hash ${answer.fairness.serverSeedHash}, client seed "${answer.fairness.clientSeed}", nonce ${answer.fairness.nonce}.`),
              spinVerifier(answer, config),
            );
          })
          .catch((failure: unknown) => say(status, describeFailure(failure), "error"));
      });
      section.append(odds(config), h("p", {}, spinButton), result);
    })
    .catch((failure: unknown) => say(status, describeFailure(failure), "error"));
  return section;
}
