// Apollo Client 4 in Node, driven by tests/e2e/test_apollo_client.py against a real server.
//
// The test writes one JSON command a line on stdin — {"scenario": …, "url": …} — and reads
// one JSON report a line on stdout. The client is configured as an app would be: the
// default InMemoryCache with the exported possibleTypes.json, no type policies, no
// hand-written cache updates. Every HTTP exchange is recorded (was the document sent?
// which error codes came back?) so the test can tell a cache answer from a network one.
import { createHash, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";

import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from "@apollo/client";
import type { PossibleTypesMap } from "@apollo/client";
import { SetContextLink } from "@apollo/client/link/context";
import { PersistedQueryLink } from "@apollo/client/link/persisted-queries";

import { CATALOG, ME_GOLD, SIGNUP, SPIN } from "./documents.js";

const possibleTypesPath = process.argv[2];
if (!possibleTypesPath) {
  throw new Error("usage: node driver.js <path to possibleTypes.json>");
}
const possibleTypes = JSON.parse(readFileSync(possibleTypesPath, "utf8")) as PossibleTypesMap;

interface Exchange {
  operationName: string | null;
  sentDocument: boolean;
  sentHash: boolean;
  status: number;
  errorCodes: string[];
}

/** The network as the client sees it: where it points now, and what went over it. */
class Wire {
  exchanges: Exchange[] = [];

  constructor(public url: string) {}

  readonly fetch: typeof fetch = async (input, init) => {
    const body: unknown = typeof init?.body === "string" ? JSON.parse(init.body) : {};
    const sent = (body ?? {}) as {
      operationName?: string;
      query?: string;
      extensions?: { persistedQuery?: unknown };
    };
    const response = await fetch(input, init);
    const answer = (await response.clone().json()) as {
      errors?: { extensions?: { code?: string } }[];
    };
    this.exchanges.push({
      operationName: sent.operationName ?? null,
      sentDocument: typeof sent.query === "string",
      sentHash: sent.extensions?.persistedQuery !== undefined,
      status: response.status,
      errorCodes: (answer.errors ?? []).map((error) => error.extensions?.code ?? "?"),
    });
    return response;
  };
}

function authenticatedClient(wire: Wire, cache: InMemoryCache): {
  client: ApolloClient;
  setToken: (token: string) => void;
} {
  let token = "";
  const auth = new SetContextLink((previous) => ({
    headers: { ...previous.headers, ...(token ? { authorization: `Bearer ${token}` } : {}) },
  }));
  const http = new HttpLink({ uri: () => wire.url, fetch: wire.fetch });
  return {
    client: new ApolloClient({ cache, link: ApolloLink.from([auth, http]) }),
    setToken: (value) => {
      token = value;
    },
  };
}

async function signUp(client: ApolloClient): Promise<{ token: string; id: string; gold: number }> {
  const suffix = randomUUID().replaceAll("-", "").slice(0, 12);
  const { data } = await client.mutate({
    mutation: SIGNUP,
    variables: {
      input: {
        siteId: `ap_${suffix}`,
        nickname: `ap${suffix}`,
        password: "correct horse battery",
        inviteCode: "5858",
      },
    },
  });
  const signup = data?.signup;
  if (signup?.__typename !== "AuthPayload") {
    throw new Error(`signup refused: ${JSON.stringify(signup)}`);
  }
  return { token: signup.accessToken, id: signup.user.id, gold: signup.user.gold };
}

/** What the server says now, asked without Apollo (no cache on the way). */
async function serverGold(url: string, token: string): Promise<number> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: "{ me { gold } }" }),
  });
  const answer = (await response.json()) as { data: { me: { gold: number } } };
  return answer.data.me.gold;
}

/** C1: a spin's `player { id gold }` updates the cached `me { gold }` by itself. */
async function cacheUpdatesItself(url: string): Promise<object> {
  const wire = new Wire(url);
  const cache = new InMemoryCache({ possibleTypes });
  const { client, setToken } = authenticatedClient(wire, cache);
  const player = await signUp(client);
  setToken(player.token);
  const before = (await client.query({ query: ME_GOLD, fetchPolicy: "network-only" })).data;
  if (!before) throw new Error("me answered no data");
  // A spin that pays its stake back leaves the gold as it was; spin until it moves.
  const spins: string[] = [];
  let spinGold: number | null = null;
  for (let attempt = 0; attempt < 10 && spinGold === null; attempt++) {
    const { data } = await client.mutate({ mutation: SPIN, variables: { input: { stake: 10 } } });
    const spin = data?.slotSpin;
    if (spin?.__typename !== "SlotSpinSuccess") {
      throw new Error(`spin refused: ${JSON.stringify(spin)}`);
    }
    spins.push(`${spin.payout}→${spin.player.gold}`);
    if (spin.player.gold !== before.me.gold) spinGold = spin.player.gold;
  }
  const exchangesBefore = wire.exchanges.length;
  const cached = await client.query({ query: ME_GOLD, fetchPolicy: "cache-only" });
  const requestsForCacheRead = wire.exchanges.length - exchangesBefore;
  return {
    token: player.token,
    playerId: player.id,
    meId: before.me.id,
    goldBefore: before.me.gold,
    spins,
    spinGold,
    cachedGold: cached.data?.me.gold ?? null,
    requestsForCacheRead,
    serverGold: await serverGold(url, player.token),
    cacheKey: cache.identify({ __typename: "Player", id: before.me.id }) ?? null,
  };
}

/** C2: refusals arrive with `code` and `message` through `... on UserError`. */
async function typedErrors(url: string): Promise<object> {
  const report: Record<string, unknown> = {};
  for (const [label, cache] of [
    ["withPossibleTypes", new InMemoryCache({ possibleTypes })],
    ["withoutPossibleTypes", new InMemoryCache()],
  ] as const) {
    const { client, setToken } = authenticatedClient(new Wire(url), cache);
    const player = await signUp(client);
    setToken(player.token);
    const refusals = [];
    for (const stake of [1_000_000_000, 50_000]) {
      const { data } = await client.mutate({ mutation: SPIN, variables: { input: { stake } } });
      refusals.push(data?.slotSpin ?? null);
    }
    report[label] = refusals;
  }
  return report;
}

// C3: one client for the whole scenario, pointed at whichever server runs now, so the
// link's state (it remembers hashes, not what a server knows) outlives a restart.
const persistedWire = new Wire("");
const persistedClient = new ApolloClient({
  cache: new InMemoryCache({ possibleTypes }),
  link: ApolloLink.from([
    new PersistedQueryLink({
      sha256: (text) => createHash("sha256").update(text).digest("hex"),
    }),
    new HttpLink({ uri: () => persistedWire.url, fetch: persistedWire.fetch }),
  ]),
});

/** C3: Apollo's persisted-query link against this server, from wherever it is. */
async function persistedQuery(url: string): Promise<object> {
  persistedWire.url = url;
  persistedWire.exchanges = [];
  const { data } = await persistedClient.query({ query: CATALOG, fetchPolicy: "network-only" });
  return { products: data?.catalog.length ?? 0, exchanges: persistedWire.exchanges };
}

const scenarios: Record<string, (url: string) => Promise<object>> = {
  cache: cacheUpdatesItself,
  errors: typedErrors,
  persisted: persistedQuery,
};

for await (const line of createInterface({ input: process.stdin })) {
  const command = JSON.parse(line) as { scenario: string; url: string };
  let reply: object;
  try {
    const scenario = scenarios[command.scenario];
    if (!scenario) throw new Error(`unknown scenario ${command.scenario}`);
    reply = { ok: true, ...(await scenario(command.url)) };
  } catch (error) {
    reply = { ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  process.stdout.write(`${JSON.stringify(reply)}\n`);
}
