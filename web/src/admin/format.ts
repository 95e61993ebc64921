// Small presentation helpers the console's screens share: times in UTC (operators in
// different zones read the same instant the same way), JSON details as short text, and
// tables with a caption and column headers (so a screen reader names every cell).
import { h } from "../dom.js";

type Cell = Node | string | number;

export function when(iso: string | null | undefined): string {
  if (iso === null || iso === undefined) return "—";
  return `${new Date(iso).toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** A JSON value as one line: an object's keys as `key: value`, comma-separated. */
export function summary(value: unknown): string {
  if (value === null || value === undefined) return "—";
  if (Array.isArray(value)) return value.map(summary).join(", ");
  if (typeof value === "object") {
    return Object.entries(value)
      .map(([key, inner]) => `${key}: ${typeof inner === "object" && inner !== null ? JSON.stringify(inner) : String(inner)}`)
      .join(", ");
  }
  return String(value);
}

export function table(
  attributes: Record<string, string>,
  caption: string,
  headers: readonly string[],
  rows: readonly HTMLTableRowElement[],
): HTMLTableElement {
  return h(
    "table",
    attributes,
    h("caption", {}, caption),
    h("thead", {}, h("tr", {}, ...headers.map((name) => h("th", { scope: "col" }, name)))),
    h("tbody", {}, ...rows),
  );
}

export function row(attributes: Record<string, string>, ...cells: Cell[]): HTMLTableRowElement {
  return h("tr", attributes, ...cells.map((cell) => h("td", {}, cell)));
}

/** A fresh idempotency key (crypto.getRandomValues also works outside secure contexts). */
export function newKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `admin-${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}
