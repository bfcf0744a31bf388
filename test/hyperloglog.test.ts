/**
 * HyperLogLog commands, differential against a real redis-server 7.0: the
 * string values themselves (GET after every write: header, cached cardinality,
 * sparse opcodes, dense registers), sparse -> dense promotion at
 * hll-sparse-max-bytes and on large registers, PFCOUNT of 100k elements and of
 * unions, PFMERGE of sparse and dense values, corrupt and invalid values with
 * Redis's WRONGTYPE / INVALIDOBJ errors, PFDEBUG, PFSELFTEST, values copied
 * between the two servers, RESP3, and a seeded randomized run.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { inResp3 } from './helpers/collections.js';
import { Differential, nearInteger } from './helpers/diff.js';
import { prng, testSeed } from './helpers/random.js';
import type { Arg } from './helpers/resp.js';
import { SubscriberPair } from './helpers/subscriber.js';

const SPARSE_EMPTY = Buffer.concat([
  Buffer.from('HYLL\x01\0\0\0\0\0\0\0\0\0\0\0', 'latin1'),
  Buffer.from([0x7f, 0xff]),
]);

/** A header followed by `body` (sparse opcodes or dense registers). */
function hll(encoding: number, body: Buffer, card: Buffer = Buffer.alloc(8)): Buffer {
  return Buffer.concat([Buffer.from('HYLL', 'latin1'), Buffer.from([encoding, 0, 0, 0]), card, body]);
}

describe('HyperLogLog commands (differential)', () => {
  let d: Differential | null;
  before(async () => {
    d = await Differential.start();
  });
  after(async () => {
    await d?.close();
  });

  it('arity errors', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['PFADD'],
      ['PFCOUNT'],
      ['PFMERGE'],
      ['PFDEBUG', 'ENCODING'],
      ['PFDEBUG', 'a', 'b', 'c'],
      ['PFSELFTEST', 'x'],
    ]);
  });

  it('COMMAND GETKEYS', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['COMMAND', 'GETKEYSANDFLAGS', 'PFADD', 'a', 'x'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'PFCOUNT', 'a', 'b', 'c'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'PFMERGE', 'a', 'b', 'c'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'PFDEBUG', 'ENCODING', 'a'],
      ['COMMAND', 'GETKEYS', 'PFSELFTEST'],
    ]);
  });

  it('PFADD: the value after every add, with and without elements, TYPE and encoding', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['FLUSHALL'],
      ['PFADD', 'h'],
      ['GET', 'h'],
      ['PFADD', 'h'],
      ['PFADD', 'h', 'a'],
      ['GET', 'h'],
      ['PFADD', 'h', 'a'],
      ['PFADD', 'h', 'b', 'c', 'd', 'a'],
      ['GET', 'h'],
      ['TYPE', 'h'],
      ['OBJECT', 'ENCODING', 'h'],
      ['STRLEN', 'h'],
      ['PFCOUNT', 'h'],
      ['GET', 'h'],
      ['PFCOUNT', 'h'],
      ['PFADD', 'h', 'a'],
      ['GET', 'h'],
      ['PFADD', 'h', 'zz'],
      ['GET', 'h'],
      ['PFCOUNT', 'h'],
      ['PFADD', 'bin', Buffer.from([0, 1, 0xff]), '', Buffer.from('\r\n\0', 'latin1'), 'x'.repeat(1000)],
      ['GET', 'bin'],
      ['PFCOUNT', 'bin'],
      ['PFCOUNT', 'nokey'],
      ['EXISTS', 'nokey'],
    ]);
    // PFADD keeps the TTL of an existing key.
    await d.same(['EXPIRE', 'h', '100']);
    await d.same(['PFADD', 'h', 'ttl-kept']);
    await d.same(['TTL', 'h'], nearInteger(1));
  });

  it('the sparse representation, up to the promotion at hll-sparse-max-bytes', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.same(['FLUSHALL']);
    let dense = false;
    for (let i = 0; i < 4000 && !dense; i++) {
      await d.same(['PFADD', 's', `element:${i}`]);
      if (i % 25 === 0 || i > 1500) {
        const enc = await d.same(['PFDEBUG', 'ENCODING', 's']);
        dense = (enc as { status: string }).status === 'dense';
        if (i % 25 === 0 || dense) await d.same(['GET', 's']);
        if (i % 100 === 0) await d.same(['PFCOUNT', 's']);
      }
    }
    assert.deepEqual(await d.same(['PFDEBUG', 'ENCODING', 's']), { status: 'dense' });
    await d.same(['PFDEBUG', 'DECODE', 's']);
  });

  it('hll-sparse-max-bytes decides the promotion; a register over 32 promotes at once', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    for (const max of ['0', '1', '20', '30', '100', '3000', '20000']) {
      await d.same(['CONFIG', 'SET', 'hll-sparse-max-bytes', max]);
      await d.same(['DEL', 'p']);
      for (let i = 0; i < 200; i++) {
        await d.same(['PFADD', 'p', `x${i}`, `y${i}`]);
        if (i % 10 === 0) {
          await d.same(['GET', 'p']);
          await d.same(['PFDEBUG', 'ENCODING', 'p']);
        }
      }
      await d.same(['GET', 'p']);
      await d.same(['PFCOUNT', 'p']);
    }
    await d.same(['CONFIG', 'SET', 'hll-sparse-max-bytes', '3000']);
    // A sparse value whose only register is 33: hand-made, then raised by PFADD until it promotes.
    await d.same(['SET', 'big', hll(1, Buffer.from([0x7f, 0xff]))]);
    for (let i = 0; i < 3000; i++) {
      const r = await d.same(['PFADD', 'big', `r${i}`]);
      if (r === 1 && i % 13 === 0) await d.same(['GET', 'big']);
    }
    await d.same(['GET', 'big']);
  });

  it('PFCOUNT of 100k elements equals Redis exactly, single and union', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.same(['FLUSHALL']);
    for (let b = 0; b < 100; b++) {
      const args: Arg[] = ['PFADD', 'big'];
      for (let i = 0; i < 1000; i++) args.push(`item-${b * 1000 + i}`);
      await d.same(args);
      if (b % 10 === 0) await d.same(['PFCOUNT', 'big']);
    }
    const count = (await d.same(['PFCOUNT', 'big'])) as number;
    assert.ok(Math.abs(count - 100000) < 3000, `estimate ${count}`);
    await d.same(['GET', 'big']);
    for (let i = 0; i < 500; i++) await d.same(['PFADD', 'small', `item-${i * 7}`, `other-${i}`]);
    await d.all([
      ['PFCOUNT', 'big', 'small'],
      ['PFCOUNT', 'small', 'big', 'nokey'],
      ['PFCOUNT', 'small', 'small'],
      ['PFCOUNT', 'nokey', 'nokey2'],
      ['GET', 'small'],
    ]);
  });

  it('PFMERGE: sparse and dense sources, existing and new destinations', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.same(['FLUSHALL']);
    for (let i = 0; i < 40; i++) await d.same(['PFADD', 'sp1', `a${i}`]);
    for (let i = 0; i < 60; i++) await d.same(['PFADD', 'sp2', `b${i}`, `a${i}`]);
    const dense: Arg[] = ['PFADD', 'dn'];
    for (let i = 0; i < 5000; i++) dense.push(`c${i}`);
    await d.same(dense);
    await d.all([
      ['PFMERGE', 'm1', 'sp1', 'sp2'],
      ['GET', 'm1'],
      ['PFDEBUG', 'ENCODING', 'm1'],
      ['PFCOUNT', 'm1'],
      ['PFMERGE', 'm2', 'sp1', 'dn'],
      ['GET', 'm2'],
      ['PFDEBUG', 'ENCODING', 'm2'],
      ['PFMERGE', 'sp1', 'sp2'],
      ['GET', 'sp1'],
      ['PFMERGE', 'sp2', 'dn', 'nokey'],
      ['GET', 'sp2'],
      ['PFMERGE', 'dn', 'sp1'],
      ['GET', 'dn'],
      ['PFMERGE', 'empty'],
      ['GET', 'empty'],
      ['PFMERGE', 'empty2', 'nokey'],
      ['GET', 'empty2'],
      ['PFCOUNT', 'm1', 'm2', 'dn'],
      ['SET', 'str', 'notanhll'],
      ['PFMERGE', 'm3', 'sp1', 'str'],
      ['EXISTS', 'm3'],
      ['PFMERGE', 'str', 'sp1'],
      ['LPUSH', 'list', 'x'],
      ['PFMERGE', 'm3', 'list'],
      ['PFMERGE', 'list', 'sp1'],
    ]);
    // Merging into an existing key keeps its TTL.
    await d.same(['EXPIRE', 'm1', '100']);
    await d.same(['PFMERGE', 'm1', 'dn']);
    await d.same(['TTL', 'm1'], nearInteger(1));
    await d.same(['GET', 'm1']);
  });

  it('invalid and corrupt values: Redis errors, and what PFCOUNT trusts', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    // Sparse opcodes that cover too few or too many registers.
    const short = hll(1, Buffer.from([0x7f, 0xfe]));
    const long = hll(1, Buffer.from([0x7f, 0xff, 0x00]));
    const valOverflow = hll(1, Buffer.from([0x7f, 0xfe, 0x83]));
    const cachedShort = hll(1, Buffer.from([0x7f, 0xfe]), Buffer.from([42, 0, 0, 0, 0, 0, 0, 0]));
    const values: [string, Arg][] = [
      ['tooshort', 'HYLL'],
      [
        'badmagic',
        Buffer.concat([Buffer.from('X', 'latin1'), hll(1, Buffer.from([0x7f, 0xff])).subarray(1)]),
      ],
      ['badenc', hll(2, Buffer.from([0x7f, 0xff]))],
      ['densebad', hll(0, Buffer.alloc(100))],
      ['dense', hll(0, Buffer.alloc(12288))],
      ['intval', '12345'],
      ['short', short],
      ['long', long],
      ['valoverflow', valOverflow],
      ['cachedshort', cachedShort],
      ['halfxzero', hll(1, Buffer.from([0x7f]))],
      ['empty', SPARSE_EMPTY],
    ];
    await d.same(['FLUSHALL']);
    for (const [k, v] of values) await d.same(['SET', k, v]);
    for (const [k] of values) {
      await d.all([
        ['OBJECT', 'ENCODING', k],
        ['PFCOUNT', k],
        ['GET', k],
        ['PFCOUNT', k, 'empty'],
        ['PFMERGE', 'dst', k],
        ['PFDEBUG', 'ENCODING', k],
        ['PFDEBUG', 'DECODE', k],
        ['PFADD', k, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'],
        ['GET', k],
        ['OBJECT', 'ENCODING', k],
        ['PFDEBUG', 'TODENSE', k],
        ['GET', k],
      ]);
    }
    await d.all([
      ['SADD', 'set', 'x'],
      ['PFADD', 'set', 'a'],
      ['PFCOUNT', 'set'],
      ['PFCOUNT', 'set', 'empty'],
      ['PFDEBUG', 'ENCODING', 'set'],
    ]);
  });

  it('PFDEBUG subcommands', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['FLUSHALL'],
      ['PFADD', 'h', 'a', 'b', 'c'],
      ['PFDEBUG', 'DECODE', 'h'],
      ['PFDEBUG', 'decode', 'h'],
      ['PFDEBUG', 'ENCODING', 'h'],
      ['PFDEBUG', 'FOO', 'h'],
      ['PFDEBUG', 'foo\0bar', 'h'],
      ['PFDEBUG', 'ENCODING', 'nokey'],
      ['PFDEBUG', 'GETREG', 'h'],
      ['GET', 'h'],
      ['PFDEBUG', 'ENCODING', 'h'],
      ['PFDEBUG', 'DECODE', 'h'],
      ['PFDEBUG', 'TODENSE', 'h'],
      ['PFADD', 'h2', 'x'],
      ['PFDEBUG', 'TODENSE', 'h2'],
      ['GET', 'h2'],
      ['PFDEBUG', 'GETREG', 'h2'],
      ['PFDEBUG', 'ENCODING\0x', 'h2'],
    ]);
  });

  it('PFSELFTEST passes', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.same(['PFSELFTEST']);
  });

  it('values move between the servers: Redis bytes work in Redoubt and back', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.same(['FLUSHALL']);
    const sizes = [3, 200, 3000];
    for (const n of sizes) {
      const args: Arg[] = ['PFADD', `v${n}`];
      for (let i = 0; i < n; i++) args.push(`m${i}`);
      await d.redis.call(...args);
      const bytes = await d.redis.raw('GET', `v${n}`);
      // Strip the bulk header and CRLF: the value's bytes.
      const start = bytes.indexOf('\r\n') + 2;
      const value = bytes.subarray(start, bytes.length - 2);
      await d.redoubt.call('SET', `v${n}`, value);
      await d.same(['GET', `v${n}`]);
      await d.same(['PFCOUNT', `v${n}`]);
      await d.same(['PFADD', `v${n}`, 'extra1', 'extra2']);
      await d.same(['GET', `v${n}`]);
    }
    // And the other way: Redoubt's bytes into Redis.
    await d.redoubt.call('PFADD', 'back', 'p', 'q', 'r');
    const raw = await d.redoubt.raw('GET', 'back');
    await d.redis.call('SET', 'back', raw.subarray(raw.indexOf('\r\n') + 2, raw.length - 2));
    await d.same(['PFCOUNT', 'back']);
    await d.same(['GET', 'back']);
  });

  it('DUMP and RESTORE move values between the servers, sparse and dense', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const seed = testSeed();
    const rnd = prng(seed);
    t.diagnostic(`seed ${seed} (REDOUBT_SEED to replay)`);
    await d.same(['FLUSHALL']);
    for (const n of [0, 1, 50, 400, 5000]) {
      const args: Arg[] = ['PFADD', `h${n}`];
      for (let i = 0; i < n; i++) args.push(`m${Math.floor(rnd() * 1e9)}`);
      await d.same(args);
      await d.same(['PFMERGE', `m${n}`, `h${n}`, 'h0']);
      for (const k of [`h${n}`, `m${n}`]) {
        // The serialized values are the same bytes, and each server restores the other's.
        const payload = Buffer.from((await d.same(['DUMP', k])) as string, 'latin1');
        await d.same(['RESTORE', `${k}:copy`, '0', payload]);
        await d.same(['GET', `${k}:copy`]);
        await d.same(['PFCOUNT', `${k}:copy`]);
        await d.same(['PFDEBUG', 'ENCODING', `${k}:copy`]);
        const fromRedis = Buffer.from((await d.redis.call('DUMP', k)) as string, 'latin1');
        await d.redoubt.call('RESTORE', `${k}:x`, '0', fromRedis);
        const fromRedoubt = Buffer.from((await d.redoubt.call('DUMP', k)) as string, 'latin1');
        await d.redis.call('RESTORE', `${k}:x`, '0', fromRedoubt);
        await d.same(['GET', `${k}:x`]);
        await d.same(['PFADD', `${k}:x`, 'one-more']);
        await d.same(['GET', `${k}:x`]);
      }
    }
  });

  it('keyspace hits and misses counted as Redis counts them', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([['FLUSHALL'], ['CONFIG', 'RESETSTAT']]);
    const stats = async (): Promise<void> => {
      const lines = (v: unknown): string =>
        String(v)
          .split('\r\n')
          .filter((l) => /^keyspace_(hits|misses):/.test(l))
          .join(' ');
      const [a, b] = await Promise.all([d?.redoubt.call('INFO', 'stats'), d?.redis.call('INFO', 'stats')]);
      assert.equal(lines(a), lines(b));
    };
    for (const cmd of [
      ['PFADD', 'h', 'a'],
      ['PFCOUNT', 'h'],
      ['PFCOUNT', 'h'],
      ['PFCOUNT', 'nokey'],
      ['PFCOUNT', 'h', 'nokey'],
      ['PFMERGE', 'h', 'nokey'],
      ['PFMERGE', 'new', 'h'],
      ['PFDEBUG', 'ENCODING', 'h'],
      ['PFADD', 'h', 'z'],
    ]) {
      await d.same(cmd);
      await stats();
    }
  });

  it('keyspace events: pfadd for PFADD that changes something and for PFMERGE, none for reads', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([['FLUSHALL'], ['CONFIG', 'SET', 'notify-keyspace-events', 'KEA']]);
    const sub = await SubscriberPair.open(d);
    try {
      await sub.same(['PSUBSCRIBE', '__key*__:*']);
      for (const cmd of [
        ['PFADD', 'h'],
        ['PFADD', 'h'],
        ['PFADD', 'h', 'a', 'b'],
        ['PFADD', 'h', 'a'],
        ['PFCOUNT', 'h'],
        ['PFCOUNT', 'h', 'nokey'],
        ['PFMERGE', 'm', 'h'],
        ['PFMERGE', 'm'],
        ['PFDEBUG', 'TODENSE', 'm'],
        ['PFDEBUG', 'GETREG', 'h'],
        ['SET', 'str', 'x'],
        ['PFADD', 'str', 'a'],
        ['PFMERGE', 'm', 'str'],
      ]) {
        await sub.command(d, cmd);
      }
    } finally {
      sub.close();
      await d.same(['CONFIG', 'SET', 'notify-keyspace-events', '']);
    }
  });

  it('RESP3 replies', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.same(['FLUSHALL']);
    await inResp3(d, [
      ['PFADD', 'h', 'a'],
      ['PFCOUNT', 'h'],
      ['PFMERGE', 'h2', 'h'],
      ['PFDEBUG', 'ENCODING', 'h'],
      ['PFDEBUG', 'DECODE', 'h'],
      ['PFCOUNT', 'nokey'],
    ]);
  });

  it('seeded randomized run', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const seed = testSeed();
    const rnd = prng(seed);
    t.diagnostic(`seed ${seed} (REDOUBT_SEED to replay)`);
    await d.same(['FLUSHALL']);
    const keys = ['r1', 'r2', 'r3', 'r4'];
    const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)] as T;
    for (let step = 0; step < 1500; step++) {
      const x = rnd();
      const k = pick(keys);
      if (x < 0.6) {
        const args: Arg[] = ['PFADD', k];
        const n = Math.floor(rnd() * (rnd() < 0.1 ? 400 : 6));
        for (let i = 0; i < n; i++) args.push(`e${Math.floor(rnd() * 20000)}`);
        await d.same(args);
      } else if (x < 0.75) {
        await d.same(['PFCOUNT', k]);
      } else if (x < 0.85) {
        await d.same(['PFCOUNT', k, pick(keys), pick(keys)]);
      } else if (x < 0.92) {
        await d.same(['PFMERGE', k, pick(keys), pick(keys)]);
      } else if (x < 0.97) {
        await d.same(['GET', k]);
      } else {
        await d.same(['DEL', k]);
      }
    }
    for (const k of keys) await d.same(['GET', k]);
  });
});
