/**
 * The ordered index of a sorted set: a B+tree counted by subtree size (an
 * order-statistic tree), elements ordered by score, then by member bytes
 * (latin1 strings compare as memcmp does). Ranks, rank lookups and range
 * searches cost O(log n).
 *
 * Why not Redis's skip list: in V8 every skip-list node visit costs several
 * cache misses (the node, its array of forward pointers, the boxed score), about
 * 30 visits per lookup at a million members. Here a leaf keeps up to 64 scores
 * in one unboxed double array and 64 members beside it, an inner node keeps its
 * children's sizes and separators in flat arrays, and a lookup touches about
 * four nodes (see scripts/bench-zset.mjs). Arrays are plain JS arrays that grow
 * with the node, so a three-member zset costs a few small arrays, not 64 slots.
 *
 * Invariants: every leaf but an empty root is non-empty; in an inner node,
 * separator i (i >= 1) is a lower bound of child i's keys and an upper bound
 * (exclusive) of child i-1's; `counts[i]` is the number of elements under child i.
 * Separators need not be present keys (a deleted minimum leaves a valid bound).
 * Ranks are 1-based, as in Redis.
 */

const LEAF_MAX = 64;
const INNER_MAX = 64;
/** Below this many entries a node merges with a sibling when they fit together. */
const LEAF_MIN = 16;
const INNER_MIN = 16;
/** The largest node a merge may produce: three quarters full. */
const MERGED_LEAF_MAX = (LEAF_MAX * 3) >>> 2;
const MERGED_INNER_MAX = (INNER_MAX * 3) >>> 2;

class Leaf {
  readonly leaf = true;
  scores: number[] = [];
  eles: string[] = [];
  next: Leaf | null = null;
  prev: Leaf | null = null;
}

class Inner {
  readonly leaf = false;
  kids: TreeNode[] = [];
  counts: number[] = [];
  /** Separator of child i at index i; index 0 is unused. */
  sepScores: number[] = [];
  sepEles: string[] = [];
}

type TreeNode = Leaf | Inner;

/** `a.splice(pos, 0, v)` without the result array splice allocates (one copy per element kind, each monomorphic). */
function insertScore(a: number[], pos: number, v: number): void {
  let i = a.length;
  a.push(v);
  for (; i > pos; i--) a[i] = a[i - 1] as number;
  a[pos] = v;
}

function insertEle(a: string[], pos: number, v: string): void {
  let i = a.length;
  a.push(v);
  for (; i > pos; i--) a[i] = a[i - 1] as string;
  a[pos] = v;
}

/** `a.splice(pos, 1)` without the result array. */
function removeScore(a: number[], pos: number): void {
  const last = a.length - 1;
  for (let i = pos; i < last; i++) a[i] = a[i + 1] as number;
  a.pop();
}

function removeEle(a: string[], pos: number): void {
  const last = a.length - 1;
  for (let i = pos; i < last; i++) a[i] = a[i + 1] as string;
  a.pop();
}

/** (s1, e1) < (s2, e2) in sorted-set order. */
function less(s1: number, e1: string, s2: number, e2: string): boolean {
  return s1 < s2 || (s1 === s2 && e1 < e2);
}

/** A position in the tree: `valid` until it moves past either end. */
export class ZCursor {
  constructor(
    private leafNode: Leaf | null,
    private i: number,
  ) {}

  get valid(): boolean {
    return this.leafNode !== null;
  }

  get ele(): string {
    return (this.leafNode as Leaf).eles[this.i] as string;
  }

  get score(): number {
    return (this.leafNode as Leaf).scores[this.i] as number;
  }

  next(): void {
    const l = this.leafNode as Leaf;
    if (++this.i >= l.eles.length) {
      this.leafNode = l.next;
      this.i = 0;
    }
  }

  prev(): void {
    const l = this.leafNode as Leaf;
    if (--this.i < 0) {
      this.leafNode = l.prev;
      this.i = this.leafNode === null ? 0 : this.leafNode.eles.length - 1;
    }
  }
}

export class ZTree {
  private root: TreeNode = new Leaf();
  private head: Leaf = this.root as Leaf;
  private tail: Leaf = this.root as Leaf;
  length = 0;
  /** The descent of the last search: inner nodes and the child taken in each. */
  private readonly pathNodes: Inner[] = [];
  private readonly pathIdx: number[] = [];
  /** How many entries of pathNodes / pathIdx the last descent filled. */
  private depth = 0;

  /** The child of `n` whose key range holds (s, e): the last one whose separator is <= it. */
  private static childFor(n: Inner, s: number, e: string): number {
    let lo = 1;
    let hi = n.kids.length - 1;
    let ans = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (less(s, e, n.sepScores[mid] as number, n.sepEles[mid] as string)) hi = mid - 1;
      else {
        ans = mid;
        lo = mid + 1;
      }
    }
    return ans;
  }

  /** First index in a leaf whose entry is >= (s, e). */
  private static lowerIn(l: Leaf, s: number, e: string): number {
    const { scores, eles } = l;
    let lo = 0;
    let hi = eles.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (less(scores[mid] as number, eles[mid] as string, s, e)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Descend to the leaf for (s, e), recording the path; returns the path depth and the leaf. */
  private descend(s: number, e: string): Leaf {
    let node = this.root;
    let depth = 0;
    while (!node.leaf) {
      const i = ZTree.childFor(node, s, e);
      this.pathNodes[depth] = node;
      this.pathIdx[depth] = i;
      depth++;
      node = node.kids[i] as TreeNode;
    }
    // Entries past the depth are stale (kept: no array resize per descent).
    this.depth = depth;
    return node;
  }

  first(): ZCursor {
    return new ZCursor(this.length === 0 ? null : this.head, 0);
  }

  last(): ZCursor {
    return new ZCursor(this.length === 0 ? null : this.tail, this.tail.eles.length - 1);
  }

  /** Insert an element known to be absent. */
  insert(s: number, e: string): void {
    const leaf = this.descend(s, e);
    const pos = ZTree.lowerIn(leaf, s, e);
    insertScore(leaf.scores, pos, s);
    insertEle(leaf.eles, pos, e);
    for (let d = 0; d < this.depth; d++) {
      const n = this.pathNodes[d] as Inner;
      const i = this.pathIdx[d] as number;
      n.counts[i] = (n.counts[i] as number) + 1;
    }
    this.length++;
    if (leaf.eles.length > LEAF_MAX) this.splitLeaf(leaf);
  }

  private splitLeaf(leaf: Leaf): void {
    const half = leaf.eles.length >>> 1;
    const right = new Leaf();
    right.scores = leaf.scores.splice(half);
    right.eles = leaf.eles.splice(half);
    right.next = leaf.next;
    if (right.next !== null) right.next.prev = right;
    else this.tail = right;
    leaf.next = right;
    right.prev = leaf;
    this.addSibling(
      this.depth - 1,
      leaf,
      right,
      leaf.eles.length,
      right.eles.length,
      right.scores[0] as number,
      right.eles[0] as string,
    );
  }

  /**
   * After `left` (the node at path depth `depth` + 1) split, put `right` after it
   * in its parent (path depth `depth`), or grow a new root.
   */
  private addSibling(
    depth: number,
    left: TreeNode,
    right: TreeNode,
    leftCount: number,
    rightCount: number,
    sepScore: number,
    sepEle: string,
  ): void {
    if (depth < 0) {
      const root = new Inner();
      root.kids = [left, right];
      root.counts = [leftCount, rightCount];
      root.sepScores = [0, sepScore];
      root.sepEles = ['', sepEle];
      this.root = root;
      return;
    }
    const p = this.pathNodes[depth] as Inner;
    const i = this.pathIdx[depth] as number;
    p.counts[i] = leftCount;
    p.kids.splice(i + 1, 0, right);
    p.counts.splice(i + 1, 0, rightCount);
    p.sepScores.splice(i + 1, 0, sepScore);
    p.sepEles.splice(i + 1, 0, sepEle);
    if (p.kids.length > INNER_MAX) this.splitInner(depth);
  }

  private splitInner(depth: number): void {
    const n = this.pathNodes[depth] as Inner;
    const half = n.kids.length >>> 1;
    const right = new Inner();
    right.kids = n.kids.splice(half);
    right.counts = n.counts.splice(half);
    right.sepScores = n.sepScores.splice(half);
    right.sepEles = n.sepEles.splice(half);
    // The first child's separator moves up.
    const sepScore = right.sepScores[0] as number;
    const sepEle = right.sepEles[0] as string;
    let leftCount = 0;
    for (const c of n.counts) leftCount += c;
    let rightCount = 0;
    for (const c of right.counts) rightCount += c;
    this.addSibling(depth - 1, n, right, leftCount, rightCount, sepScore, sepEle);
  }

  /** Delete an element: the member string the tree held, or undefined when absent. */
  delete(s: number, e: string): string | undefined {
    const leaf = this.descend(s, e);
    const pos = ZTree.lowerIn(leaf, s, e);
    const stored = leaf.eles[pos];
    if (stored !== e || leaf.scores[pos] !== s) return undefined;
    removeScore(leaf.scores, pos);
    removeEle(leaf.eles, pos);
    for (let d = 0; d < this.depth; d++) {
      const n = this.pathNodes[d] as Inner;
      const i = this.pathIdx[d] as number;
      n.counts[i] = (n.counts[i] as number) - 1;
    }
    this.length--;
    if (leaf.eles.length < LEAF_MIN) this.rebalance(this.depth - 1, leaf);
    return stored;
  }

  /** Merge an underfull node (at path depth `depth` + 1, child of the node at `depth`) with a sibling, or drop it when empty. */
  private rebalance(depth: number, node: TreeNode): void {
    if (depth < 0) {
      // The root: an inner root with one child gives way to it.
      let r = this.root;
      while (!r.leaf && r.kids.length === 1) r = r.kids[0] as TreeNode;
      if (!r.leaf && r.kids.length === 0) r = new Leaf();
      this.root = r;
      if (r.leaf && r.eles.length === 0) {
        this.head = r;
        this.tail = r;
      }
      return;
    }
    const p = this.pathNodes[depth] as Inner;
    const i = this.pathIdx[depth] as number;
    const size = node.leaf ? node.eles.length : node.kids.length;
    if (size === 0) {
      if (node.leaf) this.unlinkLeaf(node);
      this.removeKid(p, i);
    } else if (i + 1 < p.kids.length && this.fits(node, p.kids[i + 1] as TreeNode)) {
      this.merge(p, i);
    } else if (i > 0 && this.fits(p.kids[i - 1] as TreeNode, node)) {
      this.merge(p, i - 1);
    } else {
      return;
    }
    if (depth === 0) this.rebalance(-1, p);
    else if (p.kids.length < INNER_MIN) this.rebalance(depth - 1, p);
  }

  /** Merge only into a node with room to spare, so that a merge is not undone by the next insert's split. */
  private fits(a: TreeNode, b: TreeNode): boolean {
    if (a.leaf) return a.eles.length + (b as Leaf).eles.length <= MERGED_LEAF_MAX;
    return a.kids.length + (b as Inner).kids.length <= MERGED_INNER_MAX;
  }

  /** Merge child i + 1 of `p` into child i. */
  private merge(p: Inner, i: number): void {
    const a = p.kids[i] as TreeNode;
    const b = p.kids[i + 1] as TreeNode;
    if (a.leaf) {
      const lb = b as Leaf;
      for (let k = 0; k < lb.eles.length; k++) {
        a.scores.push(lb.scores[k] as number);
        a.eles.push(lb.eles[k] as string);
      }
      this.unlinkLeaf(lb);
    } else {
      const ib = b as Inner;
      // b's first child takes the separator between a and b.
      a.kids.push(...ib.kids);
      a.counts.push(...ib.counts);
      a.sepScores.push(p.sepScores[i + 1] as number, ...ib.sepScores.slice(1));
      a.sepEles.push(p.sepEles[i + 1] as string, ...ib.sepEles.slice(1));
    }
    p.counts[i] = (p.counts[i] as number) + (p.counts[i + 1] as number);
    this.removeKid(p, i + 1);
  }

  private removeKid(p: Inner, i: number): void {
    p.kids.splice(i, 1);
    p.counts.splice(i, 1);
    p.sepScores.splice(i, 1);
    p.sepEles.splice(i, 1);
  }

  private unlinkLeaf(l: Leaf): void {
    if (l.prev !== null) l.prev.next = l.next;
    else if (l.next !== null) this.head = l.next;
    if (l.next !== null) l.next.prev = l.prev;
    else if (l.prev !== null) this.tail = l.prev;
    l.next = null;
    l.prev = null;
  }

  /** 1-based rank of an element, 0 when absent. */
  rank(s: number, e: string): number {
    let node = this.root;
    let rank = 0;
    while (!node.leaf) {
      const i = ZTree.childFor(node, s, e);
      const counts = node.counts;
      for (let k = 0; k < i; k++) rank += counts[k] as number;
      node = node.kids[i] as TreeNode;
    }
    const pos = ZTree.lowerIn(node, s, e);
    return pos < node.eles.length && node.eles[pos] === e && node.scores[pos] === s ? rank + pos + 1 : 0;
  }

  /** The element at a 1-based rank (an invalid cursor when out of range). */
  at(rank: number): ZCursor {
    if (rank < 1 || rank > this.length) return new ZCursor(null, 0);
    let node = this.root;
    let r = rank;
    while (!node.leaf) {
      const counts = node.counts;
      let i = 0;
      while (r > (counts[i] as number)) r -= counts[i++] as number;
      node = node.kids[i] as TreeNode;
    }
    return new ZCursor(node, r - 1);
  }

  /**
   * The first element for which `pred` holds, `pred` being false then true along
   * the order (an invalid cursor when it never holds). Separators are ordered
   * keys too, so the same test steers the descent.
   */
  lowerBound(pred: (s: number, e: string) => boolean): ZCursor {
    let node = this.root;
    while (!node.leaf) {
      let lo = 1;
      let hi = node.kids.length - 1;
      let ans = 0;
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        if (pred(node.sepScores[mid] as number, node.sepEles[mid] as string)) hi = mid - 1;
        else {
          ans = mid;
          lo = mid + 1;
        }
      }
      node = node.kids[ans] as TreeNode;
    }
    const { scores, eles } = node;
    let lo = 0;
    let hi = eles.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (pred(scores[mid] as number, eles[mid] as string)) hi = mid;
      else lo = mid + 1;
    }
    // Nothing in this leaf: then the first element after it is the answer (or none).
    if (lo < eles.length) return new ZCursor(node, lo);
    return new ZCursor(node.next, 0);
  }

  /** The last element for which `pred` holds, `pred` being true then false along the order. */
  upperBound(pred: (s: number, e: string) => boolean): ZCursor {
    const c = this.lowerBound((s, e) => !pred(s, e));
    if (!c.valid) return this.last();
    c.prev();
    return c;
  }

  /** Every element in order (clone, conversions). */
  forEach(fn: (s: number, e: string) => void): void {
    for (let l: Leaf | null = this.length === 0 ? null : this.head; l !== null; l = l.next) {
      const { scores, eles } = l;
      for (let k = 0; k < eles.length; k++) fn(scores[k] as number, eles[k] as string);
    }
  }

  /** Rewrite scores in place without changing the order (-0 to 0 for a listpack). */
  mapScores(fn: (s: number) => number): void {
    for (let l: Leaf | null = this.length === 0 ? null : this.head; l !== null; l = l.next) {
      const scores = l.scores;
      for (let k = 0; k < scores.length; k++) scores[k] = fn(scores[k] as number);
    }
  }
}
