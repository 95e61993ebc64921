// The reference web client (SPEC §17), first increment: sign up / log in, a header whose
// gold, level and rank follow `balanceChanged` live, and slots with their published odds
// and an in-browser verification of each result from the revealed seeds.
import { createApollo, Session } from "./client.js";
import {
  BALANCE_CHANGED,
  LOGIN,
  ME,
  ROTATE_SERVER_SEED,
  SIGNUP,
  SLOT_SPIN,
  SLOTS_CONFIG,
} from "./documents.js";
import { field, gold, h, input, percent, say } from "./dom.js";
import { describe, describeFailure } from "./errors.js";
import { seedHash, slotReels } from "./fairness.js";
import type { SlotSpinMutation, SlotsConfigQuery } from "./generated/operations.js";

type Config = SlotsConfigQuery["slotsConfig"];
type Spin = Extract<SlotSpinMutation["slotSpin"], { __typename: "SlotSpinSuccess" }>;
type Symbol = Spin["reels"][number];

const session = new Session();
const client = createApollo(session);
const root = document.getElementById("app") as HTMLElement;

function header(): HTMLElement {
  const player = h("p", { id: "player", "aria-live": "polite" }, "Not logged in");
  const bar = h("header", {}, h("h1", {}, "Casino-Club"), player);
  if (session.accessToken === null) return bar;
  client.watchQuery({ query: ME }).subscribe((result) => {
    if (result.dataState !== "complete") return;
    const me = result.data.me;
    player.replaceChildren(
      h("span", {}, me.nickname),
      h("span", { id: "gold" }, gold(me.gold)),
      h("span", { id: "level" }, `Level ${me.level}`),
      h("span", { id: "rank" }, me.rank),
    );
  });
  // Each event carries `player { id gold level rank }`: the cache updates `me` by itself.
  const live = h("p", { id: "live", class: "quiet" }, "Live updates: connecting…");
  client.subscribe({ query: BALANCE_CHANGED }).subscribe({
    next: ({ data }) => {
      if (data) live.textContent = `Live updates: last change ${data.balanceChanged.delta} gold`;
    },
    error: (failure: unknown) => {
      live.textContent = `Live updates stopped: ${describeFailure(failure)}`;
    },
  });
  live.textContent = "Live updates: on";
  bar.append(live);
  return bar;
}

function authScreen(): HTMLElement {
  const status = h("p", { class: "status", role: "status", "aria-live": "polite" });
  const signedIn = (token: string): void => {
    session.accessToken = token;
    location.reload();
  };

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
        if (answer?.__typename === "AuthPayload") signedIn(answer.accessToken);
        else if (answer) say(status, describe(answer), "error");
      })
      .catch((failure: unknown) => say(status, describeFailure(failure), "error"));
  });

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
        if (answer?.__typename === "AuthPayload") signedIn(answer.accessToken);
        else if (answer) say(status, describe(answer), "error");
      })
      .catch((failure: unknown) => say(status, describeFailure(failure), "error"));
  });
  return h("main", {}, h("div", { class: "columns" }, signup, login), status);
}

function oddsTable(config: Config): HTMLElement {
  const symbols = h(
    "table",
    {},
    h("caption", {}, "Reel strip (the same on each of the 3 reels)"),
    h("tr", {}, h("th", { scope: "col" }, "Symbol"), h("th", { scope: "col" }, "Weight"), h("th", { scope: "col" }, "Chance per reel")),
    ...config.symbols.map((s) =>
      h("tr", {}, h("td", {}, `${s.emoji} ${s.symbol}`), h("td", {}, s.weight), h("td", {}, percent(s.probability))),
    ),
  );
  const pays = h(
    "table",
    {},
    h("caption", {}, "Paytable (times the stake)"),
    h("tr", {}, h("th", { scope: "col" }, "Combination"), h("th", { scope: "col" }, "Pays"), h("th", { scope: "col" }, "Chance")),
    ...config.pays.map((p) =>
      h(
        "tr",
        {},
        h("td", { "aria-label": p.example.join(" ") }, p.name),
        h("td", {}, `${p.multiplier}×`),
        h("td", {}, percent(p.probability, 4)),
      ),
    ),
  );
  const summary = h(
    "p",
    { id: "rtp" },
    `Return to player ${percent(config.rtp, 3)} (${percent(config.baseRtp, 3)} without the win-streak bonus of ` +
      `${config.streakBonusStepPercent}% per consecutive win, at most ${config.streakBonusCapPercent}%); ` +
      `a spin pays something ${percent(config.hitFrequency)} of the time.`,
  );
  return h("details", { open: "" }, h("summary", {}, "Published odds"), summary, h("div", { class: "columns" }, symbols, pays));
}

/** Seeds revealed in this page, by their hash: a seed is rotated once, then reused. */
const revealed = new Map<string, string>();

function verifier(spin: Spin, config: Config): HTMLElement {
  const verdict = h("p", { id: "verdict", role: "status", "aria-live": "polite" });
  const seedInput = input({ id: "verify-seed", name: "serverSeed", size: "70", spellcheck: "false", autocomplete: "off" });
  const check = h("button", { type: "button", id: "check-seed" }, "Verify with this seed");
  const seedForm = h("div", { class: "seed", hidden: "" }, field("Revealed server seed (edit it to see a tampered seed fail)", seedInput), check);
  const emoji = new Map(config.symbols.map((s) => [s.symbol, s.emoji]));
  const show = (reels: Symbol[]): string => reels.map((s) => emoji.get(s) ?? s).join(" ");

  const compare = async (serverSeed: string): Promise<void> => {
    const { serverSeedHash, clientSeed, nonce } = spin.fairness;
    const hash = await seedHash(serverSeed);
    if (hash === null) {
      say(verdict, "Does not match: a server seed is 64 lowercase hex characters.", "error");
      return;
    }
    const reels = await slotReels(serverSeed, clientSeed, nonce, config.symbols);
    const hashMatches = hash === serverSeedHash;
    const reelsMatch = reels.every((symbol, k) => symbol === spin.reels[k]);
    const lines = [
      `Seed hash ${hashMatches ? "matches" : "does not match"} the one published before the spin.`,
      `Recomputed reels ${show(reels)} ${reelsMatch ? "match" : "do not match"} the shown ${show(spin.reels)} (client seed "${clientSeed}", nonce ${nonce}).`,
    ];
    const ok = hashMatches && reelsMatch;
    say(verdict, `${ok ? "Verified: matches." : "Does not match."} ${lines.join(" ")}`, ok ? "info" : "error");
  };

  const verify = h("button", { type: "button", id: "verify" }, "Verify this spin");
  verify.addEventListener("click", () => {
    void (async () => {
      let seed = revealed.get(spin.fairness.serverSeedHash);
      if (seed === undefined) {
        say(verdict, "Revealing the server seed (it is then replaced by a new one)…");
        try {
          const { data } = await client.mutate({ mutation: ROTATE_SERVER_SEED, variables: { input: {} } });
          const answer = data?.rotateServerSeed;
          if (answer?.__typename !== "ServerSeedRotated") {
            if (answer) say(verdict, describe(answer), "error");
            return;
          }
          seed = answer.revealed.serverSeed;
          revealed.set(answer.revealed.serverSeedHash, seed);
        } catch (failure) {
          say(verdict, describeFailure(failure), "error");
          return;
        }
        if (!revealed.has(spin.fairness.serverSeedHash)) {
          say(verdict, "This spin's seed was rotated away before this page saw it revealed; verify it with the seed you noted, below.", "error");
          seed = "";
        }
      }
      seedInput.value = seed;
      seedForm.hidden = false;
      if (seed) await compare(seed);
    })();
  });
  check.addEventListener("click", () => void compare(seedInput.value.trim()));
  return h("div", { class: "verify" }, verify, seedForm, verdict);
}

function slotsScreen(): HTMLElement {
  const section = h("section", { id: "slots", "aria-labelledby": "slots-title" }, h("h2", { id: "slots-title" }, "Slots"));
  const status = h("p", { class: "status", role: "status", "aria-live": "polite" }, "Loading the odds…");
  section.append(status);
  client
    .query({ query: SLOTS_CONFIG })
    .then(({ data }) => {
      if (!data) return;
      const config = data.slotsConfig;
      say(status, "");
      const stake = input({
        id: "stake",
        name: "stake",
        type: "number",
        min: String(config.minStake),
        max: String(config.maxStake),
        value: String(config.minStake),
        required: "",
      });
      const form = h("form", { id: "spin-form" }, field(`Stake (${gold(config.minStake)} – ${gold(config.maxStake)})`, stake), h("button", { type: "submit", id: "spin" }, "Spin"));
      const result = h("div", { id: "result", "aria-live": "polite" });
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        say(status, "Spinning…");
        client
          .mutate({
            mutation: SLOT_SPIN,
            variables: { input: { stake: stake.value, idempotencyKey: crypto.randomUUID() } },
          })
          .then(({ data: spun }) => {
            const answer = spun?.slotSpin;
            if (answer?.__typename !== "SlotSpinSuccess") {
              if (answer) say(status, describe(answer), "error");
              return;
            }
            say(status, "");
            const emoji = new Map(config.symbols.map((s) => [s.symbol, s.emoji]));
            result.replaceChildren(
              h("p", { id: "reels", class: "reels", "aria-label": answer.reels.join(" ") }, answer.reels.map((s) => emoji.get(s) ?? s).join(" ")),
              h(
                "p",
                { id: "payout" },
                answer.payout > 0
                  ? `You won ${gold(answer.payout)}${answer.isJackpot ? " — JACKPOT!" : ""}${answer.winStreak > 1 ? ` (win streak ${answer.winStreak})` : ""}.`
                  : "No win this time.",
              ),
              h("p", { class: "quiet" }, `Seed hash ${answer.fairness.serverSeedHash}, client seed "${answer.fairness.clientSeed}", nonce ${answer.fairness.nonce}.`),
              verifier(answer, config),
            );
          })
          .catch((failure: unknown) => say(status, describeFailure(failure), "error"));
      });
      section.append(oddsTable(config), form, result);
    })
    .catch((failure: unknown) => say(status, describeFailure(failure), "error"));
  return section;
}

function adminScreen(): HTMLElement {
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

function start(): void {
  root.replaceChildren(header());
  if (location.pathname.replace(/\/+$/, "") === "/play/admin") {
    root.append(adminScreen());
  } else if (session.accessToken === null) {
    root.append(authScreen());
  } else {
    const logout = h("button", { type: "button", id: "logout" }, "Log out");
    logout.addEventListener("click", () => {
      session.accessToken = null;
      location.reload();
    });
    root.append(h("main", {}, slotsScreen(), h("p", {}, logout)));
  }
}

start();
