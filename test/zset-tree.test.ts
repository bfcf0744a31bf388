/**
 * The sorted-set B+tree (src/store/types/ztree.ts) against a sorted-array model:
 * seeded random inserts and deletes large enough to split and merge leaves and
 * inner nodes (and collapse the root), with ranks, rank lookups, bounds and
 * cursor walks across leaf boundaries checked after every phase.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ZTree } from '../src/store/types/ztree.js';
import { prng, testSeed } from './helpers/random.js';

type Item = [number, string];

const less = (a: Item, b: Item): boolean => a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);

function lowerIndex(model: Item[], x: Item): number {
  let lo = 0;
  let hi = model.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (less(model[mid] as Item, x)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function check(tree: ZTree, model: Item[], rnd: () => number, what: string): void {
  assert.equal(tree.length, model.length, `${what}: length`);
  const all: Item[] = [];
  tree.forEach((s, e) => {
    all.push([s, e]);
  });
  assert.deepEqual(all, model, `${what}: order`);
  // Cursor walks both ways.
  const fwd: string[] = [];
  for (const c = tree.first(); c.valid; c.next()) fwd.push(c.ele);
  assert.deepEqual(
    fwd,
    model.map((x) => x[1]),
    `${what}: forward walk`,
  );
  const back: string[] = [];
  for (const c = tree.last(); c.valid; c.prev()) back.push(c.ele);
  assert.deepEqual(back, model.map((x) => x[1]).reverse(), `${what}: backward walk`);
  for (let k = 0; k < 300 && model.length > 0; k++) {
    const i = Math.floor(rnd() * model.length);
    const [s, e] = model[i] as Item;
    assert.equal(tree.rank(s, e), i + 1, `${what}: rank of ${e}`);
    const c = tree.at(i + 1);
    assert.ok(c.valid && c.ele === e && c.score === s, `${what}: at(${i + 1})`);
    assert.equal(tree.rank(s + 0.5, e), 0, `${what}: rank of an absent key`);
    // Bounds by score: first >= t, last <= t.
    const t = Math.floor(rnd() * 2000) / 2;
    const lb = tree.lowerBound((x) => x >= t);
    const li = model.findIndex((x) => x[0] >= t);
    if (li === -1) assert.ok(!lb.valid, `${what}: lowerBound ${t}`);
    else assert.equal(lb.ele, (model[li] as Item)[1], `${what}: lowerBound ${t}`);
    const ub = tree.upperBound((x) => x <= t);
    let ui = -1;
    for (let j = model.length - 1; j >= 0; j--) {
      if ((model[j] as Item)[0] <= t) {
        ui = j;
        break;
      }
    }
    if (ui === -1) assert.ok(!ub.valid, `${what}: upperBound ${t}`);
    else assert.equal(ub.ele, (model[ui] as Item)[1], `${what}: upperBound ${t}`);
  }
  assert.ok(!tree.at(0).valid && !tree.at(model.length + 1).valid, `${what}: out-of-range ranks`);
}

describe('sorted-set B+tree against a model', () => {
  it('random inserts and deletes through splits, merges and root changes (seeded)', () => {
    const seed = testSeed();
    const rnd = prng(seed);
    const tree = new ZTree();
    let model: Item[] = [];
    const members = new Map<string, number>();
    const insert = (s: number, e: string): void => {
      tree.insert(s, e);
      model.splice(lowerIndex(model, [s, e]), 0, [s, e]);
      members.set(e, s);
    };
    const remove = (e: string): void => {
      const s = members.get(e) as number;
      assert.equal(tree.delete(s, e), e, `delete ${e}`);
      model.splice(lowerIndex(model, [s, e]), 1);
      members.delete(e);
    };
    try {
      // Grow to 20 000 (three levels), with many equal scores ordered by member.
      for (let i = 0; i < 20000; i++) insert(Math.floor(rnd() * 1000) / 2, `m${i}`);
      check(tree, model, rnd, 'grown');
      assert.equal(tree.delete(12345.5, 'nope'), undefined);
      // Churn: deletes and inserts at random.
      for (let i = 0; i < 20000; i++) {
        if (rnd() < 0.5 && members.size > 0) {
          const all = [...members.keys()];
          remove(all[Math.floor(rnd() * all.length)] as string);
        } else {
          insert(Math.floor(rnd() * 1000) / 2, `c${i}`);
        }
        if (i % 5000 === 0) check(tree, model, rnd, `churn ${i}`);
      }
      // Shrink: delete runs (as ZREMRANGEBYRANK does) down to a handful, then to nothing.
      while (members.size > 5) {
        const start = Math.floor(rnd() * model.length);
        for (const [, e] of model.slice(start, start + 50)) remove(e);
        if (members.size % 7 === 0) check(tree, model, rnd, `shrink ${members.size}`);
      }
      check(tree, model, rnd, 'small');
      for (const e of [...members.keys()]) remove(e);
      check(tree, model, rnd, 'empty');
      assert.ok(!tree.first().valid && !tree.last().valid);
      // And grow again from an emptied tree.
      model = [];
      for (let i = 0; i < 3000; i++) insert(-i, `r${i}`);
      check(tree, model, rnd, 'regrown');
    } catch (err) {
      assert.fail(`B+tree model test failed (REDOUBT_SEED=${seed}): ${(err as Error).message}`);
    }
  });
});
