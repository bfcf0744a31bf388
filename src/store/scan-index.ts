/**
 * A chained hash table over keyspace entries that exists only for SCAN, RANDOMKEY
 * and eviction sampling; lookups go through a JS Map. Each entry gets a random
 * 30-bit tag at insertion that picks its bucket, so no key is ever hashed in JS.
 *
 * SCAN uses Redis's reverse-binary cursor: every element present for the whole scan
 * is returned at least once even when the table grows or shrinks between calls.
 */
export interface Linked {
  tag: number;
  next: Linked | null;
}

const MIN_SIZE = 4;

let seed = (Date.now() ^ (process.pid << 16)) >>> 0 || 0x9e3779b9;
/** xorshift32, enough for bucket placement and sampling. */
export function randomTag(): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  seed >>>= 0;
  return seed & 0x3fffffff;
}

export class ScanIndex<E extends Linked> {
  private table: (E | null)[] = new Array<E | null>(MIN_SIZE).fill(null);
  private mask = MIN_SIZE - 1;
  size = 0;

  add(e: E): void {
    const i = e.tag & this.mask;
    e.next = this.table[i] as E | null;
    this.table[i] = e;
    if (++this.size > this.table.length) this.resize(this.table.length * 2);
  }

  remove(e: E): void {
    const i = e.tag & this.mask;
    let cur = this.table[i] as E | null;
    let prev: E | null = null;
    while (cur !== null) {
      if (cur === e) {
        if (prev === null) this.table[i] = cur.next as E | null;
        else prev.next = cur.next;
        e.next = null;
        this.size--;
        if (this.table.length > MIN_SIZE && this.size * 8 < this.table.length) this.shrink();
        return;
      }
      prev = cur;
      cur = cur.next as E | null;
    }
  }

  clear(): void {
    this.table = new Array<E | null>(MIN_SIZE).fill(null);
    this.mask = MIN_SIZE - 1;
    this.size = 0;
  }

  private shrink(): void {
    let n = MIN_SIZE;
    while (n < this.size) n *= 2;
    if (n < this.table.length) this.resize(n);
  }

  private resize(n: number): void {
    const old = this.table;
    const table = new Array<E | null>(n).fill(null);
    const mask = n - 1;
    for (let i = 0; i < old.length; i++) {
      let cur = old[i] as E | null;
      while (cur !== null) {
        const next = cur.next as E | null;
        const j = cur.tag & mask;
        cur.next = table[j] as E | null;
        table[j] = cur;
        cur = next;
      }
    }
    this.table = table;
    this.mask = mask;
  }

  /**
   * Push the bucket at `cursor` to `out` and return the next cursor (0 when done), exactly
   * as Redis's dictScan does for a single table.
   */
  scanStep(cursor: number, out: E[]): number {
    const mask = this.mask;
    for (let cur = this.table[cursor & mask] as E | null; cur !== null; cur = cur.next as E | null)
      out.push(cur);
    // Increment the reversed cursor over the unmasked bits.
    let v = (cursor | ~mask) >>> 0;
    v = reverseBits(v);
    v = (v + 1) >>> 0;
    return reverseBits(v);
  }

  /** A uniformly chosen bucket's random element, or null when empty. */
  random(): E | null {
    if (this.size === 0) return null;
    const table = this.table;
    for (let tries = 0; tries < 64; tries++) {
      const head = table[randomTag() & this.mask] as E | null;
      if (head !== null) return pickInChain(head);
    }
    // Sparse table: walk from a random bucket.
    const start = randomTag() & this.mask;
    for (let k = 0; k < table.length; k++) {
      const head = table[(start + k) & this.mask] as E | null;
      if (head !== null) return pickInChain(head);
    }
    return null;
  }

  /** Up to `count` entries from random buckets (eviction and active-expiry sampling), pushed to `out`. */
  sample(count: number, out: E[]): void {
    if (this.size === 0) return;
    const table = this.table;
    let i = randomTag() & this.mask;
    for (let k = 0; k < table.length && out.length < count; k++) {
      for (let cur = table[i] as E | null; cur !== null && out.length < count; cur = cur.next as E | null)
        out.push(cur);
      i = (i + 1) & this.mask;
    }
  }
}

function pickInChain<E extends Linked>(head: E): E {
  let n = 0;
  for (let c: E | null = head; c !== null; c = c.next as E | null) n++;
  let k = Math.floor(Math.random() * n);
  let c = head;
  while (k-- > 0) c = c.next as E;
  return c;
}

function reverseBits(v: number): number {
  v = ((v >>> 1) & 0x55555555) | ((v & 0x55555555) << 1);
  v = ((v >>> 2) & 0x33333333) | ((v & 0x33333333) << 2);
  v = ((v >>> 4) & 0x0f0f0f0f) | ((v & 0x0f0f0f0f) << 4);
  v = ((v >>> 8) & 0x00ff00ff) | ((v & 0x00ff00ff) << 8);
  return ((v >>> 16) | (v << 16)) >>> 0;
}
