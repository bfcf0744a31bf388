/**
 * What values cost on the V8 heap (64-bit, no pointer compression, as Node
 * ships), for `used_memory`, `maxmemory` and MEMORY USAGE. Redis reads its
 * allocator's counter; V8's own counter (heapUsed) includes garbage not yet
 * collected and moves with every young-generation collection, so enforcing a
 * limit on it would evict at random. The dataset is therefore accounted
 * structurally: every value's cost is estimated from its shape (element count,
 * table capacities, sampled element sizes) with constants measured against the
 * real heap (scripts/calibrate-memory.mjs; the test memory.test.ts checks the
 * estimate against a garbage-collected heap). String values are off-heap
 * (arena.ts) and counted exactly.
 */

/** A pointer-sized field or array slot. */
export const PTR = 8;
/**
 * A slot of an array grown by push: V8 grows capacity by half plus 16, so on
 * average a quarter more slots are allocated than used.
 */
export const PUSHED_SLOT = 10;
/** Header of a JS array's backing store (map + length). */
export const ARRAY_HEADER = 16;
/** A JS object with no in-object fields (map, properties, elements). */
export const OBJECT_HEADER = 24;
/** A boxed double (a timestamp outside the small-integer range, held in a Map). */
export const HEAP_NUMBER = 16;
/** A BigInt of one 64-bit digit... up to two (stream IDs are 128-bit). */
export const BIGINT_128 = 32;
/**
 * One entry of a JS Map (key, value, chain link: 3 slots, plus its share of the
 * bucket array), at the average fill of V8's power-of-two tables.
 */
export const MAP_ENTRY = 40;

/**
 * What one key costs the keyspace besides its name's string (MEMORY USAGE):
 * its slot record (16 bytes), its share of the key index (~16) and its two
 * per-slot array entries, key and cell (16).
 */
export const KEY_OVERHEAD = 48;

/**
 * An array grown by push to `n` elements: V8 allocates 16 slots at the first
 * push and grows capacity by half plus 16, so a big array has about a quarter
 * more slots than elements. An empty array shares V8's empty backing store.
 */
export function pushedArrayBytes(n: number): number {
  if (n === 0) return 0;
  return ARRAY_HEADER + PTR * (n <= 16 ? 16 : n + (n >> 2));
}

/**
 * A JS Map of `n` entries: the JSMap object and its OrderedHashMap (3 header
 * words, a bucket per two entries of capacity, 3 words per entry), capacity
 * the power of two at or above n (4 at least).
 */
export function mapBytes(n: number): number {
  let capacity = 4;
  while (capacity < n) capacity *= 2;
  return 32 + ARRAY_HEADER + PTR * (3 + capacity / 2 + 3 * capacity);
}

/** A flat one-byte JS string of `len` characters (header 16 bytes, 8-byte aligned). */
export function stringBytes(len: number): number {
  return (16 + len + 7) & ~7;
}

/**
 * The sum of `bytesAt(i)` over positions 0..end-1, read from at most `samples`
 * positions spread evenly (0: all of them) and scaled to `live` elements.
 * `bytesAt` returns -1 for a hole (a position holding no element).
 */
export function sampledSum(
  end: number,
  live: number,
  samples: number,
  bytesAt: (i: number) => number,
): number {
  if (live === 0) return 0;
  if (samples <= 0 || samples >= end) {
    let sum = 0;
    for (let i = 0; i < end; i++) {
      const b = bytesAt(i);
      if (b > 0) sum += b;
    }
    return sum;
  }
  let sum = 0;
  let seen = 0;
  // Evenly spread positions, probing forward past holes (bounded).
  for (let k = 0; k < samples; k++) {
    let pos = Math.floor((k * end) / samples);
    const stop = Math.min(end, pos + 64);
    for (; pos < stop; pos++) {
      const b = bytesAt(pos);
      if (b >= 0) {
        sum += b;
        seen++;
        break;
      }
    }
  }
  return seen === 0 ? 0 : Math.round((sum / seen) * live);
}

/**
 * The write path's estimate of an object: a full estimate (`memoryUsage` over
 * ACCOUNT_SAMPLES elements, or all of a small value) is re-taken when the element
 * count moved by more than a quarter since the last one, or every 32 writes;
 * in between the last estimate is scaled by the element count. Each write to a
 * collection therefore costs O(1) accounting however big the value is.
 */
export const ACCOUNT_SAMPLES = 8;
/** The MemCache object each accounted value carries. */
export const MEMCACHE_BYTES = OBJECT_HEADER + 3 * PTR;
const RESAMPLE_EVERY = 32;

export interface Accountable {
  elements(): number;
  memoryUsage(samples: number): number;
  memCache: MemCache | undefined;
}

export interface MemCache {
  bytes: number;
  count: number;
  ticks: number;
}

export function accountedBytes(o: Accountable): number {
  const n = o.elements();
  let c = o.memCache;
  if (
    c !== undefined &&
    ++c.ticks < RESAMPLE_EVERY &&
    n >= c.count - (c.count >> 2) &&
    n <= c.count + (c.count >> 2)
  ) {
    return c.count === 0 ? c.bytes : Math.round((c.bytes * n) / c.count);
  }
  const bytes = o.memoryUsage(n <= 16 ? 0 : ACCOUNT_SAMPLES) + MEMCACHE_BYTES;
  if (c === undefined) {
    c = { bytes, count: n, ticks: 0 };
    o.memCache = c;
  } else {
    c.bytes = bytes;
    c.count = n;
    c.ticks = 0;
  }
  return bytes;
}
