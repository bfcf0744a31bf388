/**
 * Set values, in Redis 7.0's two encodings (7.0 has no listpack sets):
 *
 * - intset: every member is an integer in Redis's canonical form (string2ll)
 *   and there are at most set-max-intset-entries of them. Held as a sorted array
 *   of the canonical strings, ordered as int64 values, so iteration gives
 *   Redis's order (ascending) and membership is a binary search, as in an intset.
 * - hashtable: a ScanDict (O(1) membership, random members, stable SCAN cursors).
 *
 * A set converts from intset to hashtable when a non-integer member is added or
 * it grows too large, never back (except where Redis rebuilds a set: SPOP).
 */
import { parseInt64 } from '../../util/number.js';
import { OBJECT_HEADER, PTR, pushedArrayBytes, sampledSum, stringBytes } from '../memory.js';
import { DataObject } from '../value.js';
import type { EncodingLimits } from './limits.js';
import { ScanDict } from './scan-dict.js';

/** True when `s` is an integer as Redis's string2ll reads it (the intset test). */
export function isIntMember(s: string): boolean {
  return s.length <= 20 && parseInt64(s) !== undefined;
}

/** Compare two canonical int64 strings as numbers. */
export function compareInts(a: string, b: string): number {
  const an = a.charCodeAt(0) === 45;
  const bn = b.charCodeAt(0) === 45;
  if (an !== bn) return an ? -1 : 1;
  let c: number;
  if (a.length !== b.length) c = a.length < b.length ? -1 : 1;
  else c = a < b ? -1 : a > b ? 1 : 0;
  return an ? -c : c;
}

export class SetObject extends DataObject {
  readonly type = 'set' as const;
  /** Sorted members while intset-encoded, else null. */
  ints: string[] | null = [];
  /** Members while hashtable-encoded, else null. */
  dict: ScanDict<true> | null = null;

  /** `setTypeCreate`: an intset when the first member is an integer, else a hashtable. */
  static forFirst(member: string): SetObject {
    const s = new SetObject();
    if (!isIntMember(member)) s.toHashtable();
    return s;
  }

  get size(): number {
    return this.ints !== null ? this.ints.length : (this.dict as ScanDict<true>).size;
  }

  get isIntset(): boolean {
    return this.ints !== null;
  }

  encoding(): string {
    return this.ints !== null ? 'intset' : 'hashtable';
  }

  elements(): number {
    return this.size;
  }

  memoryUsage(samples: number): number {
    const ints = this.ints;
    if (ints === null)
      return OBJECT_HEADER + 4 * PTR + (this.dict as ScanDict<true>).memoryUsage(samples, () => 0);
    const members = sampledSum(ints.length, ints.length, samples, (i) =>
      stringBytes((ints[i] as string).length),
    );
    return OBJECT_HEADER + 4 * PTR + pushedArrayBytes(ints.length) + members;
  }

  clone(): SetObject {
    const s = new SetObject();
    if (this.ints !== null) {
      s.ints = this.ints.slice();
    } else {
      s.ints = null;
      s.dict = (this.dict as ScanDict<true>).clone();
    }
    return s;
  }

  /** Binary search in the intset: the index of `m`, or -(insertion point) - 1. */
  private find(ints: string[], m: string): number {
    let lo = 0;
    let hi = ints.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const c = compareInts(ints[mid] as string, m);
      if (c === 0) return mid;
      if (c < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return -lo - 1;
  }

  has(m: string): boolean {
    if (this.ints !== null) return isIntMember(m) && this.find(this.ints, m) >= 0;
    return (this.dict as ScanDict<true>).has(m);
  }

  /** `setTypeAdd`: true when added. */
  add(m: string, limits: EncodingLimits): boolean {
    const ints = this.ints;
    if (ints !== null) {
      if (isIntMember(m)) {
        const i = this.find(ints, m);
        if (i >= 0) return false;
        ints.splice(-i - 1, 0, m);
        // Redis caps the limit at 2^30 entries (intset internals).
        if (ints.length > Math.min(limits.setMaxIntsetEntries, 1 << 30)) this.toHashtable();
        return true;
      }
      this.toHashtable();
    }
    return (this.dict as ScanDict<true>).set(m, true);
  }

  /** True when removed. */
  remove(m: string): boolean {
    const ints = this.ints;
    if (ints !== null) {
      if (!isIntMember(m)) return false;
      const i = this.find(ints, m);
      if (i < 0) return false;
      ints.splice(i, 1);
      return true;
    }
    return (this.dict as ScanDict<true>).delete(m);
  }

  toHashtable(): void {
    if (this.ints === null) return;
    const d = new ScanDict<true>();
    for (const m of this.ints) d.add(m, true);
    this.dict = d;
    this.ints = null;
  }

  /** Members in Redis's iteration order (ascending for an intset). */
  members(): string[] {
    if (this.ints !== null) return this.ints.slice();
    const out: string[] = [];
    (this.dict as ScanDict<true>).forEach((k) => {
      out.push(k);
    });
    return out;
  }

  forEach(fn: (m: string) => void): void {
    if (this.ints !== null) for (const m of this.ints) fn(m);
    else (this.dict as ScanDict<true>).forEach(fn);
  }

  /** A uniformly random member; the set must not be empty. */
  random(rand: (n: number) => number): string {
    if (this.ints !== null) return this.ints[rand(this.ints.length)] as string;
    const d = this.dict as ScanDict<true>;
    return d.keyAt(d.randomPos(rand)) as string;
  }
}
