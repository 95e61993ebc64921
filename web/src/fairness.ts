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
