/**
 * Sorted-set commands, differential against a real redis-server 7.0: ZADD and
 * its flags, scores as glibc strtod reads them (hex, inf, ERANGE, NUL bytes), all
 * range forms (rank, score, lex, REV, LIMIT edge cases), removals by range, pops,
 * the algebra with WEIGHTS/AGGREGATE (sets as inputs, inf and NaN rules), the
 * listpack <-> skiplist encodings (with -0 lost in a listpack as in Redis),
 * ZRANDMEMBER, ZSCAN, WRONGTYPE, RESP3, ZRANK WITHSCORE (7.2), ioredis and a
 * seeded randomized run on skiplist-sized sets.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BIN, BIN2, checkSample, inResp3, sameFullScan, sortedPairs } from './helpers/collections.js';
import { Differential } from './helpers/diff.js';
import { prng, testSeed } from './helpers/random.js';
import type { Arg } from './helpers/resp.js';

const LLONG_MAX = '9223372036854775807';
const LLONG_MIN = '-9223372036854775808';
const LONG_MEMBER = 'm'.repeat(65);

describe('sorted-set commands (differential)', () => {
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
      ['ZADD', 'z', '1'],
      ['ZINCRBY', 'z', '1'],
      ['ZREM', 'z'],
      ['ZCARD'],
      ['ZCOUNT', 'z', '0'],
      ['ZLEXCOUNT', 'z', '-'],
      ['ZSCORE', 'z'],
      ['ZMSCORE', 'z'],
      ['ZRANK', 'z'],
      ['ZREVRANK', 'z'],
      ['ZRANGE', 'z', '0'],
      ['ZRANGESTORE', 'd', 'z', '0'],
      ['ZRANGEBYSCORE', 'z', '0'],
      ['ZREVRANGEBYSCORE', 'z', '0'],
      ['ZRANGEBYLEX', 'z', '-'],
      ['ZREVRANGEBYLEX', 'z', '+'],
      ['ZREVRANGE', 'z', '0'],
      ['ZREMRANGEBYRANK', 'z', '0'],
      ['ZREMRANGEBYSCORE', 'z', '0'],
      ['ZREMRANGEBYLEX', 'z', '-'],
      ['ZPOPMIN'],
      ['ZPOPMAX'],
      ['ZMPOP', '1', 'z'],
      ['ZUNION', '1'],
      ['ZUNIONSTORE', 'd', '1'],
      ['ZINTER', '1'],
      ['ZINTERSTORE', 'd', '1'],
      ['ZDIFF', '1'],
      ['ZDIFFSTORE', 'd', '1'],
      ['ZINTERCARD', '1'],
      ['ZRANDMEMBER'],
      ['ZSCAN', 'z'],
    ]);
  });

  it('ZADD options, flags conflicts, CH, INCR and ZINCRBY', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['FLUSHALL'],
      ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c'],
      ['ZADD', 'z', '1', 'a', '5', 'b'],
      ['ZADD', 'z', 'CH', '1', 'a', '6', 'b', '7', 'd'],
      ['ZADD', 'z', 'NX', '10', 'a', '11', 'e'],
      ['ZADD', 'z', 'XX', '10', 'a', '11', 'f'],
      ['ZADD', 'z', 'XX', 'CH', '12', 'a', '11', 'f'],
      ['ZADD', 'z', 'GT', 'CH', '1', 'a', '20', 'b', '8', 'g'],
      ['ZADD', 'z', 'LT', 'CH', '1', 'a', '30', 'b', '9', 'h'],
      ['ZADD', 'z', 'XX', 'GT', 'CH', '100', 'a', '100', 'zz'],
      ['ZADD', 'z', 'NX', 'XX', '1', 'a'],
      ['ZADD', 'z', 'NX', 'GT', '1', 'a'],
      ['ZADD', 'z', 'NX', 'LT', '1', 'a'],
      ['ZADD', 'z', 'GT', 'LT', '1', 'a'],
      ['ZADD', 'z', 'INCR', '1', 'a', '2', 'b'],
      ['ZADD', 'z', 'INCR', '5', 'a'],
      ['ZADD', 'z', 'INCR', 'XX', '5', 'nope'],
      ['ZADD', 'z', 'INCR', 'NX', '5', 'a'],
      ['ZADD', 'z', 'INCR', 'NX', '5', 'new'],
      ['ZADD', 'z', 'INCR', 'GT', '-5', 'a'],
      ['ZADD', 'z', 'INCR', 'LT', '-5', 'a'],
      ['ZADD', 'z', 'INCR', 'GT', '0', 'a'],
      ['ZADD', 'z', 'nx', 'ch', 'incr', '1', 'new2'],
      ['ZADD', 'z', 'CH'],
      ['ZADD', 'z', 'CH', '1'],
      ['ZADD', 'z', '1', 'a', '2'],
      ['ZADD', 'z', 'FOO', '1', 'a'],
      ['ZADD', 'z', '1', 'a', 'x', 'b'],
      ['ZADD', 'nokey', 'XX', '1', 'a'],
      ['ZADD', 'nokey', 'XX', 'INCR', '1', 'a'],
      ['EXISTS', 'nokey'],
      ['ZADD', 'new', 'GT', '5', 'a'],
      ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'],
      ['ZINCRBY', 'z', '2.5', 'a'],
      ['ZINCRBY', 'z', '-1', 'fresh'],
      ['ZINCRBY', 'z', 'x', 'a'],
      ['ZINCRBY', 'z', 'nx', 'a'],
      ['ZINCRBY', 'z', 'incr', 'a'],
      ['ZINCRBY', 'z', 'inf', 'a'],
      ['ZINCRBY', 'z', '-inf', 'a'],
      ['ZINCRBY', 'z', '1', 'a'],
      ['ZADD', 'z', 'INCR', '-inf', 'a'],
      ['ZADD', 'z', 'INCR', '+inf', 'a'],
      ['ZSCORE', 'z', 'a'],
      ['ZINCRBY', 'newz', '3', 'm'],
      ['ZRANGE', 'newz', '0', '-1', 'WITHSCORES'],
      ['ZADD', BIN, '1', BIN, '2', BIN2, '3', ''],
      ['ZRANGE', BIN, '0', '-1', 'WITHSCORES'],
      ['ZSCORE', BIN, BIN2],
      ['ZRANK', BIN, ''],
    ]);
  });

  it('scores as strtod reads them, and their replies', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const scores = [
      '0x10',
      '0X1P3',
      '0x1.8p1',
      '0x.8',
      '0x',
      '0x1p-1074',
      '0x1p-1080',
      '0x1p1024',
      '0x1.fffffffffffffp1023',
      '1e-400',
      '1e400',
      '-1e400',
      '1e-310',
      '4.9e-324',
      '2.5e-324',
      '1.7976931348623157e308',
      '1.7976931348623159e308',
      'inf',
      '-INF',
      '+Infinity',
      'infinit',
      'nan',
      '-nan',
      'NaN(123)',
      ' 1',
      '1 ',
      '\t1',
      '1\0',
      '',
      '+5',
      '-.5',
      '.5',
      '5.',
      '.',
      '1e',
      '1e+',
      '1E5',
      '00012',
      '1_0',
      '0.1',
      '0.30000000000000004',
      '123456789012345678901234567890',
      '-0',
      '0e-5000',
      '9007199254740993',
      '4503599627370496',
      '4503599627370495.5',
    ];
    await d.same(['FLUSHALL']);
    for (const [i, s] of scores.entries()) {
      await d.same(['ZADD', 'z', s, `m${i}`]);
      await d.same(['ZSCORE', 'z', `m${i}`]);
      await d.same(['ZADD', LONG_MEMBER, s, `m${i}`]);
      await d.same(['ZSCORE', LONG_MEMBER, `m${i}`]);
      await d.same(['ZRANGEBYSCORE', 'z', s, '+inf']);
      await d.same(['ZRANGEBYSCORE', 'z', `(${s}`, '+inf']);
      await d.same(['ZCOUNT', 'z', '-inf', s]);
    }
    await d.all([
      ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'],
      ['ZSCAN', 'z', '0'],
      ['ZRANGEBYSCORE', 'z', '(', '1'],
      ['ZRANGEBYSCORE', 'z', '1\0junk', '+inf'],
      ['ZRANGEBYSCORE', 'z', '(1e999', '+inf'],
      ['ZRANGEBYSCORE', 'z', '( 1', '+inf'],
      ['ZRANGEBYSCORE', 'z', '((1', '+inf'],
      ['ZRANGEBYSCORE', 'z', '[1', '+inf'],
    ]);
  });

  it('-0: a listpack stores it as 0, a skiplist keeps it', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['FLUSHALL'],
      ['ZADD', 'lp', '-0', 'x'],
      ['ZSCORE', 'lp', 'x'],
      ['ZADD', 'lp', 'INCR', '-0', 'y'],
      ['ZSCORE', 'lp', 'y'],
      ['ZADD', 'sl', '1', LONG_MEMBER, '-0', 'x'],
      ['ZSCORE', 'sl', 'x'],
      ['ZADD', 'sl', '0', 'x'],
      ['ZSCORE', 'sl', 'x'],
      ['ZADD', 'lp2', '-0', 'x', '1', LONG_MEMBER],
      ['ZSCORE', 'lp2', 'x'],
      ['ZUNION', '1', 'lp', 'WEIGHTS', '-1', 'WITHSCORES'],
      ['ZUNIONSTORE', 'u', '1', 'lp', 'WEIGHTS', '-1'],
      ['ZSCORE', 'u', 'x'],
      ['ZUNIONSTORE', 'u2', '2', 'lp', 'sl', 'WEIGHTS', '-1', '-1'],
      ['ZRANGE', 'u2', '0', '-1', 'WITHSCORES'],
      ['ZRANGESTORE', 'r', 'sl', '0', '0'],
      ['ZRANGE', 'r', '0', '-1', 'WITHSCORES'],
      ['COPY', 'sl', 'sl2'],
      ['ZSCORE', 'sl2', 'x'],
    ]);
    await sameFullScan(d, 'ZSCAN', 'sl', [], true);
  });

  it('ZREM, ZCARD, ZSCORE, ZMSCORE, ZRANK, ZREVRANK, ZCOUNT, ZLEXCOUNT', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['FLUSHALL'],
      ['ZADD', 'z', '1', 'a', '2', 'b', '2', 'c', '3', 'd', '-inf', 'lo', 'inf', 'hi'],
      ['ZCARD', 'z'],
      ['ZCARD', 'nokey'],
      ['ZSCORE', 'z', 'hi'],
      ['ZSCORE', 'z', 'nope'],
      ['ZSCORE', 'nokey', 'a'],
      ['ZMSCORE', 'z', 'a', 'nope', 'lo'],
      ['ZMSCORE', 'nokey', 'a', 'b'],
      ['ZRANK', 'z', 'lo'],
      ['ZRANK', 'z', 'c'],
      ['ZREVRANK', 'z', 'c'],
      ['ZREVRANK', 'z', 'hi'],
      ['ZRANK', 'z', 'nope'],
      ['ZRANK', 'nokey', 'a'],
      ['ZCOUNT', 'z', '-inf', '+inf'],
      ['ZCOUNT', 'z', '2', '2'],
      ['ZCOUNT', 'z', '(2', '3'],
      ['ZCOUNT', 'z', '(2', '(2'],
      ['ZCOUNT', 'z', '3', '1'],
      ['ZCOUNT', 'z', 'x', '1'],
      ['ZCOUNT', 'z', '1', 'nan'],
      ['ZCOUNT', 'nokey', '1', '2'],
      ['ZCOUNT', 'nokey', 'x', '2'],
      ['ZADD', 'lex', '0', 'a', '0', 'b', '0', 'c', '0', 'd', '0', 'e', '0', 'ab'],
      ['ZLEXCOUNT', 'lex', '-', '+'],
      ['ZLEXCOUNT', 'lex', '[a', '[b'],
      ['ZLEXCOUNT', 'lex', '(a', '(c'],
      ['ZLEXCOUNT', 'lex', '[c', '[a'],
      ['ZLEXCOUNT', 'lex', '+', '-'],
      ['ZLEXCOUNT', 'lex', '-', '-'],
      ['ZLEXCOUNT', 'lex', '+', '+'],
      ['ZLEXCOUNT', 'lex', '[', '+'],
      ['ZLEXCOUNT', 'lex', '(', '+'],
      ['ZLEXCOUNT', 'lex', '[b', '(b'],
      ['ZLEXCOUNT', 'lex', 'a', 'b'],
      ['ZLEXCOUNT', 'lex', '', '+'],
      ['ZLEXCOUNT', 'lex', '-x', '+'],
      ['ZLEXCOUNT', 'lex', '-\0x', '+\0'],
      ['ZLEXCOUNT', 'nokey', '-', '+'],
      ['ZLEXCOUNT', 'nokey', 'x', '+'],
      // A listpack answers lex ranges over mixed scores by walking its entries.
      ['ZADD', 'mix', '3', 'a', '1', 'b', '2', 'c', '0', 'd', '5', 'ab'],
      ['ZRANGEBYLEX', 'mix', '[a', '[b'],
      ['ZRANGEBYLEX', 'mix', '[b', '+'],
      ['ZRANGEBYLEX', 'mix', '-', '[ab', 'LIMIT', '1', '5'],
      ['ZREVRANGEBYLEX', 'mix', '[c', '[a'],
      ['ZREVRANGEBYLEX', 'mix', '+', '(b'],
      ['ZLEXCOUNT', 'mix', '[a', '[c'],
      ['ZLEXCOUNT', 'mix', '(a', '+'],
      ['ZLEXCOUNT', 'mix', '[c', '[d'],
      ['ZRANGESTORE', 'mixd', 'mix', '[b', '[c', 'BYLEX'],
      ['ZRANGE', 'mixd', '0', '-1'],
      ['ZREMRANGEBYLEX', 'mix', '[b', '[c'],
      ['ZRANGE', 'mix', '0', '-1'],
      ['ZREMRANGEBYLEX', 'mix', '(a', '+'],
      ['ZRANGE', 'mix', '0', '-1'],
      ['ZREM', 'z', 'a', 'nope', 'a', 'b'],
      ['ZREM', 'nokey', 'a'],
      ['ZRANGE', 'z', '0', '-1'],
      ['ZREM', 'z', 'c', 'd', 'lo', 'hi', 'more'],
      ['EXISTS', 'z'],
    ]);
  });

  it('ZRANK / ZREVRANK WITHSCORE (Redis 7.2)', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const r = d.redoubt;
    await r.call('FLUSHALL');
    await r.call('ZADD', 'z', '1.5', 'a', '2', 'b', '3', 'c');
    assert.deepEqual(await r.call('ZRANK', 'z', 'b', 'WITHSCORE'), [1, '2']);
    assert.deepEqual(await r.call('ZREVRANK', 'z', 'a', 'withscore'), [2, '1.5']);
    assert.equal(await r.call('ZRANK', 'z', 'nope', 'WITHSCORE'), null);
    assert.equal((await r.raw('ZRANK', 'z', 'nope', 'WITHSCORE')).toString(), '*-1\r\n');
    assert.equal((await r.raw('ZRANK', 'nokey', 'a', 'WITHSCORE')).toString(), '*-1\r\n');
    assert.equal((await r.raw('ZRANK', 'nokey', 'a')).toString(), '$-1\r\n');
    assert.deepEqual(await r.call('ZRANK', 'z', 'a', 'WITHSCORES'), { error: 'ERR syntax error' });
    assert.deepEqual(await r.call('ZRANK', 'z', 'a', 'WITHSCORE', 'x'), {
      error: "ERR wrong number of arguments for 'zrank' command",
    });
    await r.call('SET', 'str', 'x');
    assert.deepEqual(await r.call('ZRANK', 'str', 'a', 'WITHSCORE'), {
      error: 'WRONGTYPE Operation against a key holding the wrong kind of value',
    });
    await r.call('HELLO', '3');
    assert.equal((await r.raw('ZRANK', 'z', 'c', 'WITHSCORE')).toString(), '*2\r\n:2\r\n,3\r\n');
    assert.equal((await r.raw('ZRANK', 'z', 'x', 'WITHSCORE')).toString(), '_\r\n');
    await r.call('HELLO', '2');
  });

  it('ZRANGE in all its forms, and the older range commands', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['FLUSHALL'],
      ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e', '5', 'f', '6', 'g'],
      ['ZRANGE', 'z', '0', '-1'],
      ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'],
      ['ZRANGE', 'z', '2', '4', 'REV'],
      ['ZRANGE', 'z', '-3', '-1', 'REV', 'WITHSCORES'],
      ['ZRANGE', 'z', '-100', '100'],
      ['ZRANGE', 'z', '5', '2'],
      ['ZRANGE', 'z', '10', '20'],
      ['ZRANGE', 'z', LLONG_MIN, LLONG_MAX],
      ['ZRANGE', 'z', 'x', '1'],
      ['ZRANGE', 'z', '0', '1', 'LIMIT', '0', '1'],
      ['ZRANGE', 'z', '(1', '5', 'BYSCORE'],
      ['ZRANGE', 'z', '5', '(1', 'BYSCORE', 'REV'],
      ['ZRANGE', 'z', '(1', '5', 'BYSCORE', 'REV'],
      ['ZRANGE', 'z', '-inf', '+inf', 'BYSCORE', 'LIMIT', '2', '3'],
      ['ZRANGE', 'z', '-inf', '+inf', 'BYSCORE', 'LIMIT', '2', '-1', 'WITHSCORES'],
      ['ZRANGE', 'z', '-inf', '+inf', 'BYSCORE', 'LIMIT', '-1', '3'],
      ['ZRANGE', 'z', '-inf', '+inf', 'BYSCORE', 'LIMIT', '0', '0'],
      ['ZRANGE', 'z', '-inf', '+inf', 'BYSCORE', 'LIMIT', '7', '1'],
      ['ZRANGE', 'z', '-inf', '+inf', 'BYSCORE', 'LIMIT', '6', '10'],
      ['ZRANGE', 'z', '+inf', '-inf', 'BYSCORE', 'REV', 'LIMIT', '1', '2', 'WITHSCORES'],
      ['ZRANGE', 'z', '[b', '(e', 'BYLEX'],
      ['ZRANGE', 'z', '-', '+', 'BYLEX', 'LIMIT', '1', '2'],
      ['ZRANGE', 'z', '+', '-', 'BYLEX', 'REV', 'LIMIT', '0', '2'],
      ['ZRANGE', 'z', '-', '+', 'BYLEX', 'WITHSCORES'],
      ['ZRANGE', 'z', '0', '1', 'BYLEX'],
      ['ZRANGE', 'z', 'a', 'b', 'BYSCORE'],
      ['ZRANGE', 'z', '0', '-1', 'BYSCORE', 'BYLEX'],
      ['ZRANGE', 'z', '0', '-1', 'REV', 'REV'],
      ['ZRANGE', 'z', '0', '-1', 'LIMIT', '1'],
      ['ZRANGE', 'z', '0', '-1', 'BYSCORE', 'LIMIT', 'x', '1'],
      ['ZRANGE', 'z', '0', '-1', 'FOO'],
      ['ZRANGE', 'nokey', '0', '-1'],
      ['ZRANGE', 'nokey', 'x', '-1'],
      ['ZRANGE', 'nokey', '0', '-1', 'LIMIT', '0', '1'],
      ['ZREVRANGE', 'z', '0', '2', 'WITHSCORES'],
      ['ZREVRANGE', 'z', '0', '2', 'REV'],
      ['ZREVRANGE', 'z', '0', '2', 'BYSCORE'],
      ['ZRANGEBYSCORE', 'z', '2', '5', 'WITHSCORES', 'LIMIT', '1', '2'],
      ['ZRANGEBYSCORE', 'z', '2', '5', 'REV'],
      ['ZRANGEBYSCORE', 'z', '2', '5', 'BYLEX'],
      ['ZREVRANGEBYSCORE', 'z', '5', '2', 'WITHSCORES'],
      ['ZREVRANGEBYSCORE', 'z', '2', '5'],
      ['ZREVRANGEBYSCORE', 'z', '(5', '(2', 'LIMIT', '0', '1'],
      ['ZRANGEBYSCORE', 'z', '5', '5'],
      ['ZRANGEBYSCORE', 'z', '(5', '5'],
      ['ZRANGEBYSCORE', 'z', '-inf', '-inf'],
      ['ZRANGEBYLEX', 'z', '[a', '[c'],
      ['ZRANGEBYLEX', 'z', '[a', '[c', 'WITHSCORES'],
      ['ZRANGEBYLEX', 'z', '-', '+', 'LIMIT', '2', '2'],
      ['ZREVRANGEBYLEX', 'z', '+', '-', 'LIMIT', '2', '2'],
      ['ZREVRANGEBYLEX', 'z', '[c', '[a'],
      ['ZREVRANGEBYLEX', 'z', '[a', '[c'],
      ['ZRANGEBYLEX', 'z', 'a', '[c'],
    ]);
  });

  it('ZRANGESTORE and the encodings of stored results', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const many: Arg[] = [];
    for (let i = 0; i < 200; i++) many.push(String(i), `m${i}`);
    await d.all([
      ['FLUSHALL'],
      ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c'],
      ['ZRANGESTORE', 'd', 'z', '0', '1'],
      ['ZRANGE', 'd', '0', '-1', 'WITHSCORES'],
      ['ZRANGESTORE', 'd', 'z', '(1', '+inf', 'BYSCORE', 'REV'],
      ['ZRANGESTORE', 'd', 'z', '+inf', '(1', 'BYSCORE', 'REV', 'LIMIT', '0', '1'],
      ['ZRANGE', 'd', '0', '-1', 'WITHSCORES'],
      ['ZRANGESTORE', 'd', 'z', '[b', '+', 'BYLEX'],
      ['ZRANGE', 'd', '0', '-1'],
      ['ZRANGESTORE', 'd', 'z', '0', '-1', 'WITHSCORES'],
      ['ZRANGESTORE', 'd', 'z', '5', '10'],
      ['EXISTS', 'd'],
      ['ZRANGESTORE', 'd', 'nokey', '0', '-1'],
      ['SET', 'str', 'x'],
      ['ZRANGESTORE', 'd', 'str', '0', '-1'],
      ['ZRANGESTORE', 'str', 'z', '0', '0'],
      ['TYPE', 'str'],
      ['ZADD', 'big', ...many],
      ['OBJECT', 'ENCODING', 'big'],
      ['ZRANGESTORE', 'd', 'big', '0', '127'],
      ['OBJECT', 'ENCODING', 'd'],
      ['ZRANGESTORE', 'd', 'big', '0', '128'],
      ['OBJECT', 'ENCODING', 'd'],
      ['ZRANGESTORE', 'd', 'big', '0', '150', 'BYSCORE'],
      ['OBJECT', 'ENCODING', 'd'],
      ['ZRANGESTORE', 'd', 'big', '0', '10', 'BYSCORE'],
      ['OBJECT', 'ENCODING', 'd'],
      ['ZREMRANGEBYRANK', 'big', '10', '-1'],
      ['OBJECT', 'ENCODING', 'big'],
      ['ZADD', 'long', '1', LONG_MEMBER, '2', 'x'],
      ['OBJECT', 'ENCODING', 'long'],
      ['ZRANGESTORE', 'd', 'long', '1', '1'],
      ['OBJECT', 'ENCODING', 'd'],
      ['ZRANGESTORE', 'd', 'long', '0', '0'],
      ['OBJECT', 'ENCODING', 'd'],
    ]);
  });

  it('encoding: listpack until zset-max-listpack-entries / -value', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const many: Arg[] = [];
    for (let i = 0; i < 128; i++) many.push(String(i), `m${i}`);
    try {
      await d.all([
        ['FLUSHALL'],
        ['ZADD', 'z', ...many],
        ['OBJECT', 'ENCODING', 'z'],
        ['ZADD', 'z', '5', 'm0'],
        ['OBJECT', 'ENCODING', 'z'],
        ['ZADD', 'z', '1', 'one-more'],
        ['OBJECT', 'ENCODING', 'z'],
        ['ZREMRANGEBYRANK', 'z', '0', '-3'],
        ['OBJECT', 'ENCODING', 'z'],
        ['ZADD', 'v', '1', 'x'.repeat(64)],
        ['OBJECT', 'ENCODING', 'v'],
        ['ZADD', 'v', '1', 'x'.repeat(65)],
        ['OBJECT', 'ENCODING', 'v'],
        ['ZADD', 'w', '1', 'x'.repeat(65)],
        ['OBJECT', 'ENCODING', 'w'],
        ['CONFIG', 'SET', 'zset-max-listpack-entries', '0'],
        ['ZADD', 'e', '1', 'a'],
        ['OBJECT', 'ENCODING', 'e'],
        ['CONFIG', 'SET', 'zset-max-ziplist-entries', '2', 'zset-max-listpack-value', '3'],
        ['ZADD', 'f', '1', 'a', '2', 'b'],
        ['OBJECT', 'ENCODING', 'f'],
        ['ZADD', 'f', '3', 'c'],
        ['OBJECT', 'ENCODING', 'f'],
        ['ZADD', 'g', '1', 'abcd'],
        ['OBJECT', 'ENCODING', 'g'],
        ['ZUNIONSTORE', 'u', '1', 'f'],
        ['OBJECT', 'ENCODING', 'u'],
        ['ZREM', 'f', 'c'],
        ['ZUNIONSTORE', 'u', '1', 'f'],
        ['OBJECT', 'ENCODING', 'u'],
        ['ZINTERSTORE', 'u', '1', 'g'],
        ['OBJECT', 'ENCODING', 'u'],
        ['CONFIG', 'SET', 'zset-max-listpack-entries', '128', 'zset-max-listpack-value', '64'],
        ['ZDIFFSTORE', 'u', '1', 'f'],
        ['OBJECT', 'ENCODING', 'u'],
      ]);
      await d.same(['CONFIG', 'GET', 'zset-max-*'], sortedPairs);
    } finally {
      await d.same(['CONFIG', 'SET', 'zset-max-listpack-entries', '128', 'zset-max-listpack-value', '64']);
    }
  });

  it('ZREMRANGEBYRANK, ZREMRANGEBYSCORE, ZREMRANGEBYLEX', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const fill: Arg[] = ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e'];
    await d.all([
      ['FLUSHALL'],
      fill,
      ['ZREMRANGEBYRANK', 'z', '1', '2'],
      ['ZRANGE', 'z', '0', '-1'],
      ['ZREMRANGEBYRANK', 'z', '-1', '-1'],
      ['ZREMRANGEBYRANK', 'z', '5', '10'],
      ['ZREMRANGEBYRANK', 'z', '2', '1'],
      ['ZREMRANGEBYRANK', 'z', 'x', '1'],
      ['ZREMRANGEBYRANK', 'nokey', 'x', '1'],
      ['ZREMRANGEBYRANK', 'nokey', '0', '1'],
      ['ZREMRANGEBYRANK', 'z', '0', '-1'],
      ['EXISTS', 'z'],
      fill,
      ['ZREMRANGEBYSCORE', 'z', '(1', '3'],
      ['ZREMRANGEBYSCORE', 'z', '5', '1'],
      ['ZREMRANGEBYSCORE', 'z', 'x', '1'],
      ['ZREMRANGEBYSCORE', 'nokey', 'x', '1'],
      ['ZRANGE', 'z', '0', '-1'],
      ['ZREMRANGEBYSCORE', 'z', '-inf', '+inf'],
      ['EXISTS', 'z'],
      ['ZADD', 'l', '0', 'a', '0', 'b', '0', 'c', '0', 'd'],
      ['ZREMRANGEBYLEX', 'l', '(a', '[c'],
      ['ZREMRANGEBYLEX', 'l', '[z', '[a'],
      ['ZREMRANGEBYLEX', 'l', 'a', 'c'],
      ['ZREMRANGEBYLEX', 'nokey', 'a', 'c'],
      ['ZRANGE', 'l', '0', '-1'],
      ['ZREMRANGEBYLEX', 'l', '-', '+'],
      ['EXISTS', 'l'],
    ]);
  });

  it('ZPOPMIN, ZPOPMAX, ZMPOP', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['FLUSHALL'],
      ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd'],
      ['ZPOPMIN', 'z'],
      ['ZPOPMAX', 'z'],
      ['ZPOPMIN', 'z', '0'],
      ['ZPOPMIN', 'z', '-1'],
      ['ZPOPMIN', 'z', 'x'],
      ['ZPOPMIN', 'z', '1', '2'],
      ['ZPOPMAX', 'z', '10'],
      ['EXISTS', 'z'],
      ['ZPOPMIN', 'nokey'],
      ['ZPOPMIN', 'nokey', '0'],
      ['ZPOPMAX', 'nokey', '-1'],
      ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd'],
      ['ZMPOP', '1', 'z', 'MIN'],
      ['ZMPOP', '2', 'nokey', 'z', 'MAX', 'COUNT', '2'],
      ['ZMPOP', '1', 'z', 'min', 'count', '10'],
      ['ZMPOP', '1', 'z', 'MIN'],
      ['ZMPOP', '1', 'nokey', 'MIN', 'COUNT', '0'],
      ['ZMPOP', '0', 'z', 'MIN'],
      ['ZMPOP', 'x', 'z', 'MIN'],
      ['ZMPOP', '3', 'z', 'MIN'],
      ['ZMPOP', '1', 'z', 'MIDDLE'],
      ['ZMPOP', '1', 'z', 'MIN', 'COUNT'],
      ['ZMPOP', '1', 'z', 'MIN', 'COUNT', '-1'],
      ['ZMPOP', '1', 'z', 'MIN', 'COUNT', '1', 'COUNT', '1'],
      ['ZMPOP', '1', 'z', 'MIN', 'FOO'],
      ['SET', 'str', 'v'],
      ['ZADD', 'z', '1', 'a'],
      ['ZMPOP', '2', 'str', 'z', 'MIN'],
      ['ZMPOP', '2', 'z', 'str', 'MIN'],
      ['ZPOPMIN', 'str'],
    ]);
  });

  it('ZUNION, ZINTER, ZDIFF, their STORE forms and ZINTERCARD', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['FLUSHALL'],
      ['ZADD', 'a', '1', 'x', '2', 'y', '3', 'z', 'inf', 'i', '-inf', 'n'],
      ['ZADD', 'b', '10', 'y', '20', 'z', '30', 'w', '-inf', 'i', 'inf', 'n'],
      ['SADD', 's', 'x', 'w', 'q'],
      ['SADD', 'si', '1', '2'],
      ['ZUNION', '2', 'a', 'b', 'WITHSCORES'],
      ['ZUNION', '3', 'a', 'b', 's', 'WITHSCORES'],
      ['ZUNION', '2', 'a', 'b', 'WEIGHTS', '2', '0', 'WITHSCORES'],
      ['ZUNION', '2', 'a', 'b', 'WEIGHTS', '-1', 'inf', 'WITHSCORES'],
      ['ZUNION', '2', 'a', 'b', 'AGGREGATE', 'MIN', 'WITHSCORES'],
      ['ZUNION', '2', 'a', 'b', 'aggregate', 'max', 'weights', '1', '2', 'withscores'],
      ['ZUNION', '2', 'a', 'nokey', 'WITHSCORES'],
      ['ZUNION', '1', 'si', 'WITHSCORES'],
      ['ZINTER', '2', 'a', 'b', 'WITHSCORES'],
      ['ZINTER', '2', 'a', 'b', 'AGGREGATE', 'MAX', 'WITHSCORES'],
      ['ZINTER', '2', 'a', 'a', 'WEIGHTS', '1', '2', 'WITHSCORES'],
      ['ZINTER', '2', 'a', 's', 'WITHSCORES'],
      ['ZINTER', '2', 'a', 'nokey'],
      ['ZDIFF', '2', 'a', 'b', 'WITHSCORES'],
      ['ZDIFF', '2', 'a', 's'],
      ['ZDIFF', '2', 'a', 'a'],
      ['ZDIFF', '3', 'a', 'nokey', 'b', 'WITHSCORES'],
      ['ZDIFF', '1', 'nokey'],
      ['ZDIFF', '2', 's', 'a', 'WITHSCORES'],
      ['ZDIFF', '2', 'a', 'b', 'WEIGHTS', '1', '1'],
      ['ZDIFF', '2', 'a', 'b', 'AGGREGATE', 'SUM'],
      ['ZUNIONSTORE', 'u', '2', 'a', 'b', 'WEIGHTS', '1', '0.5'],
      ['ZRANGE', 'u', '0', '-1', 'WITHSCORES'],
      ['ZINTERSTORE', 'u', '2', 'a', 'b'],
      ['ZRANGE', 'u', '0', '-1', 'WITHSCORES'],
      ['ZINTERSTORE', 'u', '2', 'a', 'nokey'],
      ['EXISTS', 'u'],
      ['ZDIFFSTORE', 'u', '2', 'a', 'b'],
      ['ZRANGE', 'u', '0', '-1', 'WITHSCORES'],
      ['ZUNIONSTORE', 'a', '2', 'a', 'b'],
      ['ZRANGE', 'a', '0', '-1', 'WITHSCORES'],
      ['ZINTERCARD', '2', 'a', 'b'],
      ['ZINTERCARD', '2', 'a', 'b', 'LIMIT', '1'],
      ['ZINTERCARD', '2', 'a', 'b', 'LIMIT', '0'],
      ['ZINTERCARD', '2', 'a', 's', 'LIMIT', '10'],
      ['ZINTERCARD', '1', 'nokey'],
      ['ZINTERCARD', '2', 'a', 'b', 'LIMIT', '-1'],
      ['ZINTERCARD', '2', 'a', 'b', 'WITHSCORES'],
      ['ZINTERCARD', '2', 'a', 'b', 'WEIGHTS', '1', '1'],
      ['ZINTERCARD', '0', 'a'],
      ['ZINTERCARD', '3', 'a'],
      ['ZUNION', '0', 'a'],
      ['ZUNION', '-1', 'a'],
      ['ZUNION', 'x', 'a'],
      ['ZUNION', '3', 'a', 'b'],
      ['ZUNIONSTORE', 'u', '0', 'a'],
      ['ZINTERSTORE', 'u', '0', 'a'],
      ['ZDIFFSTORE', 'u', '0', 'a'],
      ['ZUNION', '2', 'a', 'b', 'WEIGHTS', '1'],
      ['ZUNION', '2', 'a', 'b', 'WEIGHTS', '1', 'x'],
      ['ZUNION', '2', 'a', 'b', 'WEIGHTS', '1', 'nan'],
      ['ZUNION', '2', 'a', 'b', 'AGGREGATE'],
      ['ZUNION', '2', 'a', 'b', 'AGGREGATE', 'AVG'],
      ['ZUNION', '2', 'a', 'b', 'FOO'],
      ['ZUNIONSTORE', 'u', '2', 'a', 'b', 'WITHSCORES'],
      ['SET', 'str', 'x'],
      ['ZUNION', '2', 'a', 'str'],
      ['ZINTER', '2', 'nokey', 'str'],
      ['ZUNIONSTORE', 'str', '1', 'a'],
      ['TYPE', 'str'],
      ['RPUSH', 'list', 'x'],
      ['ZDIFF', '2', 'a', 'list'],
    ]);
  });

  it('ZRANDMEMBER: errors, whole-set cases (highest first), random samples', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['FLUSHALL'],
      ['ZRANDMEMBER', 'nokey'],
      ['ZRANDMEMBER', 'nokey', '2'],
      ['ZRANDMEMBER', 'nokey', 'x'],
      ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd'],
      ['ZRANDMEMBER', 'z', '0'],
      ['ZRANDMEMBER', 'z', '4'],
      ['ZRANDMEMBER', 'z', '10', 'WITHSCORES'],
      ['ZRANDMEMBER', 'z', 'x'],
      ['ZRANDMEMBER', 'z', '1', 'WITHSCORE'],
      ['ZRANDMEMBER', 'z', '1', 'WITHSCORES', 'x'],
      ['ZRANDMEMBER', 'z', LLONG_MIN],
      ['ZRANDMEMBER', 'z', '4611686018427387904', 'WITHSCORES'],
      ['ZRANDMEMBER', 'z', '-4611686018427387904', 'WITHSCORES'],
      ['ZADD', 'big', '1', LONG_MEMBER, '2', 'x', '3', 'y'],
      ['ZRANDMEMBER', 'big', '3', 'WITHSCORES'],
    ]);
    const r = d.redoubt;
    const members = ['a', 'b', 'c', 'd'];
    assert.ok(members.includes((await r.call('ZRANDMEMBER', 'z')) as string));
    checkSample(await r.call('ZRANDMEMBER', 'z', '2'), members, 2, true, 'ZRANDMEMBER 2');
    checkSample(await r.call('ZRANDMEMBER', 'z', '-9'), members, 9, false, 'ZRANDMEMBER -9');
    const ws = (await r.call('ZRANDMEMBER', 'z', '-5', 'WITHSCORES')) as string[];
    for (let i = 0; i < ws.length; i += 2)
      assert.equal(ws[i + 1], String(members.indexOf(ws[i] as string) + 1));
    const many: Arg[] = [];
    const all: string[] = [];
    for (let i = 0; i < 300; i++) {
      many.push(String(i), `m${i}`);
      all.push(`m${i}`);
    }
    await d.same(['ZADD', 'sl', ...many]);
    checkSample(await r.call('ZRANDMEMBER', 'sl', '10'), all, 10, true, 'ZRANDMEMBER sl 10');
    checkSample(await r.call('ZRANDMEMBER', 'sl', '250'), all, 250, true, 'ZRANDMEMBER sl 250');
    await d.same(['ZRANDMEMBER', 'sl', '300', 'WITHSCORES']);
    await inResp3(d, [
      ['ZRANDMEMBER', 'z', '10', 'WITHSCORES'],
      ['ZRANDMEMBER', 'z', '0', 'WITHSCORES'],
    ]);
  });

  it('ZSCAN: listpack in one call with listpack score text, skiplist iterated to the end', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['FLUSHALL'],
      ['ZSCAN', 'nokey', '0'],
      ['ZSCAN', 'nokey', 'x'],
      ['ZADD', 'z', '1.5', 'a', '0.1', 'b', '1e20', 'c', '-inf', 'd', '3', 'ab'],
      ['ZSCAN', 'z', '0'],
      ['ZSCAN', 'z', '0', 'MATCH', 'a*'],
      ['ZSCAN', 'z', '0', 'COUNT', '1'],
      ['ZSCAN', 'z', '0', 'COUNT', '0'],
      ['ZSCAN', 'z', '0', 'TYPE', 'zset'],
      ['ZSCAN', 'z', 'x'],
    ]);
    const many: Arg[] = [];
    for (let i = 0; i < 1500; i++) many.push(String(i / 7), `m${i}`);
    await d.same(['ZADD', 'sl', ...many]);
    await sameFullScan(d, 'ZSCAN', 'sl', [], true);
    await sameFullScan(d, 'ZSCAN', 'sl', ['COUNT', '13', 'MATCH', '*1*'], true);
  });

  it('WRONGTYPE for every sorted-set command on other types', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['FLUSHALL'],
      ['SET', 'str', 'x'],
      ['HSET', 'hash', 'f', 'v'],
      ['RPUSH', 'list', 'a'],
      ['ZADD', 'ok', '1', 'a'],
    ]);
    for (const k of ['str', 'hash', 'list']) {
      await d.all([
        ['ZADD', k, '1', 'a'],
        ['ZINCRBY', k, '1', 'a'],
        ['ZREM', k, 'a'],
        ['ZCARD', k],
        ['ZCOUNT', k, '0', '1'],
        ['ZLEXCOUNT', k, '-', '+'],
        ['ZSCORE', k, 'a'],
        ['ZMSCORE', k, 'a'],
        ['ZRANK', k, 'a'],
        ['ZREVRANK', k, 'a'],
        ['ZRANGE', k, '0', '-1'],
        ['ZRANGESTORE', 'dst', k, '0', '-1'],
        ['ZRANGEBYSCORE', k, '0', '1'],
        ['ZREVRANGEBYSCORE', k, '1', '0'],
        ['ZRANGEBYLEX', k, '-', '+'],
        ['ZREVRANGEBYLEX', k, '+', '-'],
        ['ZREVRANGE', k, '0', '-1'],
        ['ZREMRANGEBYRANK', k, '0', '1'],
        ['ZREMRANGEBYSCORE', k, '0', '1'],
        ['ZREMRANGEBYLEX', k, '-', '+'],
        ['ZPOPMIN', k],
        ['ZPOPMAX', k, '2'],
        ['ZMPOP', '1', k, 'MIN'],
        ['ZUNION', '2', 'ok', k],
        ['ZUNIONSTORE', 'dst', '1', k],
        ['ZINTER', '2', k, 'ok'],
        ['ZINTERSTORE', 'dst', '2', 'ok', k],
        ['ZDIFF', '2', 'ok', k],
        ['ZDIFFSTORE', 'dst', '1', k],
        ['ZINTERCARD', '2', 'ok', k],
        ['ZRANDMEMBER', k],
        ['ZRANDMEMBER', k, '1'],
        ['ZSCAN', k, '0'],
      ]);
    }
    // A set is a valid input of the algebra, not of the other commands.
    await d.all([
      ['SADD', 'set', 'a'],
      ['ZADD', 'set', '1', 'a'],
      ['ZSCORE', 'set', 'a'],
      ['ZUNION', '2', 'ok', 'set'],
      ['GET', 'ok'],
      ['SETRANGE', 'ok', '0', 'x'],
      ['LLEN', 'ok'],
      ['SCARD', 'ok'],
      ['HLEN', 'ok'],
      ['TYPE', 'ok'],
    ]);
  });

  it('COPY, RENAME and MOVE keep sorted sets and their encodings', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['FLUSHALL'],
      ['ZADD', 'z', '1', 'a', '2', 'b'],
      ['ZADD', 'sl', '1', LONG_MEMBER, '2', 'b'],
      ['COPY', 'z', 'z2'],
      ['COPY', 'sl', 'sl2'],
      ['ZADD', 'z2', '3', 'c'],
      ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'],
      ['ZRANGE', 'z2', '0', '-1', 'WITHSCORES'],
      ['OBJECT', 'ENCODING', 'z2'],
      ['OBJECT', 'ENCODING', 'sl2'],
      ['ZREM', 'sl2', LONG_MEMBER],
      ['ZRANGE', 'sl', '0', '-1'],
      ['RENAME', 'z2', 'z3'],
      ['ZRANK', 'z3', 'c'],
      ['MOVE', 'z3', '4'],
      ['SELECT', '4'],
      ['ZRANGE', 'z3', '0', '-1'],
      ['SELECT', '0'],
    ]);
  });

  it('RESP3 replies', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([['FLUSHALL'], ['ZADD', 'z', '1', 'a', '2.5', 'b', 'inf', 'c']]);
    await inResp3(d, [
      ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'],
      ['ZRANGE', 'z', '0', '-1'],
      ['ZRANGEBYSCORE', 'z', '-inf', '+inf', 'WITHSCORES'],
      ['ZREVRANGE', 'z', '0', '-1', 'WITHSCORES'],
      ['ZSCORE', 'z', 'c'],
      ['ZMSCORE', 'z', 'a', 'x'],
      ['ZINCRBY', 'z', '1', 'a'],
      ['ZADD', 'z', 'INCR', '1', 'a'],
      ['ZADD', 'z', 'INCR', 'XX', '1', 'x'],
      ['ZUNION', '1', 'z', 'WITHSCORES'],
      ['ZINTER', '1', 'z', 'WITHSCORES'],
      ['ZDIFF', '1', 'z', 'WITHSCORES'],
      ['ZRANDMEMBER', 'z', '3', 'WITHSCORES'],
      ['ZSCAN', 'z', '0'],
      ['ZRANK', 'z', 'x'],
      ['ZPOPMIN', 'z'],
      ['ZPOPMIN', 'z', '1'],
      ['ZPOPMAX', 'z', '5'],
      ['ZPOPMIN', 'nokey', '2'],
      ['ZADD', 'z', '1', 'a', '2', 'b'],
      ['ZMPOP', '1', 'z', 'MAX', 'COUNT', '2'],
      ['ZMPOP', '1', 'nokey', 'MAX'],
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
        await r.del('io:z', 'io:y', 'io:u');
        const out: unknown[] = [];
        out.push(await r.zadd('io:z', 1, 'a', 2.5, 'b', 3, 'c'), await r.zadd('io:y', 10, 'b'));
        out.push(await r.call('ZRANGE', 'io:z', '0', '-1', 'WITHSCORES'), await r.zscore('io:z', 'b'));
        out.push(
          await r.zincrby('io:z', '0.1', 'a'),
          await r.zrank('io:z', 'c'),
          await r.zrevrank('io:z', 'c'),
        );
        out.push(await r.zrangebyscore('io:z', '(1', '+inf'), await r.zcount('io:z', '-inf', 2));
        out.push(
          await r.zunionstore('io:u', 2, 'io:z', 'io:y', 'WEIGHTS', '1', '2'),
          await r.zrange('io:u', '0', '-1'),
        );
        out.push(
          await r.zpopmin('io:z'),
          await r.zpopmax('io:z', 1),
          await r.call('ZMPOP', '1', 'io:u', 'MIN'),
        );
        out.push(await r.zrangebylex('io:u', '-', '+'), await r.zcard('io:u'), await r.zscan('io:u', '0'));
        return out;
      } finally {
        r.disconnect();
      }
    };
    assert.deepEqual(await scenario(d.redoubtServer.port), await scenario(d.redisServer.port));
  });

  it('randomized run on skiplist-sized sets (seeded)', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const seed = testSeed();
    const rnd = prng(seed);
    const int = (lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));
    const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)] as T;
    const keys = ['r1', 'r2', 'r3'];
    const member = (): string => `m${int(0, 250)}`;
    const score = (): string => pick([String(int(-50, 50)), String(int(-50, 50) / 4), '-inf', 'inf', '0']);
    const bound = (): string => pick([score(), `(${score()}`, '-inf', '+inf']);
    const lex = (): string => pick(['-', '+', `[${member()}`, `(${member()}`]);
    const gens: (() => Arg[])[] = [
      () => ['ZADD', pick(keys), ...Array.from({ length: int(1, 20) }, () => [score(), member()]).flat()],
      () => ['ZADD', pick(keys), pick(['NX', 'XX', 'GT', 'LT', 'CH']), score(), member()],
      () => ['ZINCRBY', pick(keys), score(), member()],
      () => ['ZREM', pick(keys), member(), member()],
      () => ['ZRANK', pick(keys), member()],
      () => ['ZREVRANK', pick(keys), member()],
      () => ['ZSCORE', pick(keys), member()],
      () => ['ZCOUNT', pick(keys), bound(), bound()],
      () => ['ZLEXCOUNT', 'lx', lex(), lex()],
      () => ['ZADD', 'lx', ...Array.from({ length: int(1, 10) }, () => ['0', member()]).flat()],
      () => ['ZREM', 'lx', member(), member()],
      () => ['ZRANGE', 'lx', String(int(0, 150)), String(int(-150, 150))],
      () => ['ZRANGE', pick(keys), String(int(-300, 300)), String(int(-300, 300)), 'WITHSCORES'],
      () => [
        'ZRANGE',
        pick(keys),
        bound(),
        bound(),
        'BYSCORE',
        'LIMIT',
        String(int(-1, 20)),
        String(int(-1, 20)),
      ],
      () => ['ZRANGE', pick(keys), bound(), bound(), 'BYSCORE', 'REV'],
      () => ['ZRANGE', 'lx', lex(), lex(), 'BYLEX', 'LIMIT', String(int(0, 10)), String(int(-1, 20))],
      () => ['ZREVRANGEBYLEX', 'lx', lex(), lex()],
      () => ['ZREMRANGEBYRANK', pick(keys), String(int(-20, 20)), String(int(-20, 20))],
      () => ['ZREMRANGEBYSCORE', pick(keys), bound(), bound()],
      () => ['ZREMRANGEBYLEX', 'lx', lex(), lex()],
      () => ['ZPOPMIN', pick(keys), String(int(0, 3))],
      () => ['ZPOPMAX', pick(keys)],
      () => ['ZMPOP', '2', pick(keys), pick(keys), pick(['MIN', 'MAX']), 'COUNT', String(int(1, 4))],
      () => [pick(['ZUNIONSTORE', 'ZINTERSTORE', 'ZDIFFSTORE']), pick(keys), '2', pick(keys), pick(keys)],
      () => ['ZUNION', '2', pick(keys), pick(keys), 'AGGREGATE', pick(['MIN', 'MAX']), 'WITHSCORES'],
      () => ['ZINTERCARD', '2', pick(keys), pick(keys), 'LIMIT', String(int(0, 5))],
      () => ['ZRANGESTORE', pick(keys), pick(keys), String(int(0, 200)), String(int(-200, 200))],
      () => ['ZCARD', pick(keys)],
      () => ['OBJECT', 'ENCODING', pick(keys)],
    ];
    await d.same(['FLUSHALL']);
    const filler: Arg[] = [];
    for (let i = 0; i < 200; i++) filler.push(String(int(-50, 50)), `m${i}`);
    for (const k of keys) await d.same(['ZADD', k, ...filler]);
    // Lex ranges are only well defined when all scores are equal: one key for them.
    const lexFiller: Arg[] = [];
    for (let i = 0; i < 200; i++) lexFiller.push('0', `m${i}`);
    await d.same(['ZADD', 'lx', ...lexFiller]);
    let i = 0;
    try {
      for (; i < 1500; i++) {
        const gen = gens[Math.floor(rnd() * gens.length)] as () => Arg[];
        await d.same(gen());
      }
      for (const k of keys) await d.same(['ZRANGE', k, '0', '-1', 'WITHSCORES']);
    } catch (err) {
      assert.fail(
        `zset randomized run failed at step ${i} (REDOUBT_SEED=${seed}): ${(err as Error).message}`,
      );
    }
    await d.same(['ZRANGE', 'r1', '0', '-1', 'WITHSCORES'], sortedPairs);
  });
});
