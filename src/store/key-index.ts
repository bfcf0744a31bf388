/**
 * The keyspace index: key -> slot, as an open-addressing hash table in one
 * Int32Array of [hash, slot + 1] pairs (linear probing, backward-shift deletion,
 * load factor at most 1/2). Compared with a JS Map it stores 8-16 bytes per key
 * instead of ~30 and a lookup touches one table cell, then compares the key only
 * when the stored 32-bit hash matches. Keys are hashed with a keyed HalfSipHash
 * (util/hash.ts), so chosen key names cannot flood one bucket.
 */
import { hashKey } from '../util/hash.js';

const MIN_BUCKETS = 16;

export class KeyIndex {
  private tab: Int32Array = new Int32Array(MIN_BUCKETS * 2);
  private mask = MIN_BUCKETS - 1;
  size = 0;

  /** `keys[slot]` is the key stored at a slot (owned by the database). */
  constructor(private readonly keys: readonly (string | undefined)[]) {}

  /** Bytes of the table (MEMORY STATS, used_memory). */
  get byteLength(): number {
    return (this.mask + 1) * 8;
  }

  get(key: string): number | undefined {
    const i = this.bucketOf(key);
    return i === -1 ? undefined : (this.tab[2 * i + 1] as number) - 1;
  }

  /** The bucket holding `key`, or -1. */
  private bucketOf(key: string): number {
    const h = hashKey(key);
    const tab = this.tab;
    const mask = this.mask;
    let i = h & mask;
    for (;;) {
      const s = tab[2 * i + 1] as number;
      if (s === 0) return -1;
      if (tab[2 * i] === h && this.keys[s - 1] === key) return i;
      i = (i + 1) & mask;
    }
  }

  /** Map a key that is not in the index to `slot`. */
  add(key: string, slot: number): void {
    if ((this.size + 1) * 2 > this.mask + 1) this.resize((this.mask + 1) * 2);
    this.place(hashKey(key), slot);
    this.size++;
  }

  private place(h: number, slot: number): void {
    const tab = this.tab;
    const mask = this.mask;
    let i = h & mask;
    while (tab[2 * i + 1] !== 0) i = (i + 1) & mask;
    tab[2 * i] = h;
    tab[2 * i + 1] = slot + 1;
  }

  /** Remove a key; true if it was present. */
  delete(key: string): boolean {
    let i = this.bucketOf(key);
    if (i === -1) return false;
    const tab = this.tab;
    const mask = this.mask;
    // Backward-shift deletion: pull later entries of the probe run into the hole
    // unless their home bucket lies cyclically in (hole, position].
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      if (tab[2 * j + 1] === 0) break;
      const home = (tab[2 * j] as number) & mask;
      const stays = i <= j ? i < home && home <= j : i < home || home <= j;
      if (stays) continue;
      tab[2 * i] = tab[2 * j] as number;
      tab[2 * i + 1] = tab[2 * j + 1] as number;
      i = j;
    }
    tab[2 * i] = 0;
    tab[2 * i + 1] = 0;
    this.size--;
    if (this.mask + 1 > MIN_BUCKETS && this.size * 8 < this.mask + 1) this.resize((this.mask + 1) / 2);
    return true;
  }

  private resize(buckets: number): void {
    const old = this.tab;
    this.tab = new Int32Array(buckets * 2);
    this.mask = buckets - 1;
    for (let i = 0; i < old.length; i += 2) {
      const s = old[i + 1] as number;
      if (s !== 0) this.place(old[i] as number, s - 1);
    }
  }
}
