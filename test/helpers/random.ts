/** Seeded randomness for tests, so a failing randomized run can be replayed from its seed. */

/** mulberry32: a small, fast seeded PRNG returning floats in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The seed from environment variable `name` (to replay a failure), or a fresh random one. */
export function testSeed(name = 'REDOUBT_SEED'): number {
  const env = process.env[name];
  return env !== undefined && env !== '' ? Number(env) : Math.floor(Math.random() * 2 ** 31);
}
