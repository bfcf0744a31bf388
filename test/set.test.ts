/**
 * Set commands, differential against a real redis-server 7.0: every command,
 * option and error path, intset order and the intset -> hashtable conversions
 * (non-integer member, set-max-intset-entries), the algebra with its STORE
 * forms (result encodings included, which follow Redis's choice of algorithm),
 * SPOP's three strategies, SRANDMEMBER, SSCAN, WRONGTYPE, RESP3 and ioredis.
 * Replies of hashtable-encoded sets are in Redis's hash order: compared as sets.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BIN, BIN2, checkSample, inResp3, sameFullScan, unordered } from './helpers/collections.js';
import { Differential } from './helpers/diff.js';

const LLONG_MAX = '9223372036854775807';
const LLONG_MIN = '-9223372036854775808';

const range = (from: number, to: number, prefix = ''): string[] => {
  const out: string[] = [];
  for (let i = from; i < to; i++) out.push(`${prefix}${i}`);
  return out;
};

describe('set commands (differential)', () => {
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
      ['SADD', 's'],
      ['SREM', 's'],
      ['SCARD'],
      ['SISMEMBER', 's'],
      ['SMISMEMBER', 's'],
      ['SMEMBERS'],
      ['SRANDMEMBER'],
      ['SPOP'],
      ['SMOVE', 'a', 'b'],
      ['SINTER'],
      ['SINTERCARD', '1'],
      ['SINTERSTORE', 'd'],
      ['SUNION'],
      ['SUNIONSTORE', 'd'],
      ['SDIFF'],
      ['SDIFFSTORE', 'd'],
      ['SSCAN', 's'],
    ]);
  });

  it('SADD, SREM, SCARD, SISMEMBER, SMISMEMBER, SMEMBERS on intsets (ascending order)', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['FLUSHALL'],
      ['SADD', 's', '5', '-3', '10', '0', LLONG_MAX, LLONG_MIN, '5'],
      ['SMEMBERS', 's'],
      ['OBJECT', 'ENCODING', 's'],
      ['SADD', 's', '7', '5'],
      ['SREM', 's', '10', 'nope', '11', 'x'],
      ['SMEMBERS', 's'],
      ['SCARD', 's'],
      ['SCARD', 'nokey'],
      ['SISMEMBER', 's', '7'],
      ['SISMEMBER', 's', '07'],
      ['SISMEMBER', 's', '+7'],
      ['SISMEMBER', 's', '7.0'],
      ['SISMEMBER', 'nokey', '7'],
      ['SMISMEMBER', 's', '7', 'x', LLONG_MIN, '9223372036854775808'],
      ['SMISMEMBER', 'nokey', 'a', 'b'],
      ['SMEMBERS', 'nokey'],
      ['SREM', 'nokey', 'a'],
      ['SREM', 's', '5', '-3', '0', LLONG_MAX, LLONG_MIN, '7'],
      ['EXISTS', 's'],
      // Integer forms that are not intset members.
      ['SADD', 'n', '007'],
      ['OBJECT', 'ENCODING', 'n'],
      ['SADD', 'n2', '-0'],
      ['OBJECT', 'ENCODING', 'n2'],
      ['SADD', 'n3', '9223372036854775808'],
      ['OBJECT', 'ENCODING', 'n3'],
      ['SADD', 'n4', ' 1'],
      ['OBJECT', 'ENCODING', 'n4'],
      ['SADD', 'n5', '1', '2', 'x'],
      ['OBJECT', 'ENCODING', 'n5'],
      ['SREM', 'n5', 'x'],
      ['OBJECT', 'ENCODING', 'n5'],
      ['SADD', BIN, BIN, BIN2, ''],
      ['SISMEMBER', BIN, BIN],
      ['SISMEMBER', BIN, ''],
      ['SREM', BIN, BIN2],
      ['TYPE', BIN],
    ]);
    await d.same(['SMEMBERS', BIN], unordered);
    await d.same(['SMEMBERS', 'n5'], unordered);
  });

  it('encoding: intset up to set-max-intset-entries, then hashtable for good', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['FLUSHALL'],
      ['SADD', 's', ...range(0, 512)],
      ['OBJECT', 'ENCODING', 's'],
      ['SADD', 's', '511'],
      ['OBJECT', 'ENCODING', 's'],
      ['SADD', 's', '512'],
      ['OBJECT', 'ENCODING', 's'],
      ['SREM', 's', ...range(10, 513)],
      ['OBJECT', 'ENCODING', 's'],
      ['SCARD', 's'],
      ['CONFIG', 'SET', 'set-max-intset-entries', '3'],
      ['SADD', 'c', '1', '2', '3'],
      ['OBJECT', 'ENCODING', 'c'],
      ['SADD', 'c', '4'],
      ['OBJECT', 'ENCODING', 'c'],
      ['CONFIG', 'SET', 'set-max-intset-entries', '0'],
      ['SADD', 'z', '1'],
      ['OBJECT', 'ENCODING', 'z'],
      ['CONFIG', 'SET', 'set-max-intset-entries', '512'],
    ]);
    await d.same(['SMEMBERS', 's'], unordered);
  });

  it('SMOVE', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['FLUSHALL'],
      ['SADD', 'a', '1', '2', 'x'],
      ['SADD', 'b', '3'],
      ['SMOVE', 'a', 'b', '1'],
      ['SMOVE', 'a', 'b', 'nope'],
      ['SMOVE', 'a', 'b', 'x'],
      ['OBJECT', 'ENCODING', 'b'],
      ['SMOVE', 'a', 'new', '2'],
      ['EXISTS', 'a'],
      ['SMEMBERS', 'new'],
      ['OBJECT', 'ENCODING', 'new'],
      ['SMOVE', 'new', 'new2', 'y'],
      ['SADD', 'hs', 'y'],
      ['SMOVE', 'hs', 'new3', 'y'],
      ['OBJECT', 'ENCODING', 'new3'],
      ['SMOVE', 'b', 'b', '3'],
      ['SMOVE', 'b', 'b', 'nope'],
      ['SMOVE', 'nokey', 'b', '3'],
      ['SET', 'str', 'v'],
      ['SMOVE', 'nokey', 'str', '3'],
      ['SMOVE', 'b', 'str', '3'],
      ['SMOVE', 'str', 'b', '3'],
      ['SMOVE', 'b', 'b2', 'nope'],
      ['EXISTS', 'b2'],
    ]);
    await d.same(['SMEMBERS', 'b'], unordered);
  });

  it('SINTER, SINTERCARD, SUNION, SDIFF and their STORE forms', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['FLUSHALL'],
      ['SADD', 'i1', '1', '2', '3', '4', '5'],
      ['SADD', 'i2', '4', '5', '6'],
      ['SADD', 'i3', '5', '6', '7', '1'],
      ['SINTER', 'i1', 'i2'],
      ['SINTER', 'i1', 'i2', 'i3'],
      ['SINTER', 'i1', 'i1'],
      ['SINTER', 'i1', 'nokey'],
      ['SINTER', 'nokey'],
      ['SINTERSTORE', 'd', 'i1', 'i3'],
      ['SMEMBERS', 'd'],
      ['OBJECT', 'ENCODING', 'd'],
      ['SINTERSTORE', 'd', 'i1', 'nokey'],
      ['EXISTS', 'd'],
      ['SINTERCARD', '2', 'i1', 'i3'],
      ['SINTERCARD', '3', 'i1', 'i2', 'i3'],
      ['SINTERCARD', '1', 'i1', 'LIMIT', '2'],
      ['SINTERCARD', '1', 'i1', 'LIMIT', '0'],
      ['SINTERCARD', '1', 'i1', 'LIMIT', '100'],
      ['SINTERCARD', '2', 'i1', 'nokey'],
      ['SINTERCARD', '0', 'i1'],
      ['SINTERCARD', '-1', 'i1'],
      ['SINTERCARD', 'x', 'i1'],
      ['SINTERCARD', '3', 'i1', 'i2'],
      ['SINTERCARD', '1', 'i1', 'LIMIT', '-1'],
      ['SINTERCARD', '1', 'i1', 'LIMIT', 'x'],
      ['SINTERCARD', '1', 'i1', 'LIMIT'],
      ['SINTERCARD', '1', 'i1', 'FOO', '1'],
      ['SUNION', 'i1', 'i2', 'i3'],
      ['SUNION', 'nokey'],
      ['SUNION', 'nokey', 'i2'],
      ['SUNIONSTORE', 'u', 'i1', 'i2'],
      ['SMEMBERS', 'u'],
      ['SUNIONSTORE', 'u', 'nokey'],
      ['EXISTS', 'u'],
      ['SDIFF', 'i1', 'i2'],
      ['SDIFF', 'i1', 'i2', 'i3'],
      ['SDIFF', 'i1', 'i1'],
      ['SDIFF', 'i1', 'nokey', 'i1'],
      ['SDIFF', 'nokey', 'i1'],
      ['SDIFF', 'i1'],
      ['SDIFFSTORE', 'df', 'i1', 'i2'],
      ['SMEMBERS', 'df'],
      ['SDIFFSTORE', 'df', 'i1', 'i1'],
      ['EXISTS', 'df'],
      // A destination keeps no TTL; a source may be the destination.
      ['SADD', 'dst', 'old'],
      ['EXPIRE', 'dst', '100'],
      ['SUNIONSTORE', 'dst', 'i1', 'dst'],
      ['TTL', 'dst'],
      ['SINTERSTORE', 'i1', 'i1', 'i2'],
      ['SMEMBERS', 'i1'],
      ['SET', 'str', 'x'],
      ['SINTER', 'i2', 'str'],
      ['SINTER', 'nokey', 'str'],
      ['SINTERSTORE', 'str', 'nokey'],
      ['EXISTS', 'str'],
      ['SET', 'str', 'x'],
      ['SUNION', 'i2', 'str'],
      ['SDIFF', 'str', 'i2'],
      ['SDIFF', 'nokey', 'str'],
      ['SINTERCARD', '2', 'i2', 'str'],
      ['SUNIONSTORE', 'str', 'i2'],
      ['TYPE', 'str'],
    ]);
    // Mixed (hashtable) sets: Redis's hash order, compared as sets.
    await d.all([
      ['SADD', 'h1', 'a', 'b', 'c', '1', '2'],
      ['SADD', 'h2', 'b', 'c', 'd', '2'],
    ]);
    for (const cmd of [
      ['SINTER', 'h1', 'h2'],
      ['SUNION', 'h1', 'h2', 'i2'],
      ['SDIFF', 'h1', 'h2'],
      ['SDIFF', 'h1', 'i2'],
    ]) {
      await d.same(cmd, unordered);
    }
    await d.all([
      ['SINTERSTORE', 'r1', 'h1', 'h2'],
      ['OBJECT', 'ENCODING', 'r1'],
      ['SDIFFSTORE', 'r2', 'h1', 'h2'],
      ['OBJECT', 'ENCODING', 'r2'],
      ['SREM', 'h2', 'b', 'c', 'd'],
      ['SINTERSTORE', 'r3', 'h1', 'h2'],
      ['OBJECT', 'ENCODING', 'r3'],
      ['SMEMBERS', 'r3'],
      // The smallest set is iterated: an intset gives the order.
      ['SADD', 'small', '2', '1'],
      ['SINTER', 'h1', 'small'],
    ]);
  });

  it('result encodings follow the algorithm Redis picks (SDIFF 1 vs 2, SUNION size)', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['FLUSHALL'],
      ['SADD', 'big', ...range(0, 600)],
      ['SADD', 'x1', ...range(0, 100)],
      ['SADD', 'x2', ...range(100, 200)],
      // Algorithm 2 (adds all 600, then removes): the result stays a hashtable.
      ['SDIFFSTORE', 'r', 'big', 'x1', 'x2'],
      ['OBJECT', 'ENCODING', 'r'],
      ['SCARD', 'r'],
      // Algorithm 1 (adds the survivors only): an intset.
      ['SADD', 'med', ...range(0, 300)],
      ['SDIFFSTORE', 'r1', 'med', 'x1'],
      ['OBJECT', 'ENCODING', 'r1'],
      ['SMEMBERS', 'r1'],
      ['SUNIONSTORE', 'u', 'x1', 'x2'],
      ['OBJECT', 'ENCODING', 'u'],
      ['SUNIONSTORE', 'u2', 'med', 'x2', 'x1', 'big'],
      ['OBJECT', 'ENCODING', 'u2'],
      ['SINTERSTORE', 'i', 'big', 'med'],
      ['OBJECT', 'ENCODING', 'i'],
      ['SMEMBERS', 'i'],
    ]);
    await d.same(['SDIFF', 'big', 'x1', 'x2'], unordered);
  });

  it('SPOP and SRANDMEMBER: errors, deterministic cases, random samples, SPOP strategies', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['FLUSHALL'],
      ['SPOP', 'nokey'],
      ['SPOP', 'nokey', '3'],
      ['SPOP', 'nokey', '-1'],
      ['SPOP', 'nokey', 'x'],
      ['SPOP', 'nokey', '1', '2'],
      ['SRANDMEMBER', 'nokey'],
      ['SRANDMEMBER', 'nokey', '3'],
      ['SRANDMEMBER', 'nokey', 'x'],
      ['SRANDMEMBER', 'nokey', '1', '2'],
      ['SADD', 's', '3', '1', '2'],
      ['SPOP', 's', '0'],
      ['SPOP', 's', '-1'],
      ['SPOP', 's', 'x'],
      ['SRANDMEMBER', 's', '0'],
      ['SRANDMEMBER', 's', '3'],
      ['SRANDMEMBER', 's', '100'],
      ['SRANDMEMBER', 's', LLONG_MIN],
      ['SRANDMEMBER', 's', '1.5'],
      ['SPOP', 's', '3'],
      ['EXISTS', 's'],
      ['SADD', 's', '3', '1', '2'],
      ['SPOP', 's', '100'],
      ['SADD', 'one', 'x'],
      ['SPOP', 'one'],
      ['EXISTS', 'one'],
      ['SET', 'str', 'v'],
      ['SPOP', 'str'],
      ['SPOP', 'str', '0'],
      ['SRANDMEMBER', 'str'],
      ['SRANDMEMBER', 'str', '0'],
    ]);
    const r = d.redoubt;
    const members = range(0, 20);
    await d.same(['SADD', 'r', ...members]);
    assert.ok(members.includes((await r.call('SRANDMEMBER', 'r')) as string));
    checkSample(await r.call('SRANDMEMBER', 'r', '5'), members, 5, true, 'SRANDMEMBER 5');
    checkSample(await r.call('SRANDMEMBER', 'r', '19'), members, 19, true, 'SRANDMEMBER 19');
    checkSample(await r.call('SRANDMEMBER', 'r', '-50'), members, 50, false, 'SRANDMEMBER -50');
    const hmembers = range(0, 700, 'm');
    await d.same(['SADD', 'h', ...hmembers]);
    checkSample(await r.call('SRANDMEMBER', 'h', '10'), hmembers, 10, true, 'SRANDMEMBER h 10');
    checkSample(await r.call('SRANDMEMBER', 'h', '600'), hmembers, 600, true, 'SRANDMEMBER h 600');
    await d.same(['SRANDMEMBER', 'h', '700'], unordered);
    // SPOP: one at a time, then the three strategies.
    const popped = (await r.call('SPOP', 'r')) as string;
    assert.ok(members.includes(popped));
    assert.equal(await r.call('SISMEMBER', 'r', popped), 0);
    const two = (await r.call('SPOP', 'r', '2')) as string[];
    checkSample(two, members, 2, true, 'SPOP 2');
    assert.equal(await r.call('SCARD', 'r'), 17);
    for (const m of [popped, ...two]) assert.equal(await r.call('SISMEMBER', 'r', m), 0);
    // CASE 3 (few remain): the rest is rebuilt with a fresh encoding, as Redis does.
    await d.all([
      ['SADD', 'ints', ...range(0, 600)],
      ['OBJECT', 'ENCODING', 'ints'],
    ]);
    await d.same(['SPOP', 'ints', '560'], (a, b) => assert.equal(a.length > 0, b.length > 0));
    await d.all([
      ['SCARD', 'ints'],
      ['OBJECT', 'ENCODING', 'ints'],
    ]);
    // CASE 2 (many remain): the set keeps its encoding.
    await d.all([['SADD', 'ints2', ...range(0, 600)]]);
    await d.same(['SPOP', 'ints2', '10'], (a, b) => assert.equal(a.length > 0, b.length > 0));
    await d.all([
      ['SCARD', 'ints2'],
      ['OBJECT', 'ENCODING', 'ints2'],
    ]);
    const pop3 = (await r.call('SPOP', 'h', '690')) as string[];
    checkSample(pop3, hmembers, 690, true, 'SPOP h 690');
    const rest = (await r.call('SMEMBERS', 'h')) as string[];
    assert.equal(rest.length, 10);
    for (const m of rest) assert.ok(!pop3.includes(m));
    await inResp3(d, [
      ['SPOP', 'nokey', '2'],
      ['SRANDMEMBER', 's', '0'],
      ['SPOP', 'ints', '0'],
    ]);
  });

  it('SSCAN: intset in one call, hashtable iterated to the end', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['FLUSHALL'],
      ['SSCAN', 'nokey', '0'],
      ['SSCAN', 'nokey', 'x'],
      ['SSCAN', 'nokey', '0', 'FOO'],
      ['SADD', 's', '10', '2', '33', '-4'],
      ['SSCAN', 's', '0'],
      ['SSCAN', 's', '0', 'MATCH', '*3*'],
      ['SSCAN', 's', '0', 'COUNT', '1'],
      ['SSCAN', 's', '0', 'COUNT', '0'],
      ['SSCAN', 's', '0', 'MATCH', 'x', 'COUNT'],
      ['SSCAN', 's', '0', 'TYPE', 'set'],
      ['SSCAN', 's', '-5'],
      ['SSCAN', 's', '1x'],
    ]);
    await d.same(['SADD', 'h', ...range(0, 2000, 'e')]);
    await sameFullScan(d, 'SSCAN', 'h');
    await sameFullScan(d, 'SSCAN', 'h', ['COUNT', '3']);
    await sameFullScan(d, 'SSCAN', 'h', ['MATCH', 'e1?', 'COUNT', '100']);
  });

  it('WRONGTYPE for every set command on other types', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['FLUSHALL'],
      ['SET', 'str', 'x'],
      ['HSET', 'hash', 'f', 'v'],
      ['RPUSH', 'list', 'a'],
      ['ZADD', 'zset', '1', 'a'],
      ['SADD', 'ok', 'a'],
    ]);
    for (const k of ['str', 'hash', 'list', 'zset']) {
      await d.all([
        ['SADD', k, 'a'],
        ['SREM', k, 'a'],
        ['SCARD', k],
        ['SISMEMBER', k, 'a'],
        ['SMISMEMBER', k, 'a'],
        ['SMEMBERS', k],
        ['SRANDMEMBER', k],
        ['SRANDMEMBER', k, '-2'],
        ['SPOP', k],
        ['SPOP', k, '2'],
        ['SMOVE', k, 'ok', 'a'],
        ['SMOVE', 'ok', k, 'a'],
        ['SINTER', 'ok', k],
        ['SINTERCARD', '2', 'ok', k],
        ['SINTERSTORE', 'dst', 'ok', k],
        ['SUNION', k, 'ok'],
        ['SUNIONSTORE', 'dst', k],
        ['SDIFF', 'ok', k],
        ['SDIFFSTORE', 'dst', 'ok', k],
        ['SSCAN', k, '0'],
      ]);
    }
    await d.all([
      ['GET', 'ok'],
      ['SETBIT', 'ok', '1', '1'],
      ['DECR', 'ok'],
      ['LPUSH', 'ok', 'x'],
      ['HGET', 'ok', 'a'],
      ['ZSCORE', 'ok', 'a'],
      ['TYPE', 'ok'],
    ]);
  });

  it('COPY, RENAME and MOVE keep sets and their encodings', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['FLUSHALL'],
      ['SADD', 'i', '3', '1'],
      ['SADD', 'h', 'a'],
      ['COPY', 'i', 'i2'],
      ['COPY', 'h', 'h2'],
      ['SADD', 'i2', '2'],
      ['SMEMBERS', 'i'],
      ['SMEMBERS', 'i2'],
      ['OBJECT', 'ENCODING', 'i2'],
      ['OBJECT', 'ENCODING', 'h2'],
      ['RENAME', 'i2', 'i3'],
      ['MOVE', 'i3', '3'],
      ['SELECT', '3'],
      ['SMEMBERS', 'i3'],
      ['SELECT', '0'],
    ]);
  });

  it('RESP3 replies', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([['FLUSHALL'], ['SADD', 's', '3', '1', '2'], ['SADD', 't', '2']]);
    await inResp3(d, [
      ['SMEMBERS', 's'],
      ['SMEMBERS', 'nokey'],
      ['SINTER', 's', 't'],
      ['SINTER', 's', 'nokey'],
      ['SUNION', 's', 't'],
      ['SDIFF', 's', 't'],
      ['SMISMEMBER', 's', '1', 'x'],
      ['SRANDMEMBER', 's', '10'],
      ['SRANDMEMBER', 'nokey'],
      ['SSCAN', 's', '0'],
      ['SPOP', 's', '10'],
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
        await r.del('io:s', 'io:t', 'io:u');
        const out: unknown[] = [];
        out.push(await r.sadd('io:s', '3', '1', '2'), await r.sadd('io:t', '2', '4'));
        out.push(
          await r.smembers('io:s'),
          await r.sismember('io:s', '1'),
          await r.smismember('io:s', '1', '9'),
        );
        out.push(
          await r.sinter('io:s', 'io:t'),
          await r.sunion('io:s', 'io:t'),
          await r.sdiff('io:s', 'io:t'),
        );
        out.push(await r.sunionstore('io:u', 'io:s', 'io:t'), await r.scard('io:u'));
        out.push(await r.smove('io:s', 'io:t', '1'), await r.srem('io:t', '4'), await r.sscan('io:u', '0'));
        out.push(await r.sintercard(2, 'io:u', 'io:t'), await r.spop('io:s', 5));
        return out;
      } finally {
        r.disconnect();
      }
    };
    assert.deepEqual(await scenario(d.redoubtServer.port), await scenario(d.redisServer.port));
  });
});
