// Missions: each of the player's missions with its progress this period, its reward and
// when it starts over; a completed one is claimed here (a claim too early, or a second
// one in the period, is refused and said why). The list is read again whenever a mission
// moves (the `gameEvents` subscription's MISSION_PROGRESS and MISSION_COMPLETED, which
// follow a play of any screen) and whenever the screen is shown.
import { client } from "../app.js";
import { CLAIM_MISSION_REWARD, MISSION_EVENTS, MISSIONS } from "../documents.js";
import { gold, h, say } from "../dom.js";
import { describe, describeFailure } from "../errors.js";
import type { MissionsQuery } from "../generated/operations.js";

type PlayerMission = MissionsQuery["missions"][number];

const PERIODS: Record<PlayerMission["mission"]["period"], string> = {
  DAILY: "Daily",
  WEEKLY: "Weekly",
  ONCE: "Once",
};

function state(entry: PlayerMission): string {
  if (entry.locked) return `Locked until level ${entry.mission.minLevel ?? "?"}`;
  if (entry.claimed) return "Claimed";
  if (entry.completed) return "Complete: claim it";
  return "In progress";
}

function resets(entry: PlayerMission): string {
  return entry.resetsAt ? `Starts over ${new Date(entry.resetsAt).toLocaleString()}` : "Never starts over";
}

export function missionsScreen(): HTMLElement {
  const section = h("section", { id: "missions", "aria-labelledby": "missions-title" }, h("h2", { id: "missions-title" }, "Missions"));
  const status = h("p", { id: "missions-status", class: "status", role: "status", "aria-live": "polite" }, "Loading your missions…");
  const list = h("div", { id: "missions-list" });
  section.append(status, list);

  const claim = (entry: PlayerMission, button: HTMLButtonElement): void => {
    button.disabled = true;
    say(status, `Claiming "${entry.mission.title}"…`);
    client
      .mutate({ mutation: CLAIM_MISSION_REWARD, variables: { input: { missionId: entry.mission.id } } })
      .then(({ data }) => {
        const answer = data?.claimMissionReward;
        if (!answer) return;
        if (answer.__typename === "MissionRewardClaimed") {
          say(status, `"${answer.mission.title}" claimed: ${gold(answer.gold)} and ${answer.xp} XP credited (balance ${gold(answer.balance)}, level ${answer.level}).`);
          load();
        } else {
          say(status, `"${entry.mission.title}": ${describe(answer)}`, "error");
        }
      })
      .catch((failure: unknown) => say(status, describeFailure(failure), "error"))
      .finally(() => {
        button.disabled = entry.claimed || entry.locked;
      });
  };

  const row = (entry: PlayerMission): HTMLElement => {
    const { mission } = entry;
    const button = h("button", { type: "button", id: `claim-${mission.key}`, "aria-label": `Claim "${mission.title}"` }, "Claim");
    button.disabled = entry.claimed || entry.locked;
    button.addEventListener("click", () => claim(entry, button));
    const progress = h("progress", { max: String(entry.target), value: String(Math.min(entry.progress, entry.target)), "aria-hidden": "true" });
    return h(
      "tr",
      { "data-mission": mission.key },
      h("th", { scope: "row" }, mission.title, mission.description ? h("span", { class: "note" }, mission.description) : ""),
      h("td", { class: "mission-progress" }, `${entry.progress.toLocaleString("en-US")} / ${entry.target.toLocaleString("en-US")} `, progress),
      h("td", {}, `${PERIODS[mission.period]}. ${resets(entry)}`),
      h("td", {}, `${gold(mission.rewardGold)} and ${mission.rewardXp} XP`),
      h("td", { class: "mission-state" }, state(entry)),
      h("td", {}, button),
    );
  };

  // One read at a time; a reason to read again meanwhile reads once more after it.
  let loading = false;
  let stale = false;
  const load = (): void => {
    if (loading) {
      stale = true;
      return;
    }
    loading = true;
    stale = false;
    client
      .query({ query: MISSIONS, fetchPolicy: "network-only" })
      .then(({ data }) => {
        if (!data) return;
        if (status.textContent === "Loading your missions…") say(status, "");
        if (data.missions.length === 0) {
          list.replaceChildren(h("p", {}, "No missions are running."));
          return;
        }
        list.replaceChildren(
          h(
            "table",
            {},
            h("caption", {}, "Your missions this period"),
            h(
              "tr",
              {},
              h("th", { scope: "col" }, "Mission"),
              h("th", { scope: "col" }, "Progress"),
              h("th", { scope: "col" }, "Period"),
              h("th", { scope: "col" }, "Reward"),
              h("th", { scope: "col" }, "State"),
              h("th", { scope: "col" }, "Claim"),
            ),
            ...data.missions.map(row),
          ),
        );
      })
      .catch((failure: unknown) => say(status, describeFailure(failure), "error"))
      .finally(() => {
        loading = false;
        if (stale) load();
      });
  };

  client.subscribe({ query: MISSION_EVENTS, fetchPolicy: "no-cache" }).subscribe({
    next: ({ data }) => {
      const type = data?.gameEvents.type;
      if (type === "MISSION_PROGRESS" || type === "MISSION_COMPLETED") load();
    },
    error: (failure: unknown) => say(status, `Live mission updates stopped: ${describeFailure(failure)}`, "error"),
  });
  window.addEventListener("hashchange", () => {
    if (location.hash === "#missions") load();
  });
  load();
  return section;
}
