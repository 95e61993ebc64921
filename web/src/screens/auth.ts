// Sign up (with an invite code) and log in; the tokens are kept for the tab's session
// (client.ts refreshes the access token) and the page starts again signed in. Why the
// previous session ended (logged out, expired, banned), if it did, is said first.
import { client, session } from "../app.js";
import { LOGIN, SIGNUP } from "../documents.js";
import { field, h, input, say } from "../dom.js";
import { describe, describeFailure } from "../errors.js";
import type { SessionTokensFragment } from "../generated/operations.js";

function signedIn(tokens: SessionTokensFragment): void {
  session.signIn(tokens);
  location.reload();
}

/** The login form (also the operators' console's gate); `status` hears how it went. */
export function loginForm(status: HTMLElement): HTMLFormElement {
  const loginFields = {
    siteId: input({ name: "siteId", required: "", autocomplete: "username" }),
    password: input({ name: "password", type: "password", required: "", autocomplete: "current-password" }),
  };
  const login = h(
    "form",
    { id: "login", "aria-labelledby": "login-title" },
    h("h2", { id: "login-title" }, "Log in"),
    field("Site id", loginFields.siteId),
    field("Password", loginFields.password),
    h("button", { type: "submit" }, "Log in"),
  );
  login.addEventListener("submit", (event) => {
    event.preventDefault();
    say(status, "Logging in…");
    client
      .mutate({
        mutation: LOGIN,
        variables: {
          input: { siteId: loginFields.siteId.value, password: loginFields.password.value },
        },
      })
      .then(({ data }) => {
        const answer = data?.login;
        if (answer?.__typename === "AuthPayload") signedIn(answer);
        else if (answer) say(status, describe(answer), "error");
      })
      .catch((failure: unknown) => say(status, describeFailure(failure), "error"));
  });
  return login;
}

export function authScreen(): HTMLElement {
  const status = h("p", { id: "auth-status", class: "status", role: "status", "aria-live": "polite" });
  const ended = session.takeEndedReason();
  if (ended !== null) say(status, ended.reason, ended.forced ? "error" : "info");

  const signupFields = {
    siteId: input({ name: "siteId", required: "", autocomplete: "username", pattern: "[A-Za-z0-9_]{4,32}" }),
    nickname: input({ name: "nickname", required: "", minlength: "2", maxlength: "20" }),
    password: input({ name: "password", type: "password", required: "", minlength: "8", autocomplete: "new-password" }),
    inviteCode: input({ name: "inviteCode", required: "", autocomplete: "off" }),
  };
  const signup = h(
    "form",
    { id: "signup", "aria-labelledby": "signup-title" },
    h("h2", { id: "signup-title" }, "Sign up"),
    field("Site id (4–32 letters, digits or _)", signupFields.siteId),
    field("Nickname", signupFields.nickname),
    field("Password (at least 8 characters)", signupFields.password),
    field("Invite code", signupFields.inviteCode),
    h("button", { type: "submit" }, "Sign up"),
  );
  signup.addEventListener("submit", (event) => {
    event.preventDefault();
    say(status, "Signing up…");
    client
      .mutate({
        mutation: SIGNUP,
        variables: {
          input: {
            siteId: signupFields.siteId.value,
            nickname: signupFields.nickname.value,
            password: signupFields.password.value,
            inviteCode: signupFields.inviteCode.value,
          },
        },
      })
      .then(({ data }) => {
        const answer = data?.signup;
        if (answer?.__typename === "AuthPayload") signedIn(answer);
        else if (answer) say(status, describe(answer), "error");
      })
      .catch((failure: unknown) => say(status, describeFailure(failure), "error"));
  });

  return h("main", {}, h("div", { class: "columns" }, signup, loginForm(status)), status);
}
