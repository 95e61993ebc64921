// Hash routes (#slots, #crash, …): each screen is built the first time it is shown and
// then kept (hidden when another is shown), so a round running in one keeps its live
// updates while the player looks at another. A screen is one entry in the list main.ts
// passes; adding one touches no other screen.
import { h } from "./dom.js";

export interface Screen {
  /** The route: `#${id}`, also the id of the screen's tab link. */
  id: string;
  title: string;
  render(): HTMLElement;
}

/** `onShow`: told each screen's id as it is shown (the player's page records it). */
export function navigation(screens: readonly Screen[], onShow?: (id: string) => void): HTMLElement {
  const [first] = screens;
  if (first === undefined) throw new Error("no screens");
  const tabs = screens.map((screen) => h("a", { href: `#${screen.id}`, id: `tab-${screen.id}` }, screen.title));
  const panels = new Map<string, HTMLElement>();
  const outlet = h("div", { id: "screen" });

  const show = (): void => {
    const wanted = location.hash.slice(1);
    const screen = screens.find((s) => s.id === wanted) ?? first;
    let panel = panels.get(screen.id);
    if (panel === undefined) {
      panel = screen.render();
      panels.set(screen.id, panel);
      outlet.append(panel);
    }
    for (const [id, element] of panels) element.hidden = id !== screen.id;
    onShow?.(screen.id);
    for (const [k, tab] of tabs.entries()) {
      if (screens[k]?.id === screen.id) tab.setAttribute("aria-current", "page");
      else tab.removeAttribute("aria-current");
    }
  };
  window.addEventListener("hashchange", show);
  show();
  return h("div", {}, h("nav", { "aria-label": "Screens" }, ...tabs), outlet);
}
