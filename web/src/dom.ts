// A few lines instead of a framework: build elements, and show a message where a screen
// keeps its status (an aria-live region, so a screen reader hears results and errors).

type Child = Node | string | number;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  for (const child of children) {
    element.append(typeof child === "number" ? String(child) : child);
  }
  return element;
}

export function field(label: string, input: HTMLInputElement): HTMLLabelElement {
  return h("label", {}, h("span", {}, label), input);
}

export function input(attributes: Record<string, string>): HTMLInputElement {
  return h("input", attributes);
}

export function say(region: HTMLElement, text: string, kind: "info" | "error" = "info"): void {
  region.textContent = text;
  region.className = `status ${kind}`;
}

export function gold(amount: number): string {
  return `${amount.toLocaleString("en-US")} gold`;
}

export function percent(fraction: number, digits = 2): string {
  return `${(fraction * 100).toFixed(digits)}%`;
}
