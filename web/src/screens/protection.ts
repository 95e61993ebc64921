// Player protection: the limits a player sets on themselves (daily and monthly purchases
// in dollars, daily losses in gold) and a break from play. Lowering a limit applies at
// once; raising or removing one waits 24 hours, so a pending change is shown with when it
// applies. A cool-off or self-exclusion is confirmed in a second step that says what it
// does, since it cannot be undone by the player.
import { client } from "../app.js";
import { MY_LIMITS, SET_LIMITS, START_COOL_OFF } from "../documents.js";
import { field, gold, h, input, say } from "../dom.js";
import { describe, describeFailure, dollars, when } from "../errors.js";
import type { Exclusion, LimitsFieldsFragment, LimitStateFieldsFragment } from "../generated/operations.js";

type LimitKey = "dailyPurchaseCents" | "monthlyPurchaseCents" | "dailyLossGold";

interface LimitSpec {
  key: LimitKey;
  title: string;
  /** The amount as a person reads it. */
  show(amount: number): string;
  /** The input's unit, and how what was typed becomes the API's integer. */
  unit: string;
  step: string;
  toApi(typed: number): number;
  fromApi(amount: number): string;
}

const LIMITS: readonly LimitSpec[] = [
  { key: "dailyPurchaseCents", title: "Daily purchase limit", show: dollars, unit: "US dollars", step: "0.01", toApi: (d) => Math.round(d * 100), fromApi: (c) => (c / 100).toFixed(2) },
  { key: "monthlyPurchaseCents", title: "Monthly purchase limit", show: dollars, unit: "US dollars", step: "0.01", toApi: (d) => Math.round(d * 100), fromApi: (c) => (c / 100).toFixed(2) },
  { key: "dailyLossGold", title: "Daily loss limit", show: gold, unit: "gold lost at play a day: stakes minus wins", step: "1", toApi: (g) => Math.round(g), fromApi: String },
];

const BREAKS: readonly { kind: Exclusion; label: string; length: string }[] = [
  { kind: "COOL_OFF_24_HOURS", label: "Cool-off: 24 hours", length: "24 hours" },
  { kind: "COOL_OFF_7_DAYS", label: "Cool-off: 7 days", length: "7 days" },
  { kind: "COOL_OFF_30_DAYS", label: "Cool-off: 30 days", length: "30 days" },
  { kind: "SELF_EXCLUSION_6_MONTHS", label: "Self-exclusion: 6 months", length: "6 months" },
];

function stateText(spec: LimitSpec, state: LimitStateFieldsFragment): string {
  const now = state.amount === null || state.amount === undefined ? "No limit." : `${spec.show(state.amount)}.`;
  const pending = state.pending;
  if (!pending) return now;
  const next = pending.amount === null || pending.amount === undefined ? "no limit" : spec.show(pending.amount);
  return `${now} Pending: ${next} from ${when(pending.appliesAt)} (a raise or removal waits 24 hours).`;
}

export function protectionScreen(): HTMLElement {
  const section = h(
    "section",
    { id: "protection", "aria-labelledby": "protection-title" },
    h("h2", { id: "protection-title" }, "Player protection"),
    h("p", {}, "Limits you set on yourself. Lowering a limit applies at once; raising or removing one applies after 24 hours."),
  );
  const status = h("p", { id: "protection-status", class: "status", role: "status", "aria-live": "polite" }, "Loading your limits…");
  const limitsArea = h("div", { id: "limits", class: "columns" });
  const breakArea = h("div", { id: "break" });
  section.append(status, limitsArea, breakArea);

  const showLimits = (limits: LimitsFieldsFragment): void => {
    limitsArea.replaceChildren(...LIMITS.map((spec) => limitForm(spec, limits[spec.key], status, showLimits)));
    breakArea.replaceChildren(breakForm(limits.excludedUntil ?? null, status, showLimits));
  };

  client
    .query({ query: MY_LIMITS, fetchPolicy: "network-only" })
    .then(({ data }) => {
      if (!data) return;
      say(status, "");
      showLimits(data.me.limits);
    })
    .catch((failure: unknown) => say(status, describeFailure(failure), "error"));
  return section;
}

function limitForm(
  spec: LimitSpec,
  state: LimitStateFieldsFragment,
  status: HTMLElement,
  refresh: (limits: LimitsFieldsFragment) => void,
): HTMLElement {
  const id = `limit-${spec.key}`;
  const amount = input({ id, name: spec.key, type: "number", min: "0", step: spec.step, required: "" });
  if (state.amount !== null && state.amount !== undefined) amount.value = spec.fromApi(state.amount);
  const now = h("p", { id: `${id}-state`, class: "limit-state" }, stateText(spec, state));
  const remove = h("button", { type: "button", id: `${id}-remove` }, "Remove limit");
  const form = h(
    "form",
    { id: `${id}-form`, "aria-labelledby": `${id}-title` },
    h("h3", { id: `${id}-title` }, spec.title),
    now,
    field(`New limit (${spec.unit})`, amount),
    h("div", { class: "buttons" }, h("button", { type: "submit", id: `${id}-save` }, "Save limit"), remove),
  );
  const send = (value: number | null): void => {
    say(status, "Saving…");
    client
      .mutate({ mutation: SET_LIMITS, variables: { input: { [spec.key]: value } } })
      .then(({ data }) => {
        const answer = data?.setLimits;
        if (!answer) return;
        if (answer.__typename !== "LimitsSet") {
          say(status, describe(answer), "error");
          return;
        }
        refresh(answer.limits);
        const saved = answer.limits[spec.key];
        say(status, `${spec.title}: ${stateText(spec, saved)}`);
      })
      .catch((failure: unknown) => say(status, describeFailure(failure), "error"));
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    send(spec.toApi(Number(amount.value)));
  });
  remove.addEventListener("click", () => send(null));
  return form;
}

function breakForm(
  excludedUntil: string | null,
  status: HTMLElement,
  refresh: (limits: LimitsFieldsFragment) => void,
): HTMLElement {
  const heading = h("h3", { id: "break-title" }, "Take a break");
  if (excludedUntil !== null && Date.parse(excludedUntil) > Date.now()) {
    return h(
      "div",
      { "aria-labelledby": "break-title" },
      heading,
      h("p", { id: "break-state" }, `You are on a break until ${when(excludedUntil)}. Games, the shop and rewards are closed until then; you cannot end it early.`),
    );
  }
  const choice = h(
    "fieldset",
    {},
    h("legend", {}, "How long"),
    ...BREAKS.map((b, k) =>
      h("label", { class: "choice" }, h("input", { type: "radio", name: "break", value: b.kind, ...(k === 0 ? { checked: "" } : {}) }), h("span", {}, b.label)),
    ),
  );
  const form = h(
    "form",
    { id: "break-form", "aria-labelledby": "break-title" },
    heading,
    h("p", {}, "A break stops all play and purchases for the time you choose. You can still log in, see your profile and history."),
    choice,
    h("button", { type: "submit", id: "break-start" }, "Continue…"),
  );
  const confirmArea = h("div", { id: "break-confirm", role: "group", "aria-labelledby": "break-confirm-text" });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const picked = form.querySelector<HTMLInputElement>('input[name="break"]:checked');
    const chosen = BREAKS.find((b) => b.kind === picked?.value);
    if (!chosen) return;
    const yes = h("button", { type: "button", id: "break-confirm-yes", class: "danger" }, `Yes, start my ${chosen.length} break`);
    const no = h("button", { type: "button", id: "break-confirm-no" }, "No, go back");
    confirmArea.replaceChildren(
      h(
        "p",
        { id: "break-confirm-text" },
        `For ${chosen.length} from now you will not be able to play any game, buy anything or claim rewards. ` +
          "You cannot end it early. Are you sure?",
      ),
      yes,
      no,
    );
    yes.focus();
    no.addEventListener("click", () => {
      confirmArea.replaceChildren();
      form.querySelector<HTMLButtonElement>("#break-start")?.focus();
    });
    yes.addEventListener("click", () => {
      yes.disabled = true;
      say(status, "Starting your break…");
      client
        .mutate({ mutation: START_COOL_OFF, variables: { input: { kind: chosen.kind } } })
        .then(({ data }) => {
          const answer = data?.startCoolOff;
          if (!answer) return;
          if (answer.__typename !== "CoolOffStarted") {
            yes.disabled = false;
            say(status, describe(answer), "error");
            return;
          }
          say(status, `Your break has started. It ends ${when(answer.until)}.`);
          return client.query({ query: MY_LIMITS, fetchPolicy: "network-only" }).then(({ data: again }) => {
            if (again) refresh(again.me.limits);
          });
        })
        .catch((failure: unknown) => say(status, describeFailure(failure), "error"));
    });
  });
  return h("div", {}, form, confirmArea);
}
