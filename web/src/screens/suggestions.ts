// "For you": what the game suggests the player do next (me.recommendations: today's
// daily reward, a mission to claim, a mission nearly done, a shop offer suited to the
// player), each with a link to the screen that does it and a "useful?" verdict the
// operators' click-through counts.
// Nothing is suggested during a cool-off or self-exclusion.
import { client } from "../app.js";
import { RECOMMENDATIONS, RECOMMENDATION_FEEDBACK } from "../documents.js";
import { h, say } from "../dom.js";
import { describe, describeFailure } from "../errors.js";

const SCREEN_OF_RULE: Record<string, string> = {
  DAILY_REWARD: "#daily",
  MISSION_CLAIMABLE: "#missions",
  MISSION_NEAR_COMPLETION: "#missions",
  SHOP_OFFER: "#shop",
};

export function suggestionsScreen(): HTMLElement {
  const status = h("p", { id: "suggestions-status", class: "status", role: "status", "aria-live": "polite" });
  const list = h("ul", { id: "suggestions", class: "suggestions" });

  const verdict = (id: string, useful: boolean, buttons: HTMLButtonElement[]): void => {
    for (const button of buttons) button.disabled = true;
    client
      .mutate({ mutation: RECOMMENDATION_FEEDBACK, variables: { input: { recommendationId: id, useful } } })
      .then(({ data }) => {
        const answer = data?.recommendationFeedback;
        if (!answer) return;
        if (answer.__typename === "RecommendationFeedbackRecorded") say(status, "Thanks: your answer is recorded.");
        else say(status, describe(answer), "error");
      })
      .catch((failure: unknown) => say(status, describeFailure(failure), "error"))
      .finally(() => {
        for (const button of buttons) button.disabled = false;
      });
  };

  const load = (): void => {
    client
      .query({ query: RECOMMENDATIONS, fetchPolicy: "network-only" })
      .then(({ data }) => {
        if (!data) return;
        const found = data.me.recommendations;
        list.replaceChildren(
          ...found.map((suggestion) => {
            const yes = h("button", { type: "button", class: "useful" }, "Useful");
            const no = h("button", { type: "button", class: "not-useful" }, "Not useful");
            yes.addEventListener("click", () => verdict(suggestion.id, true, [yes, no]));
            no.addEventListener("click", () => verdict(suggestion.id, false, [yes, no]));
            return h(
              "li",
              { "data-suggestion": suggestion.id, "data-rule": suggestion.rule },
              h("h3", {}, suggestion.title),
              h("p", {}, suggestion.body, " ", h("a", { href: SCREEN_OF_RULE[suggestion.rule] ?? "#slots" }, "Go there")),
              h("p", { class: "buttons" }, yes, no),
            );
          }),
        );
        say(status, found.length === 0 ? "Nothing to suggest right now." : `${found.length} suggestion(s).`);
      })
      .catch((failure: unknown) => say(status, describeFailure(failure), "error"));
  };
  const refresh = h("button", { type: "button", id: "suggestions-refresh" }, "Refresh");
  refresh.addEventListener("click", load);
  const section = h("section", { id: "for-you", "aria-labelledby": "for-you-title" }, h("h2", { id: "for-you-title" }, "For you"), refresh, status, list);
  // Read again each time the screen is shown: a claim elsewhere changes what is suggested.
  window.addEventListener("hashchange", () => {
    if (location.hash === "#for-you") load();
  });
  load();
  return section;
}
