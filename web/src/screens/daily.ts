// The daily check-in: claim today's reward, see the streak it continued and what it paid;
// a second claim the same game day is answered AlreadyClaimed, shown (errors.ts) with when
// the next one opens.
import { client } from "../app.js";
import { CLAIM_DAILY_REWARD } from "../documents.js";
import { gold, h, say } from "../dom.js";
import { describe, describeFailure } from "../errors.js";

export function dailyScreen(): HTMLElement {
  const status = h("p", { id: "daily-result", class: "status", role: "status", "aria-live": "polite" });
  const claim = h("button", { type: "button", id: "claim-daily" }, "Claim today's reward");
  claim.addEventListener("click", () => {
    claim.disabled = true;
    say(status, "Claiming…");
    client
      .mutate({ mutation: CLAIM_DAILY_REWARD })
      .then(({ data }) => {
        const answer = data?.claimDailyReward;
        if (!answer) return;
        if (answer.__typename === "DailyRewardClaimed") {
          const protectedDays = answer.protectionsUsed > 0 ? ` (${answer.protectionsUsed} missed day(s) covered by streak protection)` : "";
          say(status, `Day ${answer.streak} of your streak: ${gold(answer.gold)} and ${answer.xp} XP credited${protectedDays}.`);
        } else {
          say(status, describe(answer), "error");
        }
      })
      .catch((failure: unknown) => say(status, describeFailure(failure), "error"))
      .finally(() => {
        claim.disabled = false;
      });
  });
  return h(
    "section",
    { id: "daily", "aria-labelledby": "daily-title" },
    h("h2", { id: "daily-title" }, "Daily check-in"),
    h("p", {}, "One reward per game day; consecutive days grow it (1,000 + 200 gold and 50 + 25 XP per day of streak, up to 30)."),
    claim,
    status,
  );
}
