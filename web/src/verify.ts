// The verify flow every game shares: find the round's server seed among those already
// revealed (me.revealedSeeds), or reveal it (rotateServerSeed) if it is still the active
// one, then recompute the shown outcome in the browser from it (fairness.ts)
// and say plainly whether it matches. The seed stays editable, so a tampered one can be
// seen to fail.
import { client } from "./app.js";
import { MY_SEEDS, ROTATE_SERVER_SEED } from "./documents.js";
import { field, h, input, say } from "./dom.js";
import { describe, describeFailure } from "./errors.js";
import { seedHash } from "./fairness.js";

export interface Proof {
  serverSeedHash: string;
  clientSeed: string;
  nonce: number;
}

/** What a game recomputed from a seed: whether it matches what the server showed, and how. */
export interface Recomputed {
  matches: boolean;
  /** One sentence, e.g. `Recomputed roll 31.28 matches the shown 31.28.` */
  detail: string;
}

/** Seeds revealed in this page, by their hash: shared by every game, since they share the
 * player's seed and nonce; a seed is rotated once, then reused. */
const revealed = new Map<string, string>();

/** The Verify button, the revealed (editable) seed and the verdict. `prefix` keeps the ids
 * of each screen's verifier apart (slots has none: `#verify`, `#verdict`, …). */
export function verifier(
  proof: Proof,
  noun: string,
  prefix: string,
  recompute: (serverSeed: string) => Promise<Recomputed>,
): HTMLElement {
  const verdict = h("p", { id: `${prefix}verdict`, role: "status", "aria-live": "polite" });
  const seedInput = input({ id: `${prefix}verify-seed`, name: "serverSeed", size: "70", spellcheck: "false", autocomplete: "off" });
  const check = h("button", { type: "submit", id: `${prefix}check-seed` }, "Verify with this seed");
  const seedForm = h("form", { class: "seed", hidden: "" }, field("Revealed server seed (edit it to see a tampered seed fail)", seedInput), check);

  const compare = async (serverSeed: string): Promise<void> => {
    const hash = await seedHash(serverSeed);
    if (hash === null) {
      say(verdict, "Does not match: a server seed is 64 lowercase hex characters.", "error");
      return;
    }
    const hashMatches = hash === proof.serverSeedHash;
    const outcome = await recompute(serverSeed);
    const ok = hashMatches && outcome.matches;
    say(
      verdict,
      `${ok ? "Verified: matches." : "Does not match."} ` +
        `Seed hash ${hashMatches ? "matches" : "does not match"} the one published before the ${noun}. ` +
        `${outcome.detail}; client seed "${proof.clientSeed}", nonce ${proof.nonce}.`,
      ok ? "info" : "error",
    );
  };

  const verify = h("button", { type: "button", id: `${prefix}verify` }, `Verify this ${noun}`);
  verify.addEventListener("click", () => {
    void (async () => {
      let seed = revealed.get(proof.serverSeedHash);
      let active = true;
      if (seed === undefined) {
        try {
          const { data } = await client.query({ query: MY_SEEDS, fetchPolicy: "network-only" });
          for (const old of data?.me.revealedSeeds ?? []) revealed.set(old.serverSeedHash, old.serverSeed);
          active = data?.me.fairness.serverSeedHash === proof.serverSeedHash;
        } catch (failure) {
          say(verdict, describeFailure(failure), "error");
          return;
        }
        seed = revealed.get(proof.serverSeedHash);
      }
      if (seed === undefined && active) {
        say(verdict, "Revealing the server seed (it is then replaced by a new one)…");
        try {
          const { data } = await client.mutate({ mutation: ROTATE_SERVER_SEED, variables: { input: {} } });
          const answer = data?.rotateServerSeed;
          if (answer?.__typename !== "ServerSeedRotated") {
            if (answer) say(verdict, describe(answer), "error");
            return;
          }
          revealed.set(answer.revealed.serverSeedHash, answer.revealed.serverSeed);
        } catch (failure) {
          say(verdict, describeFailure(failure), "error");
          return;
        }
        seed = revealed.get(proof.serverSeedHash);
      }
      if (seed === undefined) {
        say(verdict, `This ${noun}'s seed is not among your revealed seeds; verify it with the seed you noted, below.`, "error");
        seed = "";
      }
      seedInput.value = seed;
      seedForm.hidden = false;
      if (seed) await compare(seed);
    })();
  });
  seedForm.addEventListener("submit", (event) => {
    event.preventDefault();
    void compare(seedInput.value.trim());
  });
  return h("div", { class: "verify" }, verify, seedForm, verdict);
}

/** The sentence for one recomputed value against the shown one. */
export function compared(what: string, recomputed: string, shown: string): Recomputed {
  const matches = recomputed === shown;
  return { matches, detail: `Recomputed ${what} ${recomputed} ${matches ? "matches" : "does not match"} the shown ${shown}` };
}
