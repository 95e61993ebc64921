// /play/admin: a placeholder until the operators' screens exist.
import { h } from "../dom.js";

export function adminScreen(): HTMLElement {
  return h(
    "main",
    {},
    h("h2", {}, "Operators"),
    h(
      "p",
      { id: "admin-placeholder" },
      "The operators' screens (live monitor, player search, reports, notifications) are not built yet. " +
        "Until they are, operators use the GraphQL API directly (GraphiQL at /graphql where it is enabled).",
    ),
    h("p", {}, h("a", { href: "/play" }, "Back to the game")),
  );
}
