/**
 * Seeded randomized differential run: three connections to Redoubt and three
 * to redis-server 7.0 send the same random mix of MULTI/EXEC/DISCARD/WATCH/
 * UNWATCH (with refused commands inside transactions) and string, list and
 * sorted-set commands (blocking ones inside MULTI, or with a 1 ms timeout)
 * over a few keys in two databases, with SELECT, SWAPDB, FLUSHDB and RESET now
 * and then; every reply must be byte-identical. Replay a failure with
 * REDOUBT_SEED=<seed>.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Differential, sorted } from './helpers/diff.js';
import { Duo } from './helpers/duo.js';
import { prng, testSeed } from './helpers/random.js';
import type { Arg } from './helpers/resp.js';

const STEPS = 2500;
const KEYS = ['k0', 'k1', 'k2', 'k3', 'k4'];

describe('transactions: randomized differential run', () => {
  let d: Differential | null;
  let conns: Duo[] = [];
  before(async () => {
    d = await Differential.start();
    if (d === null) return;
    conns = [Duo.main(d), await Duo.open(d), await Duo.open(d)];
  });
  after(async () => {
    for (const c of conns.slice(1)) c.close();
    await d?.close();
  });

  it(`${STEPS} random steps over 3 connections`, async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const seed = testSeed();
    const rnd = prng(seed);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
    const int = (n: number): number => Math.floor(rnd() * n);
    const key = (): string => pick(KEYS);
    const val = (): string => pick(['1', '2', '10', 'x', 'abc', '-3', '']);
    const inMulti = [false, false, false];

    const generators: [number, () => Arg[]][] = [
      // Strings.
      [6, () => ['SET', key(), val()]],
      [4, () => ['GET', key()]],
      [3, () => ['INCR', key()]],
      [2, () => ['APPEND', key(), val()]],
      [3, () => ['DEL', key(), ...(rnd() < 0.3 ? [key()] : [])]],
      [2, () => ['MSET', key(), val(), key(), val()]],
      [1, () => ['GETDEL', key()]],
      [2, () => ['EXISTS', key(), key()]],
      [1, () => ['EXPIRE', key(), '1000']],
      [1, () => ['PERSIST', key()]],
      [1, () => ['SET', key(), val(), 'NX']],
      [1, () => ['RENAME', key(), key()]],
      // Lists.
      [5, () => ['LPUSH', key(), val(), ...(rnd() < 0.5 ? [val()] : [])]],
      [4, () => ['RPUSH', key(), val()]],
      [3, () => ['LPOP', key()]],
      [2, () => ['RPOP', key(), String(int(3))]],
      [3, () => ['LRANGE', key(), '0', '-1']],
      [1, () => ['LLEN', key()]],
      [2, () => ['LMOVE', key(), key(), pick(['LEFT', 'RIGHT']), pick(['LEFT', 'RIGHT'])]],
      [1, () => ['LMPOP', '2', key(), key(), pick(['LEFT', 'RIGHT']), 'COUNT', String(1 + int(3))]],
      // Sorted sets.
      [5, () => ['ZADD', key(), String(int(10) - 3), pick(['a', 'b', 'c', 'd'])]],
      [2, () => ['ZINCRBY', key(), '1.5', pick(['a', 'b', 'c'])]],
      [2, () => ['ZPOPMIN', key(), ...(rnd() < 0.5 ? ['2'] : [])]],
      [3, () => ['ZRANGE', key(), '0', '-1', 'WITHSCORES']],
      [1, () => ['ZREM', key(), pick(['a', 'b'])]],
      [1, () => ['ZMPOP', '1', key(), pick(['MIN', 'MAX'])]],
      // Blocking: inside MULTI they answer at once; outside, 1 ms at most.
      [2, () => ['BLPOP', key(), key(), '0.001']],
      [1, () => ['BRPOPLPUSH', key(), key(), '0.001']],
      [1, () => ['BZPOPMAX', key(), '0.001']],
      [1, () => ['BLMPOP', '0.001', '1', key(), 'LEFT', 'COUNT', '2']],
      // Transactions.
      [6, () => ['MULTI']],
      [5, () => ['EXEC']],
      [1, () => ['DISCARD']],
      [4, () => ['WATCH', key(), ...(rnd() < 0.4 ? [key()] : [])]],
      [1, () => ['UNWATCH']],
      [1, () => ['NOSUCHCOMMAND', key()]],
      [1, () => ['GET']],
      // Whole databases.
      [1, () => ['SELECT', String(int(2))]],
      [0.3, () => ['SWAPDB', '0', '1']],
      [0.2, () => ['FLUSHDB']],
      [0.2, () => ['RESET']],
    ];
    const total = generators.reduce((s, [w]) => s + w, 0);
    const next = (): Arg[] => {
      let r = rnd() * total;
      for (const [w, g] of generators) {
        r -= w;
        if (r < 0) return g();
      }
      return ['PING'];
    };

    for (let step = 0; step < STEPS; step++) {
      const i = int(conns.length);
      let cmd = next();
      // Blocking commands with an infinite timeout only where they cannot block.
      if (inMulti[i] === true && rnd() < 0.3 && String(cmd[0]).startsWith('B')) cmd = ['BLPOP', key(), '0'];
      const duo = conns[i] as Duo;
      let reply: unknown;
      try {
        reply = await duo.same(cmd);
      } catch (err) {
        assert.fail(`seed ${seed}, step ${step}, connection ${i}: ${(err as Error).message}`);
      }
      const name = String(cmd[0]);
      const ok = (reply as { status?: string })?.status;
      if (name === 'MULTI' && ok === 'OK') inMulti[i] = true;
      if (name === 'EXEC' || name === 'DISCARD' || name === 'RESET') inMulti[i] = false;
    }
    // Close any open transaction, then compare the whole keyspace.
    for (const c of conns) {
      await c.same(['DISCARD']);
      await c.same(['SELECT', '0']);
    }
    const main = conns[0] as Duo;
    const read: Record<string, (k: string) => Arg[]> = {
      string: (k) => ['GET', k],
      list: (k) => ['LRANGE', k, '0', '-1'],
      zset: (k) => ['ZRANGE', k, '0', '-1', 'WITHSCORES'],
    };
    for (const db of ['0', '1']) {
      await main.same(['SELECT', db]);
      await main.same(['KEYS', '*'], sorted);
      for (const k of KEYS) {
        const type = (await main.same(['TYPE', k])) as { status: string };
        const r = read[type.status];
        if (r !== undefined) await main.same(r(k));
      }
    }
    await main.same(['SELECT', '0']);
  });
});
