/**
 * The dictionary under hash, set and sorted-set values: a Map from element to
 * position in parallel arrays, so that besides O(1) lookup, insert and delete it
 * gives what Redis's dict gives and a JS Map does not:
 *
 * - O(1) uniform random sampling (HRANDFIELD, SRANDMEMBER, SPOP, ZRANDMEMBER):
 *   pick a random position, retrying on holes, which are never more than half.
 * - A SCAN cursor with Redis's guarantee (an element present for the whole
 *   iteration is returned at least once). Every element gets a sequence number
 *   when inserted and the arrays stay in sequence order: deletion leaves a hole,
 *   and compaction (once holes outnumber elements) keeps the order. A cursor is
 *   the sequence number to resume from, so neither deletions nor compactions
 *   can move an unvisited element behind it.
 *
 * Iteration is in insertion order, which is also the order of Redis's listpack
 * (an update keeps its position), so small hashes reply in Redis's order.
 */
import { mapBytes, OBJECT_HEADER, PTR, pushedArrayBytes, sampledSum, stringBytes } from '../memory.js';

const MIN_HOLES_TO_COMPACT = 16;
/** The dict object with its fields, measured (scripts/calibrate-memory.mjs). */
const SCANDICT_BASE = OBJECT_HEADER + 7 * PTR + 96;

export class ScanDict<V> {
  private ks: (string | undefined)[] = [];
  private vs: (V | undefined)[] = [];
  /** Sequence number of the element inserted at each position (holes keep theirs): increasing. */
  private seqs: number[] = [];
  private index = new Map<string, number>();
  private nextSeq = 1;
  private holes = 0;
  /**
   * The key `get` found last and its position: a `set` of the same key string
   * right after (ZADD, HINCRBY: read, then write) skips the second Map lookup.
   * Cleared by anything that moves or removes positions.
   */
  private lastKey: string | undefined = undefined;
  private lastPos = 0;

  /**
   * @param hole What a deleted position's value becomes. A sorted set's dict
   *   passes 0, so its value array only ever holds numbers and V8 keeps the
   *   scores unboxed (an `undefined` would turn it into an array of boxed
   *   doubles, one heap allocation per score written).
   */
  constructor(private readonly hole?: V) {}

  get size(): number {
    return this.index.size;
  }

  /**
   * Estimated heap bytes: three parallel arrays and the Map index, plus each
   * element's key string and `valueBytes` of its value (sampled, see sampledSum).
   */
  memoryUsage(samples: number, valueBytes: (v: V) => number): number {
    const end = this.ks.length;
    const ks = this.ks;
    const vs = this.vs;
    const elements = sampledSum(end, this.index.size, samples, (i) => {
      const k = ks[i];
      return k === undefined ? -1 : stringBytes(k.length) + valueBytes(vs[i] as V);
    });
    return SCANDICT_BASE + 3 * pushedArrayBytes(end) + mapBytes(this.index.size) + elements;
  }

  /** One past the last position (positions with holes included), for raw iteration with `keyAt`. */
  get end(): number {
    return this.ks.length;
  }

  has(key: string): boolean {
    return this.index.has(key);
  }

  get(key: string): V | undefined {
    const pos = this.index.get(key);
    if (pos === undefined) return undefined;
    this.lastKey = key;
    this.lastPos = pos;
    return this.vs[pos];
  }

  /** Insert or update; true when the key is new. An updated key keeps its position. */
  set(key: string, value: V): boolean {
    const pos = key === this.lastKey ? this.lastPos : this.index.get(key);
    if (pos !== undefined) {
      this.vs[pos] = value;
      return false;
    }
    this.index.set(key, this.ks.length);
    this.ks.push(key);
    this.vs.push(value);
    this.seqs.push(this.nextSeq++);
    return true;
  }

  /** Insert a key known to be absent. */
  add(key: string, value: V): void {
    this.index.set(key, this.ks.length);
    this.ks.push(key);
    this.vs.push(value);
    this.seqs.push(this.nextSeq++);
  }

  delete(key: string): boolean {
    const pos = this.index.get(key);
    if (pos === undefined) return false;
    this.lastKey = undefined;
    this.index.delete(key);
    if (this.index.size === 0) {
      this.ks = [];
      this.vs = [];
      this.seqs = [];
      this.holes = 0;
      return true;
    }
    this.ks[pos] = undefined;
    this.vs[pos] = this.hole;
    this.holes++;
    if (this.holes > MIN_HOLES_TO_COMPACT && this.holes > this.index.size) this.compact();
    return true;
  }

  /** Remove the holes, keeping the order (and so the sequence numbers increasing). */
  private compact(): void {
    const { ks: keyAt, vs: valAt, seqs: seqAt, index } = this;
    let w = 0;
    for (let r = 0; r < keyAt.length; r++) {
      const k = keyAt[r];
      if (k === undefined) continue;
      if (w !== r) {
        keyAt[w] = k;
        valAt[w] = valAt[r];
        seqAt[w] = seqAt[r] as number;
        index.set(k, w);
      }
      w++;
    }
    keyAt.length = w;
    valAt.length = w;
    seqAt.length = w;
    this.holes = 0;
  }

  /** The key at a position, undefined for a hole. */
  keyAt(pos: number): string | undefined {
    return this.ks[pos];
  }

  /** The value at a live position. */
  valueAt(pos: number): V {
    return this.vs[pos] as V;
  }

  *keys(): IterableIterator<string> {
    const keys = this.ks;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      if (k !== undefined) yield k;
    }
  }

  forEach(fn: (key: string, value: V) => void): void {
    const keys = this.ks;
    const vals = this.vs;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      if (k !== undefined) fn(k, vals[i] as V);
    }
  }

  /** The position of a uniformly random element; the dict must not be empty. */
  randomPos(rand: (n: number) => number): number {
    const n = this.ks.length;
    for (let tries = 0; tries < 64; tries++) {
      const pos = rand(n);
      if (this.ks[pos] !== undefined) return pos;
    }
    const start = rand(n);
    for (let k = 0; k < n; k++) {
      const pos = (start + k) % n;
      if (this.ks[pos] !== undefined) return pos;
    }
    throw new Error('randomPos on an empty dict');
  }

  /**
   * One SCAN step: visit up to about `count` elements from `cursor` (0 = start)
   * and return the next cursor (0 when done).
   */
  scan(cursor: number, count: number, visit: (key: string, value: V) => void): number {
    const { ks: keyAt, vs: valAt, seqs: seqAt } = this;
    const n = keyAt.length;
    // First position whose sequence number is >= cursor.
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((seqAt[mid] as number) < cursor) lo = mid + 1;
      else hi = mid;
    }
    let found = 0;
    let pos = lo;
    while (pos < n && found < count) {
      const k = keyAt[pos];
      if (k !== undefined) {
        visit(k, valAt[pos] as V);
        found++;
      }
      pos++;
    }
    return pos >= n ? 0 : (seqAt[pos] as number);
  }

  /** A copy with the same iteration order. */
  clone(copyValue: (v: V) => V = (v) => v): ScanDict<V> {
    const d = new ScanDict<V>(this.hole);
    this.forEach((k, v) => {
      d.add(k, copyValue(v));
    });
    return d;
  }
}
