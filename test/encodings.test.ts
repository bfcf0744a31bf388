/**
 * OBJECT ENCODING, differential against a real redis-server 7.0: for every
 * type, values on both sides of each conversion threshold of Redis 7.0
 * (set-max-intset-entries, hash-max-listpack-entries/-value,
 * zset-max-listpack-entries/-value, list-max-listpack-size, and the string
 * int/embstr/raw rules of tryObjectEncoding), reached by every command that
 * creates or grows a value, before and after CONFIG SET of the thresholds.
 * Redis 7.0 lists are always quicklists (listpack lists came in 7.2) and
 * collections never convert back when they shrink: both are checked too.
 */
import { after, before, describe, it } from 'node:test';
import { Differential } from './helpers/diff.js';
import type { Arg } from './helpers/resp.js';

const LLONG_MAX = '9223372036854775807';

/** `n` members named by `f`, as the tail of a variadic command. */
function members(n: number, f: (i: number) => Arg[]): Arg[] {
  const out: Arg[] = [];
  for (let i = 0; i < n; i++) out.push(...f(i));
  return out;
}

describe('OBJECT ENCODING (differential)', () => {
  let d: Differential | null;
  before(async () => {
    d = await Differential.start();
  });
  after(async () => {
    await d?.close();
  });

  /** Run each command, then compare OBJECT ENCODING of `key`. */
  async function steps(key: string, commands: readonly (readonly Arg[])[]): Promise<void> {
    const dd = d as Differential;
    for (const c of commands) {
      await dd.same(c);
      try {
        await dd.same(['OBJECT', 'ENCODING', key]);
      } catch (e) {
        throw new Error(`after ${JSON.stringify(c.map(String)).slice(0, 200)}: ${(e as Error).message}`);
      }
    }
  }

  it('strings: int, embstr and raw, and what in-place writes make of them', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.same(['FLUSHALL']);
    const values = [
      '0',
      '123',
      '-5',
      '10000',
      '9999',
      LLONG_MAX,
      '-9223372036854775808',
      '9223372036854775808',
      '-9223372036854775809',
      '00',
      '0123',
      '+1',
      ' 1',
      '1 ',
      '-0',
      '1.5',
      '1e3',
      '',
      'a',
      'x'.repeat(44),
      'x'.repeat(45),
      '1'.repeat(20),
      '1'.repeat(21),
      `1${'0'.repeat(18)}`,
      Buffer.from([0, 1, 2]),
    ];
    for (const v of values) {
      await steps('s', [['SET', 's', v]]);
      await steps('s', [
        ['DEL', 's'],
        ['MSET', 's', v, 'other', '1'],
        ['GETSET', 's', v],
        ['SETNX', 's2', v],
      ]);
      await d.same(['OBJECT', 'ENCODING', 's2']);
      await d.same(['DEL', 's2']);
    }
    await steps('s', [
      ['SET', 's', '10'],
      ['APPEND', 's', ''],
      ['SET', 's', '10'],
      ['APPEND', 's', '1'],
      ['INCR', 's'],
      ['APPEND', 's', 'x'],
      ['SET', 's', 'abc'],
      ['SETRANGE', 's', '0', 'x'],
      ['SET', 's', 'abc'],
      ['SETRANGE', 's', '0', ''],
      ['SET', 's', '5'],
      ['SETRANGE', 's', '0', '6'],
      ['INCRBY', 's', '100'],
      ['SET', 's', '5'],
      ['SETBIT', 's', '0', '1'],
      ['SET', 's', '5'],
      ['INCRBYFLOAT', 's', '1.5'],
      ['INCRBYFLOAT', 's', '1.5'],
      ['INCRBYFLOAT', 's', '1e30'],
      ['SET', 's', LLONG_MAX],
      ['DECR', 's'],
      ['DECRBY', 's', '-1'],
      ['SET', 's', '-1'],
      ['DECR', 's'],
      ['DEL', 's'],
      ['APPEND', 's', '123'],
      ['APPEND', 's', '4'],
      ['DEL', 's'],
      ['SETRANGE', 's', '3', 'x'],
      ['DEL', 's'],
      ['INCR', 's'],
      ['DEL', 's'],
      ['INCRBYFLOAT', 's', '2'],
      ['SETEX', 's', '100', '42'],
      ['PSETEX', 's', '100000', 'x'.repeat(45)],
      ['SET', 's', 'x'.repeat(40)],
      ['APPEND', 's', 'yyyy'],
      ['GETEX', 's', 'PERSIST'],
      ['SET', 's', '7', 'GET'],
      ['GETDEL', 's'],
    ]);
    // INCRBYFLOAT's integral results are embstrs (refcount 1), and their copies too.
    await steps('f', [
      ['SET', 'f', '5'],
      ['INCRBYFLOAT', 'f', '3'],
      ['COPY', 'f', 'fc'],
      ['MOVE', 'fc', '1'],
    ]);
    await d.same(['OBJECT', 'REFCOUNT', 'f']);
    await d.all([
      ['SELECT', '1'],
      ['OBJECT', 'ENCODING', 'fc'],
      ['OBJECT', 'REFCOUNT', 'fc'],
      ['SELECT', '0'],
    ]);
    // Values written whole by bit commands are raw; RESTORE encodes as SET does.
    await steps('b', [
      ['SET', 'x', '12'],
      ['BITOP', 'AND', 'b', 'x', 'x'],
      ['BITOP', 'NOT', 'b', 'x'],
      ['DEL', 'b'],
      ['SETBIT', 'b', '1', '1'],
      ['DEL', 'b'],
      ['BITFIELD', 'b', 'SET', 'u8', '0', '49'],
      ['GET', 'b'],
      ['DEL', 'b'],
      ['BITFIELD', 'b', 'GET', 'u8', '0'],
      ['SETRANGE', 'b', '0', ''],
    ]);
    for (const v of ['10', '-10', 'abc', 'x'.repeat(50), '12345678901234567890']) {
      await d.same(['SET', 'src', v]);
      const payload = Buffer.from((await d.same(['DUMP', 'src'])) as string, 'latin1');
      await steps('r', [['RESTORE', 'r', '0', payload, 'REPLACE']]);
    }
    // The encoding moves with the key.
    await steps('r', [
      ['SET', 'x', 'abc'],
      ['APPEND', 'x', 'd'],
      ['RENAME', 'x', 'r'],
      ['COPY', 'r', 'c'],
    ]);
    await d.same(['OBJECT', 'ENCODING', 'c']);
    await d.same(['OBJECT', 'ENCODING', 'nokey']);
  });

  it('lists are quicklists in Redis 7.0, whatever list-max-listpack-size says', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.same(['FLUSHALL']);
    await steps('l', [
      ['RPUSH', 'l', 'a'],
      ['RPUSH', 'l', ...members(200, (i) => [String(i)])],
      ['LPUSH', 'l', 'x'.repeat(10000)],
      ['LTRIM', 'l', '0', '0'],
      ['CONFIG', 'SET', 'list-max-listpack-size', '1'],
      ['RPUSH', 'l', 'b', 'c'],
      ['CONFIG', 'SET', 'list-max-listpack-size', '-5'],
      ['DEL', 'l'],
      ['LPUSH', 'l', 'z'],
      ['LMOVE', 'l', 'l2', 'LEFT', 'RIGHT'],
      ['CONFIG', 'SET', 'list-max-listpack-size', '-2'],
    ]);
    await d.same(['OBJECT', 'ENCODING', 'l2']);
  });

  it('sets: intset up to set-max-intset-entries integers, then hashtable', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.same(['FLUSHALL']);
    await steps('s', [
      ['SADD', 's', ...members(511, (i) => [String(i - 100)])],
      ['SADD', 's', '100000'],
      ['SADD', 's', '100000'],
      ['SADD', 's', '100001'],
      ['SREM', 's', '100001', '100000', '1', '2'],
      ['DEL', 's'],
      ['SADD', 's', LLONG_MAX, '-9223372036854775808'],
      ['SADD', 's', '9223372036854775808'],
      ['DEL', 's'],
      ['SADD', 's', '1', '01'],
      ['DEL', 's'],
      ['SADD', 's', '1', '-0'],
      ['DEL', 's'],
      ['SADD', 's', '1', ' 2'],
      ['DEL', 's'],
      ['SADD', 's', '1', 'a'],
      ['SREM', 's', 'a'],
      ['SADD', 's', '3'],
      ['DEL', 's'],
      ['SADD', 's', '1', '2', '3'],
      ['SMOVE', 'src', 's', 'x'],
      ['SADD', 'src', 'x'],
      ['SMOVE', 'src', 's', 'x'],
      ['DEL', 's'],
      ['SADD', 's', '5', '6', '7', 'x'],
      ['SREM', 's', 'x'],
      ['SPOP', 's', '3'],
    ]);
    await d.all([
      ['SADD', 'a', ...members(600, (i) => [String(i)])],
      ['SADD', 'b', ...members(600, (i) => [String(i * 2)])],
      ['SADD', 'c', '1', '2', 'x'],
      ['OBJECT', 'ENCODING', 'a'],
    ]);
    for (const store of ['SINTERSTORE', 'SUNIONSTORE', 'SDIFFSTORE']) {
      for (const srcs of [['a', 'b'], ['c', 'a'], ['a', 'c'], ['b'], ['c']]) {
        await steps('dst', [[store, 'dst', ...srcs]]);
      }
    }
    for (const max of ['0', '1', '3', '1000']) {
      await steps('t', [
        ['CONFIG', 'SET', 'set-max-intset-entries', max],
        ['DEL', 't'],
        ['SADD', 't', '1'],
        ['SADD', 't', '2', '3'],
        ['SADD', 't', '4'],
        ['SADD', 't', ...members(700, (i) => [String(i)])],
        ['SADD', 't', ...members(400, (i) => [String(i + 1000)])],
        ['SUNIONSTORE', 't', 't'],
      ]);
      await d.same(['OBJECT', 'ENCODING', 's']);
    }
    await d.same(['CONFIG', 'SET', 'set-max-intset-entries', '512']);
  });

  it('hashes: listpack up to hash-max-listpack-entries and -value, then hashtable', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.same(['FLUSHALL']);
    await steps('h', [
      ['HSET', 'h', ...members(512, (i) => [`f${i}`, String(i)])],
      ['HSET', 'h', 'f0', 'again'],
      ['HSET', 'h', 'f512', 'x'],
      ['HDEL', 'h', 'f512', 'f511'],
      ['DEL', 'h'],
      ['HSET', 'h', 'f', 'v'.repeat(64)],
      ['HSET', 'h', 'g', 'v'.repeat(65)],
      ['DEL', 'h'],
      ['HSET', 'h', 'k'.repeat(64), 'v'],
      ['HSET', 'h', 'k'.repeat(65), 'v'],
      ['DEL', 'h'],
      ['HMSET', 'h', 'a', '1', 'b', 'x'.repeat(65)],
      ['DEL', 'h'],
      ['HSETNX', 'h', 'a', 'x'.repeat(65)],
      ['DEL', 'h'],
      ['HSETNX', 'h', 'x'.repeat(65), 'a'],
      ['DEL', 'h'],
      ['HINCRBY', 'h', 'n', '5'],
      ['HINCRBYFLOAT', 'h', 'n', '1.5'],
      ['HINCRBYFLOAT', 'h', 'f', '1e60'],
      ['HINCRBYFLOAT', 'h', 'f', '1.2345678901234567'],
      ['DEL', 'h'],
      ['HINCRBY', 'h', 'x'.repeat(65), '1'],
    ]);
    for (const [entries, value] of [
      ['0', '64'],
      ['1', '64'],
      ['3', '1'],
      ['512', '0'],
      ['512', '64'],
    ] as const) {
      await steps('h2', [
        ['CONFIG', 'SET', 'hash-max-listpack-entries', entries],
        ['CONFIG', 'SET', 'hash-max-listpack-value', value],
        ['DEL', 'h2'],
        ['HSET', 'h2', 'a', '1'],
        ['HSET', 'h2', 'b', '22', 'c', '3'],
        ['HSET', 'h2', 'd', '4'],
        ['HSET', 'h2', '', ''],
      ]);
      // An existing listpack hash converts only on its next write.
      await d.same(['OBJECT', 'ENCODING', 'h']);
    }
    await steps('h3', [
      ['CONFIG', 'SET', 'hash-max-ziplist-entries', '2'],
      ['HSET', 'h3', 'a', '1', 'b', '2'],
      ['HSET', 'h3', 'c', '3'],
      ['CONFIG', 'SET', 'hash-max-ziplist-entries', '512'],
      ['CONFIG', 'SET', 'hash-max-ziplist-value', '64'],
    ]);
  });

  it('sorted sets: listpack up to zset-max-listpack-entries and -value, then skiplist', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.same(['FLUSHALL']);
    await steps('z', [
      ['ZADD', 'z', ...members(128, (i) => [String(i), `m${i}`])],
      ['ZADD', 'z', '5', 'm0'],
      ['ZADD', 'z', '1', 'm128'],
      ['ZREM', 'z', 'm128', 'm127', 'm1'],
      ['DEL', 'z'],
      ['ZADD', 'z', '1', 'm'.repeat(64)],
      ['ZADD', 'z', '1', 'm'.repeat(65)],
      ['DEL', 'z'],
      ['ZINCRBY', 'z', '1', 'm'.repeat(65)],
      ['DEL', 'z'],
      ['ZADD', 'z', 'INCR', '1', 'a'],
      ['ZADD', 'z', 'NX', '1', 'm'.repeat(65)],
      ['DEL', 'z'],
      ['ZADD', 'z', 'XX', '1', 'm'.repeat(65)],
    ]);
    await d.all([
      ['ZADD', 'big', ...members(200, (i) => [String(i), `b${i}`])],
      ['ZADD', 'small', '1', 'b1', '2', 'b2', '3', 'x'],
      ['ZADD', 'long', '1', 'L'.repeat(70), '2', 'b3'],
    ]);
    for (const cmd of [
      ['ZUNIONSTORE', 'dst', '2', 'big', 'small'],
      ['ZINTERSTORE', 'dst', '2', 'big', 'small'],
      ['ZDIFFSTORE', 'dst', '2', 'big', 'small'],
      ['ZDIFFSTORE', 'dst', '2', 'small', 'big'],
      ['ZUNIONSTORE', 'dst', '1', 'long'],
      ['ZINTERSTORE', 'dst', '2', 'long', 'small'],
      ['ZRANGESTORE', 'dst', 'big', '0', '127'],
      ['ZRANGESTORE', 'dst', 'big', '0', '128'],
      ['ZRANGESTORE', 'dst', 'long', '0', '-1'],
      ['ZRANGESTORE', 'dst', 'long', '1', '1'],
      ['GEOADD', 'dst', '1', '2', 'g'],
    ] as const) {
      await steps('dst', [cmd]);
    }
    for (const [entries, value] of [
      ['0', '64'],
      ['1', '64'],
      ['3', '1'],
      ['128', '0'],
      ['128', '64'],
    ] as const) {
      await steps('z2', [
        ['CONFIG', 'SET', 'zset-max-listpack-entries', entries],
        ['CONFIG', 'SET', 'zset-max-listpack-value', value],
        ['DEL', 'z2'],
        ['ZADD', 'z2', '1', 'a'],
        ['ZADD', 'z2', '2', 'bb', '3', 'c'],
        ['ZADD', 'z2', '4', 'd'],
        ['ZUNIONSTORE', 'z3', '1', 'small'],
      ]);
      await d.same(['OBJECT', 'ENCODING', 'z3']);
      await d.same(['OBJECT', 'ENCODING', 'z']);
    }
    await steps('z4', [
      ['CONFIG', 'SET', 'zset-max-ziplist-entries', '2'],
      ['ZADD', 'z4', '1', 'a', '2', 'b'],
      ['ZADD', 'z4', '3', 'c'],
      ['CONFIG', 'SET', 'zset-max-ziplist-entries', '128'],
      ['CONFIG', 'SET', 'zset-max-ziplist-value', '64'],
    ]);
  });

  it('HyperLogLog and geo values: strings and sorted sets', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.same(['FLUSHALL']);
    await steps('hll', [
      ['PFADD', 'hll', 'a'],
      ['PFADD', 'hll', ...members(3000, (i) => [`e${i}`])],
    ]);
    await steps('geo', [
      ['GEOADD', 'geo', '1', '2', 'a'],
      ['GEOADD', 'geo', ...members(130, (i) => ['1', '2', `g${i}`])],
    ]);
  });
});
