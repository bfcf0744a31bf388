/**
 * MurmurHash64A (Austin Appleby's MurmurHash2, 64-bit), as Redis's
 * hyperloglog.c computes it: little-endian 8-byte blocks whatever the host, so
 * the same bytes hash the same on every machine. JS has no 64-bit integers
 * short of BigInt, which is too slow for PFADD's hot path, so the 64-bit state
 * is kept as two unsigned 32-bit halves and multiplied in 16-bit limbs.
 *
 * The result is written into `out` as [low 32 bits, high 32 bits] (unsigned),
 * to avoid an allocation per hash.
 */

/** The multiplier 0xc6a4a7935bd1e995 as 32-bit halves. */
const M_LO = 0x5bd1e995;
const M_HI = 0xc6a4a793;

let mulLo = 0;
let mulHi = 0;

/**
 * (aHi:aLo) * (bHi:bLo) mod 2^64, into mulHi:mulLo, in 16-bit limbs so that
 * every partial product and sum stays below 2^32 (int arithmetic for V8).
 */
function mul64(aHi: number, aLo: number, bHi: number, bLo: number): void {
  const a48 = aHi >>> 16;
  const a32 = aHi & 0xffff;
  const a16 = aLo >>> 16;
  const a00 = aLo & 0xffff;
  const b48 = bHi >>> 16;
  const b32 = bHi & 0xffff;
  const b16 = bLo >>> 16;
  const b00 = bLo & 0xffff;
  let c00 = a00 * b00;
  let c16 = c00 >>> 16;
  c00 &= 0xffff;
  c16 += a16 * b00;
  let c32 = c16 >>> 16;
  c16 &= 0xffff;
  c16 += a00 * b16;
  c32 += c16 >>> 16;
  c16 &= 0xffff;
  c32 += a32 * b00;
  let c48 = c32 >>> 16;
  c32 &= 0xffff;
  c32 += a16 * b16;
  c48 += c32 >>> 16;
  c32 &= 0xffff;
  c32 += a00 * b32;
  c48 += c32 >>> 16;
  c32 &= 0xffff;
  c48 += Math.imul(a48, b00) + Math.imul(a32, b16) + Math.imul(a16, b32) + Math.imul(a00, b48);
  c48 &= 0xffff;
  mulLo = ((c16 << 16) | c00) >>> 0;
  mulHi = ((c48 << 16) | c32) >>> 0;
}

/** Redis's HyperLogLog seed. */
export const HLL_SEED = 0xadc83b19;

/**
 * MurmurHash64A of `data[start, start + len)` with a 32-bit `seed` (C `unsigned
 * int`), into `out` = [lo, hi].
 */
export function murmurHash64A(
  data: Uint8Array,
  start: number,
  len: number,
  seed: number,
  out: Uint32Array | number[],
): void {
  // h = seed ^ (len * m)
  mul64(0, len >>> 0, M_HI, M_LO);
  let hLo = (mulLo ^ seed) >>> 0;
  let hHi = mulHi;
  const end = start + (len - (len & 7));
  let p = start;
  while (p !== end) {
    let kLo =
      ((data[p] as number) |
        ((data[p + 1] as number) << 8) |
        ((data[p + 2] as number) << 16) |
        ((data[p + 3] as number) << 24)) >>>
      0;
    let kHi =
      ((data[p + 4] as number) |
        ((data[p + 5] as number) << 8) |
        ((data[p + 6] as number) << 16) |
        ((data[p + 7] as number) << 24)) >>>
      0;
    // k *= m; k ^= k >> 47; k *= m;
    mul64(kHi, kLo, M_HI, M_LO);
    kLo = (mulLo ^ (mulHi >>> 15)) >>> 0;
    kHi = mulHi;
    mul64(kHi, kLo, M_HI, M_LO);
    // h ^= k; h *= m;
    mul64((hHi ^ mulHi) >>> 0, (hLo ^ mulLo) >>> 0, M_HI, M_LO);
    hLo = mulLo;
    hHi = mulHi;
    p += 8;
  }
  const rest = len & 7;
  if (rest !== 0) {
    // The tail, as the C switch falls through from case 7 down to case 1.
    if (rest >= 7) hHi ^= (data[p + 6] as number) << 16;
    if (rest >= 6) hHi ^= (data[p + 5] as number) << 8;
    if (rest >= 5) hHi ^= data[p + 4] as number;
    if (rest >= 4) hLo ^= (data[p + 3] as number) << 24;
    if (rest >= 3) hLo ^= (data[p + 2] as number) << 16;
    if (rest >= 2) hLo ^= (data[p + 1] as number) << 8;
    hLo ^= data[p] as number;
    mul64(hHi >>> 0, hLo >>> 0, M_HI, M_LO);
    hLo = mulLo;
    hHi = mulHi;
  }
  // h ^= h >> r; h *= m; h ^= h >> r;
  hLo = (hLo ^ (hHi >>> 15)) >>> 0;
  mul64(hHi, hLo, M_HI, M_LO);
  hLo = (mulLo ^ (mulHi >>> 15)) >>> 0;
  hHi = mulHi;
  out[0] = hLo;
  out[1] = hHi;
}
