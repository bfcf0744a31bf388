/** A fast non-cryptographic PRNG (xorshift32) for sampling: RANDOMKEY, eviction, SPOP... */
let seed = (Date.now() ^ (process.pid << 16)) >>> 0 || 0x9e3779b9;

export function randomUint32(): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  seed >>>= 0;
  return seed;
}

/** A uniform-enough integer in [0, n) for n < 2^32. */
export function randomInt(n: number): number {
  return n <= 0x100000000 ? Math.floor((randomUint32() / 0x100000000) * n) : Math.floor(Math.random() * n);
}
