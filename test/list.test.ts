/**
 * List commands, differential against a real redis-server 7.0: pushes and pops
 * (with counts), ranges and index normalisation, LSET/LINSERT/LREM/LTRIM, LPOS
 * and its options (including Redis's LONG_MIN rank), LMOVE/RPOPLPUSH (same key
 * too), LMPOP, binary-safe elements, WRONGTYPE, RESP3, a long list, ioredis.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BIN, BIN2, inResp3 } from './helpers/collections.js';
import { Differential } from './helpers/diff.js';
import { prng, testSeed } from './helpers/random.js';
import type { Arg } from './helpers/resp.js';

const LLONG_MAX = '9223372036854775807';
const LLONG_MIN = '-9223372036854775808';

describe('list commands (differential)', () => {
  let d: Differential | null;
  before(async () => {
    d = await Differential.start();
  });
  after(async () => {
    await d?.close();
  });

  it('arity errors of every command', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['LPUSH', 'l'],
      ['RPUSH', 'l'],
      ['LPUSHX', 'l'],
      ['RPUSHX', 'l'],
      ['LPOP'],
      ['LPOP', 'l', '1', '2'],
      ['RPOP', 'l', '1', '2'],
      ['LLEN'],
      ['LRANGE', 'l', '0'],
      ['LINDEX', 'l'],
      ['LSET', 'l', '0'],
      ['LINSERT', 'l', 'BEFORE', 'a'],
      ['LREM', 'l', '0'],
      ['LTRIM', 'l', '0'],
      ['LPOS', 'l'],
      ['LMOVE', 'a', 'b', 'LEFT'],
      ['RPOPLPUSH', 'a'],
      ['LMPOP', '1', 'l'],
    ]);
  });

  it('pushes, pops, LLEN, LRANGE and LINDEX', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['FLUSHALL'],
      ['LPUSH', 'l', 'a', 'b', 'c'],
      ['RPUSH', 'l', 'd', 'e'],
      ['LRANGE', 'l', '0', '-1'],
      ['LPUSHX', 'l', 'x'],
      ['RPUSHX', 'l', 'y', 'z'],
      ['LPUSHX', 'nokey', 'x'],
      ['RPUSHX', 'nokey', 'x'],
      ['EXISTS', 'nokey'],
      ['LLEN', 'l'],
      ['LLEN', 'nokey'],
      ['LRANGE', 'l', '0', '0'],
      ['LRANGE', 'l', '-3', '-1'],
      ['LRANGE', 'l', '-100', '2'],
      ['LRANGE', 'l', '5', '100'],
      ['LRANGE', 'l', '3', '2'],
      ['LRANGE', 'l', '100', '200'],
      ['LRANGE', 'l', '-1', '-3'],
      ['LRANGE', 'l', LLONG_MIN, LLONG_MAX],
      ['LRANGE', 'l', 'a', '1'],
      ['LRANGE', 'l', '0', '1.5'],
      ['LRANGE', 'nokey', 'x', '1'],
      ['LRANGE', 'nokey', '0', '-1'],
      ['LINDEX', 'l', '0'],
      ['LINDEX', 'l', '-1'],
      ['LINDEX', 'l', '-9'],
      ['LINDEX', 'l', '-10'],
      ['LINDEX', 'l', '100'],
      ['LINDEX', 'l', 'x'],
      ['LINDEX', 'nokey', 'x'],
      ['LINDEX', 'nokey', '0'],
      ['LPOP', 'l'],
      ['RPOP', 'l'],
      ['LPOP', 'l', '2'],
      ['RPOP', 'l', '3'],
      ['LPOP', 'l', '0'],
      ['RPOP', 'l', '0'],
      ['LPOP', 'l', '-1'],
      ['LPOP', 'l', 'x'],
      ['LPOP', 'nokey'],
      ['LPOP', 'nokey', '0'],
      ['LPOP', 'nokey', '5'],
      ['LPOP', 'nokey', '-1'],
      ['RPOP', 'l', '100'],
      ['EXISTS', 'l'],
      ['RPUSH', 'l', 'only'],
      ['RPOP', 'l'],
      ['EXISTS', 'l'],
      ['RPUSH', BIN, BIN, BIN2, '', 'ÿ'],
      ['LRANGE', BIN, '0', '-1'],
      ['LPOS', BIN, BIN2],
      ['LREM', BIN, '0', ''],
      ['LRANGE', BIN, '0', '-1'],
      ['OBJECT', 'ENCODING', BIN],
      ['TYPE', BIN],
    ]);
  });

  it('LSET, LINSERT, LREM, LTRIM', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['FLUSHALL'],
      ['LSET', 'nokey', '0', 'x'],
      ['LSET', 'nokey', 'abc', 'x'],
      ['RPUSH', 'l', 'a', 'b', 'c', 'a', 'b', 'c', 'a'],
      ['LSET', 'l', '0', 'A'],
      ['LSET', 'l', '-1', 'Z'],
      ['LSET', 'l', '7', 'x'],
      ['LSET', 'l', '-8', 'x'],
      ['LSET', 'l', 'x', 'x'],
      ['LRANGE', 'l', '0', '-1'],
      ['LINSERT', 'l', 'BEFORE', 'b', 'x'],
      ['LINSERT', 'l', 'after', 'c', 'y'],
      ['LINSERT', 'l', 'AFTER', 'Z', 'end'],
      ['LINSERT', 'l', 'BEFORE', 'A', 'start'],
      ['LINSERT', 'l', 'BEFORE', 'none', 'x'],
      ['LINSERT', 'l', 'MIDDLE', 'b', 'x'],
      ['LINSERT', 'nokey', 'BEFORE', 'b', 'x'],
      ['LINSERT', 'nokey', 'MIDDLE', 'b', 'x'],
      ['LRANGE', 'l', '0', '-1'],
      ['LREM', 'l', '1', 'b'],
      ['LREM', 'l', '-1', 'c'],
      ['LREM', 'l', '0', 'a'],
      ['LREM', 'l', '0', 'none'],
      ['LREM', 'l', 'x', 'a'],
      ['LREM', 'nokey', 'x', 'a'],
      ['LREM', 'nokey', '0', 'a'],
      ['LRANGE', 'l', '0', '-1'],
      ['RPUSH', 'r', 'x', 'x', 'y', 'x', 'x', 'y', 'x'],
      ['LREM', 'r', '-2', 'x'],
      ['LRANGE', 'r', '0', '-1'],
      ['LREM', 'r', '2', 'x'],
      ['LRANGE', 'r', '0', '-1'],
      ['LREM', 'r', LLONG_MIN, 'y'],
      ['LRANGE', 'r', '0', '-1'],
      ['LREM', 'r', '0', 'x'],
      ['EXISTS', 'r'],
      ['LTRIM', 'l', '1', '-2'],
      ['LRANGE', 'l', '0', '-1'],
      ['LTRIM', 'l', '0', '100'],
      ['LTRIM', 'l', '-2', '-1'],
      ['LRANGE', 'l', '0', '-1'],
      ['LTRIM', 'l', 'x', '1'],
      ['LTRIM', 'nokey', 'x', '1'],
      ['LTRIM', 'nokey', '0', '1'],
      ['LTRIM', 'l', '5', '1'],
      ['EXISTS', 'l'],
      ['RPUSH', 'l', 'a', 'b'],
      ['LTRIM', 'l', '-1', '-2'],
      ['EXISTS', 'l'],
    ]);
  });

  it('LPOS with RANK, COUNT and MAXLEN', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['FLUSHALL'],
      ['RPUSH', 'l', 'a', 'b', 'c', 'a', 'b', 'c', 'a', 'x'],
      ['LPOS', 'l', 'a'],
      ['LPOS', 'l', 'c'],
      ['LPOS', 'l', 'none'],
      ['LPOS', 'l', 'a', 'RANK', '2'],
      ['LPOS', 'l', 'a', 'RANK', '3'],
      ['LPOS', 'l', 'a', 'RANK', '4'],
      ['LPOS', 'l', 'a', 'RANK', '-1'],
      ['LPOS', 'l', 'a', 'RANK', '-3'],
      ['LPOS', 'l', 'a', 'RANK', '0'],
      ['LPOS', 'l', 'a', 'RANK', 'x'],
      ['LPOS', 'l', 'a', 'RANK', LLONG_MAX],
      ['LPOS', 'l', 'a', 'RANK', LLONG_MIN],
      ['LPOS', 'l', 'a', 'RANK', '-9223372036854775807'],
      ['LPOS', 'l', 'a', 'RANK', LLONG_MIN, 'COUNT', '1'],
      ['LPOS', 'l', 'a', 'RANK', LLONG_MIN, 'COUNT', '0', 'MAXLEN', '3'],
      ['LPOS', 'l', 'a', 'COUNT', '0'],
      ['LPOS', 'l', 'a', 'COUNT', '2'],
      ['LPOS', 'l', 'a', 'COUNT', '2', 'RANK', '-1'],
      ['LPOS', 'l', 'a', 'COUNT', '10', 'RANK', '2'],
      ['LPOS', 'l', 'none', 'COUNT', '1'],
      ['LPOS', 'l', 'a', 'COUNT', '-1'],
      ['LPOS', 'l', 'a', 'COUNT', 'x'],
      ['LPOS', 'l', 'a', 'MAXLEN', '3'],
      ['LPOS', 'l', 'c', 'MAXLEN', '2'],
      ['LPOS', 'l', 'a', 'MAXLEN', '1', 'RANK', '-1'],
      ['LPOS', 'l', 'a', 'MAXLEN', '-1'],
      ['LPOS', 'l', 'a', 'MAXLEN', 'x'],
      ['LPOS', 'l', 'a', 'MAXLEN', '0', 'COUNT', '0'],
      ['LPOS', 'l', 'a', 'RANK'],
      ['LPOS', 'l', 'a', 'FOO', '1'],
      ['LPOS', 'l', 'a', 'rank', '1', 'count', '1', 'maxlen', '0'],
      ['LPOS', 'nokey', 'a'],
      ['LPOS', 'nokey', 'a', 'COUNT', '1'],
      ['LPOS', 'nokey', 'a', 'RANK', '0'],
    ]);
  });

  it('LMOVE, RPOPLPUSH and LMPOP', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['FLUSHALL'],
      ['RPUSH', 's', '1', '2', '3'],
      ['LMOVE', 's', 'd', 'LEFT', 'RIGHT'],
      ['LMOVE', 's', 'd', 'RIGHT', 'LEFT'],
      ['LMOVE', 's', 'd', 'left', 'left'],
      ['EXISTS', 's'],
      ['LRANGE', 'd', '0', '-1'],
      ['LMOVE', 'd', 'd', 'LEFT', 'RIGHT'],
      ['LRANGE', 'd', '0', '-1'],
      ['LMOVE', 'd', 'd', 'RIGHT', 'RIGHT'],
      ['LRANGE', 'd', '0', '-1'],
      ['LMOVE', 'nokey', 'd', 'LEFT', 'LEFT'],
      ['LMOVE', 'd', 'x', 'UP', 'LEFT'],
      ['LMOVE', 'd', 'x', 'LEFT', 'DOWN'],
      ['RPUSH', 'one', 'x'],
      ['LMOVE', 'one', 'one', 'LEFT', 'LEFT'],
      ['LRANGE', 'one', '0', '-1'],
      ['RPOPLPUSH', 'd', 'e'],
      ['RPOPLPUSH', 'nokey', 'e'],
      ['RPOPLPUSH', 'one', 'one'],
      ['LRANGE', 'e', '0', '-1'],
      ['SET', 'str', 'v'],
      ['LMOVE', 'd', 'str', 'LEFT', 'LEFT'],
      ['LMOVE', 'str', 'd', 'LEFT', 'LEFT'],
      ['LMOVE', 'nokey', 'str', 'LEFT', 'LEFT'],
      ['RPOPLPUSH', 'd', 'str'],
      ['LRANGE', 'd', '0', '-1'],
      ['LMPOP', '1', 'nokey', 'LEFT'],
      ['LMPOP', '2', 'nokey', 'd', 'LEFT'],
      ['LMPOP', '2', 'nokey', 'e', 'RIGHT', 'COUNT', '10'],
      ['EXISTS', 'e'],
      ['RPUSH', 'm', 'a', 'b', 'c', 'd'],
      ['LMPOP', '1', 'm', 'RIGHT', 'COUNT', '2'],
      ['LMPOP', '1', 'm', 'left', 'count', '1'],
      ['LMPOP', '2', 'str', 'm', 'LEFT'],
      ['LMPOP', '2', 'm', 'str', 'LEFT'],
      ['LMPOP', '0', 'm', 'LEFT'],
      ['LMPOP', '-1', 'm', 'LEFT'],
      ['LMPOP', 'x', 'm', 'LEFT'],
      ['LMPOP', '2', 'm', 'LEFT'],
      ['LMPOP', '5', 'm', 'LEFT'],
      ['LMPOP', '1', 'm', 'MIDDLE'],
      ['LMPOP', '1', 'm', 'LEFT', 'COUNT'],
      ['LMPOP', '1', 'm', 'LEFT', 'COUNT', '0'],
      ['LMPOP', '1', 'm', 'LEFT', 'COUNT', '-1'],
      ['LMPOP', '1', 'm', 'LEFT', 'COUNT', 'x'],
      ['LMPOP', '1', 'm', 'LEFT', 'COUNT', '1', 'COUNT', '1'],
      ['LMPOP', '1', 'm', 'LEFT', 'FOO'],
      ['LMPOP', '1', 'nokey', 'LEFT', 'COUNT', '0'],
    ]);
  });

  it('a long list: indexes, inserts and removals across the ring buffer', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const seed = testSeed();
    const rnd = prng(seed);
    const int = (lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));
    await d.same(['FLUSHALL']);
    const items: Arg[] = [];
    for (let i = 0; i < 300; i++) items.push(`e${i % 17}`);
    await d.same(['RPUSH', 'big', ...items]);
    try {
      for (let step = 0; step < 600; step++) {
        const k = int(0, 11);
        const v = `e${int(0, 20)}`;
        const i = String(int(-320, 320));
        const cmd: Arg[] =
          k === 0
            ? ['LPUSH', 'big', v, v]
            : k === 1
              ? ['RPOP', 'big', String(int(0, 3))]
              : k === 2
                ? ['LINSERT', 'big', rnd() < 0.5 ? 'BEFORE' : 'AFTER', v, `n${step}`]
                : k === 3
                  ? ['LREM', 'big', String(int(-3, 3)), v]
                  : k === 4
                    ? ['LSET', 'big', i, `s${step}`]
                    : k === 5
                      ? ['LINDEX', 'big', i]
                      : k === 6
                        ? ['LRANGE', 'big', i, String(int(-320, 320))]
                        : k === 7
                          ? ['LPOS', 'big', v, 'RANK', String(int(-3, 3) || 1), 'COUNT', String(int(0, 4))]
                          : k === 8
                            ? ['LPOP', 'big']
                            : k === 9
                              ? ['RPUSH', 'big', v]
                              : k === 10
                                ? ['LMOVE', 'big', 'big', rnd() < 0.5 ? 'LEFT' : 'RIGHT', 'LEFT']
                                : ['LTRIM', 'big', String(int(-5, 3)), String(int(-3, 400))];
        await d.same(cmd);
        if (step % 50 === 0) await d.same(['LRANGE', 'big', '0', '-1']);
      }
      await d.same(['LRANGE', 'big', '0', '-1']);
    } catch (err) {
      assert.fail(`long-list run failed (REDOUBT_SEED=${seed}): ${(err as Error).message}`);
    }
  });

  it('WRONGTYPE for every list command on other types', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['FLUSHALL'],
      ['SET', 'str', 'x'],
      ['HSET', 'hash', 'f', 'v'],
      ['SADD', 'set', 'a'],
      ['ZADD', 'zset', '1', 'a'],
    ]);
    for (const k of ['str', 'hash', 'set', 'zset']) {
      await d.all([
        ['LPUSH', k, 'x'],
        ['RPUSH', k, 'x'],
        ['LPUSHX', k, 'x'],
        ['RPUSHX', k, 'x'],
        ['LPOP', k],
        ['RPOP', k, '2'],
        ['LLEN', k],
        ['LRANGE', k, '0', '-1'],
        ['LINDEX', k, '0'],
        ['LSET', k, '0', 'x'],
        ['LINSERT', k, 'BEFORE', 'a', 'b'],
        ['LREM', k, '0', 'a'],
        ['LTRIM', k, '0', '1'],
        ['LPOS', k, 'a'],
        ['LMOVE', k, 'dst', 'LEFT', 'LEFT'],
        ['RPOPLPUSH', k, 'dst'],
        ['LMPOP', '1', k, 'LEFT'],
      ]);
    }
    await d.all([
      ['RPUSH', 'l', 'a'],
      ['GET', 'l'],
      ['INCRBYFLOAT', 'l', '1'],
      ['GETRANGE', 'l', '0', '1'],
      ['HSET', 'l', 'f', 'v'],
      ['SADD', 'l', 'x'],
      ['ZINCRBY', 'l', '1', 'x'],
      ['BITCOUNT', 'l'],
      ['LCS', 'l', 'str'],
      ['TYPE', 'l'],
      ['OBJECT', 'ENCODING', 'l'],
    ]);
  });

  it('COPY, RENAME and MOVE keep lists intact and independent', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['FLUSHALL'],
      ['RPUSH', 'l', 'a', 'b', 'c'],
      ['COPY', 'l', 'l2'],
      ['RPUSH', 'l2', 'd'],
      ['LRANGE', 'l', '0', '-1'],
      ['LRANGE', 'l2', '0', '-1'],
      ['RENAME', 'l2', 'l3'],
      ['LRANGE', 'l3', '0', '-1'],
      ['MOVE', 'l3', '2'],
      ['SELECT', '2'],
      ['LPOP', 'l3'],
      ['SELECT', '0'],
      ['EXISTS', 'l3'],
    ]);
  });

  it('RESP3 replies', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([['FLUSHALL'], ['RPUSH', 'l', 'a', 'b', 'c']]);
    await inResp3(d, [
      ['LRANGE', 'l', '0', '-1'],
      ['LPOP', 'l', '2'],
      ['LPOP', 'nokey', '2'],
      ['LPOP', 'nokey'],
      ['LINDEX', 'l', '5'],
      ['LPOS', 'l', 'x'],
      ['LPOS', 'l', 'c', 'COUNT', '0'],
      ['LMPOP', '1', 'nokey', 'LEFT'],
      ['LMPOP', '1', 'l', 'RIGHT'],
      ['LMOVE', 'nokey', 'l', 'LEFT', 'LEFT'],
    ]);
  });

  it('through ioredis', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const { Redis } = await import('ioredis');
    const scenario = async (port: number): Promise<unknown[]> => {
      const r = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0 });
      r.on('error', () => {});
      await r.connect();
      try {
        await r.del('io:l', 'io:m');
        const out: unknown[] = [];
        out.push(await r.rpush('io:l', 'a', 'b', 'c', 'd'), await r.lpush('io:l', 'z'));
        out.push(await r.lrange('io:l', 0, -1), await r.lindex('io:l', -1), await r.llen('io:l'));
        out.push(await r.lpop('io:l'), await r.rpop('io:l', 2), await r.lpos('io:l', 'b'));
        out.push(await r.lmove('io:l', 'io:m', 'LEFT', 'RIGHT'), await r.rpoplpush('io:l', 'io:m'));
        out.push(await r.lmpop(1, 'io:m', 'LEFT', 'COUNT', 5), await r.exists('io:l', 'io:m'));
        out.push(await r.lrangeBuffer('io:m', 0, -1));
        return out;
      } finally {
        r.disconnect();
      }
    };
    assert.deepEqual(await scenario(d.redoubtServer.port), await scenario(d.redisServer.port));
  });
});
