/**
 * ScanDict against a Map model under a seeded random mix of reads, writes
 * and deletes (compactions included): the read-then-write shortcut (`set` of
 * the key `get` just found reuses its position) must never write the wrong
 * position, whatever happened in between; a sorted set's dict (hole value 0)
 * behaves the same.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ScanDict } from '../src/store/types/scan-dict.js';
import { prng, testSeed } from './helpers/random.js';

describe('ScanDict', () => {
  for (const hole of [undefined, 0]) {
    it(`matches a Map model through gets, sets and deletes (hole ${String(hole)})`, (t) => {
      const seed = testSeed();
      t.diagnostic(`seed ${seed} (replay: REDOUBT_SEED=${seed})`);
      const rand = prng(seed);
      const d = new ScanDict<number>(hole);
      const model = new Map<string, number>();
      // Fresh string objects each time, as commands bring them.
      const key = (): string => `k${Math.floor(rand() * 300)}`.split('').join('');
      for (let op = 0; op < 60_000; op++) {
        const r = rand();
        const k = key();
        if (r < 0.3) {
          assert.equal(d.get(k), model.get(k));
        } else if (r < 0.55) {
          // Read, then write the same key (ZADD, HINCRBY), sometimes with a delete of another in between.
          d.get(k);
          if (rand() < 0.3) {
            const other = key();
            assert.equal(d.delete(other), model.delete(other));
          }
          const v = rand() * 1000;
          assert.equal(d.set(k, v), !model.has(k));
          model.set(k, v);
        } else if (r < 0.75) {
          const v = rand();
          assert.equal(d.set(k, v), !model.has(k));
          model.set(k, v);
        } else {
          assert.equal(d.delete(k), model.delete(k));
        }
        assert.equal(d.size, model.size);
      }
      const seen = new Map<string, number>();
      d.forEach((k, v) => {
        seen.set(k, v);
      });
      assert.deepEqual(seen, model);
    });
  }
});
