/**
 * The write path's memory accounting stays true: every handler that changes a
 * collection in place must call `touched()`, which re-accounts its size. After
 * a seeded random workload over every type and command (the generator of the
 * random differential test), then collections grown big and shrunk again, each
 * database's accounted object bytes are compared with a fresh estimate of every
 * value read in full. A handler that forgot `touched()` leaves a stale size and
 * shows here as a gap.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createServer, type RedoubtServer } from '../src/index.js';
import { prng, testSeed } from './helpers/random.js';
import { Gen, nextGroup } from './helpers/random-commands.js';
import { RespConnection } from './helpers/resp.js';

let handle: RedoubtServer;
let conn: RespConnection;

before(async () => {
  handle = await createServer({ port: 0, bind: '127.0.0.1' }).listen();
  conn = await RespConnection.open(handle.address().port);
});

after(async () => {
  conn.close();
  await handle.close();
});

function checkAccounting(label: string): void {
  for (const db of handle.server.dbs) {
    const { tracked, fresh } = db.objectAccounting();
    if (fresh === 0) {
      assert.equal(tracked, 0, `${label}: db ${db.id} accounts objects it does not hold`);
      continue;
    }
    const ratio = tracked / fresh;
    assert.ok(ratio > 0.85 && ratio < 1.15, `${label}: db ${db.id} accounted ${tracked}, fresh ${fresh}`);
  }
}

describe('memory accounting follows every write', () => {
  it('after a seeded random workload over every type', async (t) => {
    const seed = testSeed();
    t.diagnostic(`seed ${seed} (replay: REDOUBT_SEED=${seed})`);
    const g = new Gen(prng(seed));
    for (let n = 0; n < 15000; ) {
      for (const c of nextGroup(g, 0)) {
        await conn.call(...c.args);
        n++;
      }
    }
    checkAccounting('random workload');
  });

  it('after collections of every type grew to thousands of elements and shrank again', async () => {
    await conn.call('FLUSHALL');
    const big = (i: number): string => `value-${i}-`.padEnd(20 + (i % 200), 'x');
    for (let i = 0; i < 3000; i++) {
      await conn.call('RPUSH', 'list', big(i));
      await conn.call('HSET', 'hash', `f${i}`, big(i));
      await conn.call('SADD', 'set', `m${i}`);
      await conn.call('SADD', 'intset', String(i));
      await conn.call('ZADD', 'zset', String(i * 1.5), `m${i}`);
      await conn.call('XADD', 'stream', '*', 'f', big(i));
      await conn.call('XADD', 'stream2', '*', 'f', big(i));
    }
    checkAccounting('grown');
    // Shrink by different paths: pops, removals, trims, consumer groups.
    await conn.call('LTRIM', 'list', '0', '99');
    for (let i = 0; i < 2900; i++) await conn.call('HDEL', 'hash', `f${i}`);
    await conn.call('SPOP', 'set', '2500');
    await conn.call('SREM', 'intset', ...Array.from({ length: 2000 }, (_, i) => String(i)));
    await conn.call('ZREMRANGEBYRANK', 'zset', '0', '2499');
    await conn.call('XTRIM', 'stream', 'MAXLEN', '100');
    // XADD's own trim shrinks the stream in the same command that grows it.
    await conn.call('XADD', 'stream2', 'MAXLEN', '=', '100', '*', 'f', 'v');
    await conn.call('XGROUP', 'CREATE', 'stream', 'g', '0');
    await conn.call('XREADGROUP', 'GROUP', 'g', 'alice', 'COUNT', '100', 'STREAMS', 'stream', '>');
    // Values that grew in place without changing their element count.
    for (let i = 0; i < 100; i++) await conn.call('HSET', 'hash', `f${2900 + i}`, 'y'.repeat(2000));
    for (let i = 0; i < 100; i++) await conn.call('LSET', 'list', String(i), 'z'.repeat(2000));
    checkAccounting('shrunk');
  });
});
