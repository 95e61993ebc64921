// Log out (this session: the server revokes it and refuses its access token from then on)
// and log out everywhere (every session of the account); then the page starts again at
// the login screen. If the server cannot be reached, the tokens are forgotten anyway.
import { client, session } from "../app.js";
import { LOGOUT, LOGOUT_ALL } from "../documents.js";
import { h, say } from "../dom.js";
import { describe, describeFailure } from "../errors.js";

export function sessionControls(): HTMLElement {
  const status = h("p", { id: "session-status", class: "status", role: "status", "aria-live": "polite" });
  const logout = h("button", { type: "button", id: "logout" }, "Log out");
  const everywhere = h("button", { type: "button", id: "logout-all" }, "Log out everywhere");
  const leave = (everyDevice: boolean): void => {
    logout.disabled = true;
    everywhere.disabled = true;
    say(status, "Logging out…");
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
          say(status, describe(answer), "error");
          logout.disabled = false;
          everywhere.disabled = false;
          return;
        }
        done();
      })
      .catch((failure: unknown) => {
        say(status, `${describeFailure(failure)} Signed out of this page anyway.`, "error");
        done();
      });
  };
  logout.addEventListener("click", () => leave(false));
  everywhere.addEventListener("click", () => leave(true));
  return h("div", { id: "session", class: "buttons" }, logout, everywhere, status);
}
