// The provably fair stream (docs/FAIRNESS.md, SPEC §6.1), recomputed in the browser with
// WebCrypto: nothing here trusts the server beyond the seeds it revealed.
//   block(c) = HMAC_SHA256(key = server seed's 32 raw bytes, msg = UTF-8 "{client}:{nonce}:{c}")
//   float j  = uint32_be(block(⌊j/8⌋)[4·(j mod 8) … +4]) / 2^32

const TWO_32 = 2 ** 32;

function hexBytes(hex: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[0-9a-f]{64}$/.test(hex)) return null;
  const bytes = new Uint8Array(32);
  for (let i = 0; i < 32; i++) bytes[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

function toHex(buffer: ArrayBuffer): string {
  return Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Lowercase hex SHA-256 of the seed's raw bytes (what `serverSeedHash` publishes), or
 * null when the text is not 64 lowercase hex characters. */
export async function seedHash(serverSeedHex: string): Promise<string | null> {
  const bytes = hexBytes(serverSeedHex);
  if (bytes === null) return null;
  return toHex(await crypto.subtle.digest("SHA-256", bytes));
}

/** The stream's first `count` floats, each as its integer u (the float is u / 2^32). */
export async function streamUints(
  serverSeedHex: string,
  clientSeed: string,
  nonce: number,
  count: number,
): Promise<number[]> {
  const bytes = hexBytes(serverSeedHex);
  if (bytes === null) throw new Error("a server seed is 64 lowercase hex characters");
  const key = await crypto.subtle.importKey("raw", bytes, { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  const encoder = new TextEncoder();
  const out: number[] = [];
  let block: DataView | null = null;
  for (let j = 0; j < count; j++) {
    if (j % 8 === 0) {
      const message = encoder.encode(`${clientSeed}:${nonce}:${Math.floor(j / 8)}`);
      block = new DataView(await crypto.subtle.sign("HMAC", key, message));
    }
    out.push((block as DataView).getUint32(4 * (j % 8), false));
  }
  return out;
}

/** The first i with u·W < (w₁+…+wᵢ)·2^32, in exact integers (BigInt). */
export function weightedChoice(u: number, weights: readonly number[]): number {
  const total = BigInt(weights.reduce((sum, w) => sum + w, 0));
  const scaled = BigInt(u) * total;
  let cumulative = 0n;
  for (const [i, w] of weights.entries()) {
    cumulative += BigInt(w);
    if (scaled < cumulative * BigInt(TWO_32)) return i;
  }
  throw new Error("u must be below 2^32");
}

/** Slots: reel k is the weighted choice of float k over the published strip. */
export async function slotReels<S>(
  serverSeedHex: string,
  clientSeed: string,
  nonce: number,
  strip: readonly { symbol: S; weight: number }[],
): Promise<S[]> {
  const uints = await streamUints(serverSeedHex, clientSeed, nonce, 3);
  const weights = strip.map((entry) => entry.weight);
  return uints.map((u) => {
    const entry = strip[weightedChoice(u, weights)];
    if (entry === undefined) throw new Error("empty strip");
    return entry.symbol;
  });
}

/** A uniform choice among n: ⌊u·n / 2^32⌋, counting from 0. */
export function uniformChoice(u: number, n: number): number {
  return Number((BigInt(u) * BigInt(n)) / BigInt(TWO_32));
}

/** The first float's u: every game but slots and gacha reads only float 0. */
async function firstUint(serverSeedHex: string, clientSeed: string, nonce: number): Promise<number> {
  const [u] = await streamUints(serverSeedHex, clientSeed, nonce, 1);
  if (u === undefined) throw new Error("no float");
  return u;
}

/** Dice: the roll in hundredths, ⌊X·10000⌋ = ⌊u·10000 / 2^32⌋ (0–9999, i.e. 0.00–99.99). */
export async function diceRollHundredths(serverSeedHex: string, clientSeed: string, nonce: number): Promise<number> {
  return uniformChoice(await firstUint(serverSeedHex, clientSeed, nonce), 10_000);
}

/** Dice: UNDER c wins when roll < c, OVER c when roll ≥ 100 − c (all in hundredths). */
export function diceWins(rollHundredths: number, chanceHundredths: number, direction: "UNDER" | "OVER"): boolean {
  return direction === "UNDER" ? rollHundredths < chanceHundredths : rollHundredths >= 10_000 - chanceHundredths;
}

export const RPS_MOVES = ["ROCK", "PAPER", "SCISSORS"] as const;
export type RpsMoveName = (typeof RPS_MOVES)[number];

/** Rock-paper-scissors: the server's move is the uniform choice of float 0 among the three. */
export async function rpsServerMove(serverSeedHex: string, clientSeed: string, nonce: number): Promise<RpsMoveName> {
  const move = RPS_MOVES[uniformChoice(await firstUint(serverSeedHex, clientSeed, nonce), 3)];
  if (move === undefined) throw new Error("u must be below 2^32");
  return move;
}

/** Rock-paper-scissors: how the round ends for the player (each move beats the one before it). */
export function rpsOutcome(move: RpsMoveName, serverMove: RpsMoveName): "WIN" | "DRAW" | "LOSS" {
  if (move === serverMove) return "DRAW";
  return (RPS_MOVES.indexOf(move) + 2) % 3 === RPS_MOVES.indexOf(serverMove) ? "WIN" : "LOSS";
}

/** Wheel: the segment is the weighted choice of float 0 over the published weights, in order. */
export async function wheelSegment(
  serverSeedHex: string,
  clientSeed: string,
  nonce: number,
  weights: readonly number[],
): Promise<number> {
  return weightedChoice(await firstUint(serverSeedHex, clientSeed, nonce), weights);
}

/** Crash: the crash point in hundredths, max(100, ⌊99·2^32 / (2^32 − u)⌋), in exact integers. */
export async function crashPointHundredths(serverSeedHex: string, clientSeed: string, nonce: number): Promise<number> {
  const u = BigInt(await firstUint(serverSeedHex, clientSeed, nonce));
  const two32 = BigInt(TWO_32);
  const point = (99n * two32) / (two32 - u);
  return Number(point > 100n ? point : 100n);
}

/** A gacha rarity as published: its weight (basis points) and its items' ids. */
export interface GachaRarity {
  rarity: string;
  weight: number;
  itemIds: readonly string[];
}

/** Gacha: pull k's item from float k (docs/FAIRNESS.md). The rarity is the weighted choice
 * over the rarities, best first (on a pity pull over LEGENDARY and EPIC alone), and the item
 * is the float's place inside that rarity's interval scaled to its items ordered by id,
 * ⌊(u·W − L·2^32)·n / (w·2^32)⌋; a sold-out (downgraded) roll is COMMON item ⌊u·n / 2^32⌋. */
export function gachaItem(u: number, rarities: readonly GachaRarity[], pity: boolean, downgraded: boolean): string {
  const byId = (ids: readonly string[]): string[] => [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (downgraded) {
    const common = byId(rarities.find((r) => r.rarity === "COMMON")?.itemIds ?? []);
    const item = common[uniformChoice(u, common.length)];
    if (item === undefined) throw new Error("no COMMON items");
    return item;
  }
  const order = pity ? rarities.filter((r) => r.rarity === "LEGENDARY" || r.rarity === "EPIC") : rarities;
  const two32 = BigInt(TWO_32);
  const scaled = BigInt(u) * BigInt(order.reduce((sum, r) => sum + r.weight, 0));
  let low = 0n;
  for (const rarity of order) {
    const width = BigInt(rarity.weight) * two32;
    if (scaled < low + width) {
      const pool = byId(rarity.itemIds);
      const item = pool[Number(((scaled - low) * BigInt(pool.length)) / width)];
      if (item === undefined) throw new Error(`no ${rarity.rarity} items`);
      return item;
    }
    low += width;
  }
  throw new Error("u must be below 2^32");
}

