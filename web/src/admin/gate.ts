// /play/admin: the login form when nobody is logged in; else an operators-only read
// decides. An operator gets the console; anyone else the API answers FORBIDDEN, shown as
// a plain "operators only" message (by its code); an ended session (UNAUTHENTICATED)
// forgets the token and asks to log in again.
import { client, session } from "../app.js";
import { h, say } from "../dom.js";
import { loginForm } from "../screens/auth.js";
import { adminConsole, logoutButton } from "./console.js";
import { ADMIN_GATE } from "./documents.js";
import { describeAdminFailure, failureCode, OPERATORS_ONLY } from "./errors.js";

function login(main: HTMLElement, message?: string): void {
  const status = h("p", { id: "admin-status", class: "status", role: "status", "aria-live": "polite" });
  main.replaceChildren(h("h2", {}, "Operators' console"), h("p", {}, "Log in with an operator's account."), loginForm(status), status);
  const ended = session.takeEndedReason();
  if (message !== undefined) say(status, message, "error");
  else if (ended !== null) say(status, ended.reason, ended.forced ? "error" : "info");
}

export function adminScreen(): HTMLElement {
  const main = h("main", { id: "admin-gate" });
  if (session.accessToken === null) {
    login(main);
    return main;
  }
  const status = h("p", { id: "admin-status", class: "status", role: "status", "aria-live": "polite" }, "Checking your account…");
  main.append(status);
  client
    .query({ query: ADMIN_GATE, fetchPolicy: "network-only" })
    .then(({ data }) => {
      if (data === undefined) return;
      main.replaceWith(adminConsole(`${data.me.nickname} (${data.me.siteId})`));
    })
    .catch((failure: unknown) => {
      const code = failureCode(failure);
      if (code === "UNAUTHENTICATED") {
        session.clear();
        login(main, describeAdminFailure(failure));
      } else if (code === "FORBIDDEN") {
        main.replaceChildren(
          h("h2", {}, "Operators only"),
          h("p", { id: "admin-forbidden", role: "alert" }, OPERATORS_ONLY),
          h("p", {}, logoutButton(), " ", h("a", { href: "/play" }, "Back to the game")),
        );
      } else {
        say(status, describeAdminFailure(failure), "error");
      }
    });
  return main;
}
