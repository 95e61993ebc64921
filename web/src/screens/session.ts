// Log out (this session: the server revokes it and refuses its access token from then on)
// and log out everywhere (every session of the account); then the page starts again at
// the login screen. If the server cannot be reached, the tokens are forgotten anyway.
// The operators' console logs out with the same button.
import { client, session } from "../app.js";
import { LOGOUT, LOGOUT_ALL } from "../documents.js";
import { h, say } from "../dom.js";
import { describe, describeFailure } from "../errors.js";

/** A button that ends the session (or every session) on the server; `status`, if given,
 * hears what happens. */
export function logOutButton(id: string, label: string, everyDevice: boolean, status?: HTMLElement): HTMLButtonElement {
  const button = h("button", { type: "button", id }, label);
  const tell = (text: string, kind: "info" | "error" = "info"): void => {
    if (status !== undefined) say(status, text, kind);
  };
  button.addEventListener("click", () => {
    button.disabled = true;
    tell("Logging out…");
    const done = (): void => {
      session.clear(everyDevice ? "You logged out on every device." : "You logged out.");
      location.reload();
    };
    const request = everyDevice
      ? client.mutate({ mutation: LOGOUT_ALL }).then(({ data }) => data?.logoutAll)
      : client.mutate({ mutation: LOGOUT }).then(({ data }) => data?.logout);
    request
      .then((answer) => {
        if (answer && answer.__typename !== "LogoutSuccess") {
          tell(describe(answer), "error");
          button.disabled = false;
          return;
        }
        done();
      })
      .catch((failure: unknown) => {
        tell(`${describeFailure(failure)} Signed out of this page anyway.`, "error");
        done();
      });
  });
  return button;
}

export function sessionControls(): HTMLElement {
  const status = h("p", { id: "session-status", class: "status", role: "status", "aria-live": "polite" });
  return h(
    "div",
    { id: "session", class: "buttons" },
    logOutButton("logout", "Log out", false, status),
    logOutButton("logout-all", "Log out everywhere", true, status),
    status,
  );
}
