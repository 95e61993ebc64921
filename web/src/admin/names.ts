// Players' nicknames for the ids the monitor and the audit log carry (a MonitorEvent and
// an AuditEntry name a player by id only). Ids asked for within a moment go in one
// `nodes` request; answers are remembered for the page's life. An id that cannot be
// named (the request refused) is shown as the id itself.
import { client } from "../app.js";
import { PLAYER_NAMES } from "./documents.js";

const MAX_BATCH = 100; // nodes(ids) takes at most 100
const known = new Map<string, Promise<string>>();
let waiting: { id: string; settle: (name: string) => void }[] = [];

function flush(): void {
  const batch = waiting.splice(0, MAX_BATCH);
  if (waiting.length > 0) queueMicrotask(flush);
  client
    .query({ query: PLAYER_NAMES, variables: { ids: batch.map((w) => w.id) }, fetchPolicy: "network-only" })
    .then(({ data }) => {
      const names = new Map<string, string>();
      for (const node of data?.nodes ?? []) {
        if (node.__typename === "Player") names.set(node.id, node.nickname);
      }
      for (const w of batch) w.settle(names.get(w.id) ?? w.id);
    })
    .catch(() => {
      for (const w of batch) {
        known.delete(w.id); // asked again next time
        w.settle(w.id);
      }
    });
}

export function playerName(id: string): Promise<string> {
  let name = known.get(id);
  if (name === undefined) {
    name = new Promise<string>((settle) => {
      if (waiting.length === 0) setTimeout(flush, 20);
      waiting.push({ id, settle });
    });
    known.set(id, name);
  }
  return name;
}

/** An element that shows the player's id until their nickname is known. */
export function fillName(element: HTMLElement, id: string): HTMLElement {
  element.textContent = id;
  element.dataset["userId"] = id;
  void playerName(id).then((name) => {
    element.textContent = name;
  });
  return element;
}
