// Fairness seeds: the seed pair the next bet will use (the server seed's hash, published
// before any bet on it, the client seed and the nonce), setting the client seed, rotating
// the server seed (which reveals it), and every seed revealed so far with its hash
// recomputed here: with a revealed seed, any round it decided can be verified.
import { client } from "../app.js";
import { MY_SEEDS, ROTATE_SEED_PAIR, SET_CLIENT_SEED } from "../documents.js";
import { field, h, input, say } from "../dom.js";
import { describe, describeFailure, when } from "../errors.js";
import { seedHash } from "../fairness.js";
import type { RevealedSeedFieldsFragment, SeedPairFieldsFragment } from "../generated/operations.js";

function pairView(pair: SeedPairFieldsFragment): HTMLElement {
  return h(
    "dl",
    { id: "seed-pair" },
    h("dt", {}, "Server seed hash (SHA-256, published before your bets)"),
    h("dd", { id: "current-hash", class: "mono" }, pair.serverSeedHash),
    h("dt", {}, "Client seed"),
    h("dd", { id: "current-client-seed", class: "mono" }, pair.clientSeed),
    h("dt", {}, "Next nonce (bets made on this pair)"),
    h("dd", { id: "current-nonce" }, pair.nonce),
  );
}

function revealedRow(seed: RevealedSeedFieldsFragment): HTMLTableRowElement {
  const check = h("td", { class: "seed-check" }, "checking…");
  void seedHash(seed.serverSeed).then((hash) => {
    check.textContent = hash === seed.serverSeedHash ? "SHA-256 of the seed matches the published hash" : "Does not match the published hash!";
    if (hash !== seed.serverSeedHash) check.className = "status error";
  });
  return h(
    "tr",
    { "data-hash": seed.serverSeedHash },
    h("td", {}, when(seed.revealedAt)),
    h("td", { class: "mono" }, seed.serverSeedHash),
    h("td", { class: "mono revealed-seed" }, seed.serverSeed),
    h("td", { class: "mono" }, seed.clientSeed),
    h("td", {}, seed.rounds === 0 ? "none" : `0 – ${seed.rounds - 1}`),
    check,
  );
}

export function seedsScreen(): HTMLElement {
  const section = h(
    "section",
    { id: "seeds", "aria-labelledby": "seeds-title" },
    h("h2", { id: "seeds-title" }, "Fairness seeds"),
    h(
      "p",
      {},
      "Every outcome is computed from the server seed, your client seed and the nonce. The server seed stays secret " +
        "until you rotate it; its hash, shown now, lets you check afterwards that it was not changed.",
    ),
  );
  const status = h("p", { id: "seeds-status", class: "status", role: "status", "aria-live": "polite" }, "Loading your seeds…");
  const pairArea = h("div", { id: "seed-pair-area" });
  const body = h("tbody", { id: "revealed-seeds" });
  const table = h(
    "table",
    {},
    h("caption", {}, "Revealed server seeds, newest first"),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        ...["Revealed", "Hash published before", "Server seed", "Client seed", "Nonces used", "Check"].map((t) => h("th", { scope: "col" }, t)),
      ),
    ),
    body,
  );
  const none = h("p", { id: "no-revealed" }, "No seed revealed yet: rotate to reveal the current one.");

  const clientSeed = input({ id: "client-seed", name: "clientSeed", required: "", maxlength: "64", autocomplete: "off", spellcheck: "false" });
  const seedForm = h(
    "form",
    { id: "client-seed-form" },
    field("New client seed (1–64 printable characters)", clientSeed),
    h("button", { type: "submit", id: "set-client-seed" }, "Set client seed"),
  );
  const rotateForm = h(
    "form",
    { id: "rotate-form" },
    h("p", {}, "Rotating reveals the current server seed (so every round it decided can be checked) and starts a new one; the nonce starts again at 0."),
    h("button", { type: "submit", id: "rotate-seed" }, "Rotate server seed"),
  );

  const show = (pair: SeedPairFieldsFragment, revealed: readonly RevealedSeedFieldsFragment[]): void => {
    pairArea.replaceChildren(pairView(pair));
    body.replaceChildren(...revealed.map(revealedRow));
    none.hidden = revealed.length > 0;
    table.hidden = revealed.length === 0;
  };
  const load = (): Promise<void> =>
    client.query({ query: MY_SEEDS, fetchPolicy: "network-only" }).then(({ data }) => {
      if (data) show(data.me.fairness, data.me.revealedSeeds);
    });

  seedForm.addEventListener("submit", (event) => {
    event.preventDefault();
    say(status, "Setting the client seed…");
    client
      .mutate({ mutation: SET_CLIENT_SEED, variables: { input: { clientSeed: clientSeed.value } } })
      .then(({ data }) => {
        const answer = data?.setClientSeed;
        if (!answer) return;
        if (answer.__typename !== "FairnessUpdated") {
          say(status, describe(answer), "error");
          return;
        }
        pairArea.replaceChildren(pairView(answer.fairness));
        say(status, `Client seed set to "${answer.fairness.clientSeed}"; your next bet uses it.`);
      })
      .catch((failure: unknown) => say(status, describeFailure(failure), "error"));
  });
  rotateForm.addEventListener("submit", (event) => {
    event.preventDefault();
    say(status, "Rotating…");
    client
      .mutate({ mutation: ROTATE_SEED_PAIR, variables: { input: {} } })
      .then(async ({ data }) => {
        const answer = data?.rotateServerSeed;
        if (!answer) return;
        if (answer.__typename !== "ServerSeedRotated") {
          say(status, describe(answer), "error");
          return;
        }
        await load();
        say(status, `Revealed the seed of hash ${answer.revealed.serverSeedHash.slice(0, 16)}…; a new server seed is in force.`);
      })
      .catch((failure: unknown) => say(status, describeFailure(failure), "error"));
  });

  section.append(status, pairArea, seedForm, rotateForm, h("h3", {}, "Revealed seeds"), none, table);
  load()
    .then(() => say(status, ""))
    .catch((failure: unknown) => say(status, describeFailure(failure), "error"));
  return section;
}
