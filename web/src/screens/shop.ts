// The shop: the catalog, bought with the payment sandbox's test tokens (what a real
// provider's SDK would hand over). A pending payment is asked about again with the same
// idempotency key (never a second charge) until it settles; the gold reaches the header
// from the purchase's `player` and from `balanceChanged`.
import { client } from "../app.js";
import { record } from "../activity.js";
import { BUY_PRODUCT, CATALOG } from "../documents.js";
import { gold, h, say } from "../dom.js";
import { describe, describeFailure } from "../errors.js";
import type { CatalogQuery } from "../generated/operations.js";

type Product = CatalogQuery["catalog"][number];

/** The sandbox's test tokens (src/casino_club/payments/sandbox.py), the way each goes. */
const TOKENS: readonly (readonly [string, string])[] = [
  ["tok_ok", "Succeeds"],
  ["tok_declined", "Declined by the card issuer"],
  ["tok_capture_fail", "Authorized, then the capture fails"],
  ["tok_pending", "Pending at first, then succeeds"],
  ["tok_timeout_once", "The provider times out once, then succeeds"],
];
const POLL_INTERVAL_MS = 1000;
const MAX_POLLS = 30;

function price(product: Product): string {
  const amount = (cents: number): string =>
    (cents / 100).toLocaleString("en-US", { style: "currency", currency: product.currency });
  return product.discountPercent > 0
    ? `${amount(product.priceCents)} (−${product.discountPercent}%, was ${amount(product.listPriceCents)})`
    : amount(product.priceCents);
}

export function shopScreen(): HTMLElement {
  const section = h("section", { id: "shop", "aria-labelledby": "shop-title" }, h("h2", { id: "shop-title" }, "Shop"));
  const status = h("p", { id: "shop-status", class: "status", role: "status", "aria-live": "polite" }, "Loading the catalog…");
  const token = h(
    "select",
    { id: "payment-token", name: "paymentToken" },
    ...TOKENS.map(([value, label]) => h("option", { value }, `${value}: ${label}`)),
  );
  const picker = h("label", {}, h("span", {}, "Sandbox payment token (test cards: no money moves)"), token);
  section.append(picker, status);

  const buy = async (product: Product, button: HTMLButtonElement): Promise<void> => {
    record("BUY_CLICKED", { sku: product.sku });
    const input = { sku: product.sku, quantity: 1, paymentToken: token.value, idempotencyKey: crypto.randomUUID() };
    button.disabled = true;
    say(status, `Paying for ${product.name}…`);
    try {
      for (let poll = 0; poll <= MAX_POLLS; poll += 1) {
        const { data } = await client.mutate({ mutation: BUY_PRODUCT, variables: { input } });
        const answer = data?.buyProduct;
        if (!answer) return;
        switch (answer.__typename) {
          case "PurchaseSucceeded": {
            const { gold: granted, bonusGold } = answer.purchase;
            say(status, `Paid: ${product.name}, ${gold(granted + bonusGold)} credited (receipt ${answer.receipt.code}).`);
            return;
          }
          case "PurchasePending":
            say(status, `${product.name}: the payment is pending at the provider; asking again…`);
            await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
            break;
          case "PaymentDeclined":
            say(status, `${describe(answer)} (${answer.reason.toLowerCase().replaceAll("_", " ")}; nothing was charged).`, "error");
            return;
          default:
            say(status, describe(answer), "error");
            return;
        }
      }
      say(status, `${product.name}: still pending; the gold arrives here when the provider confirms it.`);
    } catch (failure) {
      say(status, describeFailure(failure), "error");
    } finally {
      button.disabled = false;
    }
  };

  client
    .query({ query: CATALOG })
    .then(({ data }) => {
      if (!data) return;
      say(status, "");
      const items = data.catalog.map((product) => {
        const button = h("button", { type: "button", id: `buy-${product.sku}` }, `Buy ${product.name}`);
        button.addEventListener("click", () => void buy(product, button));
        const bonus = product.bonusGold > 0 ? ` + ${gold(product.bonusGold)} bonus` : "";
        return h(
          "li",
          { class: "product" },
          h("h3", {}, product.name),
          h("p", {}, product.description),
          h("p", {}, `${gold(product.gold)}${bonus} for ${price(product)}`),
          product.minRank === "STANDARD" ? "" : h("p", { class: "quiet" }, `For ${product.minRank} players and above.`),
          button,
        );
      });
      section.append(h("ul", { class: "catalog" }, ...items));
    })
    .catch((failure: unknown) => say(status, describeFailure(failure), "error"));
  return section;
}
