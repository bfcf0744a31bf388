/**
 * Sorted-set values: a counted B+tree (ZTree: order, ranks and ranges in
 * O(log n)) plus a ScanDict member -> score (O(1) ZSCORE, random members, stable
 * ZSCAN cursors). Both of Redis's encodings order elements the same way, so one
 * representation serves both; `listpack` records which one Redis would use for
 * the same history: a zset turns to skiplist when it gets more than
 * zset-max-listpack-entries members or a member longer than
 * zset-max-listpack-value bytes, and only the STORE commands convert back.
 */
import { OBJECT_HEADER, PTR, pushedArrayBytes } from '../memory.js';
import { DataObject } from '../value.js';
import type { EncodingLimits } from './limits.js';
import { ScanDict } from './scan-dict.js';
import { ZTree } from './ztree.js';

/** Bytes per member in the tree's leaves and inner nodes (measured). */
const ZTREE_ELEMENT = 48;
/** The ZTree object with its search-path arrays. */
const ZTREE_BASE = OBJECT_HEADER + 7 * PTR + 2 * pushedArrayBytes(1);
/** A leaf object without its arrays. */
const ZTREE_LEAF = OBJECT_HEADER + 4 * PTR;
/** A score costs nothing beyond its slot in the dict's double array. */
const unboxed = (): number => 0;

export class ZSetObject extends DataObject {
  readonly type = 'zset' as const;
  tree = new ZTree();
  /** Scores stay unboxed: deleted positions hold 0, never undefined (see ScanDict). */
  dict = new ScanDict<number>(0);
  listpack = true;

  /** `zaddGenericCommand` on a missing key: a listpack unless the limits exclude it already. */
  static create(firstMemberLength: number, limits: EncodingLimits): ZSetObject {
    const z = new ZSetObject();
    if (limits.zsetMaxListpackEntries === 0 || limits.zsetMaxListpackValue < firstMemberLength)
      z.listpack = false;
    return z;
  }

  get size(): number {
    return this.tree.length;
  }

  encoding(): string {
    return this.listpack ? 'listpack' : 'skiplist';
  }

  elements(): number {
    return this.tree.length;
  }

  /**
   * The dict holds the member strings (the tree shares them) and the scores,
   * unboxed in its double array (nothing per score beyond the array slot);
   * the tree a score (unboxed) and a pointer per member: one leaf up to 64
   * members, then leaves of 16-64 and inner nodes, ZTREE_ELEMENT bytes a member.
   */
  memoryUsage(samples: number): number {
    const n = this.tree.length;
    const tree = ZTREE_BASE + (n <= 64 ? ZTREE_LEAF + 2 * pushedArrayBytes(n) : n * ZTREE_ELEMENT);
    return OBJECT_HEADER + 5 * PTR + tree + this.dict.memoryUsage(samples, unboxed);
  }

  clone(): ZSetObject {
    const z = new ZSetObject();
    z.listpack = this.listpack;
    this.tree.forEach((s, e) => {
      z.add(s, e);
    });
    return z;
  }

  score(member: string): number | undefined {
    return this.dict.get(member);
  }

  /** Insert a member known to be absent, converting to skiplist first when it would not fit a listpack. */
  insert(score: number, member: string, limits: EncodingLimits): void {
    if (
      this.listpack &&
      (this.tree.length + 1 > limits.zsetMaxListpackEntries || member.length > limits.zsetMaxListpackValue)
    )
      this.listpack = false;
    this.add(this.listpack ? listpackScore(score) : score, member);
  }

  /** Insert a member known to be absent, without encoding checks. */
  add(score: number, member: string): void {
    this.tree.insert(score, member);
    this.dict.add(member, score);
  }

  /** Change the score of a present member whose score is `current`. */
  update(member: string, current: number, score: number): void {
    if (current === score) return;
    const s = this.listpack ? listpackScore(score) : score;
    // The tree keeps the member string it already holds: the command's copy then
    // dies young instead of being promoted into the tree (and its old one with it).
    const stored = this.tree.delete(current, member) ?? member;
    this.tree.insert(s, stored);
    this.dict.set(member, s);
  }

  remove(member: string): boolean {
    const score = this.dict.get(member);
    if (score === undefined) return false;
    this.tree.delete(score, member);
    this.dict.delete(member);
    return true;
  }

  /** `zsetConvertToListpackIfNeeded` (results of the STORE commands). */
  convertToListpackIfNeeded(maxElementLength: number, limits: EncodingLimits): void {
    if (this.listpack) return;
    if (
      this.tree.length <= limits.zsetMaxListpackEntries &&
      maxElementLength <= limits.zsetMaxListpackValue
    ) {
      this.listpack = true;
      this.tree.mapScores(listpackScore);
      this.tree.forEach((s, e) => {
        this.dict.set(e, s);
      });
    }
  }
}

/**
 * A listpack keeps scores as text (`d2string`), which writes -0 as "0"; every
 * other double survives the round trip, so -0 is the one score a listpack changes.
 */
function listpackScore(score: number): number {
  return score === 0 ? 0 : score;
}
