/**
 * Hash commands, differential against a real redis-server 7.0: every command,
 * option and error path, binary-safe fields, listpack order, the
 * listpack -> hashtable conversions at hash-max-listpack-entries/value,
 * HINCRBYFLOAT's long double, HRANDFIELD's cases and HSCAN, in RESP2 and RESP3.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  BIN,
  BIN2,
  checkSample,
  inResp3,
  sameFullScan,
  sortedPairs,
  unordered,
} from './helpers/collections.js';
import { Differential, sorted } from './helpers/diff.js';
import type { Arg } from './helpers/resp.js';

const LLONG_MAX = '9223372036854775807';
const LLONG_MIN = '-9223372036854775808';

describe('hash commands (differential)', () => {
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
      ['HSET', 'h', 'f'],
      ['HSET', 'h', 'f', 'v', 'g'],
      ['HMSET', 'h', 'f'],
      ['HMSET', 'h', 'f', 'v', 'g'],
      ['HSETNX', 'h', 'f'],
      ['HGET', 'h'],
      ['HMGET', 'h'],
      ['HDEL', 'h'],
      ['HEXISTS', 'h'],
      ['HLEN'],
      ['HLEN', 'h', 'x'],
      ['HSTRLEN', 'h'],
      ['HKEYS'],
      ['HVALS', 'h', 'x'],
      ['HGETALL'],
      ['HINCRBY', 'h', 'f'],
      ['HINCRBYFLOAT', 'h', 'f'],
      ['HRANDFIELD'],
      ['HSCAN', 'h'],
    ]);
  });

  it('HSET, HMSET, HSETNX, HGET, HMGET, HDEL, HEXISTS, HLEN, HSTRLEN in listpack order', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['FLUSHALL'],
      ['HSET', 'h', 'a', '1', 'b', '2', 'a', '3'],
      ['HGETALL', 'h'],
      ['HSET', 'h', 'c', '', 'b', 'x'],
      ['HGETALL', 'h'],
      ['HMSET', 'h', 'd', '4'],
      ['HSETNX', 'h', 'd', '5'],
      ['HSETNX', 'h', 'e', '5'],
      ['HSETNX', 'new', 'f', 'v'],
      ['HGETALL', 'new'],
      ['HGET', 'h', 'a'],
      ['HGET', 'h', 'zz'],
      ['HGET', 'nokey', 'a'],
      ['HMGET', 'h', 'a', 'zz', 'c', 'a'],
      ['HMGET', 'nokey', 'a', 'b'],
      ['HEXISTS', 'h', 'a'],
      ['HEXISTS', 'h', 'zz'],
      ['HEXISTS', 'nokey', 'a'],
      ['HLEN', 'h'],
      ['HLEN', 'nokey'],
      ['HSTRLEN', 'h', 'b'],
      ['HSTRLEN', 'h', 'c'],
      ['HSTRLEN', 'h', 'zz'],
      ['HSTRLEN', 'nokey', 'a'],
      ['HKEYS', 'h'],
      ['HVALS', 'h'],
      ['HKEYS', 'nokey'],
      ['HVALS', 'nokey'],
      ['HGETALL', 'nokey'],
      ['HDEL', 'h', 'a', 'zz', 'a'],
      ['HGETALL', 'h'],
      ['HSET', 'h', 'a', 'again'],
      ['HGETALL', 'h'],
      ['HDEL', 'nokey', 'a'],
      ['HDEL', 'h', 'b', 'c', 'd', 'e', 'a', 'more'],
      ['EXISTS', 'h'],
      ['TYPE', 'new'],
      ['OBJECT', 'ENCODING', 'new'],
    ]);
  });

  it('binary-safe fields and values', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['FLUSHALL'],
      ['HSET', BIN, BIN, BIN2, 'ÿµ', '', ''],
      ['HGETALL', BIN],
      ['HGET', BIN, BIN],
      ['HMGET', BIN, BIN2, ''],
      ['HSTRLEN', BIN, BIN],
      ['HDEL', BIN, ''],
      ['HKEYS', BIN],
      ['HSCAN', BIN, '0', 'MATCH', '\xff*'],
    ]);
  });

  it('HINCRBY: integers, stored-value forms, overflow', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['FLUSHALL'],
      ['HINCRBY', 'h', 'n', '5'],
      ['HINCRBY', 'h', 'n', '-10'],
      ['HINCRBY', 'h', 'n', 'x'],
      ['HINCRBY', 'h', 'n', '1.5'],
      ['HINCRBY', 'h', 'n', ''],
      ['HINCRBY', 'h', 'n', LLONG_MAX],
      ['HINCRBY', 'h', 'n', LLONG_MIN],
      ['HSET', 'h', 'max', LLONG_MAX, 'min', LLONG_MIN],
      ['HINCRBY', 'h', 'max', '1'],
      ['HINCRBY', 'h', 'max', '0'],
      ['HINCRBY', 'h', 'max', '-1'],
      ['HINCRBY', 'h', 'min', '-1'],
      ['HINCRBY', 'h', 'min', '1'],
      ['HINCRBY', 'h', 'big', '9007199254740993'],
      ['HINCRBY', 'h', 'big', '9007199254740993'],
      ['HGET', 'h', 'big'],
      ['HSET', 'h', 's', 'abc', 'z', '007', 'sp', ' 1', 'f', '1.0', 'e', '', 'neg0', '-0'],
      ['HINCRBY', 'h', 's', '1'],
      ['HINCRBY', 'h', 'z', '1'],
      ['HINCRBY', 'h', 'sp', '1'],
      ['HINCRBY', 'h', 'f', '1'],
      ['HINCRBY', 'h', 'e', '1'],
      ['HINCRBY', 'h', 'neg0', '1'],
      ['HINCRBY', 'nokey', 'f', 'abc'],
      ['EXISTS', 'nokey'],
      ['HGETALL', 'h'],
    ]);
  });

  it('HINCRBYFLOAT: long double results, errors, values that grow past the listpack limit', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['FLUSHALL'],
      ['HINCRBYFLOAT', 'h', 'f', '10.5'],
      ['HINCRBYFLOAT', 'h', 'f', '0.1'],
      ['HINCRBYFLOAT', 'h', 'f', '-5e3'],
      ['HINCRBYFLOAT', 'h', 'f', '1e-20'],
      ['HINCRBYFLOAT', 'h', 'f', '0x10'],
      ['HINCRBYFLOAT', 'h', 'f', 'inf'],
      ['HINCRBYFLOAT', 'h', 'f', '-inf'],
      ['HINCRBYFLOAT', 'h', 'f', 'nan'],
      ['HINCRBYFLOAT', 'h', 'f', 'abc'],
      ['HINCRBYFLOAT', 'h', 'f', ' 1'],
      ['HINCRBYFLOAT', 'h', 'f', ''],
      ['HINCRBYFLOAT', 'h', 'z', '-0'],
      ['HSET', 'h', 's', 'abc', 'i', 'inf', 'n', '3'],
      ['HINCRBYFLOAT', 'h', 's', '1'],
      ['HINCRBYFLOAT', 'h', 'i', '1'],
      ['HINCRBYFLOAT', 'h', 'n', '1.25'],
      ['OBJECT', 'ENCODING', 'h'],
      ['HINCRBYFLOAT', 'h', 'g', '1e300'],
      ['OBJECT', 'ENCODING', 'h'],
      ['HGET', 'h', 'g'],
      ['HINCRBYFLOAT', 'h2', 'f', '1.5e4000'],
      ['HINCRBYFLOAT', 'h2', 'f', '1e4932'],
      ['SET', 'str', 'x'],
      ['HINCRBYFLOAT', 'str', 'f', 'inf'],
      ['HINCRBYFLOAT', 'str', 'f', '1'],
    ]);
    await d.same(['HGETALL', 'h'], sortedPairs);
  });

  it('encoding: listpack until hash-max-listpack-entries / -value, then hashtable for good', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const fields: Arg[] = [];
    for (let i = 0; i < 512; i++) fields.push(`f${i}`, `v${i}`);
    await d.all([
      ['FLUSHALL'],
      ['HSET', 'h', ...fields],
      ['OBJECT', 'ENCODING', 'h'],
      ['HSET', 'h', 'f0', 'changed'],
      ['OBJECT', 'ENCODING', 'h'],
      ['HSET', 'h', 'f512', 'v'],
      ['OBJECT', 'ENCODING', 'h'],
      ['HDEL', 'h', 'f512', 'f511', 'f510'],
      ['OBJECT', 'ENCODING', 'h'],
      ['HLEN', 'h'],
      // Value length: 64 fits, 65 converts, even when the field exists or on HSETNX of a new field.
      ['HSET', 'v', 'a', 'x'.repeat(64)],
      ['OBJECT', 'ENCODING', 'v'],
      ['HSET', 'v', 'a', 'x'.repeat(65)],
      ['OBJECT', 'ENCODING', 'v'],
      ['HSET', 'k', 'y'.repeat(65), '1'],
      ['OBJECT', 'ENCODING', 'k'],
      ['HSET', 'nx', 'a', '1'],
      ['HSETNX', 'nx', 'a', 'x'.repeat(65)],
      ['OBJECT', 'ENCODING', 'nx'],
      ['HSETNX', 'nx', 'b', 'x'.repeat(65)],
      ['OBJECT', 'ENCODING', 'nx'],
      ['HSET', 'inc', 'a', '1'],
      ['HINCRBY', 'inc', 'y'.repeat(65), '1'],
      ['OBJECT', 'ENCODING', 'inc'],
      // Thresholds changed at run time apply at the next write.
      ['HSET', 'c', 'a', '1', 'b', '2', 'c', '3'],
      ['CONFIG', 'SET', 'hash-max-listpack-entries', '2'],
      ['OBJECT', 'ENCODING', 'c'],
      ['HSET', 'c', 'a', '9'],
      ['OBJECT', 'ENCODING', 'c'],
      ['HSET', 'c2', 'a', '1', 'b', '2'],
      ['OBJECT', 'ENCODING', 'c2'],
      ['CONFIG', 'SET', 'hash-max-listpack-entries', '0'],
      ['HSET', 'c3', 'a', '1'],
      ['OBJECT', 'ENCODING', 'c3'],
      ['CONFIG', 'SET', 'hash-max-listpack-entries', '512'],
      ['CONFIG', 'SET', 'hash-max-ziplist-value', '3'],
      ['CONFIG', 'GET', 'hash-max-listpack-value'],
      ['HSET', 'c4', 'abc', 'abcd'],
      ['OBJECT', 'ENCODING', 'c4'],
      ['CONFIG', 'SET', 'hash-max-listpack-value', '64'],
    ]);
    // Hashtable order is Redis's hash order: compare as sets.
    await d.same(['HGETALL', 'h'], sortedPairs);
    await d.same(['HKEYS', 'h'], unordered);
    await d.same(['HVALS', 'h'], unordered);
  });

  it('HRANDFIELD: errors, whole-hash cases, random samples', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['FLUSHALL'],
      ['HRANDFIELD', 'nokey'],
      ['HRANDFIELD', 'nokey', '3'],
      ['HRANDFIELD', 'nokey', '-3', 'WITHVALUES'],
      ['HRANDFIELD', 'nokey', 'x'],
      ['HSET', 'h', 'a', '1', 'b', '2', 'c', '3', 'd', '4', 'e', '5'],
      ['HRANDFIELD', 'h', '0'],
      ['HRANDFIELD', 'h', '0', 'WITHVALUES'],
      ['HRANDFIELD', 'h', '5'],
      ['HRANDFIELD', 'h', '100', 'WITHVALUES'],
      ['HRANDFIELD', 'h', 'x'],
      ['HRANDFIELD', 'h', '1.5'],
      ['HRANDFIELD', 'h', '1', 'WITHVALUE'],
      ['HRANDFIELD', 'h', '1', 'WITHVALUES', 'x'],
      ['HRANDFIELD', 'h', LLONG_MIN],
      ['HRANDFIELD', 'h', '-9223372036854775807', 'WITHVALUES'],
      ['HRANDFIELD', 'h', '4611686018427387904', 'WITHVALUES'],
      ['HRANDFIELD', 'h', '-4611686018427387904', 'WITHVALUES'],
      ['SET', 'str', 'x'],
      ['HRANDFIELD', 'str'],
      ['HRANDFIELD', 'str', '0'],
    ]);
    const r = d.redoubt;
    const fields = ['a', 'b', 'c', 'd', 'e'];
    assert.ok(fields.includes((await r.call('HRANDFIELD', 'h')) as string));
    checkSample(await r.call('HRANDFIELD', 'h', '3'), fields, 3, true, 'HRANDFIELD 3');
    checkSample(await r.call('HRANDFIELD', 'h', '1'), fields, 1, true, 'HRANDFIELD 1');
    checkSample(await r.call('HRANDFIELD', 'h', '-20'), fields, 20, false, 'HRANDFIELD -20');
    const wv = (await r.call('HRANDFIELD', 'h', '-7', 'WITHVALUES')) as string[];
    assert.equal(wv.length, 14);
    for (let i = 0; i < wv.length; i += 2)
      assert.equal(wv[i + 1], String(fields.indexOf(wv[i] as string) + 1));
    // A listpack replies a subset in its own order.
    const sub = (await r.call('HRANDFIELD', 'h', '3')) as string[];
    assert.deepEqual([...sub].sort(), sub);
    // Large hashtable: all three sampling strategies.
    const many: Arg[] = [];
    const all: string[] = [];
    for (let i = 0; i < 600; i++) {
      many.push(`f${i}`, `${i}`);
      all.push(`f${i}`);
    }
    await d.same(['HSET', 'big', ...many]);
    checkSample(await r.call('HRANDFIELD', 'big', '10'), all, 10, true, 'HRANDFIELD big 10');
    checkSample(await r.call('HRANDFIELD', 'big', '500'), all, 500, true, 'HRANDFIELD big 500');
    checkSample(await r.call('HRANDFIELD', 'big', '-1000'), all, 1000, false, 'HRANDFIELD big -1000');
    await d.same(['HRANDFIELD', 'big', '600', 'WITHVALUES'], sortedPairs);
    await inResp3(d, [
      ['HRANDFIELD', 'h', '5', 'WITHVALUES'],
      ['HRANDFIELD', 'h', '0', 'WITHVALUES'],
      ['HRANDFIELD', 'nokey', '2', 'WITHVALUES'],
    ]);
    await r.call('HELLO', '3');
    const pairs = (await r.call('HRANDFIELD', 'h', '-3', 'WITHVALUES')) as string[][];
    assert.equal(pairs.length, 3);
    for (const p of pairs) assert.equal(p[1], String(fields.indexOf(p[0] as string) + 1));
    await r.call('HELLO', '2');
  });

  it('HSCAN: cursor and options, listpack in one call, hashtable iterated to the end', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['FLUSHALL'],
      ['HSCAN', 'nokey', '0'],
      ['HSCAN', 'nokey', '0', 'COUNT', 'x'],
      ['HSCAN', 'nokey', 'x'],
      ['HSET', 'h', 'a1', '1', 'b1', '2', 'a2', '3'],
      ['HSCAN', 'h', '0'],
      ['HSCAN', 'h', '0', 'MATCH', 'a*'],
      ['HSCAN', 'h', '0', 'match', '*', 'count', '1'],
      ['HSCAN', 'h', '7', 'COUNT', '1'],
      ['HSCAN', 'h', '-1'],
      ['HSCAN', 'h', ' 0'],
      ['HSCAN', 'h', '0x'],
      ['HSCAN', 'h', '18446744073709551616'],
      ['HSCAN', 'h', '0', 'COUNT', '0'],
      ['HSCAN', 'h', '0', 'COUNT', '-1'],
      ['HSCAN', 'h', '0', 'COUNT', 'x'],
      ['HSCAN', 'h', '0', 'COUNT'],
      ['HSCAN', 'h', '0', 'MATCH'],
      ['HSCAN', 'h', '0', 'TYPE', 'hash'],
      ['HSCAN', 'h', '0', 'FOO', 'bar'],
      ['SET', 'str', 'x'],
      ['HSCAN', 'str', '0'],
      ['HSCAN', 'str', 'x'],
    ]);
    const many: Arg[] = [];
    for (let i = 0; i < 1000; i++) many.push(`f${i}`, `v${i}`);
    await d.same(['HSET', 'big', ...many]);
    await sameFullScan(d, 'HSCAN', 'big', [], true);
    await sameFullScan(d, 'HSCAN', 'big', ['COUNT', '7'], true);
    await sameFullScan(d, 'HSCAN', 'big', ['MATCH', 'f1*', 'COUNT', '50'], true);
    // Fields present for the whole scan are returned even while others are deleted and added.
    const seen = new Set<string>();
    const deleted = new Set<string>();
    let cursor = '0';
    let round = 0;
    do {
      const [next, items] = (await d.redoubt.call('HSCAN', 'big', cursor, 'COUNT', '20')) as [
        string,
        string[],
      ];
      for (let i = 0; i < items.length; i += 2) seen.add(items[i] as string);
      cursor = next;
      const gone = [`f${round * 3}`, `f${999 - round * 3}`];
      await d.redoubt.call('HDEL', 'big', ...gone);
      for (const g of gone) deleted.add(g);
      await d.redoubt.call('HSET', 'big', `n${round}`, 'x');
      round++;
    } while (cursor !== '0');
    for (let i = 0; i < 1000; i++) {
      const f = `f${i}`;
      if (!deleted.has(f)) assert.ok(seen.has(f), `HSCAN missed ${f}`);
    }
  });

  it('WRONGTYPE for every hash command on other types', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['FLUSHALL'],
      ['SET', 'str', 'x'],
      ['RPUSH', 'list', 'a'],
      ['SADD', 'set', 'a'],
      ['ZADD', 'zset', '1', 'a'],
    ]);
    for (const k of ['str', 'list', 'set', 'zset']) {
      await d.all([
        ['HSET', k, 'f', 'v'],
        ['HMSET', k, 'f', 'v'],
        ['HSETNX', k, 'f', 'v'],
        ['HGET', k, 'f'],
        ['HMGET', k, 'f'],
        ['HDEL', k, 'f'],
        ['HEXISTS', k, 'f'],
        ['HLEN', k],
        ['HSTRLEN', k, 'f'],
        ['HKEYS', k],
        ['HVALS', k],
        ['HGETALL', k],
        ['HINCRBY', k, 'f', '1'],
        ['HINCRBYFLOAT', k, 'f', '1'],
        ['HRANDFIELD', k],
        ['HRANDFIELD', k, '2'],
        ['HSCAN', k, '0'],
      ]);
    }
    await d.all([
      ['HSET', 'h', 'f', 'v'],
      ['GET', 'h'],
      ['APPEND', 'h', 'x'],
      ['INCR', 'h'],
      ['STRLEN', 'h'],
      ['SETRANGE', 'h', '0', 'x'],
      ['GETBIT', 'h', '0'],
      ['LPUSH', 'h', 'x'],
      ['SADD', 'h', 'x'],
      ['ZADD', 'h', '1', 'x'],
      ['MGET', 'h', 'str'],
      ['TYPE', 'h'],
    ]);
  });

  it('COPY, RENAME, MOVE and OBJECT with hashes', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['FLUSHALL'],
      ['HSET', 'h', 'a', '1', 'b', '2'],
      ['COPY', 'h', 'h2'],
      ['HSET', 'h2', 'c', '3'],
      ['HGETALL', 'h'],
      ['HGETALL', 'h2'],
      ['OBJECT', 'ENCODING', 'h2'],
      ['OBJECT', 'REFCOUNT', 'h2'],
      ['RENAME', 'h2', 'h3'],
      ['HGETALL', 'h3'],
      ['MOVE', 'h3', '1'],
      ['SELECT', '1'],
      ['HGETALL', 'h3'],
      ['TYPE', 'h3'],
      ['SELECT', '0'],
      ['HSET', 'big', 'f', 'x'.repeat(100)],
      ['COPY', 'big', 'big2'],
      ['OBJECT', 'ENCODING', 'big2'],
      ['HSET', 'h', 'a', 'changed'],
      ['COPY', 'h', 'big2', 'REPLACE'],
      ['HGETALL', 'big2'],
      ['OBJECT', 'ENCODING', 'big2'],
      ['EXPIRE', 'h', '100'],
      ['HSET', 'h', 'z', '1'],
      ['TTL', 'h'],
      ['HDEL', 'h', 'a', 'b', 'z'],
      ['TTL', 'h'],
    ]);
    await d.same(['SCAN', '0', 'TYPE', 'hash'], sorted);
  });

  it('RESP3 replies', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([['FLUSHALL'], ['HSET', 'h', 'a', '1', 'b', '2']]);
    await inResp3(d, [
      ['HGETALL', 'h'],
      ['HGETALL', 'nokey'],
      ['HKEYS', 'h'],
      ['HVALS', 'h'],
      ['HMGET', 'h', 'a', 'x'],
      ['HGET', 'h', 'x'],
      ['HSCAN', 'h', '0'],
      ['HRANDFIELD', 'nokey'],
      ['HINCRBYFLOAT', 'h', 'a', '1.5'],
      ['HRANDFIELD', 'h', '2', 'WITHVALUES'],
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
        await r.del('io:h');
        const out: unknown[] = [];
        out.push(await r.hset('io:h', { a: '1', b: '2', c: '3' }));
        out.push(await r.hgetall('io:h'), await r.hget('io:h', 'b'), await r.hmget('io:h', 'a', 'x'));
        out.push(await r.hincrby('io:h', 'a', 10), await r.hincrbyfloat('io:h', 'f', 2.5));
        out.push(
          await r.hdel('io:h', 'c'),
          await r.hlen('io:h'),
          await r.hkeys('io:h'),
          await r.hvals('io:h'),
        );
        out.push(
          await r.hexists('io:h', 'a'),
          await r.hstrlen('io:h', 'a'),
          await r.hsetnx('io:h', 'a', 'z'),
        );
        out.push(await r.hscan('io:h', '0'));
        const buf = await r.hgetBuffer('io:h', 'a');
        out.push(buf?.toString('hex'));
        out.push(await r.type('io:h'), await r.object('ENCODING', 'io:h'));
        out.push(await r.get('io:h').catch((e: Error) => e.message));
        return out;
      } finally {
        r.disconnect();
      }
    };
    assert.deepEqual(await scenario(d.redoubtServer.port), await scenario(d.redisServer.port));
  });
});
