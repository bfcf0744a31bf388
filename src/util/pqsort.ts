/**
 * Redis's partial quicksort (pqsort.c: NetBSD's qsort, Bentley & McIlroy, that
 * only recurses into partitions overlapping the wanted range). SORT ... LIMIT
 * with BY and GEOSEARCH ... COUNT use it in Redis, and which of several equal
 * elements end up in the range, and in which order, depends on exactly this
 * algorithm; so it is ported step for step, on array indices instead of byte
 * pointers. This is Redis 7.0's version: later ones added a switch to
 * insertion sort when a partition step swapped nothing, which orders ties
 * differently. Elements outside [lrange, rrange] are left in an unspecified order.
 *
 * (Full sorts in Redis go through glibc's qsort, a stable merge sort for
 * Redis's element sizes: JS's stable Array.prototype.sort gives the same result.)
 */

type Cmp<T> = (a: T, b: T) => number;

function swap<T>(a: T[], i: number, j: number): void {
  const t = a[i] as T;
  a[i] = a[j] as T;
  a[j] = t;
}

function vecswap<T>(a: T[], i: number, j: number, n: number): void {
  for (let k = 0; k < n; k++) swap(a, i + k, j + k);
}

function med3<T>(a: T[], i: number, j: number, k: number, cmp: Cmp<T>): number {
  const x = a[i] as T;
  const y = a[j] as T;
  const z = a[k] as T;
  return cmp(x, y) < 0
    ? cmp(y, z) < 0
      ? j
      : cmp(x, z) < 0
        ? k
        : i
    : cmp(y, z) > 0
      ? j
      : cmp(x, z) < 0
        ? i
        : k;
}

function insertionSort<T>(a: T[], base: number, n: number, cmp: Cmp<T>): void {
  for (let pm = base + 1; pm < base + n; pm++)
    for (let pl = pm; pl > base && cmp(a[pl - 1] as T, a[pl] as T) > 0; pl--) swap(a, pl, pl - 1);
}

/** Is [lo, hi] disjoint from the wanted range [l, r] (as Redis tests it)? */
function outside(lo: number, hi: number, l: number, r: number): boolean {
  return (l < lo && r < lo) || (l > hi && r > hi);
}

function pq<T>(a: T[], base0: number, n0: number, cmp: Cmp<T>, l: number, r: number): void {
  let base = base0;
  let n = n0;
  for (;;) {
    if (n < 7) {
      insertionSort(a, base, n, cmp);
      return;
    }
    let pm = base + Math.floor(n / 2);
    if (n > 7) {
      let pl = base;
      let pn = base + n - 1;
      if (n > 40) {
        const d = Math.floor(n / 8);
        pl = med3(a, pl, pl + d, pl + 2 * d, cmp);
        pm = med3(a, pm - d, pm, pm + d, cmp);
        pn = med3(a, pn - 2 * d, pn - d, pn, cmp);
      }
      pm = med3(a, pl, pm, pn, cmp);
    }
    swap(a, base, pm);
    let pa = base + 1;
    let pb = pa;
    let pc = base + n - 1;
    let pd = pc;
    for (;;) {
      let c = 0;
      while (pb <= pc && (c = cmp(a[pb] as T, a[base] as T)) <= 0) {
        if (c === 0) {
          swap(a, pa, pb);
          pa++;
        }
        pb++;
      }
      while (pb <= pc && (c = cmp(a[pc] as T, a[base] as T)) >= 0) {
        if (c === 0) {
          swap(a, pc, pd);
          pd--;
        }
        pc--;
      }
      if (pb > pc) break;
      swap(a, pb, pc);
      pb++;
      pc--;
    }
    const pn = base + n;
    let s = Math.min(pa - base, pb - pa);
    vecswap(a, base, pb - s, s);
    s = Math.min(pd - pc, pn - pd - 1);
    vecswap(a, pb, pn - s, s);
    s = pb - pa;
    if (s > 1 && !outside(base, base + s - 1, l, r)) pq(a, base, s, cmp, l, r);
    s = pd - pc;
    if (s > 1) {
      // Iterate rather than recurse.
      base = pn - s;
      n = s;
      if (!outside(base, base + s - 1, l, r)) continue;
    }
    return;
  }
}

/** `pqsort(a, n, es, cmp, lrange, rrange)`: sort enough of `a` that [lrange, rrange] holds its final elements. */
export function pqsort<T>(a: T[], cmp: Cmp<T>, lrange: number, rrange: number): void {
  pq(a, 0, a.length, cmp, lrange, rrange);
}
