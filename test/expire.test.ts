/**
 * Expiry: the EXPIRE family's options, overflow checks and errors, the TTL family,
 * PERSIST, expired keys being invisible to every command, and the active cycle
 * reclaiming keys nobody touches; differential against redis-server.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Differential, sorted } from './helpers/diff.js';
import type { Arg, RespConnection } from './helpers/resp.js';
import { nearInteger, pipeline, sleep } from './keyspace-helpers.js';

const LLONG_MAX = '9223372036854775807';
const LLONG_MIN = '-9223372036854775808';

describe('EXPIRE family (differential)', () => {
  let d: Differential | null;
  before(async () => {
    d = await Differential.start();
  });
  after(async () => {
    await d?.close();
  });

  it('option parsing and its errors, checked before the time and the key', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const cmds: Arg[][] = [['FLUSHALL'], ['SET', 'k', 'v']];
    for (const name of ['EXPIRE', 'PEXPIRE', 'EXPIREAT', 'PEXPIREAT']) {
      cmds.push(
        [name, 'k', '100', 'FOO'],
        [name, 'k', '100', 'nx', 'FOO'],
        [name, 'nosuch', 'abc', 'FOO'],
        [name, 'k', '100', 'foo\0bar'],
        [name, 'k', '100', 'foo\r\n'],
        [name, 'k', '100', '\r\nfoo\r\nbar\r\n'],
        [name, 'k', '100', ''],
        [name, 'k', '100', 'NX', 'XX'],
        [name, 'k', '100', 'NX', 'GT'],
        [name, 'k', '100', 'LT', 'NX'],
        [name, 'k', '100', 'GT', 'LT'],
        [name, 'k', '100', 'XX', 'GT', 'LT'],
        [name, 'k', 'abc', 'NX', 'XX'],
        [name, 'k', 'abc'],
        [name, 'k', '1.5'],
        [name, 'k', ''],
        [name, 'k', ' 1'],
        [name, 'k', '9223372036854775808'],
        [name, 'nosuch', 'abc'],
        [name, 'nosuch', '100'],
        [name, 'nosuch', '100', 'XX'],
        [name, 'k', '99999999999', 'nx\0junk'],
        [name, 'k', '99999999999', 'NX'],
        ['PERSIST', 'k'],
      );
    }
    await d.all(cmds);
  });

  it('overflow checks: invalid expire time in each command', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.same(['FLUSHALL']);
    const cases: [string, string][] = [
      ['EXPIRE', '9223372036854775'],
      ['EXPIRE', '9223372036854776'],
      ['EXPIRE', '9223372036854775807'],
      ['EXPIRE', '-9223372036854775'],
      ['EXPIRE', '-9223372036854776'],
      ['EXPIRE', LLONG_MIN],
      ['EXPIRE', '9223370000000000'],
      ['PEXPIRE', LLONG_MAX],
      ['PEXPIRE', '9223370000000000000'],
      ['PEXPIRE', LLONG_MIN],
      ['EXPIREAT', '9223372036854775'],
      ['EXPIREAT', '9223372036854776'],
      ['EXPIREAT', '-9223372036854775'],
      ['EXPIREAT', '-9223372036854776'],
      ['EXPIREAT', LLONG_MAX],
      ['PEXPIREAT', LLONG_MAX],
      ['PEXPIREAT', LLONG_MIN],
    ];
    for (const [name, when] of cases) {
      await d.all([
        [name, 'nosuch', when],
        ['SET', 'k', 'v'],
        [name, 'k', when],
        ['EXISTS', 'k'],
      ]);
      // Relative times depend on each server's clock: allow a few milliseconds.
      const relative = !name.endsWith('AT');
      await d.same(['PEXPIRETIME', 'k'], relative ? nearInteger(5) : undefined);
      await d.same(['EXPIRETIME', 'k'], relative ? nearInteger(1) : undefined);
    }
  });

  it('far-future expiry times are kept exactly', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const cmds: Arg[][] = [['FLUSHALL'], ['SET', 'k', 'v']];
    for (const when of [
      LLONG_MAX,
      '9223372036854775806',
      '9007199254740993',
      '9007199254740992',
      '9007199254740991',
      '4102444800123',
    ]) {
      cmds.push(
        ['PEXPIREAT', 'k', when],
        ['PEXPIRETIME', 'k'],
        ['EXPIRETIME', 'k'],
        ['COPY', 'k', 'c', 'REPLACE'],
        ['PEXPIRETIME', 'c'],
        ['RENAME', 'c', 'r'],
        ['PEXPIRETIME', 'r'],
        ['MOVE', 'r', '1'],
        ['SELECT', '1'],
        ['PEXPIRETIME', 'r'],
        ['DEL', 'r'],
        ['SELECT', '0'],
      );
    }
    for (const when of ['9223372036854775', '9223372036854774', '4102444800']) {
      cmds.push(['EXPIREAT', 'k', when], ['EXPIRETIME', 'k'], ['PEXPIRETIME', 'k']);
    }
    await d.all(cmds);
    for (const name of ['TTL', 'PTTL']) {
      await d.same(['PEXPIREAT', 'k', LLONG_MAX]);
      await d.same([name, 'k'], nearInteger(name === 'TTL' ? 1 : 50));
    }
  });

  it('NX, XX, GT and LT', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const at = (s: number): string => String(4102444800 + s);
    await d.all([
      ['FLUSHALL'],
      ['SET', 'k', 'v'],
      ['EXPIREAT', 'k', at(100), 'XX'],
      ['EXPIRETIME', 'k'],
      ['EXPIREAT', 'k', at(100), 'GT'],
      ['EXPIRETIME', 'k'],
      ['EXPIREAT', 'k', at(100), 'LT'],
      ['EXPIRETIME', 'k'],
      ['PERSIST', 'k'],
      ['EXPIREAT', 'k', at(50), 'NX'],
      ['EXPIREAT', 'k', at(60), 'NX'],
      ['EXPIRETIME', 'k'],
      ['EXPIREAT', 'k', at(60), 'XX'],
      ['EXPIRETIME', 'k'],
      ['EXPIREAT', 'k', at(60), 'GT'],
      ['EXPIREAT', 'k', at(59), 'GT'],
      ['EXPIREAT', 'k', at(61), 'GT'],
      ['EXPIRETIME', 'k'],
      ['EXPIREAT', 'k', at(61), 'LT'],
      ['EXPIREAT', 'k', at(62), 'LT'],
      ['EXPIREAT', 'k', at(10), 'LT'],
      ['EXPIRETIME', 'k'],
      ['EXPIREAT', 'k', at(20), 'XX', 'GT'],
      ['EXPIRETIME', 'k'],
      ['EXPIREAT', 'k', at(5), 'lt', 'xx'],
      ['EXPIRETIME', 'k'],
      ['EXPIREAT', 'k', at(5), 'nx'],
      ['PEXPIREAT', 'k', `${at(5)}001`, 'GT'],
      ['PEXPIRETIME', 'k'],
      ['EXPIRE', 'k', '-1', 'GT'],
      ['EXISTS', 'k'],
      ['EXPIRE', 'k', '-1', 'LT'],
      ['EXISTS', 'k'],
      ['SET', 'k', 'v'],
      ['EXPIRE', 'k', '-1', 'XX'],
      ['EXPIRE', 'k', '-1', 'GT'],
      ['EXPIRE', 'k', '-1', 'LT'],
      ['EXISTS', 'k'],
      ['SET', 'k', 'v'],
      ['EXPIRE', 'k', '0', 'NX'],
      ['EXISTS', 'k'],
      ['SET', 'k', 'v'],
      ['PEXPIREAT', 'k', '1', 'NX', 'NX'],
      ['EXISTS', 'k'],
    ]);
  });

  it('past or negative times delete the key at once', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const cmds: Arg[][] = [['FLUSHALL']];
    for (const [name, when] of [
      ['EXPIRE', '0'],
      ['EXPIRE', '-1'],
      ['PEXPIRE', '0'],
      ['PEXPIRE', '-5000'],
      ['EXPIREAT', '1'],
      ['EXPIREAT', '0'],
      ['EXPIREAT', '-1'],
      ['PEXPIREAT', '1700000000000'],
      ['PEXPIREAT', '0'],
    ] as const) {
      cmds.push(
        ['SET', 'k', 'v'],
        ['SET', 'other', 'o'],
        ['DBSIZE'],
        [name, 'k', when],
        ['DBSIZE'],
        ['EXISTS', 'k'],
        ['TTL', 'k'],
      );
    }
    await d.all(cmds);
  });

  it('TTL, PTTL, EXPIRETIME, PEXPIRETIME and PERSIST', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['FLUSHALL'],
      ['TTL', 'nosuch'],
      ['PTTL', 'nosuch'],
      ['EXPIRETIME', 'nosuch'],
      ['PEXPIRETIME', 'nosuch'],
      ['PERSIST', 'nosuch'],
      ['SET', 'k', 'v'],
      ['TTL', 'k'],
      ['PTTL', 'k'],
      ['EXPIRETIME', 'k'],
      ['PEXPIRETIME', 'k'],
      ['PERSIST', 'k'],
      ['EXPIRE', 'k', '100'],
      ['TTL', 'k'],
      ['PERSIST', 'k'],
      ['PERSIST', 'k'],
      ['TTL', 'k'],
      ['PEXPIREAT', 'k', '4102444800499'],
      ['EXPIRETIME', 'k'],
      ['PEXPIREAT', 'k', '4102444800500'],
      ['EXPIRETIME', 'k'],
      ['PEXPIREAT', 'k', '4102444800999'],
      ['EXPIRETIME', 'k'],
      ['PEXPIRETIME', 'k'],
      ['SET', 'k', 'overwritten'],
      ['TTL', 'k'],
    ]);
    await d.same(['PEXPIRE', 'k', '100000']);
    await d.same(['PTTL', 'k'], nearInteger(50));
    await d.same(['TTL', 'k'], nearInteger(1));
    await d.same(['EXPIRE', 'k', '1000']);
    await d.same(['EXPIRETIME', 'k'], nearInteger(1));
    await d.same(['PEXPIRETIME', 'k'], nearInteger(100));
  });

  it('expired keys are invisible to every command', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const probes: Arg[][] = [
      ['GET', 'k'],
      ['EXISTS', 'k'],
      ['TYPE', 'k'],
      ['TTL', 'k'],
      ['PTTL', 'k'],
      ['EXPIRETIME', 'k'],
      ['PEXPIRETIME', 'k'],
      ['PERSIST', 'k'],
      ['EXPIRE', 'k', '100'],
      ['PEXPIREAT', 'k', '4102444800000'],
      ['TOUCH', 'k'],
      ['DEL', 'k'],
      ['UNLINK', 'k'],
      ['RENAME', 'k', 'k2'],
      ['RENAMENX', 'k', 'k2'],
      ['RENAME', 'live', 'k'],
      ['RENAMENX', 'live', 'k'],
      ['COPY', 'k', 'k2'],
      ['COPY', 'live', 'k'],
      ['MOVE', 'k', '1'],
      ['OBJECT', 'ENCODING', 'k'],
      ['OBJECT', 'REFCOUNT', 'k'],
      ['OBJECT', 'IDLETIME', 'k'],
      ['OBJECT', 'FREQ', 'k'],
      ['KEYS', '*'],
      ['KEYS', 'k'],
      ['SCAN', '0', 'COUNT', '1000'],
      ['SCAN', '0', 'TYPE', 'string', 'COUNT', '1000'],
      ['SCAN', '0', 'MATCH', 'k', 'COUNT', '1000'],
      ['SET', 'k', 'new', 'NX'],
      ['GET', 'k'],
    ];
    for (const probe of probes) {
      for (const setup of [
        [
          ['SET', 'k', 'v'],
          ['PEXPIRE', 'k', '1'],
        ],
        [['SET', 'k', 'v', 'PX', '1']],
      ] as Arg[][][]) {
        await d.same(['FLUSHALL']);
        await d.same(['SET', 'live', 'l']);
        // Also occupied in db 1, so MOVE of a live key would fail there.
        for (const c of setup) await d.same(c);
        await sleep(5);
        await d.same(probe, probe[0] === 'KEYS' || probe[0] === 'SCAN' ? sorted : undefined);
        await d.same(['KEYS', '*'], sorted);
        await d.same(['EXISTS', 'k', 'k2', 'live']);
      }
    }
    // RANDOMKEY never returns an expired key, even when every key has expired.
    for (const conn of [d.redoubt, d.redis]) {
      await conn.call('FLUSHALL');
      await pipeline(
        conn,
        Array.from({ length: 300 }, (_, i) => ['SET', `e${i}`, 'v', 'PX', '1']),
      );
      await conn.call('SET', 'survivor', 'v');
    }
    await sleep(5);
    for (let i = 0; i < 5; i++) await d.same(['RANDOMKEY']);
    await d.same(['DEL', 'survivor']);
    await d.same(['SET', 'x', 'v', 'PX', '1']);
    await sleep(5);
    await d.same(['RANDOMKEY']);
  });
});

describe('active expiry (differential)', () => {
  let d: Differential | null;
  before(async () => {
    d = await Differential.start();
  });
  after(async () => {
    await d?.close();
  });

  it('reclaims keys that expire without being touched: DBSIZE drops on its own', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const fill = async (conn: RespConnection): Promise<void> => {
      await conn.call('FLUSHALL');
      const cmds: Arg[][] = [];
      for (let i = 0; i < 20000; i++) cmds.push(['SET', `v:${i}`, 'x', 'PX', String(50 + (i % 200))]);
      for (let i = 0; i < 10; i++) cmds.push(['SET', `keep:${i}`, 'x']);
      cmds.push(['SELECT', '4']);
      for (let i = 0; i < 5000; i++) cmds.push(['PEXPIREAT', `nosuch${i}`, '1']);
      for (let i = 0; i < 5000; i++) cmds.push(['SET', `w:${i}`, 'x'], ['PEXPIRE', `w:${i}`, '100']);
      cmds.push(['SELECT', '0']);
      await pipeline(conn, cmds);
    };
    await fill(d.redoubt);
    await fill(d.redis);
    const settle = async (conn: RespConnection, db: string, want: number): Promise<number> => {
      await conn.call('SELECT', db);
      const deadline = Date.now() + 20000;
      let n = -1;
      while (Date.now() < deadline) {
        n = (await conn.call('DBSIZE')) as number;
        if (n === want) break;
        await sleep(50);
      }
      await conn.call('SELECT', '0');
      return n;
    };
    for (const conn of [d.redoubt, d.redis]) {
      assert.equal(await settle(conn, '0', 10), 10, 'db 0 keeps only the persistent keys');
      assert.equal(await settle(conn, '4', 0), 0, 'db 4 is emptied');
    }
    await d.all([['DBSIZE'], ['SELECT', '4'], ['DBSIZE'], ['SELECT', '0'], ['KEYS', 'v:*']]);
  });
});
