// Rock-paper-scissors: the published odds, a move, and a verification of the server's move
// in the browser (docs/FAIRNESS.md: the uniform choice of float 0 among ROCK, PAPER, SCISSORS).
import { client } from "../app.js";
import { RPS_CONFIG, RPS_PLAY } from "../documents.js";
import { field, gold, h, input, percent, say } from "../dom.js";
import { describe, describeFailure } from "../errors.js";
import { RPS_MOVES, type RpsMoveName, rpsOutcome, rpsServerMove } from "../fairness.js";
import type { RpsConfigQuery, RpsPlayMutation } from "../generated/operations.js";
import { compared, verifier } from "../verify.js";

type Config = RpsConfigQuery["rpsConfig"];
type Play = Extract<RpsPlayMutation["rpsPlay"], { __typename: "RpsPlaySuccess" }>;

const NAMES: Record<RpsMoveName, string> = { ROCK: "Rock", PAPER: "Paper", SCISSORS: "Scissors" };

function odds(config: Config): HTMLElement {
  return h(
    "details",
    { open: "" },
    h("summary", {}, "Published odds"),
    h(
      "p",
      { id: "rps-rtp" },
      `The server's move is rock, paper or scissors, each a third of the time. A win pays ${config.winMultiplier}× the stake, ` +
        `a draw ${config.drawMultiplier}× (the stake back), a loss nothing: return to player ${percent(config.rtp)}.`,
    ),
  );
}

function playVerifier(play: Play): HTMLElement {
  const { clientSeed, nonce } = play.fairness;
  const said = (serverMove: RpsMoveName, outcome: string): string => `${serverMove} (${outcome})`;
  return verifier(play.fairness, "round", "rps-", async (serverSeed) => {
    const serverMove = await rpsServerMove(serverSeed, clientSeed, nonce);
    return compared("server move", said(serverMove, rpsOutcome(play.move, serverMove)), said(play.serverMove, play.outcome));
  });
}

export function rpsScreen(): HTMLElement {
  const section = h("section", { id: "rps", "aria-labelledby": "rps-title" }, h("h2", { id: "rps-title" }, "Rock-paper-scissors"));
  const status = h("p", { class: "status", role: "status", "aria-live": "polite" }, "Loading the odds…");
  section.append(status);
  client
    .query({ query: RPS_CONFIG })
    .then(({ data }) => {
      if (!data) return;
      const config = data.rpsConfig;
      say(status, "");
      const stake = input({ id: "rps-stake", name: "stake", type: "number", min: String(config.minStake), max: String(config.maxStake), value: String(config.minStake), required: "" });
      const result = h("div", { id: "rps-result", "aria-live": "polite" });
      const play = (move: RpsMoveName): void => {
        say(status, "Playing…");
        client
          .mutate({ mutation: RPS_PLAY, variables: { input: { stake: stake.value, move, idempotencyKey: crypto.randomUUID() } } })
          .then(({ data: played }) => {
            const answer = played?.rpsPlay;
            if (answer?.__typename !== "RpsPlaySuccess") {
              if (answer) say(status, describe(answer), "error");
              return;
            }
            say(status, "");
            const ending = { WIN: `you won ${gold(answer.payout)}.`, DRAW: `a draw: ${gold(answer.payout)} back.`, LOSS: "you lost." }[answer.outcome];
            result.replaceChildren(
              h("p", { id: "rps-outcome", "data-server-move": answer.serverMove, "data-outcome": answer.outcome }, `You played ${NAMES[answer.move]}, the server ${NAMES[answer.serverMove]}: ${ending}`),
              h("p", { class: "quiet" }, `Seed hash ${answer.fairness.serverSeedHash}, client seed "${answer.fairness.clientSeed}", nonce ${answer.fairness.nonce}.`),
              playVerifier(answer),
            );
          })
          .catch((failure: unknown) => say(status, describeFailure(failure), "error"));
      };
      const form = h("form", { id: "rps-form" }, field(`Stake (${gold(config.minStake)} – ${gold(config.maxStake)})`, stake));
      for (const move of RPS_MOVES) {
        const button = h("button", { type: "button", id: `rps-${move.toLowerCase()}` }, `Play ${NAMES[move]}`);
        button.addEventListener("click", () => {
          if (form.reportValidity()) play(move);
        });
        form.append(button);
      }
      form.addEventListener("submit", (event) => event.preventDefault());
      section.append(odds(config), form, result);
    })
    .catch((failure: unknown) => say(status, describeFailure(failure), "error"));
  return section;
}
