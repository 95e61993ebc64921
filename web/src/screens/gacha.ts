// Gacha: the disclosed rates (per pull and long-run with pity), costs and daily limits, a
// single or ten-pull, and a verification of every item in the browser (docs/FAIRNESS.md:
// item k from float k; pity and sold-out rolls as the server flagged them on each item).
import { client } from "../app.js";
import { GACHA_CONFIG, GACHA_PULL } from "../documents.js";
import { gold, h, percent, say } from "../dom.js";
import { describe, describeFailure } from "../errors.js";
import { type GachaRarity, gachaItem, streamUints } from "../fairness.js";
import type { GachaConfigQuery, GachaPullMutation } from "../generated/operations.js";
import { compared, verifier } from "../verify.js";

type Config = GachaConfigQuery["gachaConfig"];
type Pull = Extract<GachaPullMutation["gachaPull"], { __typename: "GachaPullSuccess" }>;

function odds(config: Config): HTMLElement {
  const table = h(
    "table",
    {},
    h("caption", {}, "Rarities, best first"),
    h(
      "tr",
      {},
      h("th", { scope: "col" }, "Rarity"),
      h("th", { scope: "col" }, "Chance per pull"),
      h("th", { scope: "col" }, "Long-run share (with pity)"),
      h("th", { scope: "col" }, "Items"),
      h("th", { scope: "col" }, "Left in stock"),
      h("th", { scope: "col" }, "Duplicate refund"),
    ),
    ...config.rarities.map((r) =>
      h(
        "tr",
        {},
        h("td", {}, r.rarity),
        h("td", {}, percent(r.rate)),
        h("td", {}, percent(r.effectiveRate, 3)),
        h("td", {}, r.items.map((i) => i.name).join(", ")),
        h("td", {}, r.remainingStock === null || r.remainingStock === undefined ? "unlimited" : r.remainingStock),
        h("td", {}, gold(r.duplicateRefund)),
      ),
    ),
  );
  const limits = config.dailyLimits.map((l) => `${l.rank} ${l.pullsPerDay}`).join(", ");
  const summary = h(
    "p",
    { id: "gacha-odds" },
    `A pull costs ${gold(config.singleCost)}, a ten-pull ${gold(config.tenCost)}. After ${config.pityThreshold} pulls in a row ` +
      `without EPIC or better, the next is at least EPIC. Pull actions a day by rank: ${limits}. ` +
      `A sold-out rarity gives a COMMON item instead; an item within a rarity is equally likely.`,
  );
  return h("details", { open: "" }, h("summary", {}, "Published odds"), summary, table);
}

function pullVerifier(pull: Pull, config: Config): HTMLElement {
  const { clientSeed, nonce } = pull.fairness;
  const rarities: GachaRarity[] = config.rarities.map((r) => ({
    rarity: r.rarity,
    weight: Math.round(r.rate * 10_000),
    itemIds: r.items.map((i) => i.id),
  }));
  const shown = pull.items.map((p) => p.item.id).join(" ");
  return verifier(pull.fairness, "pull", "gacha-", async (serverSeed) => {
    const uints = await streamUints(serverSeed, clientSeed, nonce, pull.items.length);
    const items = uints.map((u, k) => gachaItem(u, rarities, pull.items[k]?.pity ?? false, pull.items[k]?.downgraded ?? false));
    return compared("items", items.join(" "), shown);
  });
}

export function gachaScreen(): HTMLElement {
  const section = h("section", { id: "gacha", "aria-labelledby": "gacha-title" }, h("h2", { id: "gacha-title" }, "Gacha"));
  const status = h("p", { class: "status", role: "status", "aria-live": "polite" }, "Loading the odds…");
  section.append(status);
  client
    .query({ query: GACHA_CONFIG })
    .then(({ data }) => {
      if (!data) return;
      const config = data.gachaConfig;
      say(status, "");
      const result = h("div", { id: "gacha-result", "aria-live": "polite" });
      const pull = (count: "ONE" | "TEN"): void => {
        say(status, "Pulling…");
        client
          .mutate({ mutation: GACHA_PULL, variables: { input: { count, payWith: "GOLD", idempotencyKey: crypto.randomUUID() } } })
          .then(({ data: pulled }) => {
            const answer = pulled?.gachaPull;
            if (answer?.__typename !== "GachaPullSuccess") {
              if (answer) say(status, describe(answer), "error");
              return;
            }
            say(status, "");
            result.replaceChildren(
              h(
                "ol",
                { id: "gacha-items" },
                ...answer.items.map((p) =>
                  h(
                    "li",
                    { "data-item": p.item.id },
                    `${p.item.rarity}: ${p.item.name}${p.pity ? " (pity)" : ""}${p.downgraded ? " (sold out, COMMON instead)" : ""}${p.duplicate ? " (duplicate, refunded)" : ""}`,
                  ),
                ),
              ),
              h(
                "p",
                { id: "gacha-summary" },
                `Paid ${gold(answer.paidGold)}${answer.refundedGold > 0 ? `, ${gold(answer.refundedGold)} refunded for duplicates` : ""}. ` +
                  `${answer.pityCounter} pulls since EPIC or better; ${answer.dailyRemaining} pull actions left today.`,
              ),
              h("p", { class: "quiet" }, `Seed hash ${answer.fairness.serverSeedHash}, client seed "${answer.fairness.clientSeed}", nonce ${answer.fairness.nonce}.`),
              pullVerifier(answer, config),
            );
          })
          .catch((failure: unknown) => say(status, describeFailure(failure), "error"));
      };
      const one = h("button", { type: "button", id: "gacha-one" }, `Pull once (${gold(config.singleCost)})`);
      const ten = h("button", { type: "button", id: "gacha-ten" }, `Pull ten (${gold(config.tenCost)})`);
      one.addEventListener("click", () => pull("ONE"));
      ten.addEventListener("click", () => pull("TEN"));
      section.append(odds(config), h("p", {}, one, " ", ten), result);
    })
    .catch((failure: unknown) => say(status, describeFailure(failure), "error"));
  return section;
}
