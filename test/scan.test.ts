/**
 * SCAN: cursor parsing and option errors byte for byte against redis-server,
 * MATCH/TYPE/COUNT semantics over full iterations, and the guarantee that every
 * key present for the whole scan is returned, while thousands of keys are added
 * and removed between calls (both servers, and the store directly).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Database } from '../src/store/database.js';
import { Differential } from './helpers/diff.js';
import type { Arg, RespConnection } from './helpers/resp.js';
import { completeScan, pipeline, prng, scanAll } from './keyspace-helpers.js';

describe('SCAN (differential)', () => {
  let d: Differential | null;
  before(async () => {
    d = await Differential.start();
  });
  after(async () => {
    await d?.close();
  });

  it('cursor parsing as strtoul, on an empty database', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.same(['FLUSHALL']);
    const cursors = [
      '0',
      '1',
      '',
      '\0',
      '\x001',
      '5\0x',
      '+3',
      '-1',
      '-0',
      '+',
      '-',
      '+-1',
      ' 1',
      '\t1',
      '\n1',
      '1 ',
      'x',
      '1x',
      '0x5',
      '1.5',
      '1e3',
      '007',
      '18446744073709551615',
      '18446744073709551616',
      '99999999999999999999999',
      '-18446744073709551615',
      '-18446744073709551616',
      '0000000000000000000000000000000000001',
      '9223372036854775808',
    ];
    for (const c of cursors) await d.same(['SCAN', c]);
  });

  it('option errors, in Redis order', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['FLUSHALL'],
      ['SET', 'k', 'v'],
      ['SCAN', '0', 'COUNT'],
      ['SCAN', '0', 'COUNT', '0'],
      ['SCAN', '0', 'COUNT', '-1'],
      ['SCAN', '0', 'COUNT', 'x'],
      ['SCAN', '0', 'COUNT', '1.5'],
      ['SCAN', '0', 'COUNT', '9223372036854775808'],
      ['SCAN', '0', 'COUNT', '9223372036854775807'],
      ['SCAN', '0', 'COUNT', ''],
      ['SCAN', '0', 'MATCH'],
      ['SCAN', '0', 'TYPE'],
      ['SCAN', '0', 'FOO', 'bar'],
      ['SCAN', '0', 'FOO'],
      ['SCAN', '0', 'MATCH', '*', 'COUNT'],
      ['SCAN', '0', 'COUNT', 'x', 'MATCH'],
      ['SCAN', '0', 'MATCH', 'k', 'COUNT', '0'],
      ['SCAN', 'x', 'COUNT', '0'],
      ['SCAN', 'x', 'FOO'],
      ['SCAN', '0', 'count\0junk', '5'],
      ['SCAN', '0', 'match', 'k', 'count', '100', 'type', 'string'],
      ['SCAN', '0', 'MATCH', 'nomatch', 'MATCH', '*'],
      ['SCAN', '0', 'TYPE', 'hash', 'TYPE', 'string'],
    ]);
  });

  it('MATCH, TYPE and COUNT over whole iterations', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.same(['FLUSHALL']);
    const cmds: Arg[][] = [];
    for (let i = 0; i < 500; i++) cmds.push(['SET', `key:${i}`, String(i)]);
    for (let i = 0; i < 50; i++) cmds.push(['SET', `other\0${i}\xff`, 'x']);
    cmds.push(['SET', '', 'empty']);
    await pipeline(d.redoubt, cmds);
    await pipeline(d.redis, cmds);
    const variants: Arg[][] = [
      [],
      ['COUNT', '1'],
      ['COUNT', '7'],
      ['COUNT', '100'],
      ['MATCH', '*'],
      ['MATCH', '**'],
      ['MATCH', 'key:1*'],
      ['MATCH', 'key:[2-3]?'],
      ['MATCH', 'other\0*'],
      ['MATCH', '*\xff'],
      ['MATCH', ''],
      ['MATCH', 'nothing*', 'COUNT', '3'],
      ['TYPE', 'string'],
      ['TYPE', 'STRING'],
      ['TYPE', 'String\0junk'],
      ['TYPE', 'hash'],
      ['TYPE', 'none'],
      ['TYPE', 'nosuchtype'],
      ['MATCH', 'key:4*', 'TYPE', 'string', 'COUNT', '13'],
    ];
    for (const v of variants) {
      const a = await scanAll(d.redoubt, ...v);
      const b = await scanAll(d.redis, ...v);
      assert.deepEqual(a, b, `SCAN ${JSON.stringify(v.map(String))}`);
    }
    // One call with a COUNT covering everything returns the whole keyspace and cursor 0.
    await d.same(['SCAN', '0', 'COUNT', '100000'], completeScan);
    await d.same(['SCAN', '0', 'COUNT', '100000', 'MATCH', 'other*'], completeScan);
    await d.same(['SCAN', '0', 'COUNT', '100000', 'TYPE', 'string', 'MATCH', 'key:9?'], completeScan);
  });

  it('returns every key present for the whole scan while keys are added and removed', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    for (const conn of [d.redoubt, d.redis]) await scanUnderChurn(conn, 12345);
  });
});

/**
 * Scan with small COUNTs while inserting batches of new keys between calls (the
 * keyspace grows from 1k to ~20k keys), then deleting most of them again (it
 * shrinks): every stable key must come back at least once.
 */
async function scanUnderChurn(conn: RespConnection, seed: number): Promise<void> {
  const rnd = prng(seed);
  await conn.call('FLUSHALL');
  const stable: string[] = [];
  const setup: Arg[][] = [];
  for (let i = 0; i < 1000; i++) {
    stable.push(`stable:${i}`);
    setup.push(['SET', `stable:${i}`, 'v']);
  }
  for (let i = 0; i < 500; i++) setup.push(['SET', `transient:${i}`, 'v']);
  await pipeline(conn, setup);
  const seen = new Set<string>();
  let cursor = '0';
  let calls = 0;
  let added = 0;
  do {
    const [next, keys] = (await conn.call('SCAN', cursor, 'COUNT', String(1 + Math.floor(rnd() * 20)))) as [
      string,
      string[],
    ];
    for (const k of keys) seen.add(k);
    cursor = next;
    calls++;
    const batch: Arg[][] = [];
    if (calls < 100) {
      // Growth: ~200 new keys per call.
      for (let i = 0; i < 200; i++) batch.push(['SET', `new:${added++}`, 'v']);
      if (calls % 10 === 0) batch.push(['DEL', `transient:${calls}`]);
    } else if (calls === 100) {
      // Shrink: drop nearly everything that is not stable.
      const dels: string[] = [];
      for (let i = 0; i < added; i++) dels.push(`new:${i}`);
      for (let i = 0; i < 500; i++) dels.push(`transient:${i}`);
      for (let i = 0; i < dels.length; i += 1000) batch.push(['DEL', ...dels.slice(i, i + 1000)]);
    } else if (calls % 3 === 0) {
      for (let i = 0; i < 20; i++) batch.push(['SET', `late:${calls}:${i}`, 'v']);
    }
    if (batch.length > 0) await pipeline(conn, batch);
  } while (cursor !== '0');
  const missing = stable.filter((k) => !seen.has(k));
  assert.deepEqual(missing, [], `${missing.length} stable keys were never returned (after ${calls} calls)`);
  await conn.call('FLUSHALL');
}

describe('Database.scan guarantee (store, seeded churn)', () => {
  it('never misses a key present for the whole scan', () => {
    for (let round = 0; round < 20; round++) {
      const seed = 1000 + round;
      const rnd = prng(seed);
      const db = new Database(0);
      const stable = new Set<string>();
      for (let i = 0; i < 300; i++) {
        const k = `s${i}`;
        stable.add(k);
        db.set(k, 'v');
      }
      let live: string[] = [];
      let n = 0;
      const seen = new Set<string>();
      let cursor = 0;
      do {
        const out: string[] = [];
        cursor = db.scan(cursor, 1 + Math.floor(rnd() * 10), out);
        for (const k of out) seen.add(k);
        // Random churn: grow, shrink to empty-but-stable, regrow.
        const r = rnd();
        if (r < 0.5) {
          const add = Math.floor(rnd() * 500);
          for (let i = 0; i < add; i++) {
            const k = `t${n++}`;
            db.set(k, 'v');
            live.push(k);
          }
        } else if (r < 0.8) {
          for (const k of live) db.delete(k);
          live = [];
        } else {
          const keep: string[] = [];
          for (const k of live)
            if (rnd() < 0.5) db.delete(k);
            else keep.push(k);
          live = keep;
        }
      } while (cursor !== 0);
      const missing = [...stable].filter((k) => !seen.has(k));
      assert.deepEqual(missing, [], `seed ${seed}: missed ${missing.length} keys`);
    }
  });
});
